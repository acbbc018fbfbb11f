//! The `hallway` binary: one program that serves, imports, releases and runs the demo.

mod cfp_cmd;
mod config;
mod demo;
mod limits;
mod recordings_cmd;
mod schedule_cmd;
mod seats_cmd;
mod unconference_cmd;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use config::Config;
use hallway_app::domain::crowd::CrowdShape;
use hallway_app::domain::{Guid, Slug};
use hallway_app::{
    App, AppError, ExportFormat, Feed, Force, Format, ImportOptions, ImportOutcome, MailWorker,
    OrgaCtx, Removals, SmtpSettings,
};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::time::Duration;

/// jemalloc with background purging gives memory back after a burst (thousands of connections
/// held open, then closed); glibc's malloc keeps most of it for good.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The real KubeCon + CloudNativeCon Europe 2026 schedule, as Sched published it.
const DEMO_SCHEDULE: &[u8] =
    include_bytes!("../../../data/kubecon/kccnceu2026-sched-2026-03-22.ics");
const DEMO_DATABASE: &str = "hallway-demo.db";

#[derive(Parser, Debug)]
#[command(
    name = "hallway",
    version,
    about = "Conference platform: call for papers to wrap-up post"
)]
struct Cli {
    /// Database URL: sqlite://FILE (default sqlite://hallway.db) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "HALLWAY_DATABASE")]
    database: Option<String>,
    /// TOML configuration file (database, listen, public_url).
    #[arg(long, global = true, env = "HALLWAY_CONFIG")]
    config: Option<PathBuf>,
    /// The address people reach the site at, for links in exports (default http://LISTEN).
    #[arg(long, global = true, env = "HALLWAY_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the released schedules and the API.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "HALLWAY_LISTEN")]
        listen: Option<String>,
        #[command(flatten)]
        limits: limits::LimitArgs,
        /// Where mail goes out: smtp://host:port, smtp://host?tls=required or smtps://host.
        /// Without it, mail waits in the outbox.
        #[arg(long, env = "HALLWAY_SMTP_URL")]
        smtp_url: Option<String>,
        /// The From address of mail.
        #[arg(long, env = "HALLWAY_MAIL_FROM")]
        mail_from: Option<String>,
    },
    /// Start afresh with the real KubeCon EU 2026 schedule and 20,000 synthetic attendees, then serve.
    Demo {
        #[arg(long, env = "HALLWAY_LISTEN")]
        listen: Option<String>,
        /// How many synthetic attendees bookmark sessions.
        #[arg(long, default_value_t = 20_000)]
        attendees: usize,
        /// Seed of the synthetic crowd.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Prepare the database and exit instead of serving.
        #[arg(long)]
        no_serve: bool,
        #[command(flatten)]
        limits: limits::LimitArgs,
    },
    /// Create or update the database schema.
    Migrate,
    /// Import a published schedule (frab XML or JSON, xCal, iCalendar, CSV) into its edition's
    /// work in progress.
    Import {
        file: PathBuf,
        /// ical, frab-xml, frab-json, xcal or csv; told from the file when left out.
        #[arg(long)]
        format: Option<Format>,
        /// The edition to import into, instead of the one the file names (CSV files name none).
        #[arg(long)]
        edition: Option<String>,
        /// The venue's IANA time zone, when the file does not tell it.
        #[arg(long)]
        time_zone: Option<String>,
        /// Accept an update that cancels more than a quarter of the edition's sessions.
        #[arg(long)]
        allow_removals: bool,
    },
    /// Write a released schedule (or the work in progress) as frab XML or JSON, iCalendar, CSV
    /// or c3voc submissions.
    Export {
        /// The edition's slug; may be left out when there is only one edition.
        #[arg(long)]
        edition: Option<String>,
        /// frab-xml, frab-json, ical, csv or submissions.
        #[arg(long)]
        format: ExportFormat,
        /// A release's number (the newest by default).
        #[arg(long, conflicts_with = "wip")]
        release: Option<u32>,
        /// The work-in-progress schedule instead of a release.
        #[arg(long)]
        wip: bool,
        /// Write to FILE instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// iCalendar only: the sessions of one track (its slug).
        #[arg(long, group = "feed")]
        track: Option<String>,
        /// iCalendar only: the sessions in one room (its slug).
        #[arg(long, group = "feed")]
        room: Option<String>,
        /// iCalendar only: one speaker's sessions (their slug).
        #[arg(long, group = "feed")]
        speaker: Option<String>,
        /// iCalendar only: one co-located event's sessions (its slug).
        #[arg(long, group = "feed")]
        event: Option<String>,
        /// iCalendar only: these sessions (GUIDs, comma-separated).
        #[arg(long, group = "feed", value_delimiter = ',')]
        sessions: Vec<String>,
    },
    /// Build a timetable: solve, compare, apply, pin; or work a CoSPLib benchmark instance.
    Schedule {
        #[command(subcommand)]
        command: schedule_cmd::ScheduleCommand,
    },
    /// Freeze an edition's work-in-progress schedule into its next public release.
    Release {
        /// The edition's slug; may be left out when there is only one edition.
        edition: Option<String>,
        /// Make a release even when nothing changed since the last one.
        #[arg(long)]
        force: bool,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Editions made before any schedule exists.
    Edition {
        #[command(subcommand)]
        command: cfp_cmd::EditionCommand,
    },
    /// Events of an edition.
    Event {
        #[command(subcommand)]
        command: cfp_cmd::EventCommand,
    },
    /// Seat lists of sessions with limited places, and their rules.
    Seats {
        #[command(subcommand)]
        command: seats_cmd::SeatsCommand,
    },
    /// Sessions' recordings, slides and captions.
    Recordings {
        #[command(subcommand)]
        command: recordings_cmd::RecordingsCommand,
    },
    /// An edition's unconference board: plan it, and publish the plan as a release.
    Unconference {
        #[command(subcommand)]
        command: unconference_cmd::UnconferenceCommand,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Make EMAIL a site organizer (creating the account if needed) and print the link that
    /// sets its password, which is also mailed.
    Add {
        /// Required for now: other people sign up on the site.
        #[arg(long)]
        organizer: bool,
        email: String,
    },
    /// Give the account of EMAIL a role in an edition, or in one event of it.
    Grant {
        email: String,
        /// organizer, co-chair, reviewer, speaker or attendee.
        #[arg(long)]
        role: String,
        /// The edition's slug; may be left out when there is only one edition.
        #[arg(long)]
        edition: Option<String>,
        /// One event of the edition (a co-located event); without it, the whole edition.
        #[arg(long)]
        event: Option<String>,
        /// For co-chairs and reviewers: their tracks, by slug (without it: all tracks).
        #[arg(long, value_delimiter = ',')]
        tracks: Vec<String>,
    },
}

fn spinner(message: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn print_import(file: &str, out: &ImportOutcome) {
    let c = out.counts;
    println!(
        "{} {} ({}) from {file} ({}): {} sessions, {} speakers, {} rooms, {} tracks, {} events",
        if out.created { "Imported" } else { "Updated" },
        out.edition,
        out.edition_name,
        out.format,
        c.sessions,
        c.speakers,
        c.rooms,
        c.tracks,
        c.events,
    );
    if !out.created {
        let k = out.changes.counts();
        println!(
            "Changes: {} added, {} removed, {} moved in time, {} moved room, {} retitled",
            k.added, k.removed, k.moved_in_time, k.moved_room, k.retitled
        );
    }
    if !out.warnings.is_empty() {
        println!("Repairs: {} (each below)", repair_counts(&out.warnings));
    }
    for w in &out.warnings {
        println!("warning: {w}");
    }
}

/// The kinds of repair an import made and how often: "2 × duplicate id, 1 × time zone guessed".
fn repair_counts(warnings: &[hallway_app::Warning]) -> String {
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for w in warnings {
        let kind = w.kind.label();
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    kinds
        .iter()
        .map(|(k, n)| format!("{n} × {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn import(
    app: &App,
    orga: &OrgaCtx,
    path: &PathBuf,
    format: Option<Format>,
    opts: ImportOptions,
    removals: Removals,
) -> Result<ImportOutcome> {
    let name = path.display().to_string();
    let file =
        std::fs::File::open(path).with_context(|| format!("{name}: cannot read the file"))?;
    // A huge file, pipe or device is refused once the limit is read, never read whole.
    let bytes = hallway_app::read_bounded(&name, file)?;
    let bar = spinner(&format!("Importing {name}"));
    let out = app
        .import_schedule_with(orga, &name, &bytes, format, &opts, removals)
        .await;
    bar.finish_and_clear();
    let out = out?;
    print_import(&name, &out);
    Ok(out)
}

pub(crate) async fn only_edition(app: &App, given: Option<String>) -> Result<String> {
    if let Some(e) = given {
        return Ok(e);
    }
    let editions = app.editions().await?;
    match editions.as_slice() {
        [one] => Ok(one.slug.to_string()),
        [] => bail!("there is no edition yet: import a schedule first"),
        many => bail!(
            "there are {} editions: name one of {}",
            many.len(),
            many.iter()
                .map(|e| e.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn serve(
    app: App,
    listen: &str,
    public_url: String,
    limits: hallway_web::Limits,
    banner: Option<String>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    match banner {
        Some(path) => println!("Hallway is serving http://{addr}{path}"),
        None => println!("Hallway is serving http://{addr}"),
    }
    hallway_web::serve(listener, app, public_url, limits, shutdown_signal()).await?;
    Ok(())
}

fn remove_sqlite_files(file: &str) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{file}{suffix}");
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {path}")),
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HALLWAY_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(Cli::parse()));
    // Dropping the runtime would wait for blocking work still running, such as a release being
    // rendered when `serve` was told to stop; shutdown must not wait on it.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let config = Config::load(cli.config.as_deref(), cli.database.clone())?;
    match cli.command {
        Command::Serve {
            listen,
            limits,
            smtp_url,
            mail_from,
        } => {
            let listen = config.listen(listen);
            let public = config.public_url(cli.public_url, &listen)?;
            let app = App::open(&config.database).await?.with_public_url(&public);
            let (stop_mail, stopped) = tokio::sync::watch::channel(false);
            // Seat offers pass down their lines and reminders go out even when nobody acts.
            let sweeper = tokio::spawn(app.clone().sweep(Duration::from_secs(30), stopped.clone()));
            let mail = match config.smtp(smtp_url, mail_from)? {
                Some((url, from)) => {
                    let worker = MailWorker::new(app.clone(), SmtpSettings::new(&url, &from))?;
                    Some(tokio::spawn(worker.run(Duration::from_secs(5), stopped)))
                }
                None => {
                    tracing::warn!("no SMTP server given (--smtp-url): mail waits in the outbox");
                    None
                }
            };
            let served = serve(app, &listen, public, limits.into(), None).await;
            // The worker may already have ended (its receiver gone): nothing is left to stop then.
            let _ = stop_mail.send(true);
            if let Err(e) = sweeper.await {
                tracing::error!(error = %e, "the sweeper ended abnormally");
            }
            if let Some(mail) = mail
                && let Err(e) = mail.await
            {
                tracing::error!(error = %e, "the mail worker ended abnormally");
            }
            served
        }
        Command::Edition { command } => cfp_cmd::edition(&config.database, command).await,
        Command::Event { command } => cfp_cmd::event(&config.database, command).await,
        Command::Seats { command } => seats_cmd::run(&config.database, command).await,
        Command::Recordings { command } => recordings_cmd::run(&config.database, command).await,
        Command::Unconference { command } => unconference_cmd::run(&config.database, command).await,
        Command::User {
            command: UserCommand::Add { organizer, email },
        } => {
            if !organizer {
                bail!(
                    "people sign up on the site; `user add --organizer EMAIL` makes a site organizer"
                );
            }
            let public = config.public_url(cli.public_url, &config.listen(None))?;
            let (app, orga) = App::open_as_operator(&config.database).await?;
            let app = app.with_public_url(&public);
            let link = app.add_site_organizer(&orga, &email).await?;
            println!(
                "{} is a site organizer. Set the password within an hour: {link}",
                email.trim()
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Grant {
                    email,
                    role,
                    edition,
                    event,
                    tracks,
                },
        } => {
            let (app, orga) = App::open_as_operator(&config.database).await?;
            let edition = only_edition(&app, edition).await?;
            let granted = hallway_app::role(&role, &tracks)?;
            app.grant_role(&orga, &edition, event.as_deref(), &email, granted)
                .await?;
            let place = match &event {
                Some(event) => format!("{edition}/{event}"),
                None => edition,
            };
            println!("{} is a {role} of {place}", email.trim());
            Ok(())
        }
        Command::Demo {
            listen,
            attendees,
            seed,
            no_serve,
            limits,
        } => {
            let url = match cli.database.or(config.file_database.clone()) {
                Some(url) => url,
                None => {
                    remove_sqlite_files(DEMO_DATABASE)?;
                    format!("sqlite://{DEMO_DATABASE}")
                }
            };
            let (app, orga) = App::open_as_operator(&url).await?;
            let bar = spinner("Importing the KubeCon + CloudNativeCon Europe 2026 schedule");
            let out = app
                .import_schedule(
                    &orga,
                    "kccnceu2026-sched-2026-03-22.ics",
                    DEMO_SCHEDULE,
                    Some(Format::Ical),
                    &ImportOptions::default(),
                )
                .await;
            bar.finish_and_clear();
            let out = out?;
            print_import("the demo schedule", &out);
            let edition = out.edition.to_string();
            for room in app.work_in_progress(&orga, &edition).await?.schedule.rooms {
                let seats = demo::assumed_capacity(&room.name);
                app.set_room_capacity(&orga, &edition, room.slug.as_str(), Some(seats))
                    .await?;
            }
            if app.attendee_count(&edition).await? == 0 {
                let bar = spinner(&format!("Adding {attendees} attendees and their bookmarks"));
                let shape = CrowdShape {
                    attendees,
                    seed,
                    ..CrowdShape::default()
                };
                let crowd = app.add_synthetic_crowd(&orga, &edition, &shape).await;
                bar.finish_and_clear();
                let crowd = crowd?;
                println!(
                    "Added {} attendees with {} bookmarks",
                    crowd.attendees, crowd.bookmarks
                );
            }
            let bar = spinner("Releasing the schedule");
            let release = app.release(&orga, &edition, Force::OnlyIfChanged).await;
            bar.finish_and_clear();
            match release {
                Ok(release) => println!("Released {edition} as release {}", release.number),
                Err(AppError::Unchanged(number)) => {
                    println!("{edition} is unchanged since release {number}")
                }
                Err(e) => return Err(e.into()),
            }
            if no_serve {
                return Ok(());
            }
            let listen = config.listen(listen);
            let public = config.public_url(cli.public_url, &listen)?;
            let printer = tokio::spawn(demo::print_mail(app.clone()));
            let served = serve(
                app,
                &listen,
                public,
                limits.into(),
                Some(format!("/{edition}/")),
            )
            .await;
            printer.abort();
            served
        }
        Command::Migrate => {
            let store = hallway_app::Store::connect(&config.database).await?;
            let applied = store.migrate().await?;
            if applied.is_empty() {
                println!(
                    "The schema of {} is up to date",
                    hallway_store_redact(&config.database)
                );
            } else {
                println!(
                    "Applied migrations {applied:?} to {}",
                    hallway_store_redact(&config.database)
                );
            }
            Ok(())
        }
        Command::Import {
            file,
            format,
            edition,
            time_zone,
            allow_removals,
        } => {
            let (app, orga) = App::open_as_operator(&config.database).await?;
            let edition = edition
                .map(|e| Slug::parse(&e))
                .transpose()
                .context("--edition")?;
            let opts = ImportOptions {
                time_zone,
                edition,
                ..ImportOptions::default()
            };
            let removals = if allow_removals {
                Removals::Allowed
            } else {
                Removals::Guarded
            };
            import(&app, &orga, &file, format, opts, removals)
                .await
                .map(|_| ())
        }
        Command::Export {
            edition,
            format,
            release,
            wip,
            output,
            track,
            room,
            speaker,
            event,
            sessions,
        } => {
            let (app, orga) = App::open_as_operator(&config.database).await?;
            let edition = only_edition(&app, edition).await?;
            let slug = |s: String| Slug::parse(&s).map_err(anyhow::Error::from);
            let feed = match (track, room, speaker, event) {
                (Some(t), ..) => Feed::Track(slug(t)?),
                (_, Some(r), ..) => Feed::Room(slug(r)?),
                (_, _, Some(p), _) => Feed::Speaker(slug(p)?),
                (.., Some(e)) => Feed::Event(slug(e)?),
                _ if !sessions.is_empty() => Feed::Sessions(
                    sessions
                        .iter()
                        .map(|g| Guid::parse(g.trim()).with_context(|| format!("--sessions: {g}")))
                        .collect::<Result<_>>()?,
                ),
                _ => Feed::Edition,
            };
            let base = config.public_url(cli.public_url, &config.listen(None))?;
            let text = if wip {
                app.export_work_in_progress(&orga, &edition, format, &feed, &base)
                    .await?
            } else {
                app.export_release(&edition, release, format, &feed, &base)
                    .await?
            };
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(text.as_bytes())?;
                }
            }
            Ok(())
        }
        Command::Schedule { command } => schedule_cmd::run(&config.database, command).await,
        Command::Release { edition, force } => {
            let (app, orga) = App::open_as_operator(&config.database).await?;
            let edition = only_edition(&app, edition).await?;
            let force = if force {
                Force::Always
            } else {
                Force::OnlyIfChanged
            };
            let release = match app.release(&orga, &edition, force).await {
                Err(AppError::Unchanged(number)) => {
                    println!(
                        "Nothing changed in {edition} since release {number}: no release made (--force makes one anyway)"
                    );
                    return Ok(());
                }
                other => other?,
            };
            let c = release.changes.counts();
            println!(
                "Released {edition} as release {}: {} sessions; {} added, {} removed, {} moved in time, {} moved room, {} retitled since the release before",
                release.number,
                release.schedule.sessions.len(),
                c.added,
                c.removed,
                c.moved_in_time,
                c.moved_room,
                c.retitled
            );
            Ok(())
        }
    }
}

fn hallway_store_redact(url: &str) -> String {
    hallway_app::redact_database_url(url)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        super::Cli::command().debug_assert();
    }
}
