//! `hallway schedule ...`: build an edition's timetable, or work a CoSPLib benchmark instance.

use crate::only_edition;
use anyhow::{Context, Result};
use clap::Subcommand;
use hallway_app::scheduler::anneal::{self, Budget};
use hallway_app::scheduler::cosplib;
use hallway_app::{App, OrgaCtx, SolveOptions, StaleProposal};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Subcommand, Debug)]
pub enum ScheduleCommand {
    /// Propose a timetable for an edition (or solve a CoSPLib instance).
    Solve {
        /// The edition; may be left out when there is only one.
        #[arg(long, conflicts_with = "cosplib")]
        edition: Option<String>,
        /// A CoSPLib instance (.xlsx) instead of an edition.
        #[arg(long)]
        cosplib: Option<PathBuf>,
        /// How long to search: 60s, 5m, 500ms.
        #[arg(long, default_value = "60s", value_parser = parse_duration)]
        time_limit: Duration,
        /// Stop after this many moves instead; with it a seed gives the same result every time.
        #[arg(long)]
        iterations: Option<u64>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Threads to search on (the machine's cores by default).
        #[arg(long)]
        threads: Option<usize>,
        /// Stay close to the work in progress: moving a session costs.
        #[arg(long)]
        keep_close: bool,
        /// Build from nothing instead of starting from the work in progress.
        #[arg(long, conflicts_with = "keep_close")]
        from_scratch: bool,
        /// Interest from a poll: a CSV of attendee,session rows instead of the bookmarks.
        #[arg(long)]
        interest: Option<PathBuf>,
        /// Write the proposal into the work in progress at once.
        #[arg(long)]
        apply: bool,
        /// CoSPLib only: write the timetable here, in CoSPLib's solution layout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Score a CoSPLib solution as the benchmark's official checker does.
    Evaluate {
        #[arg(long)]
        cosplib: PathBuf,
        #[arg(long)]
        solution: PathBuf,
    },
    /// Show a proposal beside the work in progress, figure by figure.
    Compare {
        #[arg(long)]
        edition: Option<String>,
        /// The proposal's number (the newest by default).
        #[arg(long)]
        proposal: Option<u32>,
    },
    /// Write a proposal into the work in progress.
    Apply {
        #[arg(long)]
        edition: Option<String>,
        #[arg(long)]
        proposal: Option<u32>,
        /// Apply it even when the work in progress changed since it was solved: its
        /// placements then go over what changed.
        #[arg(long)]
        force: bool,
    },
    /// Fix sessions where they are: solves move everything else around them.
    Pin {
        #[arg(long)]
        edition: Option<String>,
        /// Sessions by GUID, by their source id (a Sched UID) or by a title no other has.
        #[arg(required = true)]
        sessions: Vec<String>,
    },
    /// Let pinned sessions move again.
    Unpin {
        #[arg(long)]
        edition: Option<String>,
        #[arg(required = true)]
        sessions: Vec<String>,
    },
    /// Write the edition's timetabling problem as JSON, for tools outside Hallway.
    Problem {
        #[arg(long)]
        edition: Option<String>,
        /// Where to write it (stdout by default).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Score a timetable made elsewhere: a JSON list with, for each session of `problem`, its
    /// placement ({"room", "day", "start"}) or null.
    Score {
        #[arg(long)]
        edition: Option<String>,
        #[arg(long)]
        placements: PathBuf,
    },
    /// Set how many people a room seats (`none` when unknown).
    Capacity {
        #[arg(long)]
        edition: Option<String>,
        /// The room's slug.
        room: String,
        seats: String,
    },
}

pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: f64 = number
        .parse()
        .map_err(|_| format!("{s:?}: write a duration like 60s, 5m or 500ms"))?;
    let seconds = match unit.trim() {
        "ms" => n / 1000.0,
        "s" | "" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        other => return Err(format!("{s:?}: unknown unit {other:?} (ms, s, m, h)")),
    };
    if !(seconds > 0.0 && seconds < 7.0 * 24.0 * 3600.0) {
        return Err(format!("{s:?}: give a positive duration under a week"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {elapsed}/{duration} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn read(path: &PathBuf) -> Result<(String, Vec<u8>)> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("{name}: cannot read the file"))?;
    Ok((name, bytes))
}

fn print_breakdown(b: &cosplib::Breakdown) {
    for c in &b.components {
        println!("{:<58} {:>12}", c.name, c.value);
    }
}

/// Runs a schedule command; `database` is opened only by the commands on an edition.
pub async fn run(database: &str, command: ScheduleCommand) -> Result<()> {
    let open = || App::open_as_operator(database);
    match command {
        ScheduleCommand::Evaluate { cosplib, solution } => {
            let (name, bytes) = read(&cosplib)?;
            let inst = cosplib::Instance::read(&bytes, &name)?;
            let (sol_name, sol) = read(&solution)?;
            let tt = cosplib::solution::read(&inst, &sol, &sol_name)?;
            for v in cosplib::violations(&inst, &tt) {
                println!("invalid: {v}");
            }
            let b = cosplib::evaluate(&inst, &tt);
            print_breakdown(&b);
            println!("objective {}", b.total());
            Ok(())
        }
        ScheduleCommand::Solve {
            cosplib: Some(path),
            time_limit,
            iterations,
            seed,
            threads,
            output,
            ..
        } => {
            let (name, bytes) = read(&path)?;
            let inst = cosplib::Instance::read(&bytes, &name)?;
            let budget = match iterations {
                Some(n) => Budget::iterations(n),
                None => Budget::time(time_limit),
            };
            let bound = cosplib::solve::lower_bound(&inst);
            let progress = bar(1000);
            let report = |r: anneal::Report| {
                progress.set_position((r.progress * 1000.0) as u64);
                progress.set_message(format!("best {} · bound {bound}", r.best));
            };
            let threads = threads.unwrap_or_else(anneal::available_threads);
            let (tt, b) = cosplib::solve::solve(&inst, seed, threads, budget, &report)?;
            progress.finish_and_clear();
            print_breakdown(&b);
            println!("bound {bound}");
            if let Some(out) = output {
                let bytes = cosplib::solution::write(&inst, &tt, &b)?;
                std::fs::write(&out, bytes)
                    .with_context(|| format!("cannot write {}", out.display()))?;
                println!("wrote {}", out.display());
            }
            println!("objective {}", b.total());
            Ok(())
        }
        ScheduleCommand::Solve {
            edition,
            time_limit,
            iterations,
            seed,
            threads,
            keep_close,
            from_scratch,
            interest,
            apply,
            ..
        } => {
            let (app, orga) = open().await?;
            let edition = only_edition(&app, edition).await?;
            let interest = match interest {
                Some(path) => {
                    let (name, bytes) = read(&path)?;
                    Some(app.read_interest(&orga, &edition, &name, &bytes).await?)
                }
                None => None,
            };
            let options = SolveOptions {
                budget: match iterations {
                    Some(n) => Budget::iterations(n),
                    None => Budget::time(time_limit),
                },
                seed,
                threads: threads.unwrap_or_else(anneal::available_threads),
                keep_close,
                interest,
                from_scratch,
            };
            let mut job = app.start_solve(&orga, &edition, options).await?;
            let progress = bar(1000);
            loop {
                tokio::select! {
                    changed = job.progress.changed() => {
                        if changed.is_err() { break; }
                        let p = *job.progress.borrow();
                        progress.set_position(u64::from(p.permille));
                        progress.set_message(format!(
                            "best {} · bound {} · gap {:.1}%",
                            p.best, p.bound, 100.0 * p.gap()
                        ));
                    }
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {
                        if job.done.is_finished() { break; }
                    }
                }
            }
            let proposal = job.done.await??;
            progress.finish_and_clear();
            let f = &proposal.figures;
            println!(
                "Proposal {} for {edition}: {} sessions placed in {:.1}s; {} rules broken, {} bookmarks missed, {} people over capacity, {} coherence penalties",
                proposal.number,
                proposal.placements.len(),
                proposal.seconds,
                f.hard,
                f.conflicts,
                f.overflow,
                f.coherence
            );
            println!(
                "cost {} · bound {} ({} bookmarks missed, {} people over capacity at least)",
                f.cost, proposal.bound.cost, proposal.bound.conflicts, proposal.bound.overflow
            );
            if apply {
                let applied = app
                    .apply_proposal(
                        &orga,
                        &edition,
                        Some(proposal.number),
                        StaleProposal::Refuse,
                    )
                    .await?;
                let c = applied.changes.counts();
                println!(
                    "Applied proposal {} to the work in progress (now version {}): {} moved in time, {} moved room",
                    applied.number, applied.version, c.moved_in_time, c.moved_room
                );
            } else {
                println!(
                    "`hallway schedule compare` shows it beside the work in progress; `--apply` or `hallway schedule apply` writes it"
                );
            }
            Ok(())
        }
        ScheduleCommand::Compare { edition, proposal } => {
            let (app, orga) = open().await?;
            let edition = only_edition(&app, edition).await?;
            let c = app.compare_proposal(&orga, &edition, proposal).await?;
            println!(
                "Proposal {} against the work in progress of {edition}",
                c.number
            );
            println!(
                "{:<34} {:>14} {:>14} {:>14}",
                "", "work in progress", "proposal", "lower bound"
            );
            let [now, then, bound] = [&c.current, &c.proposed, &c.bound];
            let rows = [
                ("rules broken", [now.hard, then.hard, bound.hard]),
                (
                    "bookmarks missed",
                    [now.conflicts, then.conflicts, bound.conflicts],
                ),
                (
                    "overlapping bookmark pairs",
                    [
                        now.conflict_pairs,
                        then.conflict_pairs,
                        bound.conflict_pairs,
                    ],
                ),
                (
                    "people over capacity",
                    [now.overflow, then.overflow, bound.overflow],
                ),
                (
                    "track coherence penalties",
                    [now.coherence, then.coherence, bound.coherence],
                ),
                (
                    "outside preferred times",
                    [now.preference, then.preference, bound.preference],
                ),
                ("weighted cost", [now.cost, then.cost, bound.cost]),
            ];
            for (label, [a, b, c]) in rows {
                println!("{label:<34} {a:>14} {b:>14} {c:>14}");
            }
            println!("{} sessions move", c.moved);
            println!(
                "Remaining conflicts by size (pairs of sessions sharing at least N bookmarkers):"
            );
            for (size, n) in &c.by_size {
                println!("  ≥ {size:>4}: {n}");
            }
            if !c.biggest.is_empty() {
                println!("Biggest remaining conflicts:");
            }
            for line in &c.biggest {
                println!(
                    "  {} attendees bookmarked both {:?} and {:?}; {}",
                    line.attendees, line.sessions[0], line.sessions[1], line.why
                );
            }
            Ok(())
        }
        ScheduleCommand::Apply {
            edition,
            proposal,
            force,
        } => {
            let (app, orga) = open().await?;
            let edition = only_edition(&app, edition).await?;
            let stale = if force {
                StaleProposal::Apply
            } else {
                StaleProposal::Refuse
            };
            let applied = app.apply_proposal(&orga, &edition, proposal, stale).await?;
            let c = applied.changes.counts();
            println!(
                "Applied proposal {} to the work in progress of {edition} (now version {}): {} moved in time, {} moved room (`hallway release` publishes it)",
                applied.number, applied.version, c.moved_in_time, c.moved_room
            );
            Ok(())
        }
        ScheduleCommand::Problem { edition, output } => {
            let (app, orga) = open().await?;
            let edition = only_edition(&app, edition).await?;
            let file = app.timetable_problem(&orga, &edition).await?;
            let json = serde_json::to_string(&file)?;
            match output {
                Some(path) => std::fs::write(&path, json)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => println!("{json}"),
            }
            Ok(())
        }
        ScheduleCommand::Score {
            edition,
            placements,
        } => {
            let (app, orga) = open().await?;
            let edition = only_edition(&app, edition).await?;
            let (name, bytes) = read(&placements)?;
            let placement: Vec<Option<hallway_app::scheduler::model::Placement>> =
                serde_json::from_slice(&bytes)
                    .with_context(|| format!("{name}: not a list of placements"))?;
            let (f, bound) = app.score_timetable(&orga, &edition, &placement).await?;
            let rows = [
                ("rules broken", f.hard, bound.hard),
                ("bookmarks missed", f.conflicts, bound.conflicts),
                (
                    "overlapping bookmark pairs",
                    f.conflict_pairs,
                    bound.conflict_pairs,
                ),
                ("people over capacity", f.overflow, bound.overflow),
                ("track coherence penalties", f.coherence, bound.coherence),
                ("outside preferred times", f.preference, bound.preference),
            ];
            for (label, value, at_least) in rows {
                println!("{label:<34} {value:>10}   (bound {at_least})");
            }
            println!("cost {}", f.cost);
            Ok(())
        }
        ScheduleCommand::Pin { edition, sessions } => {
            let (app, orga) = open().await?;
            pin(&app, &orga, edition, &sessions, true).await
        }
        ScheduleCommand::Unpin { edition, sessions } => {
            let (app, orga) = open().await?;
            pin(&app, &orga, edition, &sessions, false).await
        }
        ScheduleCommand::Capacity {
            edition,
            room,
            seats,
        } => {
            let (app, orga) = open().await?;
            let edition = only_edition(&app, edition).await?;
            let seats = match seats.as_str() {
                "none" => None,
                n => Some(
                    n.parse::<u32>()
                        .with_context(|| format!("{n:?}: a number of seats or none"))?,
                ),
            };
            app.set_room_capacity(&orga, &edition, &room, seats).await?;
            println!(
                "{room} seats {}",
                seats.map_or("an unknown number".to_owned(), |n| n.to_string())
            );
            Ok(())
        }
    }
}

async fn pin(
    app: &App,
    orga: &OrgaCtx,
    edition: Option<String>,
    sessions: &[String],
    pinned: bool,
) -> Result<()> {
    let edition = only_edition(app, edition).await?;
    let guids = app.find_sessions(orga, &edition, sessions).await?;
    app.pin_sessions(orga, &edition, &guids, pinned).await?;
    let now = app.pinned_sessions(orga, &edition).await?;
    println!(
        "{} {} sessions; {} pinned in {edition}",
        if pinned { "Pinned" } else { "Unpinned" },
        guids.len(),
        now.len()
    );
    Ok(())
}
