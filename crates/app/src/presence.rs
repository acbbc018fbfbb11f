//! Presence and contact requests. A person shows as online in an edition only when they said
//! so (off by default) and were seen in the last `ONLINE_SECONDS` (a page's heartbeat, or a
//! signed-in page). An attendee may write a short note to a presenter (a speaker of a session
//! with an account); the presenter reads it in an inbox and by mail, answers it (the answer is
//! mailed back and shown on the attendee's page) or ignores it (the attendee is not told).

use crate::limits::RateLimit;
use crate::mail::MailKind;
use crate::{App, AppError, Result, Viewer, parse_slug};
use hallway_domain::venue::{self, ContactState, Rate};
use hallway_domain::{Email, Schedule, Session, Slug, UserId};
use hallway_store::{PresenceStore, QaStore, StoredContact};
use jiff::Timestamp;
use std::collections::HashMap;
use std::net::IpAddr;

/// Seen within this long: online.
pub const ONLINE_SECONDS: i64 = 120;

/// A signed-in page notes its viewer at most this often per process: a heartbeat is enough.
const SEEN_EVERY_SECONDS: i64 = 30;

/// Contact requests: 5 per account and 20 per address in 10 minutes.
pub const CONTACT_LIMIT: RateLimit = RateLimit {
    action: "contact requests",
    per_account: Rate {
        most: 5,
        window_seconds: 600,
    },
    per_address: Rate {
        most: 20,
        window_seconds: 600,
    },
};

/// A speaker of a session who has an account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Presenter {
    /// The speaker's slug in the schedule.
    pub speaker: String,
    pub name: String,
    #[serde(skip)]
    pub user: UserId,
}

/// A contact request as its presenter or its sender sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContactView {
    pub id: i64,
    pub session: String,
    pub title: String,
    /// The presenter written to (for the sender's page).
    pub presenter: String,
    pub text: String,
    pub sent_at: String,
    /// "new", "answered" or "ignored"; a sender is shown "new" for an ignored one.
    pub state: &'static str,
    pub answer: String,
}

/// When each signed-in viewer was last written as seen by this process.
#[derive(Debug, Default)]
pub(crate) struct SeenCache {
    written: std::sync::Mutex<HashMap<UserId, i64>>,
}

fn now() -> i64 {
    Timestamp::now().as_second()
}

/// When a note was sent, in the venue's zone; a stored instant that does not read is a fault.
fn shown(t: i64, tz: &jiff::tz::TimeZone) -> Result<String> {
    let at = Timestamp::from_second(t)
        .map_err(|e| AppError::Internal(format!("a note's sending time {t}: {e}")))?;
    Ok(at
        .to_zoned(tz.clone())
        .strftime("%a %-d %b, %H:%M %Z")
        .to_string())
}

fn find<'a>(schedule: &'a Schedule, guid: &str) -> Result<&'a Session> {
    schedule
        .sessions
        .iter()
        .find(|s| s.guid.to_string() == guid)
        .ok_or_else(|| AppError::NotFound(format!("session {guid}")))
}

impl App {
    /// Whether the viewer shows as online in an edition.
    pub async fn presence(&self, viewer: &Viewer, edition: &str) -> Result<bool> {
        let edition = parse_slug(edition)?;
        viewer.access_in(&edition, None)?;
        Ok(self.store.presence_visible(viewer.user, &edition).await?)
    }

    /// Shows the viewer as online in an edition when seen lately, or never.
    pub async fn set_presence(&self, viewer: &Viewer, edition: &str, visible: bool) -> Result<()> {
        let edition = parse_slug(edition)?;
        viewer.writes_in(&edition, None)?;
        self.store
            .set_presence_visible(viewer.user, &edition, visible)
            .await?;
        if visible {
            self.store.seen(viewer.user, now()).await?;
        }
        Ok(())
    }

    /// Notes that the viewer is here (a heartbeat, a signed-in page). Written at most every
    /// `SEEN_EVERY_SECONDS` per process, so pages cost no write each.
    pub async fn note_seen(&self, viewer: &Viewer) -> Result<()> {
        let now = now();
        {
            let mut written =
                self.inner.seen.written.lock().map_err(|_| {
                    AppError::Internal("the presence cache's lock was poisoned".into())
                })?;
            if written
                .get(&viewer.user)
                .is_some_and(|&t| now - t < SEEN_EVERY_SECONDS)
            {
                return Ok(());
            }
            written.insert(viewer.user, now);
        }
        Ok(self.store.seen(viewer.user, now).await?)
    }

    /// The session's speakers who have accounts: the speakers of the confirmed proposal it
    /// came from, matched in the order both list them.
    pub async fn presenters(&self, schedule: &Schedule, guid: &str) -> Result<Vec<Presenter>> {
        let s = find(schedule, guid)?;
        let accounts = self
            .store
            .session_speaker_accounts(&schedule.edition.slug, guid)
            .await?;
        if accounts.len() != s.speakers.len() {
            // Speakers edited in the schedule after the proposal: no sure match, no one shown.
            return Ok(Vec::new());
        }
        Ok(s.speakers
            .iter()
            .zip(accounts)
            .map(|(slug, user)| Presenter {
                speaker: slug.to_string(),
                name: schedule
                    .speaker(slug)
                    .map_or_else(|| slug.to_string(), |p| p.name.clone()),
                user,
            })
            .collect())
    }

    /// The session's presenters online now (only those who show themselves).
    pub async fn online_presenters(
        &self,
        schedule: &Schedule,
        guid: &str,
    ) -> Result<Vec<Presenter>> {
        let presenters = self.presenters(schedule, guid).await?;
        let users: Vec<UserId> = presenters.iter().map(|p| p.user).collect();
        let online = self
            .store
            .online_of(&schedule.edition.slug, &users, now() - ONLINE_SECONDS)
            .await?;
        Ok(presenters
            .into_iter()
            .filter(|p| online.contains(&p.user))
            .collect())
    }

    /// A speaker (by slug) when online now, through any session they present; else nothing.
    pub async fn online_speaker(
        &self,
        schedule: &Schedule,
        speaker: &str,
    ) -> Result<Vec<Presenter>> {
        let slug = parse_slug(speaker)?;
        if schedule.speaker(&slug).is_none() {
            return Err(AppError::NotFound(format!("speaker {speaker}")));
        }
        for s in schedule
            .sessions
            .iter()
            .filter(|s| s.speakers.contains(&slug))
        {
            let guid = s.guid.to_string();
            if let Some(p) = self
                .online_presenters(schedule, &guid)
                .await?
                .into_iter()
                .find(|p| p.speaker == speaker)
            {
                return Ok(vec![p]);
            }
        }
        Ok(Vec::new())
    }

    /// Sends a presenter of a session a short note; limited per account and per address.
    pub async fn send_contact(
        &self,
        viewer: &Viewer,
        from: Option<IpAddr>,
        schedule: &Schedule,
        guid: &str,
        speaker: &str,
        text: &str,
    ) -> Result<i64> {
        let edition = &schedule.edition.slug;
        viewer.writes_in(edition, None)?;
        let text = venue::message(text).map_err(|e| AppError::Invalid(format!("message: {e}")))?;
        let s = find(schedule, guid)?;
        let presenter = self
            .presenters(schedule, guid)
            .await?
            .into_iter()
            .find(|p| p.speaker == speaker)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "speaker: {speaker:?} is not a speaker of \"{}\" who can be written to",
                    s.title
                ))
            })?;
        if presenter.user == viewer.user {
            return Err(AppError::Invalid(
                "speaker: that is you; write to another speaker".into(),
            ));
        }
        self.throttle(&CONTACT_LIMIT, viewer.user, from).await?;
        let address = self.store.address_of(presenter.user).await?;
        let to = Email::parse(&address)
            .map_err(|e| AppError::Internal(format!("a stored address: {e}")))?;
        let letter = self.letter(
            &to,
            MailKind::ContactRequest {
                title: s.title.clone(),
                text: text.clone(),
                url: self.link(&format!("/me/{edition}/inbox")),
            },
        )?;
        Ok(self
            .store
            .send_contact(
                edition,
                guid,
                presenter.user,
                viewer.user,
                &text,
                now(),
                &letter,
            )
            .await?)
    }

    /// The viewer's inbox in an edition: what attendees wrote to them, newest first.
    pub async fn inbox(&self, viewer: &Viewer, schedule: &Schedule) -> Result<Vec<ContactView>> {
        let edition = &schedule.edition.slug;
        viewer.access_in(edition, None)?;
        let stored = self.store.contacts_to(edition, viewer.user).await?;
        let tz = crate::my_changes::zone_of(&schedule.edition)?;
        stored
            .iter()
            .map(|c| contact_view(schedule, &tz, c, String::new(), true))
            .collect()
    }

    /// What the viewer wrote in an edition, with the answers; an ignored note still reads as
    /// waiting, so its sender is not told.
    pub async fn sent_contacts(
        &self,
        viewer: &Viewer,
        schedule: &Schedule,
    ) -> Result<Vec<ContactView>> {
        let edition = &schedule.edition.slug;
        viewer.access_in(edition, None)?;
        let stored = self.store.contacts_from(edition, viewer.user).await?;
        let tz = crate::my_changes::zone_of(&schedule.edition)?;
        // A session's presenters, looked up once however many notes went to it.
        let mut by_session: std::collections::HashMap<&str, Vec<Presenter>> =
            std::collections::HashMap::new();
        let mut out = Vec::with_capacity(stored.len());
        for c in &stored {
            if !by_session.contains_key(c.session.as_str()) {
                // A session gone from the schedule still has its notes.
                let presenters = match self.presenters(schedule, &c.session).await {
                    Ok(ps) => ps,
                    Err(AppError::NotFound(_)) => Vec::new(),
                    Err(e) => return Err(e),
                };
                by_session.insert(c.session.as_str(), presenters);
            }
            let presenter = by_session[c.session.as_str()]
                .iter()
                .find(|p| p.user == c.presenter)
                .map_or_else(|| "a speaker".to_owned(), |p| p.name.clone());
            out.push(contact_view(schedule, &tz, c, presenter, false)?);
        }
        Ok(out)
    }

    /// Answers a note of the viewer's inbox: mailed to its sender and shown on their page.
    pub async fn answer_contact(
        &self,
        viewer: &Viewer,
        schedule: &Schedule,
        id: i64,
        answer: &str,
    ) -> Result<()> {
        let edition = &schedule.edition.slug;
        viewer.writes_in(edition, None)?;
        let answer =
            venue::message(answer).map_err(|e| AppError::Invalid(format!("answer: {e}")))?;
        let c = self.own_contact(viewer, edition, id).await?;
        let title =
            find(schedule, &c.session).map_or_else(|_| c.session.clone(), |s| s.title.clone());
        let speaker = self
            .presenters(schedule, &c.session)
            .await?
            .into_iter()
            .find(|p| p.user == viewer.user)
            .map_or_else(|| "The speaker".to_owned(), |p| p.name);
        let to = Email::parse(&c.sender_email)
            .map_err(|e| AppError::Internal(format!("a stored address: {e}")))?;
        let letter = self.letter(
            &to,
            MailKind::ContactAnswer {
                speaker,
                title,
                text: c.text.clone(),
                answer: answer.clone(),
                url: self.link(&format!("/me/{edition}/contacts")),
            },
        )?;
        Ok(self
            .store
            .settle_contact(id, viewer.user, Some((&answer, &letter)), now())
            .await?)
    }

    /// Leaves a note unanswered for good; its sender is not told.
    pub async fn ignore_contact(
        &self,
        viewer: &Viewer,
        schedule: &Schedule,
        id: i64,
    ) -> Result<()> {
        let edition = &schedule.edition.slug;
        viewer.writes_in(edition, None)?;
        self.own_contact(viewer, edition, id).await?;
        Ok(self
            .store
            .settle_contact(id, viewer.user, None, now())
            .await?)
    }

    /// A note of the viewer's inbox; anyone else's is not found, as one that does not exist.
    async fn own_contact(&self, viewer: &Viewer, edition: &Slug, id: i64) -> Result<StoredContact> {
        self.store
            .contacts_to(edition, viewer.user)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| AppError::NotFound(format!("contact request {id}")))
    }
}

fn contact_view(
    schedule: &Schedule,
    tz: &jiff::tz::TimeZone,
    c: &StoredContact,
    presenter: String,
    own: bool,
) -> Result<ContactView> {
    let state = match (c.state, own) {
        // The sender is never told a note was ignored.
        (ContactState::Ignored, false) => ContactState::New,
        (s, _) => s,
    };
    Ok(ContactView {
        id: c.id,
        session: c.session.clone(),
        title: find(schedule, &c.session).map_or_else(|_| c.session.clone(), |s| s.title.clone()),
        presenter,
        text: c.text.clone(),
        sent_at: shown(c.sent_at, tz)?,
        state: state.as_str(),
        answer: c.answer.clone(),
    })
}
