//! The unconference board: organizers open it for a block of slots and rooms with a cut-off;
//! signed-in attendees propose topics and vote; organizers merge duplicates, hide topics and
//! close it. The plan (`scheduler::unconference`) places the open topics, co-votes standing for
//! the people who want both, and publishing puts them into the work in progress as sessions
//! and releases it, so the changelog lists what the plan added, moved or took out.

use crate::{App, AppError, Force, OrgaCtx, Result, Viewer, local_instant, local_shown};
use hallway_domain::unconference::{
    self as rules, BoardState, Layout, Placed, TopicState, TopicText, UnconfError,
};
use hallway_domain::{Release, Schedule, Slug, UserId};
use hallway_store::{ScheduleStore, StoredBoard, StoredTopic, UnconfFailure, UnconferenceStore};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// What an organizer typed to open a board; times are the venue's.
#[derive(Debug, Clone, Default)]
pub struct BoardForm {
    pub event: String,
    /// `2026-11-12`
    pub day: String,
    /// Start times, separated by commas or spaces: `10:00, 11:00, 13:30`.
    pub times: String,
    /// Each slot's length in minutes.
    pub minutes: String,
    /// Rooms chosen, each with the capacity to plan with: `(room slug, capacity)`.
    pub rooms: Vec<(String, String)>,
    /// `2026-11-12T09:30`
    pub cutoff: String,
}

/// A topic as one person is shown it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopicView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub votes: usize,
    /// The viewer voted for it.
    pub voted: bool,
    /// The viewer proposed it.
    pub mine: bool,
    pub state: &'static str,
    pub merged_into: Option<i64>,
}

/// A board as one person is shown it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BoardView {
    pub state: &'static str,
    /// Proposals and votes are taken now.
    pub accepting: bool,
    /// Why not, when not.
    pub refusal: String,
    pub cutoff: String,
    /// The cut-off as a form shows it (`2026-11-12T09:30`).
    pub cutoff_input: String,
    pub event: String,
    pub minutes: u32,
    /// Each slot, as shown: `Thu 12 Nov 2026 10:00 CET`.
    pub slots: Vec<String>,
    /// `(room name, capacity)`.
    pub rooms: Vec<(String, u32)>,
    /// Open topics by votes (most first), then the oldest first; organizers also get the
    /// hidden and merged ones, after them.
    pub topics: Vec<TopicView>,
}

/// One topic of a plan, where it goes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlannedTopic {
    pub id: i64,
    pub title: String,
    pub votes: usize,
    pub slot: String,
    pub room: String,
    pub capacity: u32,
}

/// The plan as it would be published now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanView {
    /// In slot order, then room order.
    pub placed: Vec<PlannedTopic>,
    /// Topics that did not fit (the fewest votes), most voted first.
    pub waiting: Vec<TopicView>,
    /// Voters beyond their topic's room.
    pub overflow: u64,
    /// Pairs of one voter's topics at the same time.
    pub clashes: u64,
}

/// A room an organizer may plan into, for the form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoomChoice {
    pub slug: String,
    pub name: String,
    pub capacity: Option<u32>,
}

fn refused(e: UnconfFailure) -> AppError {
    match e {
        UnconfFailure::Rule(
            r @ (UnconfError::NoTitle
            | UnconfError::TitleTooLong(_)
            | UnconfError::DescriptionTooLong(_)
            | UnconfError::SelfMerge),
        ) => AppError::Invalid(r.to_string()),
        UnconfFailure::Rule(r) => AppError::Conflict(r.to_string()),
        UnconfFailure::Store(s) => s.into(),
    }
}

fn zone(schedule_zone: &str) -> Result<TimeZone> {
    TimeZone::get(schedule_zone).map_err(|e| {
        AppError::Internal(format!(
            "the edition's time zone {schedule_zone:?} is unknown: {e}"
        ))
    })
}

fn topic_view(t: &StoredTopic, who: Option<UserId>) -> TopicView {
    TopicView {
        id: t.id,
        title: t.title.clone(),
        description: t.description.clone(),
        votes: t.voters.len(),
        voted: who.is_some_and(|w| t.voters.contains(&w)),
        mine: who == Some(t.proposer),
        state: t.state.as_str(),
        merged_into: t.merged_into,
    }
}

/// Open topics by votes, most first; the oldest first among equals.
fn by_votes(topics: &[StoredTopic]) -> Vec<&StoredTopic> {
    let mut open: Vec<&StoredTopic> = topics
        .iter()
        .filter(|t| t.state == TopicState::Open)
        .collect();
    open.sort_by_key(|t| (std::cmp::Reverse(t.voters.len()), t.id));
    open
}

impl App {
    async fn board_view(
        &self,
        edition: &Slug,
        who: Option<UserId>,
        organizer: bool,
    ) -> Result<BoardView> {
        let board = self.store.board(edition).await?;
        let topics = self.store.board_topics(edition).await?;
        let wip = self.store.work_in_progress(edition).await?.schedule;
        let tz = zone(&wip.edition.time_zone)?;
        let refusal = match board.state.accepts(board.cutoff, Timestamp::now()) {
            Ok(()) => String::new(),
            Err(e) => e.to_string(),
        };
        let mut shown: Vec<TopicView> = by_votes(&topics)
            .into_iter()
            .map(|t| topic_view(t, who))
            .collect();
        if organizer {
            shown.extend(
                topics
                    .iter()
                    .filter(|t| t.state != TopicState::Open)
                    .map(|t| topic_view(t, who)),
            );
        }
        Ok(BoardView {
            state: board.state.as_str(),
            accepting: refusal.is_empty(),
            refusal,
            cutoff: local_shown(board.cutoff, &tz),
            cutoff_input: board
                .cutoff
                .to_zoned(tz.clone())
                .strftime("%Y-%m-%dT%H:%M")
                .to_string(),
            event: wip
                .event(&board.layout.event)
                .map_or_else(|| board.layout.event.to_string(), |e| e.name.clone()),
            minutes: board.layout.minutes,
            slots: board
                .layout
                .starts
                .iter()
                .map(|s| local_shown(*s, &tz))
                .collect(),
            rooms: board
                .layout
                .rooms
                .iter()
                .map(|(r, c)| {
                    let name = wip
                        .room(r)
                        .map_or_else(|| r.to_string(), |r| r.name.clone());
                    (name, *c)
                })
                .collect(),
            topics: shown,
        })
    }

    /// The board as an attendee (or someone not signed in) sees it: open topics only.
    pub async fn unconference_board(
        &self,
        viewer: Option<&Viewer>,
        edition: &str,
    ) -> Result<BoardView> {
        let edition = crate::parse_slug(edition)?;
        if let Some(v) = viewer {
            v.access_in(&edition, None)?;
        }
        self.board_view(&edition, viewer.map(|v| v.user), false)
            .await
    }

    /// The board as its organizers see it: hidden and merged topics too. `None` when the
    /// edition has no board yet.
    pub async fn unconference_orga_board(
        &self,
        orga: &OrgaCtx,
        viewer: Option<&Viewer>,
        edition: &str,
    ) -> Result<Option<BoardView>> {
        let edition = crate::parse_slug(edition)?;
        orga.covers(&edition)?;
        match self
            .board_view(&edition, viewer.map(|v| v.user), true)
            .await
        {
            Ok(view) => Ok(Some(view)),
            Err(AppError::NotFound(what)) if what.starts_with("an unconference board") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The edition's events and rooms, for the form that opens a board.
    pub async fn unconference_choices(
        &self,
        orga: &OrgaCtx,
        edition: &str,
    ) -> Result<(Vec<(String, String)>, Vec<RoomChoice>)> {
        let wip = self.work_in_progress(orga, edition).await?.schedule;
        Ok((
            wip.events
                .iter()
                .map(|e| (e.slug.to_string(), e.name.clone()))
                .collect(),
            wip.rooms
                .iter()
                .map(|r| RoomChoice {
                    slug: r.slug.to_string(),
                    name: r.name.clone(),
                    capacity: r.capacity,
                })
                .collect(),
        ))
    }

    /// Opens the edition's board (or opens it again with a new block and cut-off, keeping its
    /// topics and votes).
    pub async fn open_unconference(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        form: &BoardForm,
    ) -> Result<()> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        let wip = self.store.work_in_progress(&slug).await?.schedule;
        let layout = layout_of(&wip, form)?;
        let tz = zone(&wip.edition.time_zone)?;
        let cutoff = local_instant("cut-off", &form.cutoff, &tz, &wip.edition.time_zone)?;
        self.store
            .open_board(&slug, &layout, cutoff, Timestamp::now())
            .await?;
        Ok(())
    }

    pub async fn close_unconference(&self, orga: &OrgaCtx, edition: &str) -> Result<()> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        Ok(self
            .store
            .set_board_state(&slug, BoardState::Closed)
            .await?)
    }

    /// Proposes a topic; returns its id.
    pub async fn propose_unconference_topic(
        &self,
        viewer: &Viewer,
        edition: &str,
        title: &str,
        description: &str,
    ) -> Result<i64> {
        let slug = crate::parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        let text =
            TopicText::new(title, description).map_err(|e| AppError::Invalid(e.to_string()))?;
        self.store
            .propose_topic(&slug, viewer.user, &text, Timestamp::now())
            .await
            .map_err(refused)
    }

    /// Votes for a topic once (a vote sent twice changes nothing: `false`), or takes the vote
    /// back.
    pub async fn vote_unconference_topic(
        &self,
        viewer: &Viewer,
        edition: &str,
        topic: i64,
        up: bool,
    ) -> Result<bool> {
        let slug = crate::parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        self.store
            .vote_topic(&slug, topic, viewer.user, up, Timestamp::now())
            .await
            .map_err(refused)
    }

    /// Folds the duplicate `gone` into `keep`, with its votes (once per person).
    pub async fn merge_unconference_topics(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        keep: i64,
        gone: i64,
    ) -> Result<()> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        self.store
            .merge_topics(&slug, keep, gone)
            .await
            .map_err(refused)
    }

    pub async fn hide_unconference_topic(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        topic: i64,
        hidden: bool,
    ) -> Result<()> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        self.store
            .hide_topic(&slug, topic, hidden)
            .await
            .map_err(refused)
    }

    /// The plan as it would be published now.
    pub async fn plan_unconference(&self, orga: &OrgaCtx, edition: &str) -> Result<PlanView> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        let board = self.store.board(&slug).await?;
        let topics = self.store.board_topics(&slug).await?;
        let wip = self.store.work_in_progress(&slug).await?.schedule;
        let tz = zone(&wip.edition.time_zone)?;
        let (placed, waiting, plan) = placement(&board, &topics);
        Ok(PlanView {
            placed: placed
                .iter()
                .map(|p| {
                    let (room, capacity) = &board.layout.rooms[p.room];
                    PlannedTopic {
                        id: p.topic,
                        title: p.title.clone(),
                        votes: topics
                            .iter()
                            .find(|t| t.id == p.topic)
                            .map_or(0, |t| t.voters.len()),
                        slot: local_shown(board.layout.starts[p.slot], &tz),
                        room: wip
                            .room(room)
                            .map_or_else(|| room.to_string(), |r| r.name.clone()),
                        capacity: *capacity,
                    }
                })
                .collect(),
            waiting: waiting.iter().map(|t| topic_view(t, None)).collect(),
            overflow: plan.overflow,
            clashes: plan.clashes,
        })
    }

    /// Plans the board and publishes it: the topics become sessions of the work in progress
    /// in their slots and rooms (sessions of topics no longer placed are taken out), and the
    /// work in progress is released with its changelog.
    pub async fn publish_unconference(&self, orga: &OrgaCtx, edition: &str) -> Result<Release> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        let board = self.store.board(&slug).await?;
        let topics = self.store.board_topics(&slug).await?;
        let wip = self.store.work_in_progress(&slug).await?;
        let mut schedule = wip.schedule.clone();
        check_layout_fits(&schedule, &board.layout)?;
        let (placed, _, _) = placement(&board, &topics);
        let ids: Vec<i64> = topics.iter().map(|t| t.id).collect();
        rules::apply_plan(&mut schedule, &board.layout, &ids, &placed);
        if schedule != wip.schedule {
            self.store
                .save_work_in_progress(&schedule, wip.version)
                .await?;
        }
        self.release(orga, edition, Force::OnlyIfChanged).await
    }
}

/// Places the board's open topics: `(placed, waiting, the scheduler's figures)`.
fn placement<'a>(
    board: &StoredBoard,
    topics: &'a [StoredTopic],
) -> (
    Vec<Placed>,
    Vec<&'a StoredTopic>,
    hallway_scheduler::unconference::Plan,
) {
    let open = by_votes(topics);
    let mut lists: BTreeMap<UserId, Vec<usize>> = BTreeMap::new();
    for (i, t) in open.iter().enumerate() {
        for v in &t.voters {
            lists.entry(*v).or_default().push(i);
        }
    }
    let votes: Vec<Vec<usize>> = lists.into_values().collect();
    let plan = hallway_scheduler::unconference::plan(
        open.len(),
        &votes,
        board.layout.starts.len(),
        &board.layout.capacities(),
    );
    let mut placed = Vec::new();
    let mut waiting = Vec::new();
    for (t, cell) in open.iter().zip(&plan.cells) {
        match cell {
            Some((slot, room)) => placed.push(Placed {
                topic: t.id,
                title: t.title.clone(),
                description: t.description.clone(),
                slot: *slot,
                room: *room,
            }),
            None => waiting.push(*t),
        }
    }
    placed.sort_by_key(|p| (p.slot, p.room));
    (placed, waiting, plan)
}

/// The rooms and event of a board must be the schedule's.
fn check_layout_fits(schedule: &Schedule, layout: &Layout) -> Result<()> {
    if schedule.event(&layout.event).is_none() {
        return Err(AppError::Invalid(format!(
            "event: {} is not an event of {}",
            layout.event, schedule.edition.slug
        )));
    }
    for (room, _) in &layout.rooms {
        if schedule.room(room).is_none() {
            return Err(AppError::Invalid(format!(
                "rooms: {room} is not a room of {}",
                schedule.edition.slug
            )));
        }
    }
    Ok(())
}

fn layout_of(schedule: &Schedule, form: &BoardForm) -> Result<Layout> {
    let invalid = |m: String| AppError::Invalid(m);
    let event = Slug::parse(form.event.trim())
        .map_err(|_| invalid(format!("event: {:?} is not an event", form.event)))?;
    let tz = zone(&schedule.edition.time_zone)?;
    let zone_name = &schedule.edition.time_zone;
    let day = form.day.trim();
    if day.parse::<jiff::civil::Date>().is_err() {
        return Err(invalid(format!(
            "day: {day:?} is not a date such as 2026-11-12"
        )));
    }
    let mut starts = Vec::new();
    for time in form
        .times
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        if time.parse::<jiff::civil::Time>().is_err() {
            return Err(invalid(format!(
                "start times: {time:?} is not a time such as 10:30"
            )));
        }
        starts.push(local_instant(
            "start times",
            &format!("{day}T{time}"),
            &tz,
            zone_name,
        )?);
    }
    let minutes: u32 = form.minutes.trim().parse().map_err(|_| {
        invalid(format!(
            "length: {:?} is not a number of minutes",
            form.minutes
        ))
    })?;
    let mut rooms = Vec::new();
    for (room, capacity) in &form.rooms {
        let slug =
            Slug::parse(room).map_err(|_| invalid(format!("rooms: {room:?} is not a room")))?;
        let capacity: u32 = capacity.trim().parse().map_err(|_| {
            invalid(format!(
                "rooms: the capacity of {room}, {capacity:?}, is not a number of people"
            ))
        })?;
        rooms.push((slug, capacity));
    }
    let layout = Layout {
        event,
        starts,
        minutes,
        rooms,
    }
    .checked()
    .map_err(invalid)?;
    check_layout_fits(schedule, &layout)?;
    Ok(layout)
}
