//! Use cases. The CLI, the HTML pages and the JSON API all call these functions, so rules and
//! permissions live here once.

mod crowd;
mod error;
mod export;
mod import;
mod permissions;
mod release;
mod scheduling;
pub mod timetable;

pub use crowd::CrowdOutcome;
pub use error::AppError;
pub use hallway_scheduler as scheduler;
pub use import::{
    ImportOutcome, MAX_IMPORT_BYTES, Removals, ScheduleCounts, check_import_size, read_bounded,
};
pub use permissions::OrgaCtx;
pub use release::Force;
pub use scheduling::{Comparison, ConflictLine, ProblemFile, Progress, SolveJob, SolveOptions};

pub use hallway_domain as domain;
pub use hallway_formats::{ExportFormat, Feed, Format, ImportOptions, Repair, Warning};
pub use hallway_store::{Backend, Store};

use hallway_domain::{Edition, Release, ReleaseNote, Slug};
use hallway_store::{EditionStore, ReleaseStore, StoreError};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: the store plus the rules on top of it.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
}

impl App {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Opens the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(Self::new(store))
    }

    pub fn store(&self) -> &Store {
        &self.store
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

pub(crate) fn parse_slug(s: &str) -> Result<Slug> {
    Slug::parse(s).map_err(|e| AppError::Invalid(e.to_string()))
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(what) => Self::Conflict(what),
            StoreError::Unchanged(number) => Self::Unchanged(number),
            other => Self::Store(other),
        }
    }
}

/// A database URL fit for logs and messages: the password hidden.
pub fn redact_database_url(url: &str) -> String {
    hallway_store::redact(url)
}
