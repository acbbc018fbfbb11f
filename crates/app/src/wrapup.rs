//! An attendee's conference looked back on: the day's review (attended, skipped, notes, what
//! is bookmarked tomorrow) and the wrap-up post, from their marks and the released schedule
//! the caller holds in memory.

use crate::{App, AppError, Result, Viewer, parse_slug};
use hallway_domain::agenda::Marks;
use hallway_domain::recording::Recording;
use hallway_domain::wrapup::{self, Day};
use hallway_domain::{Guid, Schedule, Session};
use hallway_formats::wrapup::{WrapDay, WrapSpeaker, WrapTalk, Wrapup};
use hallway_store::{MarkStore, RecordingStore};
use jiff::civil::Date;
use std::collections::HashMap;

/// A day of the viewer's conference.
pub struct MyDay {
    pub today: Day,
    /// What is bookmarked the next day (empty on the last day).
    pub tomorrow: Option<Day>,
    pub marks: HashMap<Guid, Marks>,
}

impl App {
    /// The viewer's day `date` of the released `schedule`.
    pub async fn my_day(&self, viewer: &Viewer, schedule: &Schedule, date: Date) -> Result<MyDay> {
        let days = schedule.edition.days();
        if !days.contains(&date) {
            return Err(AppError::NotFound(format!(
                "{date} is not a day of {}",
                schedule.edition.name
            )));
        }
        let marks = self.marks_map(viewer, schedule).await?;
        let tomorrow = date
            .tomorrow()
            .ok()
            .filter(|d| days.contains(d))
            .map(|d| wrapup::day(schedule, &marks, d));
        Ok(MyDay {
            today: wrapup::day(schedule, &marks, date),
            tomorrow,
            marks,
        })
    }

    /// The viewer's conference as a wrap-up post (Markdown with
    /// `hallway_formats::wrapup::markdown`, or JSON as it is).
    pub async fn wrapup(&self, viewer: &Viewer, schedule: &Schedule) -> Result<Wrapup> {
        let marks = self.marks_map(viewer, schedule).await?;
        let recordings: HashMap<Guid, Recording> = self
            .store
            .recordings_of(&schedule.edition.slug)
            .await?
            .into_iter()
            .collect();
        let by_guid: HashMap<Guid, &Session> =
            schedule.sessions.iter().map(|x| (x.guid, x)).collect();
        let talk = |g: &Guid| -> Option<WrapTalk> {
            let x = by_guid.get(g)?;
            let rec = recordings.get(g);
            Some(WrapTalk {
                guid: g.to_string(),
                title: x.title.clone(),
                speakers: x
                    .speakers
                    .iter()
                    .filter_map(|s| schedule.speaker(s))
                    .map(|s| WrapSpeaker {
                        name: s.name.clone(),
                        affiliation: s.affiliation.clone(),
                    })
                    .collect(),
                note: marks
                    .get(g)
                    .map(|m| m.note.value.clone())
                    .unwrap_or_default(),
                page: self.link(&format!("/{}/sessions/{g}", schedule.edition.slug)),
                recording: rec.and_then(|r| r.url_at(0)),
                slides: rec.and_then(|r| r.slides.clone()),
            })
        };
        Ok(Wrapup {
            edition: schedule.edition.slug.to_string(),
            edition_name: schedule.edition.name.clone(),
            days: wrapup::attended_by_day(schedule, &marks)
                .into_iter()
                .map(|(date, saw)| WrapDay {
                    date: date.to_string(),
                    label: date.strftime("%A %-d %B").to_string(),
                    saw: saw.iter().filter_map(talk).collect(),
                })
                .collect(),
            wanted: wrapup::wanted(schedule, &marks)
                .iter()
                .filter_map(talk)
                .collect(),
        })
    }

    async fn marks_map(
        &self,
        viewer: &Viewer,
        schedule: &Schedule,
    ) -> Result<HashMap<Guid, Marks>> {
        let edition = parse_slug(schedule.edition.slug.as_str())?;
        viewer.access_in(&edition, None)?;
        Ok(self
            .store
            .marks_of(&edition, viewer.user)
            .await?
            .into_iter()
            .collect())
    }
}
