//! An attendee's marks on sessions: bookmarks, priorities, attended, watch later, notes. The
//! pages, the API and offline devices all send changes here; see `domain::agenda` for how
//! changes from several devices come together.

use crate::{App, AppError, Result, Viewer, parse_slug};
use hallway_domain::Guid;
use hallway_domain::agenda::{Marks, Set, check_note};
use hallway_store::{MarkChange, MarkStore, Outcome, StoreError};

/// At most this many changes in one request (a device back from a day offline).
pub const MAX_CHANGES: usize = 1000;

impl App {
    /// Applies the viewer's changes; each is applied once, however often it is sent.
    pub async fn mark_sessions(
        &self,
        viewer: &Viewer,
        edition: &str,
        changes: &[MarkChange],
    ) -> Result<Vec<Outcome>> {
        let edition = parse_slug(edition)?;
        viewer.writes_in(&edition, None)?;
        if changes.len() > MAX_CHANGES {
            return Err(AppError::Invalid(format!(
                "{} changes in one request; send at most {MAX_CHANGES}",
                changes.len()
            )));
        }
        for (i, c) in changes.iter().enumerate() {
            if c.id.is_empty() || c.id.len() > 100 {
                return Err(AppError::Invalid(format!(
                    "change {}, field id: it must have 1 to 100 characters",
                    i + 1
                )));
            }
            if let Set::Note(note) = &c.set {
                check_note(note)
                    .map_err(|e| AppError::Invalid(format!("change {}, field note: {e}", i + 1)))?;
            }
        }
        let now = jiff::Timestamp::now().as_second();
        match self
            .store
            .apply_marks(&edition, viewer.user, changes, now)
            .await
        {
            Ok(outcomes) => Ok(outcomes),
            // Bad input naming the change whose session is unknown, so a device knows which
            // to drop; an unknown edition stays not found.
            Err(StoreError::NotFound(what)) if what.starts_with("session ") => {
                Err(AppError::Invalid(
                    match changes
                        .iter()
                        .position(|c| what == format!("session {}", c.session))
                    {
                        Some(i) => format!(
                            "change {} (id {:?}): no session {} in {edition}",
                            i + 1,
                            changes[i].id,
                            changes[i].session
                        ),
                        None => what,
                    },
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The viewer's marks in an edition.
    pub async fn my_marks(&self, viewer: &Viewer, edition: &str) -> Result<Vec<(Guid, Marks)>> {
        let edition = parse_slug(edition)?;
        viewer.access_in(&edition, None)?;
        Ok(self.store.marks_of(&edition, viewer.user).await?)
    }

    /// Notes of the viewer's that a later one replaced, kept.
    pub async fn kept_notes(
        &self,
        viewer: &Viewer,
        edition: &str,
        session: &Guid,
    ) -> Result<Vec<String>> {
        let edition = parse_slug(edition)?;
        viewer.access_in(&edition, None)?;
        Ok(self
            .store
            .kept_notes(&edition, viewer.user, session)
            .await?)
    }
}
