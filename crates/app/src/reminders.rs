//! Accepted speakers who have not confirmed are reminded: first after a few days, then again
//! each week, each reminder once (its key names the proposal and the week).

use crate::mail::MailKind;
use crate::{App, Result};
use hallway_domain::Email;
use hallway_store::{EditionStore, SubmissionStore};
use jiff::Timestamp;

/// Days after acceptance before the first reminder, and between reminders.
pub const FIRST_REMINDER_DAYS: i64 = 3;
pub const REMINDER_EVERY_DAYS: i64 = 7;

impl App {
    /// Queues the reminders due at `now` (each once); returns how many speakers are due one.
    pub async fn remind_unconfirmed(&self, now: Timestamp) -> Result<usize> {
        let day = 24 * 3600;
        let due_before = now.as_second() - FIRST_REMINDER_DAYS * day;
        let mut queued = 0;
        for (proposal, accepted_at, emails) in self.store.unconfirmed(due_before).await? {
            let edition = self.store.edition(&proposal.edition).await?;
            let zone = jiff::tz::TimeZone::get(&edition.time_zone)
                .map_err(|e| crate::AppError::Internal(format!("{}'s zone: {e}", edition.slug)))?;
            let accepted = Timestamp::from_second(accepted_at)
                .map_err(|e| crate::AppError::Internal(format!("stored instant: {e}")))?;
            // Which reminder this is: 0 for the first, 1 a week later, ...
            let round = (due_before - accepted_at) / (REMINDER_EVERY_DAYS * day);
            for to in &emails {
                let to = Email::parse(to)
                    .map_err(|e| crate::AppError::Internal(format!("stored address: {e}")))?;
                let key = format!("confirm-reminder:{}:{round}:{to}", proposal.id);
                let kind = MailKind::ConfirmReminder {
                    title: proposal.title.clone(),
                    code: proposal.code.clone(),
                    event: proposal.event.to_string(),
                    accepted: accepted
                        .to_zoned(zone.clone())
                        .strftime("%-d %B %Y")
                        .to_string(),
                    url: self.link(&format!("/cfp/proposals/{}", proposal.code)),
                };
                self.queue_mail(&key, &to, kind).await?;
                queued += 1;
            }
        }
        Ok(queued)
    }
}
