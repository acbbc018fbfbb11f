//! Building an edition's timetable: solve, compare with the work in progress, apply, pin.
//! The CLI calls these now; the organizer pages will call the same functions, starting a solve
//! as a background job and showing its progress.

use crate::timetable::{self, Mapping};
use crate::{App, AppError, OrgaCtx, Result};
use hallway_domain::{ChangeSet, Figures, Guid, Proposal, ProposedSlot, Schedule, Slug};
use hallway_scheduler::anneal::{Budget, Report};
use hallway_scheduler::eval::{Breakdown, Evaluator};
use hallway_scheduler::model::{Placement, Problem};
use hallway_scheduler::solve;
use hallway_store::{AttendeeStore, ScheduleStore, SchedulingStore, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::watch;

#[derive(Debug, Clone)]
pub struct SolveOptions {
    pub budget: Budget,
    pub seed: u64,
    pub threads: usize,
    /// Stay close to the work in progress (re-optimizing after a release) instead of starting
    /// afresh.
    pub keep_close: bool,
    /// Interest from a poll instead of the attendees' bookmarks.
    pub interest: Option<Vec<Vec<Guid>>>,
    /// Ignore where sessions are now and build from nothing.
    pub from_scratch: bool,
}

/// A solve's progress: the best cost so far next to the bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub best: i64,
    pub bound: i64,
    /// Parts per thousand of the budget used.
    pub permille: u32,
}

impl Progress {
    /// How far the best is above the bound, as a share of the best.
    pub fn gap(&self) -> f64 {
        if self.best <= 0 {
            0.0
        } else {
            (self.best - self.bound).max(0) as f64 / self.best as f64
        }
    }
}

/// A solve running in the background.
pub struct SolveJob {
    pub progress: watch::Receiver<Progress>,
    pub done: tokio::task::JoinHandle<Result<Proposal>>,
}

/// One remaining conflict of a proposal, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictLine {
    pub sessions: [String; 2],
    pub attendees: u32,
    pub why: String,
}

/// A proposal beside the work in progress, figure by figure.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub number: u32,
    pub current: Figures,
    pub proposed: Figures,
    pub bound: Figures,
    /// How many sessions the proposal moves.
    pub moved: usize,
    /// Remaining conflicts, largest first: how many pairs of each size.
    pub by_size: Vec<(u32, usize)>,
    pub biggest: Vec<ConflictLine>,
}

fn figures(b: &Breakdown, p: &Problem) -> Figures {
    Figures {
        hard: b.hard,
        conflicts: b.conflicts,
        conflict_pairs: b.conflict_pairs,
        overflow: b.overflow,
        coherence: b.coherence,
        preference: b.preference,
        changes: b.changes,
        cost: b.cost(&p.weights),
    }
}

/// An edition's timetabling problem, where its sessions are now and which session each index
/// stands for: what tools outside Hallway need to propose a timetable of their own.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ProblemFile {
    pub problem: Problem,
    pub current: Vec<Option<Placement>>,
    pub sessions: Vec<Guid>,
}

/// Whether a proposal solved on another version of the work in progress than the current one
/// may be applied over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaleProposal {
    /// Refuse it: applying it would undo what was written since it was solved.
    #[default]
    Refuse,
    /// Apply its placements over the current work in progress anyway.
    Apply,
}

/// What applying a proposal did.
#[derive(Debug, Clone)]
pub struct Applied {
    pub number: u32,
    pub changes: ChangeSet,
    /// The work in progress's version after it.
    pub version: u64,
}

/// Everything a solve needs, read once.
struct Inputs {
    schedule: Schedule,
    /// The work in progress's version the schedule is.
    version: u64,
    problem: Problem,
    mapping: Mapping,
}

impl App {
    async fn scheduling_inputs(
        &self,
        edition: &Slug,
        keep_close: bool,
        interest: Option<&[Vec<Guid>]>,
    ) -> Result<Inputs> {
        let wip = self.store.work_in_progress(edition).await?;
        let schedule = wip.schedule;
        // Read after the work in progress: a pin made in between bumps the version, so a
        // proposal built on it can never be applied over the version recorded here.
        let pinned: HashSet<Guid> = self.store.pinned(edition).await?.into_iter().collect();
        let bookmarks = match interest {
            Some(i) => i.to_vec(),
            None => self.store.bookmark_lists(edition).await?,
        };
        let (problem, mapping) = timetable::build(&schedule, &pinned, &bookmarks, keep_close);
        if problem.sessions.is_empty() {
            return Err(AppError::Invalid(format!(
                "{edition} has no talks with a room and a time to schedule"
            )));
        }
        Ok(Inputs {
            schedule,
            version: wip.version,
            problem,
            mapping,
        })
    }

    /// Starts a solve in the background; the proposal is stored when it ends.
    pub async fn start_solve(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        options: SolveOptions,
    ) -> Result<SolveJob> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        let inputs = self
            .scheduling_inputs(&slug, options.keep_close, options.interest.as_deref())
            .await?;
        solve::check_feasible(&inputs.problem).map_err(|e| AppError::Invalid(e.to_string()))?;
        let bound =
            hallway_scheduler::bound::lower_bound(&inputs.problem).cost(&inputs.problem.weights);
        let (tx, rx) = watch::channel(Progress {
            best: 0,
            bound,
            permille: 0,
        });
        let app = self.clone();
        let done = tokio::spawn(async move {
            let inputs = Arc::new(inputs);
            let solving = Arc::clone(&inputs);
            let opts = options.clone();
            let started = std::time::Instant::now();
            let solution = tokio::task::spawn_blocking(move || {
                let report = |r: Report| {
                    // Two threads report; the progress shows the better one.
                    tx.send_if_modified(|p| {
                        let best = if p.best == 0 {
                            r.best
                        } else {
                            p.best.min(r.best)
                        };
                        let permille = ((r.progress * 1000.0) as u32).min(1000);
                        let changed = best != p.best || permille != p.permille;
                        *p = Progress {
                            best,
                            bound,
                            permille: permille.max(p.permille),
                        };
                        changed
                    });
                };
                let start = (!opts.from_scratch)
                    .then(|| timetable::current_placement(&solving.schedule, &solving.mapping));
                solve::solve(
                    &solving.problem,
                    start,
                    opts.seed,
                    opts.threads,
                    opts.budget,
                    &report,
                )
            })
            .await
            .map_err(|e| AppError::Internal(format!("the solve stopped: {e}")))?
            .map_err(|e| AppError::Invalid(e.to_string()))?;
            let p = &inputs.problem;
            let mut placements = Vec::new();
            for (i, pl) in solution.placement.iter().enumerate() {
                let Some(pl) = *pl else { continue };
                let slot = inputs
                    .mapping
                    .slot(p, i, pl)
                    .map_err(|e| AppError::Internal(format!("a placement has no time: {e}")))?;
                placements.push(ProposedSlot {
                    guid: inputs.mapping.sessions[i],
                    room: slot.room.expect("a placement names its room"),
                    start: slot.start,
                    end: slot.end,
                });
            }
            let proposal = Proposal {
                number: 0,
                created_at: jiff::Timestamp::now(),
                seed: options.seed,
                seconds: started.elapsed().as_secs_f64(),
                keep_close: options.keep_close,
                placements,
                figures: figures(&solution.breakdown, p),
                bound: figures(&solution.bound, p),
                applied_at: None,
                solved_on: Some(inputs.version),
            };
            let number = app
                .store
                .save_proposal(&inputs.schedule.edition.slug, &proposal)
                .await?;
            Ok(Proposal { number, ..proposal })
        });
        Ok(SolveJob { progress: rx, done })
    }

    /// Solves and waits for the proposal.
    pub async fn solve_schedule(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        options: SolveOptions,
    ) -> Result<Proposal> {
        let job = self.start_solve(orga, edition, options).await?;
        job.done
            .await
            .map_err(|e| AppError::Internal(format!("the solve stopped: {e}")))?
    }

    /// A proposal (the newest by default) beside the work in progress.
    pub async fn compare_proposal(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        number: Option<u32>,
    ) -> Result<Comparison> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        let proposal = self.store.proposal(&slug, number).await?;
        let inputs = self
            .scheduling_inputs(&slug, proposal.keep_close, None)
            .await?;
        let p = &inputs.problem;
        let current = timetable::current_placement(&inputs.schedule, &inputs.mapping);
        let proposed = placement_of(&proposal, &inputs.schedule, &inputs.mapping, &current);
        let now = Evaluator::new(p, current.clone());
        let then = Evaluator::new(p, proposed.clone());
        let moved = current
            .iter()
            .zip(&proposed)
            .filter(|(a, b)| a != b)
            .count();
        let (by_size, biggest) = remaining_conflicts(p, &then);
        Ok(Comparison {
            number: proposal.number,
            current: figures(&now.report(), p),
            proposed: figures(&then.report(), p),
            bound: figures(&hallway_scheduler::bound::lower_bound(p), p),
            moved,
            by_size,
            biggest,
        })
    }

    /// Writes a proposal into the work in progress (never into a release). A proposal solved
    /// on another version of the work in progress than the current one is refused with a
    /// conflict (it would undo what was written since) unless `stale` says to apply it
    /// anyway. The check and the write are one transaction. Returns what changed.
    pub async fn apply_proposal(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        number: Option<u32>,
        stale: StaleProposal,
    ) -> Result<Applied> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        let proposal = self.store.proposal(&slug, number).await?;
        let before = self.store.work_in_progress(&slug).await?;
        let force = stale == StaleProposal::Apply;
        // Said before the work below; the write checks again, with the version row locked.
        if !force && proposal.solved_on != Some(before.version) {
            return Err(StoreError::ProposalConflict {
                number: proposal.number,
                solved_on: proposal.solved_on.unwrap_or(0),
                current: before.version,
            }
            .into());
        }
        let mut after = before.schedule.clone();
        for placed in &proposal.placements {
            if let Some(x) = after.sessions.iter_mut().find(|x| x.guid == placed.guid) {
                let slot = hallway_domain::Slot {
                    room: Some(placed.room.clone()),
                    start: placed.start,
                    end: placed.end,
                };
                // A talk placed for the first time gets its slot; a placed one moves.
                match x.slots.first_mut() {
                    Some(first) => *first = slot,
                    None => x.slots.push(slot),
                }
            }
        }
        after.fit_dates_to_slots();
        let version = self
            .store
            .apply_proposal(
                &after,
                proposal.number,
                before.version,
                force,
                jiff::Timestamp::now(),
            )
            .await?;
        Ok(Applied {
            number: proposal.number,
            changes: ChangeSet::between(&before.schedule, &after),
            version,
        })
    }

    /// The edition's problem as the optimizer sees it, on the attendees' bookmarks.
    pub async fn timetable_problem(&self, orga: &OrgaCtx, edition: &str) -> Result<ProblemFile> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        let inputs = self.scheduling_inputs(&slug, false, None).await?;
        Ok(ProblemFile {
            current: timetable::current_placement(&inputs.schedule, &inputs.mapping),
            problem: inputs.problem,
            sessions: inputs.mapping.sessions,
        })
    }

    /// Scores a timetable made elsewhere (by index into `timetable_problem`'s sessions) with
    /// the optimizer's own evaluator: its figures and the lower bound.
    pub async fn score_timetable(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        placement: &[Option<Placement>],
    ) -> Result<(Figures, Figures)> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        let inputs = self.scheduling_inputs(&slug, false, None).await?;
        let p = &inputs.problem;
        if placement.len() != p.sessions.len() {
            return Err(AppError::Invalid(format!(
                "the timetable places {} sessions; {edition} has {} to place",
                placement.len(),
                p.sessions.len()
            )));
        }
        for (i, pl) in placement.iter().enumerate() {
            if let Some(pl) = pl
                && (pl.room >= p.rooms.len() || pl.day >= p.days.len())
            {
                return Err(AppError::Invalid(format!(
                    "session {i} is placed in room {} on day {}, which do not exist",
                    pl.room, pl.day
                )));
            }
        }
        let e = Evaluator::new(p, placement.to_vec());
        Ok((
            figures(&e.report(), p),
            figures(&hallway_scheduler::bound::lower_bound(p), p),
        ))
    }

    /// Pins sessions where they are (or unpins them): solves move everything else. A change
    /// bumps the work in progress's version (proposals solved before it go stale), which it
    /// returns.
    pub async fn pin_sessions(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        sessions: &[Guid],
        pinned: bool,
    ) -> Result<u64> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        Ok(self.store.set_pinned(&slug, sessions, pinned).await?)
    }

    /// The sessions a solve places, in the edition's order; the rest (breaks, socials, areas,
    /// all-day blocks) stay where they are.
    pub async fn movable_sessions(&self, orga: &OrgaCtx, edition: &str) -> Result<Vec<Guid>> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        Ok(self
            .scheduling_inputs(&slug, false, Some(&[]))
            .await?
            .mapping
            .sessions)
    }

    pub async fn pinned_sessions(&self, orga: &OrgaCtx, edition: &str) -> Result<Vec<Guid>> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        Ok(self.store.pinned(&slug).await?)
    }

    /// Sets how many people a room seats; returns the work in progress's new version.
    pub async fn set_room_capacity(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        room: &str,
        capacity: Option<u32>,
    ) -> Result<u64> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        let room = crate::parse_slug(room)?;
        Ok(self.store.set_capacity(&slug, &room, capacity).await?)
    }
}

/// The proposal's placements as problem placements; sessions it does not mention stay.
fn placement_of(
    proposal: &Proposal,
    s: &Schedule,
    m: &Mapping,
    current: &[Option<Placement>],
) -> Vec<Option<Placement>> {
    let mut out = current.to_vec();
    for placed in &proposal.placements {
        let slot = hallway_domain::Slot {
            room: Some(placed.room.clone()),
            start: placed.start,
            end: placed.end,
        };
        if let (Some(i), Some(pl)) = (
            m.index_of(&placed.guid),
            timetable::placement_of_slot(s, m, &slot),
        ) {
            out[i] = Some(pl);
        }
    }
    out
}

/// Remaining conflicts: pairs of overlapping sessions with shared bookmarkers, counted by
/// size, and the biggest explained.
fn remaining_conflicts(p: &Problem, e: &Evaluator<'_>) -> (Vec<(u32, usize)>, Vec<ConflictLine>) {
    let placed = e.placement();
    let mut co: HashMap<(usize, usize), u32> = HashMap::new();
    for list in &p.attendees {
        for (i, &a) in list.iter().enumerate() {
            for &b in &list[i + 1..] {
                let (x, y) = if a < b { (a, b) } else { (b, a) };
                if let (Some(pa), Some(pb)) = (placed[x], placed[y]) {
                    let (a0, a1) = p.span(x, pa);
                    let (b0, b1) = p.span(y, pb);
                    if pa.day == pb.day && a0 < b1 && b0 < a1 {
                        *co.entry((x, y)).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    let mut pairs: Vec<((usize, usize), u32)> = co.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let buckets = [1000, 500, 200, 100, 50, 10, 1];
    let by_size = buckets
        .iter()
        .map(|&b| (b, pairs.iter().filter(|(_, n)| *n >= b).count()))
        .collect();
    let biggest = pairs
        .iter()
        .take(10)
        .map(|&((a, b), n)| ConflictLine {
            sessions: [p.sessions[a].name.clone(), p.sessions[b].name.clone()],
            attendees: n,
            why: explain(p, e, a, b),
        })
        .collect();
    (by_size, biggest)
}

/// Why two sessions that share bookmarkers still run at the same time.
fn explain(p: &Problem, e: &Evaluator<'_>, a: usize, b: usize) -> String {
    let day = |d: usize| p.days[d].label.clone();
    if p.sessions[a].pinned.is_some() && p.sessions[b].pinned.is_some() {
        return "both are pinned".to_owned();
    }
    let mut reasons = Vec::new();
    for s in [a, b] {
        let z = &p.sessions[s];
        if z.pinned.is_some() {
            reasons.push(format!("{:?} is pinned", z.name));
        }
        if let Some(days) = &z.days
            && days.len() == 1
        {
            reasons.push(format!("{:?} runs only on {}", z.name, day(days[0])));
        }
        let places = p.candidates(s).len();
        if places > 0 && places < 6 {
            reasons.push(format!(
                "{:?} fits in only {places} places (its kind of room and its time)",
                z.name
            ));
        }
    }
    if reasons.is_empty() {
        // Nothing forbids a move: say what the best one would trade the conflict for.
        let mut probe = e.clone();
        let before = probe.totals();
        let mut best: Option<(i64, Breakdown)> = None;
        for (s, other) in [(a, b), (b, a)] {
            if p.sessions[s].pinned.is_some() {
                continue;
            }
            let from = probe.placement()[s];
            // Only moves that take it away from the other's time resolve this conflict.
            let apart = |pl: Placement| {
                e.placement()[other].is_none_or(|o| {
                    let (x0, x1) = p.span(s, pl);
                    let (o0, o1) = p.span(other, o);
                    o.day != pl.day || x1 <= o0 || o1 <= x0
                })
            };
            for pl in p.candidates(s).into_iter().filter(|&pl| apart(pl)) {
                probe.set(s, Some(pl));
                let delta = probe.totals() - before;
                let cost = delta.cost(&p.weights);
                if best.is_none_or(|(c, _)| cost < c) {
                    best = Some((cost, delta));
                }
            }
            probe.set(s, from);
        }
        return match best {
            Some((c, d)) if c >= 0 => {
                if d.hard > 0 {
                    return "every other place either could go is taken".to_owned();
                }
                let (mut gains, mut losses) = (Vec::new(), Vec::new());
                for (n, what) in [
                    (d.conflict_pairs, "overlapping bookmark pairs"),
                    (d.overflow, "people over capacity"),
                    (d.coherence, "coherence penalties"),
                ] {
                    match n.signum() {
                        -1 => gains.push(format!("{} fewer {what}", -n)),
                        1 => losses.push(format!("{n} more {what}")),
                        _ => {}
                    }
                }
                match (gains.is_empty(), losses.is_empty()) {
                    (_, true) => "moving either elsewhere changes nothing".to_owned(),
                    (true, false) => {
                        format!(
                            "moving either elsewhere would, on balance, bring {}",
                            losses.join(", ")
                        )
                    }
                    (false, false) => format!(
                        "moving either elsewhere would, on balance, bring {} but {}",
                        gains.join(", "),
                        losses.join(", ")
                    ),
                }
            }
            _ => "a move that helps exists: a longer solve should find it".to_owned(),
        };
    }
    reasons.join("; ")
}

impl App {
    /// Sessions named by GUID, by the id they had where they came from (a Sched UID, a frab
    /// id) or by a title no other session has; an unknown name is an error that says which.
    pub async fn find_sessions(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        names: &[String],
    ) -> Result<Vec<Guid>> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        let s = self.store.work_in_progress(&slug).await?.schedule;
        let index = SessionNames::new(&s);
        names
            .iter()
            .map(|n| index.find(n.trim()).map_err(AppError::NotFound))
            .collect()
    }

    /// Interest from a poll: a CSV with `attendee` and `session` columns (a session by GUID,
    /// source id or exact title), one row per attendee and session.
    pub async fn read_interest(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        file: &str,
        bytes: &[u8],
    ) -> Result<Vec<Vec<Guid>>> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        let s = self.store.work_in_progress(&slug).await?.schedule;
        parse_interest(&s, file, bytes)
    }
}

/// Sessions by the names people give them: GUID, source id or exact title, read once.
struct SessionNames<'s> {
    edition: &'s Slug,
    ids: HashMap<String, Guid>,
    titles: HashMap<&'s str, Vec<Guid>>,
}

impl<'s> SessionNames<'s> {
    fn new(s: &'s Schedule) -> Self {
        let mut ids = HashMap::new();
        let mut titles: HashMap<&str, Vec<Guid>> = HashMap::new();
        for x in &s.sessions {
            ids.insert(x.guid.to_string(), x.guid);
            if let Some(uid) = &x.source_uid {
                ids.entry(uid.clone()).or_insert(x.guid);
            }
            titles.entry(x.title.as_str()).or_default().push(x.guid);
        }
        Self {
            edition: &s.edition.slug,
            ids,
            titles,
        }
    }

    /// The session a name stands for; a title several sessions share is ambiguous.
    fn find(&self, name: &str) -> std::result::Result<Guid, String> {
        if let Some(g) = self.ids.get(name) {
            return Ok(*g);
        }
        match self.titles.get(name).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(many) if many.len() > 1 => Err(format!(
                "{} sessions are titled {name:?} in {}: name it by GUID",
                many.len(),
                self.edition
            )),
            _ => Err(format!("no session {name:?} in {}", self.edition)),
        }
    }
}

pub(crate) fn parse_interest(s: &Schedule, file: &str, bytes: &[u8]) -> Result<Vec<Vec<Guid>>> {
    use hallway_formats::FormatError;
    let bad = |error: FormatError| AppError::BadFile {
        file: file.to_owned(),
        error,
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|e| bad(FormatError::whole(format!("not UTF-8 text: {e}"))))?;
    let rows = hallway_formats::csv::records(text).map_err(bad)?;
    let Some((header, rows)) = rows.split_first() else {
        return Err(bad(FormatError::whole("the file is empty")));
    };
    let col = |name: &str| {
        header
            .fields
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                bad(FormatError::at(
                    header.line,
                    name,
                    format!("no {name} column"),
                ))
            })
    };
    let (who, what) = (col("attendee")?, col("session")?);
    let names = SessionNames::new(s);
    let mut lists: Vec<Vec<Guid>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let cell = |c: usize| r.fields.get(c).map(|f| f.trim()).unwrap_or_default();
        let (attendee, session) = (cell(who), cell(what));
        if attendee.is_empty() {
            return Err(bad(FormatError::at(r.line, "attendee", "empty")));
        }
        let guid = names
            .find(session)
            .map_err(|why| bad(FormatError::at(r.line, "session", why)))?;
        let i = *index.entry(attendee.to_owned()).or_insert_with(|| {
            lists.push(Vec::new());
            lists.len() - 1
        });
        if !lists[i].contains(&guid) {
            lists[i].push(guid);
        }
    }
    Ok(lists)
}
