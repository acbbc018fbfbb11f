//! An attendee's agenda as data: their marks with everyone's bookmark counts (for "likely
//! full"), for themselves or for whoever holds the secret link they shared; making and revoking
//! that link. Laying it out is `domain::plan`'s.

use crate::{App, AppError, Result, Secret, Viewer, parse_slug};
use hallway_domain::agenda::Marks;
use hallway_domain::{Guid, Slug, UserId};
use hallway_store::{AgendaShareStore, AttendeeStore, MarkStore, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long bookmark counts are kept: "likely full" moves slowly, and counting every
/// attendee's bookmarks on every agenda page would cost more than the rest of the page.
const COUNTS_KEPT: Duration = Duration::from_secs(60);

/// How many people bookmarked each session of an edition.
type Counts = Arc<HashMap<Guid, u64>>;

/// Bookmark counts per edition, with when they were counted.
#[derive(Debug, Default)]
pub(crate) struct CountsCache {
    entries: Mutex<HashMap<Slug, (Instant, Counts)>>,
}

/// What an agenda page shows, before it is laid out.
#[derive(Debug, Clone)]
pub struct AgendaData {
    pub marks: Vec<(Guid, Marks)>,
    /// How many people bookmarked each session of the edition.
    pub bookmarks: HashMap<Guid, u64>,
    /// The live read-only link's token, for its owner (never for a visitor of the link).
    pub share: Option<String>,
}

impl App {
    /// The viewer's own agenda.
    pub async fn my_agenda(&self, viewer: &Viewer, edition: &str) -> Result<AgendaData> {
        let slug = parse_slug(edition)?;
        viewer.access_in(&slug, None)?;
        let (marks, bookmarks, share) = tokio::try_join!(
            async { Ok::<_, AppError>(self.store.marks_of(&slug, viewer.user).await?) },
            self.bookmark_counts(&slug),
            async { Ok(self.store.agenda_share_of(&slug, viewer.user).await?) },
        )?;
        Ok(AgendaData {
            marks,
            bookmarks,
            share,
        })
    }

    /// How many people bookmarked each session of `edition`, counted at most a minute ago.
    async fn bookmark_counts(&self, edition: &Slug) -> Result<HashMap<Guid, u64>> {
        let cache = &self.inner.bookmark_counts.entries;
        let fresh = |entries: &HashMap<Slug, (Instant, Counts)>| {
            entries
                .get(edition)
                .filter(|(at, _)| at.elapsed() < COUNTS_KEPT)
                .map(|(_, counts)| counts.clone())
        };
        let kept = fresh(&cache.lock().unwrap_or_else(|e| e.into_inner()));
        let counts = match kept {
            Some(counts) => counts,
            None => {
                let counted = Arc::new(self.store.bookmark_counts(edition).await?);
                cache
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(edition.clone(), (Instant::now(), counted.clone()));
                counted
            }
        };
        Ok((*counts).clone())
    }

    /// The agenda a live link shows: bookmarks and priorities only, never notes.
    pub async fn shared_agenda(&self, edition: &str, token: &str) -> Result<AgendaData> {
        let slug = parse_slug(edition)?;
        let unknown = || AppError::NotFound("no such agenda link: it may have been revoked".into());
        if !crate::accounts::well_formed_secret(token) {
            return Err(unknown());
        }
        let user: UserId = match self.store.agenda_shared_by(&slug, token).await {
            Ok(u) => u,
            Err(StoreError::NotFound(_)) => return Err(unknown()),
            Err(e) => return Err(e.into()),
        };
        let (marks, bookmarks) = tokio::try_join!(
            async { Ok::<_, AppError>(self.store.marks_of(&slug, user).await?) },
            self.bookmark_counts(&slug),
        )?;
        let marks = marks
            .into_iter()
            .filter(|(_, m)| m.interested.value)
            .map(|(g, m)| {
                (
                    g,
                    Marks {
                        interested: m.interested,
                        priority: m.priority,
                        ..Marks::default()
                    },
                )
            })
            .collect();
        Ok(AgendaData {
            marks,
            bookmarks,
            share: None,
        })
    }

    /// A new read-only link to the viewer's agenda; the previous one stops working.
    pub async fn share_agenda(&self, viewer: &Viewer, edition: &str) -> Result<String> {
        let slug = parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        let token = Secret::random()?;
        self.store
            .share_agenda(&slug, viewer.user, token.expose(), now())
            .await?;
        Ok(token.expose().to_owned())
    }

    /// Stops the viewer's link from working; false when there was none.
    pub async fn revoke_agenda_share(&self, viewer: &Viewer, edition: &str) -> Result<bool> {
        let slug = parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        Ok(self
            .store
            .revoke_agenda_share(&slug, viewer.user, now())
            .await?)
    }
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}
