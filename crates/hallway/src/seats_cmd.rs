//! `hallway seats`: organizers give sessions with limited places a seat list, set the claim
//! window and the seats per day, and print a list (to export it or to check people in).

use anyhow::Result;
use clap::Subcommand;
use hallway_app::App;

#[derive(Subcommand, Debug)]
pub enum SeatsCommand {
    /// Give a placed session a seat list of CAPACITY (or change its capacity).
    Open {
        /// The session's GUID.
        session: String,
        #[arg(long)]
        edition: String,
        #[arg(long)]
        capacity: u32,
    },
    /// How long a freed seat is held for the next in line, and how many seats a person may
    /// hold a day, for one event or (without --event) the whole edition.
    Rules {
        #[arg(long)]
        edition: String,
        #[arg(long)]
        event: Option<String>,
        /// Minutes an offered seat is held (shorter as the session nears).
        #[arg(long)]
        claim_minutes: u32,
        #[arg(long)]
        per_day: Option<u32>,
        /// Let an attendee hold seats at overlapping times (refused by default).
        #[arg(long)]
        allow_overlaps: bool,
    },
    /// Print a session's list as CSV: seated first, then offered, then the line in order.
    List {
        session: String,
        #[arg(long)]
        edition: String,
    },
}

pub async fn run(database: &str, command: SeatsCommand) -> Result<()> {
    let (app, orga) = App::open_as_operator(database).await?;
    match command {
        SeatsCommand::Open {
            session,
            edition,
            capacity,
        } => {
            app.open_seat_list(&orga, &edition, &session, capacity)
                .await?;
            println!("{session} has {capacity} seats.");
        }
        SeatsCommand::Rules {
            edition,
            event,
            claim_minutes,
            per_day,
            allow_overlaps,
        } => {
            app.set_seat_rules(
                &orga,
                &edition,
                event.as_deref(),
                claim_minutes,
                per_day,
                allow_overlaps,
            )
            .await?;
            println!("Seat rules saved.");
        }
        SeatsCommand::List { session, edition } => {
            println!("email,state,offered_until,checked_in_at");
            for l in app.seat_lines(&orga, &edition, &session).await? {
                println!(
                    "{},{},{},{}",
                    l.email,
                    l.state.as_str(),
                    l.offered_until.map(|t| t.to_string()).unwrap_or_default(),
                    l.checked_in_at.map(|t| t.to_string()).unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}
