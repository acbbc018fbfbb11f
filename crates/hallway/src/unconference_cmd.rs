//! `hallway unconference`: the cut-off from the command line. `plan` prints where each topic of
//! the edition's board would go; with `--publish` it makes them sessions and releases them, as
//! the organizers' page does.

use anyhow::Result;
use clap::Subcommand;
use hallway_app::App;
use hallway_app::domain::Change;

#[derive(Subcommand, Debug)]
pub enum UnconferenceCommand {
    /// Print the plan of EDITION's board: each topic's slot, room and votes.
    Plan {
        edition: String,
        /// Put the plan into the schedule and release it (a changelog entry lists the
        /// sessions added, moved and taken out).
        #[arg(long)]
        publish: bool,
    },
}

pub async fn run(database: &str, command: UnconferenceCommand) -> Result<()> {
    let (app, orga) = App::open_as_operator(database).await?;
    let UnconferenceCommand::Plan { edition, publish } = command;
    let plan = app.plan_unconference(&orga, &edition).await?;
    for t in &plan.placed {
        println!(
            "{}\t{} ({} seats)\t{} vote{}\t{}",
            t.slot,
            t.room,
            t.capacity,
            t.votes,
            if t.votes == 1 { "" } else { "s" },
            t.title
        );
    }
    for t in &plan.waiting {
        println!("not placed\t\t{} votes\t{}", t.votes, t.title);
    }
    println!(
        "{} topics placed; {} voters beyond their room's seats; {} clashes",
        plan.placed.len(),
        plan.overflow,
        plan.clashes
    );
    if publish {
        let release = app.publish_unconference(&orga, &edition).await?;
        println!("Released version {}:", release.number);
        for c in &release.changes.changes {
            let (kind, title) = match c {
                Change::Added { title, .. } => ("added", title),
                Change::Removed { title, .. } => ("taken out", title),
                Change::MovedInTime { title, .. } => ("moved in time", title),
                Change::MovedRoom { title, .. } => ("moved room", title),
                Change::Retitled { to, .. } => ("retitled", to),
            };
            println!("  {kind}: {title}");
        }
    }
    Ok(())
}
