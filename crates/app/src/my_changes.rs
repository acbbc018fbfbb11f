//! Schedule changes that matter to an attendee: the bookmarked sessions releases moved,
//! re-roomed or cancelled (see `domain::my_changes`), shown on their pages since the release
//! they last saw, and mailed once per release to those who asked.
//!
//! Mails are queued after the release commits, by whoever made it, and by the sweep for any
//! release whose mails are not all queued (the process stopped in between): each attendee's
//! mail is written with the row that says it was, so every path may run at once.

use crate::mail::{ChangeLine, MailKind};
use crate::{App, AppError, Result, Viewer, parse_slug};
use hallway_domain::my_changes::{self, MyRelease};
use hallway_domain::{Email, Slug};
use hallway_store::{ChangeStore, EditionStore, MarkStore, NewMail, ReleaseStore};
use jiff::tz::TimeZone;

/// Which releases' changes to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// Those after the release the viewer last saw: the agenda's banner.
    Unseen,
    /// Every release: the page of changes.
    Ever,
}

/// An attendee's changes, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyChanges {
    pub edition_name: String,
    /// The venue's zone, which the times are written in.
    pub zone: String,
    /// The newest release (0: none yet).
    pub latest: u32,
    /// The release whose changes the viewer last saw.
    pub seen: u32,
    /// Newest first.
    pub releases: Vec<ReleaseChanges>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseChanges {
    pub number: u32,
    /// When it was released, in the venue's zone.
    pub released: String,
    pub changes: Vec<SessionChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionChange {
    pub guid: String,
    pub title: String,
    /// "moved from Tue 24 Mar 10:00–10:30 to Wed 25 Mar 14:00–14:30; moved from Hall 7 to ..."
    pub what: String,
    pub cancelled: bool,
}

/// An attendee's settings of an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSettings {
    pub edition_name: String,
    pub mails: bool,
}

pub(crate) fn zone_of(edition: &hallway_domain::Edition) -> Result<TimeZone> {
    TimeZone::get(&edition.time_zone).map_err(|e| {
        AppError::Internal(format!(
            "{}'s zone {:?}: {e}",
            edition.slug, edition.time_zone
        ))
    })
}

fn shown(mine: Vec<MyRelease>, tz: &TimeZone) -> Vec<ReleaseChanges> {
    mine.into_iter()
        .map(|r| ReleaseChanges {
            number: r.number,
            released: r
                .released_at
                .to_zoned(tz.clone())
                .strftime("%A %-d %B %Y, %H:%M %Z")
                .to_string(),
            changes: r
                .changes
                .iter()
                .map(|c| SessionChange {
                    guid: c.guid.to_string(),
                    title: c.title.clone(),
                    what: c.describe(tz),
                    cancelled: c.what.contains(&my_changes::What::Cancelled),
                })
                .collect(),
        })
        .collect()
}

impl App {
    /// The viewer's bookmarked sessions that releases changed, newest release first.
    pub async fn my_schedule_changes(
        &self,
        viewer: &Viewer,
        edition: &str,
        since: Since,
    ) -> Result<MyChanges> {
        let slug = parse_slug(edition)?;
        viewer.access_in(&slug, None)?;
        let e = self.store.edition(&slug).await?;
        let tz = zone_of(&e)?;
        let prefs = self.store.change_prefs(&slug, viewer.user).await?;
        let notes = self.store.release_notes(&slug).await?;
        let bookmarks: Vec<(hallway_domain::Guid, i64)> = self
            .store
            .marks_of(&slug, viewer.user)
            .await?
            .into_iter()
            .filter(|(_, m)| m.interested.value)
            .map(|(g, m)| (g, m.interested.at))
            .collect();
        let after = match since {
            Since::Unseen => prefs.seen,
            Since::Ever => 0,
        };
        Ok(MyChanges {
            edition_name: e.name,
            zone: e.time_zone,
            latest: notes.iter().map(|n| n.number).max().unwrap_or(0),
            seen: prefs.seen,
            releases: shown(my_changes::changes_for(&bookmarks, &notes, after), &tz),
        })
    }

    /// Records that the viewer saw the changes up to `release`, so the banner hides them.
    pub async fn acknowledge_changes(
        &self,
        viewer: &Viewer,
        edition: &str,
        release: u32,
    ) -> Result<()> {
        let slug = parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        self.store.edition(&slug).await?;
        let latest = self
            .store
            .latest_release(&slug)
            .await?
            .map_or(0, |r| r.number);
        if release == 0 || release > latest {
            return Err(AppError::Invalid(format!(
                "release: {edition} has no release {release} (the latest is {latest})"
            )));
        }
        Ok(self
            .store
            .mark_changes_seen(&slug, viewer.user, release)
            .await?)
    }

    pub async fn change_settings(&self, viewer: &Viewer, edition: &str) -> Result<ChangeSettings> {
        let slug = parse_slug(edition)?;
        viewer.access_in(&slug, None)?;
        let e = self.store.edition(&slug).await?;
        let prefs = self.store.change_prefs(&slug, viewer.user).await?;
        Ok(ChangeSettings {
            edition_name: e.name,
            mails: prefs.mails,
        })
    }

    /// Opts the viewer in to (or out of) a mail per release listing their changes.
    pub async fn set_change_mails(&self, viewer: &Viewer, edition: &str, on: bool) -> Result<()> {
        let slug = parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        Ok(self.store.set_change_mails(&slug, viewer.user, on).await?)
    }

    /// Queues each opted-in attendee's mail about release `number`, once, and records the
    /// release as mailed. Returns how many mails this call queued.
    pub(crate) async fn mail_schedule_changes(&self, edition: &Slug, number: u32) -> Result<u32> {
        let e = self.store.edition(edition).await?;
        let tz = zone_of(&e)?;
        let note = self.store.release_note(edition, number).await?;
        let notes = std::slice::from_ref(&note);
        let mut queued = 0;
        for r in self.store.change_mail_recipients(edition).await? {
            let Some(mine) = my_changes::changes_for(&r.bookmarks, notes, number - 1).pop() else {
                continue;
            };
            let email = Email::parse(&r.email)
                .map_err(|err| AppError::Internal(format!("stored address {}: {err}", r.email)))?;
            let kind = MailKind::ScheduleChanges {
                edition: e.name.clone(),
                release: number,
                zone: e.time_zone.clone(),
                changes: mine
                    .changes
                    .iter()
                    .map(|c| ChangeLine {
                        title: c.title.clone(),
                        what: c.describe(&tz),
                        url: self.link(&format!("/{edition}/sessions/{}", c.guid)),
                    })
                    .collect(),
                changes_url: self.link(&format!("/me/{edition}/changes")),
                settings_url: self.link(&format!("/me/{edition}/settings")),
            };
            let (subject, body) = self.inner.templates.render(&kind, &self.inner.public_url)?;
            let mail = NewMail {
                key: format!("schedule-changes:{edition}:{number}:{}", r.user.0),
                recipient: email.to_string(),
                subject,
                body,
            };
            let now = jiff::Timestamp::now().as_second();
            if self
                .store
                .queue_change_mail(edition, r.user, number, &mail, now)
                .await?
            {
                queued += 1;
            }
        }
        self.store
            .finish_change_mailing(edition, number, jiff::Timestamp::now().as_second())
            .await?;
        Ok(queued)
    }

    /// Queues the change mails of every release whose mails are not all queued: what a
    /// process that stopped right after a release left undone. Returns the mails queued.
    pub async fn mail_unmailed_changes(&self) -> Result<u32> {
        let mut queued = 0;
        for (edition, number) in self.store.unmailed_releases().await? {
            queued += self.mail_schedule_changes(&edition, number).await?;
        }
        Ok(queued)
    }
}
