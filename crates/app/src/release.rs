//! Releasing: freezing the work in progress into the next numbered, public version.

use crate::{App, OrgaCtx, Result};
use hallway_domain::{ChangeSet, Release};
use hallway_store::{ReleaseStore, ScheduleStore};

impl App {
    /// Freezes the edition's work-in-progress schedule into its next release, with the changes
    /// since the release before as its changelog entry.
    pub async fn release(&self, _orga: &OrgaCtx, edition: &str) -> Result<Release> {
        let slug = crate::parse_slug(edition)?;
        let schedule = self.store.work_in_progress(&slug).await?;
        let release = self
            .store
            .create_release(
                &schedule,
                jiff::Timestamp::now(),
                |previous| match previous {
                    Some(old) => ChangeSet::between(old, &schedule),
                    None => ChangeSet::default(),
                },
            )
            .await?;
        Ok(release)
    }
}
