//! An attendee's private calendar feed: a secret address per attendee and edition that a
//! calendar app subscribes to, holding their bookmarked sessions of the newest release. Each
//! event keeps the public feed's UID, so an app updates it rather than adding a copy, and its
//! SEQUENCE is the release that last changed its session; a bookmarked session a later
//! release dropped is sent as it last was, cancelled. Whoever holds the address reads the
//! feed (calendar apps carry no cookie); replacing or revoking it makes the old one 404.

use crate::accounts::Secret;
use crate::{App, AppError, Result, Viewer, parse_slug};
use hallway_domain::my_changes;
use hallway_domain::{Guid, Schedule, Slug};
use hallway_formats::ical_out::{Cancelled, Revisions, write_with};
use hallway_formats::{Export, Feed};
use hallway_store::{CalendarFeedStore, EditionStore, MarkStore, ReleaseStore};
use std::collections::{BTreeMap, HashSet};

/// Where the viewer's feed is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedAddress {
    /// The whole address, on the public site.
    pub url: String,
    /// When it was made, in the venue's zone.
    pub created: String,
}

fn path(edition: &Slug, secret: &str) -> String {
    format!("/me/{edition}/calendar/{secret}.ics")
}

/// A secret as `Secret::random` makes them: anything else is not looked up.
fn well_formed(secret: &str) -> bool {
    secret.len() == 64
        && secret
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn no_feed() -> AppError {
    AppError::NotFound("this calendar feed (its address may have been revoked)".into())
}

impl App {
    /// The viewer's feed address in an edition, if they made one.
    pub async fn calendar_feed_address(
        &self,
        viewer: &Viewer,
        edition: &str,
    ) -> Result<Option<FeedAddress>> {
        let slug = parse_slug(edition)?;
        viewer.access_in(&slug, None)?;
        let e = self.store.edition(&slug).await?;
        let Some(feed) = self.store.calendar_feed(&slug, viewer.user).await? else {
            return Ok(None);
        };
        let created = jiff::Timestamp::from_second(feed.created_at)
            .map_err(|err| AppError::Internal(format!("a feed's creation time: {err}")))?;
        let tz = crate::my_changes::zone_of(&e)?;
        Ok(Some(FeedAddress {
            url: self.link(&path(&slug, &feed.secret)),
            created: created
                .to_zoned(tz)
                .strftime("%A %-d %B %Y, %H:%M %Z")
                .to_string(),
        }))
    }

    /// Makes the viewer a new feed address, revoking the one before it.
    pub async fn new_calendar_feed(&self, viewer: &Viewer, edition: &str) -> Result<FeedAddress> {
        let slug = parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        let secret = Secret::random()?;
        self.store
            .put_calendar_feed(
                &slug,
                viewer.user,
                secret.expose(),
                &secret.stored(),
                jiff::Timestamp::now().as_second(),
            )
            .await?;
        self.calendar_feed_address(viewer, edition)
            .await?
            .ok_or_else(|| AppError::Internal("a feed made a moment ago is gone".into()))
    }

    /// Revokes the viewer's feed address; `false` when they had none.
    pub async fn revoke_calendar_feed(&self, viewer: &Viewer, edition: &str) -> Result<bool> {
        let slug = parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        Ok(self.store.revoke_calendar_feed(&slug, viewer.user).await?)
    }

    /// The feed that `secret` opens in `edition`, as iCalendar text; `NotFound` for a secret
    /// that is unknown, revoked or of another edition.
    pub async fn private_calendar(&self, edition: &str, secret: &str) -> Result<String> {
        let slug = parse_slug(edition).map_err(|_| no_feed())?;
        if !well_formed(secret) {
            return Err(no_feed());
        }
        let (owner_edition, user) = match self
            .store
            .calendar_feed_owner(&Secret::from_client(secret).stored())
            .await
        {
            Ok(owner) => owner,
            Err(hallway_store::StoreError::NotFound(_)) => return Err(no_feed()),
            Err(e) => return Err(e.into()),
        };
        if owner_edition != slug {
            return Err(no_feed());
        }
        let latest = self.store.latest_release(&slug).await?.ok_or_else(|| {
            AppError::NotFound(format!("a release of {edition}: nothing is published yet"))
        })?;
        let bookmarked: Vec<Guid> = self
            .store
            .marks_of(&slug, user)
            .await?
            .into_iter()
            .filter(|(_, m)| m.interested.value)
            .map(|(g, _)| g)
            .collect();
        let notes = self.store.release_notes(&slug).await?;
        let sequence = my_changes::revisions(&notes);
        let removals = my_changes::removals(&notes);
        let released: HashSet<Guid> = latest.schedule.sessions.iter().map(|s| s.guid).collect();
        // Bookmarked sessions the newest release lacks, by the release that removed them:
        // each is read from the release before that one, where it last was.
        let mut gone: BTreeMap<u32, Vec<Guid>> = BTreeMap::new();
        for g in bookmarked.iter().filter(|g| !released.contains(g)) {
            if let Some(&removed_in) = removals.get(g) {
                gone.entry(removed_in).or_default().push(*g);
            }
        }
        let mut before: Vec<(u32, Schedule, Vec<Guid>)> = Vec::new();
        for (removed_in, guids) in gone {
            let older = self.store.release(&slug, removed_in - 1).await?;
            before.push((removed_in, older.schedule, guids));
        }
        let cancelled: Vec<Cancelled<'_>> = before
            .iter()
            .flat_map(|(removed_in, schedule, guids)| {
                schedule
                    .sessions
                    .iter()
                    .filter(|s| guids.contains(&s.guid))
                    .map(|session| Cancelled {
                        schedule,
                        session,
                        in_release: *removed_in,
                    })
            })
            .collect();
        let export = Export::new(
            &latest.schedule,
            format!("release {}", latest.number),
            &self.inner.public_url,
            latest.released_at,
        );
        Ok(write_with(
            &export,
            &Feed::Sessions(bookmarked),
            &Revisions {
                sequence,
                cancelled,
            },
        ))
    }
}
