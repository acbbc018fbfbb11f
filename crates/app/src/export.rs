//! Exporting a released schedule (public) or the work in progress (organizers) in the formats
//! other tools read.

use crate::{App, AppError, OrgaCtx, Result};
use hallway_domain::Schedule;
use hallway_formats::{Export, ExportFormat, Feed};
use hallway_store::{ReleaseStore, ScheduleStore};

impl App {
    /// Writes release `number` (the newest when `None`) of an edition in `format`; links in
    /// the file point at `base_url`.
    pub async fn export_release(
        &self,
        edition: &str,
        number: Option<u32>,
        format: ExportFormat,
        feed: &Feed,
        base_url: &str,
    ) -> Result<String> {
        let slug = crate::parse_slug(edition)?;
        let release = match number {
            Some(n) => self.store.release(&slug, n).await?,
            None => self
                .store
                .latest_release(&slug)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("a release of {slug}")))?,
        };
        let export = Export::new(
            &release.schedule,
            format!("release {}", release.number),
            base_url,
            release.released_at,
        );
        write(&release.schedule, &export, format, feed)
    }

    /// Writes the edition's work in progress in `format`: organizers only, never cached.
    pub async fn export_work_in_progress(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        format: ExportFormat,
        feed: &Feed,
        base_url: &str,
    ) -> Result<String> {
        let slug = crate::parse_slug(edition)?;
        orga.covers(&slug)?;
        let schedule = self.store.work_in_progress(&slug).await?.schedule;
        let export = Export::new(
            &schedule,
            "work in progress",
            base_url,
            jiff::Timestamp::now(),
        );
        write(&schedule, &export, format, feed)
    }
}

fn write(s: &Schedule, export: &Export<'_>, format: ExportFormat, feed: &Feed) -> Result<String> {
    if !feed.exists_in(s) {
        return Err(AppError::NotFound(format!(
            "{feed:?} in {}",
            s.edition.slug
        )));
    }
    if format != ExportFormat::Ical && *feed != Feed::Edition {
        return Err(AppError::Invalid(format!(
            "only iCalendar exports can be narrowed to a track, room, speaker, event or sessions; {format} exports the whole edition"
        )));
    }
    Ok(format.write(export, feed))
}
