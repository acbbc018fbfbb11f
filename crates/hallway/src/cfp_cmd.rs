//! `hallway edition add` and `hallway event add`: an edition and its events made before any
//! schedule exists, so that their calls for papers can open.

use anyhow::Result;
use clap::Subcommand;
use hallway_app::{App, NewEdition, NewEvent};

#[derive(Subcommand, Debug)]
pub enum EditionCommand {
    /// Create an edition with no schedule yet (e.g. to run its call for papers first).
    Add {
        /// Its slug, as URLs name it (`kubecon-na-2026`).
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        venue: String,
        /// The venue's IANA time zone (`America/Denver`).
        #[arg(long)]
        time_zone: String,
        /// First day, `2026-11-10`.
        #[arg(long)]
        start: String,
        /// Last day.
        #[arg(long)]
        end: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum EventCommand {
    /// Add an event (the main conference or a co-located one) to an edition.
    Add {
        /// Its slug (`main`, `rejekts`).
        slug: String,
        #[arg(long)]
        edition: String,
        #[arg(long)]
        name: String,
        /// main or co-located.
        #[arg(long, default_value = "main")]
        kind: String,
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: String,
    },
}

pub async fn edition(database: &str, command: EditionCommand) -> Result<()> {
    let (app, orga) = App::open_as_operator(database).await?;
    match command {
        EditionCommand::Add {
            slug,
            name,
            venue,
            time_zone,
            start,
            end,
        } => {
            let e = app
                .create_edition(
                    &orga,
                    &NewEdition {
                        slug,
                        name,
                        venue,
                        time_zone,
                        start_date: start,
                        end_date: end,
                    },
                )
                .await?;
            println!(
                "Created {} ({}), {} to {} in {}",
                e.slug, e.name, e.start_date, e.end_date, e.time_zone
            );
        }
    }
    Ok(())
}

pub async fn event(database: &str, command: EventCommand) -> Result<()> {
    let (app, orga) = App::open_as_operator(database).await?;
    match command {
        EventCommand::Add {
            slug,
            edition,
            name,
            kind,
            start,
            end,
        } => {
            let ev = app
                .add_event(
                    &orga,
                    &edition,
                    &NewEvent {
                        slug,
                        name,
                        kind,
                        start_date: start,
                        end_date: end,
                    },
                )
                .await?;
            println!(
                "Added {} ({}) to {edition}, {} to {}",
                ev.slug, ev.name, ev.start_date, ev.end_date
            );
        }
    }
    Ok(())
}
