//! Use cases. The CLI, the HTML pages and the JSON API all call these functions, so rules and
//! permissions live here once.

mod accounts;
mod calendar_feed;
mod cfp;
mod confirmed;
mod crowd;
mod error;
mod export;
mod import;
mod limits;
mod mail;
mod marks;
mod my_agenda;
mod my_changes;
mod ops;
mod permissions;
mod presence;
mod qa;
mod recordings;
mod release;
mod reminders;
mod review;
mod scheduling;
mod seats;
mod second_chance;
mod sweeps;
pub mod timetable;
mod transparency;
mod unconference;
mod venue;
mod wrapup;

pub use accounts::{
    ACCOUNT_FAILURES, ADDRESS_FAILURES, ApiTokenInfo, FAILURE_WINDOW_SECONDS, Login,
    SESSION_SECONDS, Secret, role,
};
pub use calendar_feed::FeedAddress;
pub use cfp::{
    CfpPage, CfpSettings, DuplicateSide, HistoryLine, INVITATION_SECONDS, NearDuplicate,
    NewEdition, NewEvent, PendingInvitation, ProposalActor, ProposalFormat, ProposalReader,
    ProposalSummary, ProposalView, ReaderCtx, local_instant, local_shown,
};
pub use crowd::CrowdOutcome;
pub use error::AppError;
pub use hallway_scheduler as scheduler;
pub use import::{
    ImportOutcome, MAX_IMPORT_BYTES, Removals, ScheduleCounts, check_import_size, read_bounded,
};
pub use mail::{MailWorker, Sent, SmtpSettings};
pub use my_changes::{ChangeSettings, MyChanges, ReleaseChanges, SessionChange, Since};
pub use permissions::{MemberCtx, OrgaCtx, ReviewCtx, TokenScope, Viewer};
pub use qa::{FeedChange, LiveChange, LiveMessage, QaCtx, QaView, QuestionView, RoomView};
pub use release::Force;
pub use review::{
    AssignmentReport, Dashboard, Decision, ProposalReview, RankOrder, RankRow, Ranking, ReviewItem,
    ReviewList, ReviewView, SpeakerShown, Speakers, TemplateText,
};
pub use scheduling::{Applied, StaleProposal};
pub use scheduling::{Comparison, ConflictLine, ProblemFile, Progress, SolveJob, SolveOptions};
pub use seats::{LineMove, MySeat, SeatOverview, SeatStatus};
pub use second_chance::{ForwardOffer, ForwardedProposal, parse_event_ref};
pub use unconference::{BoardForm, BoardView, PlanView, PlannedTopic, RoomChoice, TopicView};

pub use hallway_domain as domain;
pub use hallway_domain::venue::MAX_MESSAGE as MAX_CONTACT_CHARS;
pub use hallway_formats::wrapup::{Wrapup, markdown as wrapup_markdown};
pub use hallway_formats::{ExportFormat, Feed, Format, ImportOptions, Repair, Warning};
pub use hallway_store::{
    Backend, EventRef, Mail, MailState, MailStatus, MarkChange, Outcome, PoolUse, SeatLine,
    SeatList, SeatListSummary, SeatRules, SeatState, Store,
};
pub use hallway_store::{Notice, Notices};
pub use limits::RateLimit;
pub use marks::MAX_CHANGES;
pub use my_agenda::AgendaData;
pub use presence::{CONTACT_LIMIT, ContactView, ONLINE_SECONDS, Presenter};
pub use recordings::MAX_RECORDINGS_BYTES;
pub use venue::{
    DoorCtx, FILL_CACHE_SECONDS, FillFigure, FillNow, FillView, Overflow, RoomNow, fill_csv,
};
pub use wrapup::MyDay;

use hallway_domain::{Edition, Release, ReleaseNote, Slug};
use hallway_store::{EditionStore, ReleaseStore, StoreError};
use std::sync::Arc;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: the store plus the rules on top of it.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    templates: mail::Templates,
    /// Where people reach the site: links in mail point there.
    public_url: String,
    /// The fill of the sessions now, kept a few seconds: every open page polls it.
    fill_cache: venue::FillCache,
    /// When this process last wrote each viewer as seen.
    seen: presence::SeenCache,
    /// Everyone's bookmark counts per edition, kept a minute: every agenda page reads them.
    bookmark_counts: my_agenda::CountsCache,
}

impl App {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            inner: Arc::new(Inner {
                templates: mail::Templates::new(),
                public_url: "http://localhost:8080".to_owned(),
                fill_cache: Default::default(),
                seen: Default::default(),
                bookmark_counts: Default::default(),
            }),
        }
    }

    /// Links in mail point at `public_url` (`https://hallway.example.org`).
    pub fn with_public_url(mut self, public_url: &str) -> Self {
        self.inner = Arc::new(Inner {
            templates: mail::Templates::new(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            fill_cache: Default::default(),
            seen: Default::default(),
            bookmark_counts: Default::default(),
        });
        self
    }

    pub(crate) fn link(&self, path: &str) -> String {
        format!("{}{path}", self.inner.public_url)
    }

    /// Opens the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(Self::new(store))
    }

    /// Opens the database as its operator: whoever holds the database may organize every
    /// edition, so the command line gets that permission here, and nowhere else does.
    pub async fn open_as_operator(url: &str) -> Result<(Self, OrgaCtx)> {
        let app = Self::open(url).await?;
        Ok((app, OrgaCtx::site(hallway_domain::Access::Write)))
    }

    /// Closes the database's connections.
    pub async fn close(&self) {
        self.store.close().await;
    }

    pub async fn editions(&self) -> Result<Vec<Edition>> {
        Ok(self.store.editions().await?)
    }

    pub async fn edition(&self, slug: &str) -> Result<Edition> {
        let slug = parse_slug(slug)?;
        Ok(self.store.edition(&slug).await?)
    }

    /// The public schedule: the newest release, if there is one.
    pub async fn latest_release(&self, edition: &Slug) -> Result<Option<Release>> {
        Ok(self.store.latest_release(edition).await?)
    }

    pub async fn release_notes(&self, edition: &Slug) -> Result<Vec<ReleaseNote>> {
        Ok(self.store.release_notes(edition).await?)
    }

    /// Which release each edition is at, to notice new releases made by other processes.
    pub async fn published_versions(&self) -> Result<Vec<(Slug, u32)>> {
        Ok(self.store.latest_release_numbers().await?)
    }
}

/// An error and every error under it, one after the other.
pub(crate) fn cause_chain(e: &dyn std::error::Error) -> String {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    chain
}

pub(crate) fn parse_slug(s: &str) -> Result<Slug> {
    Slug::parse(s).map_err(|e| AppError::Invalid(e.to_string()))
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(what) => Self::Conflict(what),
            StoreError::VersionConflict { current, based_on } => Self::Conflict(format!(
                "the work in progress is at version {current}; this save was based on version {based_on}: reload and apply your change again"
            )),
            StoreError::ProposalConflict {
                number,
                solved_on: 0,
                current,
            } => Self::Conflict(format!(
                "proposal {number} was solved before the work in progress had versions (it is now at version {current}): solve again, or apply it anyway (--force)"
            )),
            StoreError::ProposalConflict {
                number,
                solved_on,
                current,
            } => Self::Conflict(format!(
                "proposal {number} was solved on version {solved_on} of the work in progress, which is now at version {current}: solve again, or apply it anyway (--force)"
            )),
            StoreError::Unchanged(number) => Self::Unchanged(number),
            other => Self::Store(other),
        }
    }
}

/// A database URL fit for logs and messages: the password hidden.
pub fn redact_database_url(url: &str) -> String {
    hallway_store::redact(url)
}
