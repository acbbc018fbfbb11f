//! Importing a published schedule into an edition's work in progress.

use crate::{App, AppError, OrgaCtx, Result};
use hallway_domain::{ChangeSet, Schedule, Slug, WorkInProgress};
use hallway_formats::{ErrorKind, Format, FormatError, ImportOptions, Warning};
use hallway_store::{EditionStore, ScheduleStore, StoreError};
use std::io::Read;

/// The largest file an import reads: ten times FOSDEM's schedule is about 20 MB.
pub const MAX_IMPORT_BYTES: u64 = 128 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleCounts {
    pub sessions: usize,
    pub speakers: usize,
    pub rooms: usize,
    pub tracks: usize,
    pub events: usize,
}

impl ScheduleCounts {
    pub fn of(s: &Schedule) -> Self {
        Self {
            sessions: s.sessions.len(),
            speakers: s.speakers.len(),
            rooms: s.rooms.len(),
            tracks: s.tracks.len(),
            events: s.events.len(),
        }
    }
}

/// What an import did: the report the CLI prints and the API returns.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub edition: Slug,
    pub edition_name: String,
    pub format: Format,
    pub counts: ScheduleCounts,
    /// False when the edition already existed: the import updated it.
    pub created: bool,
    pub changes: ChangeSet,
    pub warnings: Vec<Warning>,
    /// The work in progress's version the import saved.
    pub version: u64,
}

/// Refuses a file before reading it when it is larger than an import reads.
pub fn check_import_size(file: &str, len: u64) -> Result<()> {
    if len > MAX_IMPORT_BYTES {
        return Err(AppError::BadFile {
            file: file.to_owned(),
            error: FormatError::whole(format!(
                "the file is {:.1} MB; Hallway imports schedules of up to {} MB",
                len as f64 / 1e6,
                MAX_IMPORT_BYTES / (1024 * 1024)
            ))
            .kind(ErrorKind::Unsupported),
        });
    }
    Ok(())
}

/// Reads a file, pipe or device to its end, but never more than an import takes: a length the
/// file system reports is not trusted (`/dev/zero` reports none).
pub fn read_bounded(file: &str, reader: impl Read) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AppError::BadFile {
            file: file.to_owned(),
            error: FormatError::whole(format!("cannot read the file: {e}")),
        })?;
    check_import_size(file, bytes.len() as u64)?;
    Ok(bytes)
}

/// Whether an update may cancel most of the sessions it updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Removals {
    /// Refuse an update that would cancel more than a quarter of the sessions: a truncated or
    /// misread file looks exactly like that.
    #[default]
    Guarded,
    Allowed,
}

impl Removals {
    fn refuses(self, removed: usize, of: usize) -> bool {
        self == Self::Guarded && removed > 0 && removed * 4 > of
    }
}

impl App {
    /// Reads `bytes` (named `file` in errors) in `format` (detected when `None`) and makes it
    /// the edition's work in progress. Re-importing a newer version of the same schedule
    /// updates sessions by GUID, or by their source id when the format has no GUIDs, and
    /// reports the change set. Nothing is stored unless the whole file is good.
    pub async fn import_schedule(
        &self,
        orga: &OrgaCtx,
        file: &str,
        bytes: &[u8],
        format: Option<Format>,
        opts: &ImportOptions,
    ) -> Result<ImportOutcome> {
        self.import_schedule_with(orga, file, bytes, format, opts, Removals::Guarded)
            .await
    }

    /// `import_schedule`, saying whether the update may cancel most of the schedule.
    pub async fn import_schedule_with(
        &self,
        orga: &OrgaCtx,
        file: &str,
        bytes: &[u8],
        format: Option<Format>,
        opts: &ImportOptions,
        removals: Removals,
    ) -> Result<ImportOutcome> {
        let bad = |error| AppError::BadFile {
            file: file.to_owned(),
            error,
        };
        check_import_size(file, bytes.len() as u64)?;
        let format = match format {
            Some(f) => f,
            None => Format::detect(bytes).map_err(bad)?,
        };
        // A file that names no zone is read in its edition's, when the edition exists.
        let mut opts = opts.clone();
        opts.edition_zones.extend(
            self.store
                .editions()
                .await?
                .into_iter()
                .map(|e| (e.slug, e.time_zone)),
        );
        let mut imported = hallway_formats::read(format, bytes, &opts).map_err(bad)?;
        orga.writes(&imported.schedule.edition.slug)?;
        let previous = match self
            .store
            .work_in_progress(&imported.schedule.edition.slug)
            .await
        {
            Ok(s) => Some(s),
            Err(StoreError::NotFound(_)) => {
                orga.may_create_editions()?;
                None
            }
            Err(e) => return Err(e.into()),
        };
        let based_on = previous.as_ref().map_or(0, |p| p.version);
        let previous = previous.map(|p| p.schedule);
        let changes = match &previous {
            Some(old) => {
                imported.schedule.adopt_guids(old);
                if !imported.named {
                    let e = &mut imported.schedule.edition;
                    e.name = old.edition.name.clone();
                    if e.venue.is_empty() {
                        e.venue = old.edition.venue.clone();
                    }
                    if let Some(main) = imported.schedule.events.first_mut() {
                        main.name = old.edition.name.clone();
                    }
                }
                ChangeSet::between(old, &imported.schedule)
            }
            None => ChangeSet::default(),
        };
        if let Some(old) = &previous {
            let counts = changes.counts();
            if removals.refuses(counts.removed, old.sessions.len()) {
                return Err(AppError::TooManyRemovals {
                    file: file.to_owned(),
                    edition: old.edition.slug.to_string(),
                    removed: counts.removed,
                    of: old.sessions.len(),
                    added: counts.added,
                });
            }
        }
        let schedule = imported.schedule;
        // Refused, never a silent overwrite, when another write came in since the read above.
        let version = self
            .store
            .save_work_in_progress(&schedule, based_on)
            .await?;
        Ok(ImportOutcome {
            edition: schedule.edition.slug.clone(),
            edition_name: schedule.edition.name.clone(),
            format,
            counts: ScheduleCounts::of(&schedule),
            created: previous.is_none(),
            changes,
            warnings: imported.warnings,
            version,
        })
    }

    /// The edition's work-in-progress schedule and its version (organizers only; never
    /// cached). A change made on it is saved with that version (`save_work_in_progress`).
    pub async fn work_in_progress(&self, orga: &OrgaCtx, edition: &str) -> Result<WorkInProgress> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        Ok(self.store.work_in_progress(&slug).await?)
    }

    /// Saves an organizer's change to the work in progress, made on version `based_on` (0 for
    /// a new edition), and returns the new version. When another write came in since, nothing
    /// is saved and the answer is a conflict naming both versions: the change is to be made
    /// again on the current work in progress, never written over it.
    pub async fn save_work_in_progress(
        &self,
        orga: &OrgaCtx,
        schedule: &Schedule,
        based_on: u64,
    ) -> Result<u64> {
        let slug = &schedule.edition.slug;
        orga.writes(slug)?;
        if based_on == 0 {
            orga.may_create_editions()?;
        }
        Ok(self.store.save_work_in_progress(schedule, based_on).await?)
    }
}
