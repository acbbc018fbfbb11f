//! Importing a published schedule into an edition's work in progress.

use crate::{App, AppError, OrgaCtx, Result};
use hallway_domain::{ChangeSet, Schedule, Slug};
use hallway_formats::{FormatError, ImportOptions, Warning, sched};
use hallway_store::{ScheduleStore, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// iCalendar, with Sched's conventions when the producer is Sched.
    Ical,
}

impl ImportFormat {
    /// Tells the format from the file's first bytes.
    pub fn detect(bytes: &[u8]) -> Result<Self, FormatError> {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if head.is_empty() {
            Err(FormatError::whole("the file is empty"))
        } else if head.to_ascii_uppercase().starts_with("BEGIN:VCALENDAR") {
            Ok(Self::Ical)
        } else {
            let first: String = head
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect();
            Err(FormatError::line(
                1,
                format!(
                    "not a schedule format Hallway reads (iCalendar expected), found {first:?}"
                ),
            ))
        }
    }
}

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

#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub edition: Slug,
    pub edition_name: String,
    pub counts: ScheduleCounts,
    /// False when the edition already existed: the import updated it.
    pub created: bool,
    pub changes: ChangeSet,
    pub warnings: Vec<Warning>,
}

impl App {
    /// Reads `bytes` (named `file` in errors) and makes it the edition's work in progress.
    /// Re-importing a newer version of the same schedule updates sessions by GUID and reports
    /// the change set. Nothing is stored unless the whole file is good.
    pub async fn import_schedule(
        &self,
        _orga: &OrgaCtx,
        file: &str,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<ImportOutcome> {
        let bad = |error| AppError::BadFile {
            file: file.to_owned(),
            error,
        };
        let imported = match ImportFormat::detect(bytes).map_err(bad)? {
            ImportFormat::Ical => sched::read(bytes, opts).map_err(bad)?,
        };
        let schedule = imported.schedule;
        let (previous, created) = match self.store.work_in_progress(&schedule.edition.slug).await {
            Ok(s) => (Some(s), false),
            Err(StoreError::NotFound(_)) => (None, true),
            Err(e) => return Err(e.into()),
        };
        let changes = match &previous {
            Some(old) => ChangeSet::between(old, &schedule),
            None => ChangeSet::default(),
        };
        self.store.save_work_in_progress(&schedule).await?;
        Ok(ImportOutcome {
            edition: schedule.edition.slug.clone(),
            edition_name: schedule.edition.name.clone(),
            counts: ScheduleCounts::of(&schedule),
            created,
            changes,
            warnings: imported.warnings,
        })
    }

    /// The edition's work-in-progress schedule (organizers only; never cached).
    pub async fn work_in_progress(&self, _orga: &OrgaCtx, edition: &str) -> Result<Schedule> {
        let slug = crate::parse_slug(edition)?;
        Ok(self.store.work_in_progress(&slug).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(
            ImportFormat::detect(b"\xEF\xBB\xBFBEGIN:VCALENDAR\r\n").unwrap(),
            ImportFormat::Ical
        );
        assert!(
            ImportFormat::detect(b"  \n")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        let err = ImportFormat::detect(b"<?xml version='1.0'?><schedule/>").unwrap_err();
        assert_eq!(err.line, Some(1));
    }
}
