//! Recordings: organizers import them (a CSV, all rows or none); attendees watch them, and
//! how far they got is kept so that they resume there and see what they did not finish.

use crate::{App, AppError, OrgaCtx, Result, Viewer, parse_slug};
use hallway_domain::recording::{Progress, Recording};
use hallway_domain::{Guid, Slug};
use hallway_formats::recordings::read;
use hallway_store::{EditionStore, RecordingStore, StoreError};
use std::collections::HashMap;

/// The largest recordings file taken (a line per session of a 600-session conference is 200 KB).
pub const MAX_RECORDINGS_BYTES: usize = 4 * 1024 * 1024;

impl App {
    /// Imports a recordings CSV (see `hallway_formats::recordings`): every row is checked
    /// against the edition's sessions first, and a bad one refuses the whole file, naming its
    /// line. Returns how many sessions got their recordings.
    pub async fn import_recordings(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        file: &str,
        text: &str,
    ) -> Result<usize> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        if text.len() > MAX_RECORDINGS_BYTES {
            return Err(AppError::Invalid(format!(
                "{file} is {} bytes; a recordings file may have at most {} MB",
                text.len(),
                MAX_RECORDINGS_BYTES / (1024 * 1024)
            )));
        }
        self.store.edition(&edition).await?;
        let flags: HashMap<Guid, bool> = self
            .store
            .do_not_record_flags(&edition)
            .await?
            .into_iter()
            .collect();
        let rows = read(text, |g| flags.get(g).copied()).map_err(|error| AppError::BadFile {
            file: file.to_owned(),
            error,
        })?;
        let pairs: Vec<(Guid, Recording)> = rows
            .iter()
            .map(|r| (r.session, r.recording.clone()))
            .collect();
        let now = jiff::Timestamp::now().as_second();
        match self.store.import_recordings(&edition, &pairs, now).await {
            Ok(_) => Ok(pairs.len()),
            // A session deleted or flagged since the file was checked: nothing was written.
            Err(StoreError::NotFound(what) | StoreError::Conflict(what)) => {
                Err(AppError::Conflict(format!(
                    "{file}: {what} (changed while importing; nothing was imported)"
                )))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// An edition's recordings, public data: the session pages show them.
    pub async fn recordings(&self, edition: &Slug) -> Result<HashMap<Guid, Recording>> {
        Ok(self
            .store
            .recordings_of(edition)
            .await?
            .into_iter()
            .collect())
    }

    /// Every edition's recordings version: a new one means its pages are rendered again.
    pub async fn recording_versions(&self) -> Result<Vec<(Slug, i64)>> {
        Ok(self.store.recording_versions().await?)
    }

    /// Each attendee's bookmarks in an edition, for "people who bookmarked this also
    /// bookmarked" (nobody is named: only the lists' overlaps are used).
    pub async fn bookmark_lists(&self, edition: &Slug) -> Result<Vec<Vec<Guid>>> {
        Ok(self.store.bookmark_lists(edition).await?)
    }

    /// The viewer's recording of a session: what is published and how far they got.
    pub async fn my_recording(
        &self,
        viewer: &Viewer,
        edition: &str,
        session: &str,
    ) -> Result<(Recording, Option<Progress>)> {
        let edition = parse_slug(edition)?;
        viewer.access_in(&edition, None)?;
        let session = parse_guid(session)?;
        let recording = self.recording_of(&edition, &session).await?;
        let progress = self
            .store
            .progress_of(&edition, viewer.user, &session)
            .await?;
        Ok((recording, progress))
    }

    /// Keeps how far the viewer got, unless a device said something later (the latest
    /// saying wins; the same saying twice changes nothing). Returns whether it was kept.
    pub async fn save_position(
        &self,
        viewer: &Viewer,
        edition: &str,
        session: &str,
        progress: &Progress,
    ) -> Result<bool> {
        let edition = parse_slug(edition)?;
        viewer.writes_in(&edition, None)?;
        let session = parse_guid(session)?;
        progress.check().map_err(AppError::Invalid)?;
        let recording = self.recording_of(&edition, &session).await?;
        if recording.url.is_none() {
            return Err(AppError::Invalid(format!(
                "session {session} has slides or captions but no video to keep a position in"
            )));
        }
        Ok(self
            .store
            .save_progress(&edition, viewer.user, &session, progress)
            .await?)
    }

    /// What the viewer started watching and did not finish, most recently watched first.
    pub async fn continue_watching(
        &self,
        viewer: &Viewer,
        edition: &str,
    ) -> Result<Vec<(Guid, Progress)>> {
        Ok(self
            .watched(viewer, edition)
            .await?
            .into_iter()
            .filter(|(_, p)| !p.is_finished())
            .collect())
    }

    /// Every recording the viewer started, finished or not, most recently watched first.
    pub async fn watched(&self, viewer: &Viewer, edition: &str) -> Result<Vec<(Guid, Progress)>> {
        let edition = parse_slug(edition)?;
        viewer.access_in(&edition, None)?;
        Ok(self.store.progresses(&edition, viewer.user).await?)
    }

    async fn recording_of(&self, edition: &Slug, session: &Guid) -> Result<Recording> {
        self.store
            .recording_of(edition, session)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("a recording of session {session}")))
    }
}

pub(crate) fn parse_guid(s: &str) -> Result<Guid> {
    Guid::parse(s).map_err(|e| AppError::Invalid(format!("{s:?} is not a session GUID: {e}")))
}
