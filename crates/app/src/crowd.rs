//! The demo's synthetic crowd: attendees who bookmarked sessions before the schedule was built.

use crate::{App, OrgaCtx, Result};
use hallway_domain::crowd::{CrowdSession, CrowdShape, bookmarks};
use hallway_store::{AttendeeStore, NewAttendee, ScheduleStore};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrowdOutcome {
    pub attendees: u64,
    pub bookmarks: u64,
}

impl App {
    /// Adds a synthetic crowd of `shape.attendees` attendees with skewed interest to an edition.
    pub async fn add_synthetic_crowd(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        shape: &CrowdShape,
    ) -> Result<CrowdOutcome> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        let schedule = self.store.work_in_progress(&slug).await?.schedule;
        let track_index: HashMap<_, _> = schedule
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.slug, i))
            .collect();
        let sessions: Vec<CrowdSession> = schedule
            .sessions
            .iter()
            .map(|s| CrowdSession {
                session_type: s.session_type,
                track: s.track.as_ref().and_then(|t| track_index.get(t).copied()),
            })
            .collect();
        let already = self.store.attendee_count(&slug).await?;
        let attendees: Vec<NewAttendee> = bookmarks(&sessions, schedule.tracks.len(), shape)
            .into_iter()
            .enumerate()
            .map(|(i, picks)| NewAttendee {
                handle: format!("attendee-{:05}", already as usize + i + 1),
                bookmarks: picks
                    .into_iter()
                    .map(|p| schedule.sessions[p as usize].guid)
                    .collect(),
            })
            .collect();
        let stored = self.store.add_attendees(&slug, &attendees).await?;
        Ok(CrowdOutcome {
            attendees: attendees.len() as u64,
            bookmarks: stored,
        })
    }

    pub async fn attendee_count(&self, edition: &str) -> Result<u64> {
        let slug = crate::parse_slug(edition)?;
        Ok(self.store.attendee_count(&slug).await?)
    }
}
