//! `hallway recordings`: organizers publish sessions' recordings, slides and captions.

use anyhow::{Context, Result};
use clap::Subcommand;
use hallway_app::App;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum RecordingsCommand {
    /// Import FILE.csv: session GUID, recording URL[, offset in seconds or h:mm:ss[, slides
    /// URL[, captions URL]]], an optional header row first. One bad row refuses the whole
    /// file, naming its line; a session marked do-not-record takes no recording URL.
    Import {
        file: PathBuf,
        #[arg(long)]
        edition: String,
    },
}

pub async fn run(database: &str, command: RecordingsCommand) -> Result<()> {
    let (app, orga) = App::open_as_operator(database).await?;
    match command {
        RecordingsCommand::Import { file, edition } => {
            let name = file.display().to_string();
            let f = std::fs::File::open(&file)
                .with_context(|| format!("{name}: cannot read the file"))?;
            let bytes = hallway_app::read_bounded(&name, f)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{name}: the file is not UTF-8 text"))?;
            let n = app.import_recordings(&orga, &edition, &name, &text).await?;
            println!(
                "{name}: {n} session{} got {} recordings, slides or captions.",
                if n == 1 { "" } else { "s" },
                if n == 1 { "its" } else { "their" }
            );
        }
    }
    Ok(())
}
