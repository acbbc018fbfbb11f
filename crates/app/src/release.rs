//! Releasing: freezing the work in progress into the next numbered, public version.

use crate::{App, AppError, OrgaCtx, Result};
use hallway_domain::{ChangeSet, Release};
use hallway_store::ReleaseStore;

/// Whether to make a release when nothing changed since the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Force {
    /// Say so and make none: a release with no change would only notify people for nothing.
    #[default]
    OnlyIfChanged,
    Always,
}

impl App {
    /// Freezes the edition's work-in-progress schedule into its next release, with the changes
    /// since the release before as its changelog entry. The work in progress is read inside
    /// the transaction that writes the release, so the release is exactly one saved version.
    /// A schedule that no page could show (see `domain::bounds`) is refused with the reason,
    /// never found out by the server. Once it commits, the attendees who asked are mailed
    /// the changes to their bookmarks.
    pub async fn release(&self, orga: &OrgaCtx, edition: &str, force: Force) -> Result<Release> {
        let slug = crate::parse_slug(edition)?;
        orga.writes(&slug)?;
        let release = self
            .store
            .create_release::<_, AppError>(&slug, jiff::Timestamp::now(), |schedule, previous| {
                schedule
                    .check_bounds()
                    .map_err(|reason| AppError::OutOfBounds {
                        edition: slug.to_string(),
                        reason: reason.to_string(),
                    })?;
                Ok::<_, AppError>(match previous {
                    Some(old) if old == schedule && force == Force::OnlyIfChanged => None,
                    Some(old) => Some(ChangeSet::between(old, schedule)),
                    None => Some(ChangeSet::default()),
                })
            })
            .await?;
        // The release stands whatever happens to its mails: a failure here is logged, and
        // the sweep queues what is missing.
        if let Err(e) = self.mail_schedule_changes(&slug, release.number).await {
            tracing::error!(edition = %slug, release = release.number, cause = %crate::cause_chain(&e),
                "queueing the schedule change mails failed; the sweep will try again");
        }
        // Replicas render it at once instead of at their next check; one that misses this
        // still finds it then.
        if let Err(e) = self.store.announce_release(slug.as_str()).await {
            tracing::warn!(error = %e, "could not announce the release to other replicas");
        }
        Ok(release)
    }
}
