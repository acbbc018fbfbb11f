//! The call for papers, from the organizer's settings to the speaker's proposal.
//!
//! Organizers (an `OrgaCtx`) make editions and events before any schedule exists, set an
//! event's CFP with its times in the edition's zone, and invite their team by e-mail. Any
//! signed-in account (a `Viewer`, verified to exist) may submit; submitting makes it a speaker
//! of the event. Every change of a proposal's state goes through `change_proposal_status`,
//! which checks the rule (`Status::apply`), the permission and the deadline, and writes the
//! change, its log line and its mail in one transaction.
//!
//! A speaker asking for a proposal that is not theirs gets `NotFound`, as for one that does
//! not exist, so codes cannot be probed.

use crate::accounts::Secret;
use crate::mail::MailKind;
use crate::permissions::{ReviewCtx, Viewer};
use crate::{App, AppError, OrgaCtx, Result, parse_slug};
use hallway_domain::cfp::{CallForPapers, CfpTrack, Profile, ProposalText, ProposalType, Question};
use hallway_domain::review::duplicates;
use hallway_domain::review::scores::Criterion;
use hallway_domain::submission::{Action, Actor, Status};
use hallway_domain::{Access, Edition, Email, Event, EventKind, Role, Slug, Tracks, UserId};
use hallway_formats::proposals::ProposalRow;
use hallway_store::{
    AccountStore, CfpFlowStore, CfpStore, DuplicatePair, EditionStore, NewMail, NewSubmission,
    OutboxStore, StoreError, SubmissionStore, TeamInvitation, Transition,
};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};

/// How long an invitation link (co-speaker or team) works.
pub const INVITATION_SECONDS: i64 = 14 * 24 * 3600;
/// The longest an edition may last, in days (as `domain::bounds` allows a schedule).
const MAX_EDITION_DAYS: i64 = 31;

fn now() -> i64 {
    Timestamp::now().as_second()
}

fn invalid(e: impl std::fmt::Display) -> AppError {
    AppError::Invalid(e.to_string())
}

/// A field's problem, named as forms and the API name it.
fn field(name: &str, message: impl std::fmt::Display) -> AppError {
    AppError::Invalid(format!("{name}: {message}"))
}

/// A new edition, as an organizer types it.
#[derive(Debug, Clone, Default)]
pub struct NewEdition {
    pub slug: String,
    pub name: String,
    pub venue: String,
    /// IANA zone of the venue, e.g. `America/Denver`.
    pub time_zone: String,
    pub start_date: String,
    pub end_date: String,
}

/// A new event of an edition (the main conference or a co-located one).
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub slug: String,
    pub name: String,
    /// `main` or `co-located`.
    pub kind: String,
    pub start_date: String,
    pub end_date: String,
}

/// CFP settings as a form or the API gives them: times are civil times in the edition's zone.
#[derive(Debug, Clone)]
pub struct CfpSettings {
    pub event: String,
    /// `2026-01-15T09:00` in the edition's zone.
    pub opens: String,
    pub closes: String,
    pub per_speaker: u32,
    pub blind: bool,
    pub reviews_per_proposal: u32,
    pub reviewer_cap: u32,
    pub description: String,
    pub session_types: Vec<ProposalType>,
    pub tracks: Vec<CfpTrack>,
    pub criteria: Vec<Criterion>,
    pub questions: Vec<Question>,
}

/// A CFP as everyone may read it, with its times in the edition's zone.
#[derive(Debug, Clone)]
pub struct CfpPage {
    pub edition: Edition,
    pub event: Event,
    pub cfp: CallForPapers,
    pub open: bool,
    /// `2026-01-15T09:00`, for forms.
    pub opens_local: String,
    pub closes_local: String,
    /// `Thu 15 Jan 2026 09:00 CET`, for reading.
    pub opens_shown: String,
    pub closes_shown: String,
}

/// A proposal as its speakers see it.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub code: String,
    pub edition: Slug,
    pub event: Slug,
    pub event_name: String,
    pub title: String,
    pub abstract_: String,
    pub notes: String,
    pub session_type: Slug,
    pub track: Slug,
    pub status: Status,
    /// Names (profile name, else the address) in order.
    pub speakers: Vec<String>,
    pub answers: Vec<(i64, String)>,
    pub history: Vec<HistoryLine>,
    /// Open for edits now: the CFP is open and the state allows it.
    pub editable: bool,
    pub withdrawable: bool,
    pub confirmable: bool,
    pub created: String,
}

/// A line of a proposal's history, its time in the edition's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    pub at: String,
    pub action: String,
    pub from: String,
    pub to: String,
}

/// Who moves a proposal: one of its speakers, a co-chair (or organizer) deciding for the
/// tracks their `ReviewCtx` covers, or an organizer of the edition.
#[derive(Debug, Clone, Copy)]
pub enum ProposalActor<'a> {
    Speaker(&'a Viewer),
    Committee(&'a ReviewCtx),
    Organizer(&'a OrgaCtx),
}

/// Who reads an event's proposals: organizers see everything; co-chairs their tracks, without
/// speakers when the review is blind.
#[derive(Debug, Clone, Copy)]
pub enum ProposalReader<'a> {
    Organizer(&'a OrgaCtx),
    Committee(&'a ReviewCtx),
}

/// A proposal as organizers and co-chairs list and export it.
#[derive(Debug, Clone)]
pub struct ProposalSummary {
    pub code: String,
    pub title: String,
    pub abstract_: String,
    pub notes: String,
    pub status: Status,
    pub session_type: Slug,
    pub minutes: u32,
    pub track: Slug,
    pub track_name: String,
    /// Empty when the reader may not see them (blind review).
    pub speakers: Vec<Profile>,
    pub submitted_at: Timestamp,
    pub blind: bool,
}

/// Two proposals that read as one talk.
#[derive(Debug, Clone, PartialEq)]
pub struct NearDuplicate {
    pub first: DuplicateSide,
    pub second: DuplicateSide,
    pub similarity: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateSide {
    pub edition: Slug,
    pub code: String,
    pub title: String,
    pub event: Slug,
    pub track: Slug,
}

/// A team invitation waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInvitation {
    pub email: String,
    pub role: String,
    pub event: Option<Slug>,
}

/// An export of an event's proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalFormat {
    Csv,
    /// c3voc's submission JSON.
    Json,
}

/// A civil time typed in `tz`, as an instant: a time the clocks skip or pass twice is an
/// error naming the field, never a guess.
pub fn local_instant(name: &str, value: &str, tz: &TimeZone, zone: &str) -> Result<Timestamp> {
    let value = value.trim();
    let dt: DateTime = value.replace(' ', "T").parse().map_err(|_| {
        field(
            name,
            format!("{value:?} is not a date and time such as 2026-01-15T09:00"),
        )
    })?;
    let ambiguous = tz.to_ambiguous_zoned(dt);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { .. } => ambiguous
            .unambiguous()
            .map(|z| z.timestamp())
            .map_err(|e| field(name, e)),
        AmbiguousOffset::Gap { .. } => Err(field(
            name,
            format!("{value} does not exist in {zone}: the clocks skip it"),
        )),
        AmbiguousOffset::Fold { .. } => Err(field(
            name,
            format!("{value} happens twice in {zone}: the clocks go back; pick another time"),
        )),
    }
}

fn local_form(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// How pages show an instant: `Thu 15 Jan 2026 09:00 CET`.
pub fn local_shown(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%a %-d %b %Y %H:%M %Z")
        .to_string()
}

fn parse_date(name: &str, value: &str) -> Result<Date> {
    value
        .trim()
        .parse()
        .map_err(|_| field(name, format!("{value:?} is not a date such as 2026-11-13")))
}

/// A proposal's code: 10 characters that read unambiguously in a mail.
fn new_code() -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(format!("the OS gave no random bytes: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// The text duplicates are looked for in.
fn comparable(title: &str, abstract_: &str) -> String {
    format!("{title}\n{abstract_}")
}

impl App {
    // ----- editions and events, before any schedule -----

    /// Makes an edition with no schedule, so that its CFP can run before one exists.
    pub async fn create_edition(&self, orga: &OrgaCtx, new: &NewEdition) -> Result<Edition> {
        orga.may_create_editions()?;
        let slug = parse_slug(new.slug.trim()).map_err(|e| field("slug", e))?;
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(field("name", "give 1 to 200 characters"));
        }
        if new.venue.chars().count() > 200 {
            return Err(field("venue", "at most 200 characters"));
        }
        let zone = new.time_zone.trim();
        TimeZone::get(zone).map_err(|_| {
            field(
                "time_zone",
                format!("{zone:?} is not an IANA time zone such as America/Denver"),
            )
        })?;
        let (start, end) = (
            parse_date("start_date", &new.start_date)?,
            parse_date("end_date", &new.end_date)?,
        );
        check_dates(start, end)?;
        let edition = Edition {
            slug,
            name: name.to_owned(),
            venue: new.venue.trim().to_owned(),
            time_zone: zone.to_owned(),
            start_date: start,
            end_date: end,
            day_change: jiff::civil::Time::midnight(),
        };
        self.store.create_edition(&edition, now()).await?;
        Ok(edition)
    }

    /// Adds an event (the main conference or a co-located one) to an edition.
    pub async fn add_event(&self, orga: &OrgaCtx, edition: &str, new: &NewEvent) -> Result<Event> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        self.store.edition(&edition).await?;
        let slug = parse_slug(new.slug.trim()).map_err(|e| field("slug", e))?;
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(field("name", "give 1 to 200 characters"));
        }
        let kind: EventKind = new
            .kind
            .trim()
            .parse()
            .map_err(|_| field("kind", "use main or co-located"))?;
        let (start, end) = (
            parse_date("start_date", &new.start_date)?,
            parse_date("end_date", &new.end_date)?,
        );
        check_dates(start, end)?;
        let event = Event {
            slug,
            name: name.to_owned(),
            kind,
            start_date: start,
            end_date: end,
        };
        self.store.add_event(&edition, &event).await?;
        Ok(event)
    }

    /// An edition's events, whether or not a schedule exists.
    pub async fn edition_events(&self, edition: &str) -> Result<Vec<Event>> {
        let edition = parse_slug(edition)?;
        self.store.edition(&edition).await?;
        Ok(self.store.events(&edition).await?)
    }

    /// Permission to create editions: site organizers, signed in (not by a token).
    pub fn site_orga_ctx(&self, viewer: &Viewer) -> Result<OrgaCtx> {
        if viewer.site_organizer && viewer.token.is_none() {
            Ok(OrgaCtx::site(Access::Write))
        } else {
            Err(AppError::Forbidden(
                "only a site organizer may create an edition".into(),
            ))
        }
    }

    // ----- CFP settings -----

    /// Creates or replaces an event's CFP. Times are read in the edition's zone.
    pub async fn put_cfp(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        settings: &CfpSettings,
    ) -> Result<CfpPage> {
        let edition_slug = parse_slug(edition)?;
        orga.writes(&edition_slug)?;
        let ed = self.store.edition(&edition_slug).await?;
        let event = parse_slug(&settings.event).map_err(|e| field("event", e))?;
        if !self
            .store
            .events(&edition_slug)
            .await?
            .iter()
            .any(|e| e.slug == event)
        {
            return Err(AppError::NotFound(format!(
                "event {event} of {edition_slug}"
            )));
        }
        let tz = ed.tz();
        let cfp = CallForPapers {
            event,
            opens_at: local_instant("opens_at", &settings.opens, &tz, &ed.time_zone)?,
            closes_at: local_instant("closes_at", &settings.closes, &tz, &ed.time_zone)?,
            per_speaker: settings.per_speaker,
            blind: settings.blind,
            reviews_per_proposal: settings.reviews_per_proposal,
            reviewer_cap: settings.reviewer_cap,
            description: settings.description.clone(),
            session_types: settings.session_types.clone(),
            tracks: settings.tracks.clone(),
            criteria: settings.criteria.clone(),
            questions: settings.questions.clone(),
        };
        cfp.check().map_err(invalid)?;
        self.store.put_cfp(&edition_slug, &cfp, now()).await?;
        self.cfp_page(edition, cfp.event.as_str()).await
    }

    /// An event's CFP as anyone may read it; `NotFound` when the event has none.
    pub async fn cfp_page(&self, edition: &str, event: &str) -> Result<CfpPage> {
        let (edition, event) = (parse_slug(edition)?, parse_slug(event)?);
        let ed = self.store.edition(&edition).await?;
        let ev = self
            .store
            .events(&edition)
            .await?
            .into_iter()
            .find(|e| e.slug == event)
            .ok_or_else(|| AppError::NotFound(format!("event {event}")))?;
        let cfp = self.store.cfp(&edition, &event).await?;
        let tz = ed.tz();
        Ok(CfpPage {
            open: cfp.is_open(Timestamp::now()),
            opens_local: local_form(cfp.opens_at, &tz),
            closes_local: local_form(cfp.closes_at, &tz),
            opens_shown: local_shown(cfp.opens_at, &tz),
            closes_shown: local_shown(cfp.closes_at, &tz),
            edition: ed,
            event: ev,
            cfp,
        })
    }

    /// The CFPs of an edition, in event order.
    pub async fn cfp_pages(&self, edition: &str) -> Result<Vec<CfpPage>> {
        let slug = parse_slug(edition)?;
        let mut pages = Vec::new();
        for event in self.store.cfp_events(&slug).await? {
            pages.push(self.cfp_page(edition, event.as_str()).await?);
        }
        Ok(pages)
    }

    /// An event's CFP for its organizers' form: `None` when it has none yet.
    pub async fn cfp_settings(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: &str,
    ) -> Result<Option<CfpPage>> {
        orga.covers(&parse_slug(edition)?)?;
        match self.cfp_page(edition, event).await {
            Ok(p) => Ok(Some(p)),
            Err(AppError::NotFound(what)) if what.starts_with("a call for papers") => Ok(None),
            Err(e) => Err(e),
        }
    }

    // ----- teams -----

    /// Invites `email` into the edition's team as `role` (organizer, co-chair or reviewer; the
    /// last two per event and tracks). The mail goes out whether or not the address has an
    /// account, and the answer is the same either way.
    pub async fn invite_to_team(
        &self,
        orga: &OrgaCtx,
        viewer: Option<&Viewer>,
        edition: &str,
        event: Option<&str>,
        email: &str,
        role: Role,
    ) -> Result<()> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        let event = event
            .filter(|e| !e.is_empty())
            .map(|e| parse_slug(e).map_err(|x| field("event", x)))
            .transpose()?;
        let email = Email::parse(email).map_err(|e| field("email", e))?;
        if !matches!(role, Role::Organizer | Role::CoChair(_) | Role::Reviewer(_)) {
            return Err(field(
                "role",
                "invite an organizer, a co-chair or a reviewer",
            ));
        }
        if role == Role::Organizer && event.is_some() {
            return Err(field("event", "organizers organize the whole edition"));
        }
        let ed = self.store.edition(&edition).await?;
        let secret = Secret::random()?;
        let now = now();
        let by = viewer.map(|v| v.user);
        let invitation = TeamInvitation {
            edition: edition.clone(),
            event: event.clone(),
            email: email.to_string(),
            role: role.clone(),
        };
        self.store
            .invite_team(
                &invitation,
                &secret.stored(),
                by,
                now,
                now + INVITATION_SECONDS,
            )
            .await?;
        let role_name = match (&role, &event) {
            (Role::Organizer, _) => "organizer".to_owned(),
            (r, Some(ev)) => format!("{} of {ev}", r.kind()),
            (r, None) => r.kind().to_owned(),
        };
        let key = format!("team:{}:{}", &secret.stored()[..16], email);
        self.queue_mail(
            &key,
            &email,
            MailKind::TeamInvitation {
                edition: ed.name,
                role: role_name,
                url: self.link(&format!(
                    "/orga/invitations/accept?token={}",
                    secret.expose()
                )),
            },
        )
        .await
    }

    /// Accepts a team invitation with its link: the signed-in account takes the role.
    pub async fn accept_team_invitation(&self, viewer: &Viewer, token: &str) -> Result<String> {
        if viewer.token.is_some() {
            return Err(AppError::Forbidden(
                "sign in to accept an invitation".into(),
            ));
        }
        let inv = match self
            .store
            .use_team_invitation(&Secret::from_client(token).stored(), now())
            .await
        {
            Ok(i) => i,
            Err(StoreError::NotFound(_)) => {
                return Err(invalid(
                    "this invitation is unknown, used already or expired: ask for a new one",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        self.store
            .grant(viewer.user, &inv.edition, inv.event.as_ref(), &inv.role)
            .await?;
        Ok(inv.edition.to_string())
    }

    /// Team invitations of an edition waiting for their answer.
    pub async fn pending_team_invitations(
        &self,
        orga: &OrgaCtx,
        edition: &str,
    ) -> Result<Vec<PendingInvitation>> {
        let edition = parse_slug(edition)?;
        orga.covers(&edition)?;
        Ok(self
            .store
            .team_invitations(&edition, now())
            .await?
            .into_iter()
            .map(|i| PendingInvitation {
                email: i.email,
                role: match i.role.tracks() {
                    Some(Tracks::Only(t)) => format!(
                        "{} ({})",
                        i.role.kind(),
                        t.iter().map(Slug::as_str).collect::<Vec<_>>().join(", ")
                    ),
                    _ => i.role.kind().to_owned(),
                },
                event: i.event,
            })
            .collect())
    }

    // ----- speakers -----

    /// The viewer's speaker profile (empty when they have none yet).
    pub async fn speaker_profile(&self, viewer: &Viewer) -> Result<Profile> {
        match self.store.profile(viewer.user).await {
            Ok(p) => Ok(p),
            Err(StoreError::NotFound(_)) => Ok(Profile::default()),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn put_speaker_profile(&self, viewer: &Viewer, profile: &Profile) -> Result<()> {
        if viewer
            .token
            .as_ref()
            .is_some_and(|t| t.access == Access::Read)
        {
            return Err(AppError::Forbidden("this token may only read".into()));
        }
        let profile = Profile {
            name: profile.name.trim().to_owned(),
            affiliation: profile.affiliation.trim().to_owned(),
            job_role: profile.job_role.trim().to_owned(),
            bio: profile.bio.trim().to_owned(),
            pronouns: profile.pronouns.trim().to_owned(),
            photo_url: profile.photo_url.trim().to_owned(),
        };
        profile.check().map_err(invalid)?;
        Ok(self.store.put_profile(viewer.user, &profile, now()).await?)
    }

    /// Submits a proposal to an event's open CFP: the viewer becomes a speaker of the event.
    /// Refused, changing nothing, when the CFP is closed, a field is wrong or missing, or the
    /// viewer is on as many proposals as the CFP allows.
    pub async fn submit_proposal(
        &self,
        viewer: &Viewer,
        edition: &str,
        event: &str,
        text: &ProposalText,
    ) -> Result<ProposalView> {
        let (edition, event) = (parse_slug(edition)?, parse_slug(event)?);
        writes_as_speaker(viewer, &edition, &event)?;
        let cfp = self.store.cfp(&edition, &event).await?;
        if !cfp.is_open(Timestamp::now()) {
            return Err(invalid(
                "the call for papers is closed: no proposals are taken now",
            ));
        }
        let profile = self.speaker_profile(viewer).await?;
        if profile.name.trim().is_empty() {
            return Err(field(
                "profile",
                "fill in your speaker profile (at least your name) before submitting",
            ));
        }
        let answers = cfp.check_proposal(text).map_err(invalid)?;
        let code = new_code()?;
        let speakers = [viewer.user];
        let now = now();
        let sub = self
            .store
            .create_submission(
                &NewSubmission {
                    edition: &edition,
                    event: &event,
                    code: &code,
                    speakers: &speakers,
                    text,
                    answers: &answers,
                    status: Status::Submitted,
                    per_speaker: cfp.per_speaker,
                    forwarded_from: None,
                },
                now,
            )
            .await?;
        self.store
            .grant(viewer.user, &edition, Some(&event), &Role::Speaker)
            .await?;
        // Creation writes its log line in its own transaction; the receipt is keyed by the
        // proposal, so it queues once.
        let mails = self
            .status_mails(&sub, Status::Submitted, &format!("create:{}", sub.code))
            .await?;
        for m in &mails {
            self.store.enqueue(m, now).await?;
        }
        self.refresh_duplicates(&edition, sub.id).await?;
        self.proposal(viewer, &sub.code).await
    }

    /// Replaces a proposal's text and answers, until the deadline and while its state allows.
    pub async fn edit_proposal(
        &self,
        viewer: &Viewer,
        code: &str,
        text: &ProposalText,
    ) -> Result<ProposalView> {
        let sub = self.own_submission(viewer, code).await?;
        writes_as_speaker(viewer, &sub.edition, &sub.event)?;
        if !sub.status.editable() {
            return Err(AppError::Conflict(format!(
                "a {} proposal cannot be edited",
                sub.status
            )));
        }
        let cfp = self.store.cfp(&sub.edition, &sub.event).await?;
        if !cfp.is_open(Timestamp::now()) {
            return Err(invalid(
                "the deadline has passed: proposals can no longer be edited",
            ));
        }
        let answers = cfp.check_proposal(text).map_err(invalid)?;
        let editable: Vec<Status> = Status::ALL.into_iter().filter(|s| s.editable()).collect();
        self.store
            .update_submission(sub.id, text, &answers, &editable, now())
            .await?;
        self.refresh_duplicates(&sub.edition, sub.id).await?;
        self.proposal(viewer, code).await
    }

    /// Withdraws a proposal of the viewer's.
    pub async fn withdraw_proposal(&self, viewer: &Viewer, code: &str) -> Result<ProposalView> {
        self.change_proposal_status(ProposalActor::Speaker(viewer), code, Action::Withdraw)
            .await?;
        self.proposal(viewer, code).await
    }

    /// Confirms an accepted proposal of the viewer's.
    pub async fn confirm_proposal(&self, viewer: &Viewer, code: &str) -> Result<ProposalView> {
        self.change_proposal_status(ProposalActor::Speaker(viewer), code, Action::Confirm)
            .await?;
        self.proposal(viewer, code).await
    }

    /// The one way a proposal changes state: the rule (`Status::apply`), the permission
    /// (speakers their own, co-chairs their tracks, organizers their edition, with write
    /// access) and the deadline (submitting needs the CFP open) are checked; the change, its log
    /// line and the mail to every speaker are written in one transaction, as a compare-and-set
    /// on the state read, so two racing changes cannot both win.
    pub async fn change_proposal_status(
        &self,
        actor: ProposalActor<'_>,
        code: &str,
        action: Action,
    ) -> Result<Status> {
        let sub = self.store.submission(code).await?;
        let (role, by) = match actor {
            ProposalActor::Speaker(viewer) => {
                if !sub.speakers.contains(&viewer.user) {
                    return Err(AppError::NotFound("proposal".into()));
                }
                writes_as_speaker(viewer, &sub.edition, &sub.event)?;
                (Actor::Speaker, Some(viewer.user))
            }
            ProposalActor::Committee(ctx) => {
                if ctx.edition != sub.edition
                    || ctx.event != sub.event
                    || !ctx.tracks.covers(Some(&sub.track))
                {
                    return Err(AppError::NotFound("proposal".into()));
                }
                if !ctx.decides || ctx.access != Access::Write {
                    return Err(AppError::Forbidden(
                        "only co-chairs and organizers decide, with write access".into(),
                    ));
                }
                (Actor::CoChair, Some(ctx.user))
            }
            ProposalActor::Organizer(orga) => {
                orga.writes(&sub.edition)?;
                (Actor::Organizer, None)
            }
        };
        let next = sub
            .status
            .apply(action, role)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        let cfp = self.store.cfp(&sub.edition, &sub.event).await?;
        if action == Action::Submit {
            if !cfp.is_open(Timestamp::now()) {
                return Err(invalid(
                    "the call for papers is closed: no proposals are taken now",
                ));
            }
            // A draft counts against the limit once it is submitted.
            for speaker in &sub.speakers {
                let on = self
                    .store
                    .submissions_of(*speaker)
                    .await?
                    .iter()
                    .filter(|s| {
                        s.edition == sub.edition
                            && s.event == sub.event
                            && !matches!(s.status, Status::Draft | Status::Withdrawn)
                    })
                    .count();
                if on >= cfp.per_speaker as usize {
                    return Err(AppError::Conflict(format!(
                        "a speaker is already on {} proposals to this call for papers, the most it takes",
                        cfp.per_speaker
                    )));
                }
            }
        }
        let now = now();
        let mails = self
            .status_mails(&sub, next, &format!("{}:{now}", action.verb()))
            .await?;
        self.store
            .transition(
                &[Transition {
                    submission: sub.id,
                    from: sub.status,
                    to: next,
                    action: action.verb(),
                    by,
                    mails,
                }],
                now,
            )
            .await?;
        if next == Status::Confirmed {
            self.after_confirmation(&sub).await;
        }
        Ok(next)
    }

    /// The mail telling every speaker of `sub` that it is `status` now.
    async fn status_mails(
        &self,
        sub: &hallway_domain::cfp::Submission,
        status: Status,
        what: &str,
    ) -> Result<Vec<NewMail>> {
        let event = self
            .store
            .events(&sub.edition)
            .await?
            .into_iter()
            .find(|e| e.slug == sub.event)
            .map_or_else(|| sub.event.to_string(), |e| e.name);
        let kind = MailKind::ProposalStatus {
            title: sub.title.clone(),
            code: sub.code.clone(),
            event,
            status: status.to_string(),
            url: self.link(&format!("/cfp/proposals/{}", sub.code)),
        };
        let (subject, body) = self.inner.templates.render(&kind, &self.inner.public_url)?;
        let mut mails = Vec::new();
        for speaker in &sub.speakers {
            let user = self.store.user(*speaker).await?;
            mails.push(NewMail {
                key: format!("proposal:{}:{what}:{}", sub.code, speaker),
                recipient: user.email.to_string(),
                subject: subject.clone(),
                body: body.clone(),
            });
        }
        Ok(mails)
    }

    pub(crate) async fn own_submission(
        &self,
        viewer: &Viewer,
        code: &str,
    ) -> Result<hallway_domain::cfp::Submission> {
        let sub = match self.store.submission(code).await {
            Ok(s) => s,
            Err(StoreError::NotFound(_)) => return Err(AppError::NotFound("proposal".into())),
            Err(e) => return Err(e.into()),
        };
        // Another speaker's proposal is as absent as one that does not exist.
        if !sub.speakers.contains(&viewer.user) {
            return Err(AppError::NotFound("proposal".into()));
        }
        if let Some(t) = &viewer.token
            && (t.edition != sub.edition || t.event.as_ref().is_some_and(|e| e != &sub.event))
        {
            return Err(AppError::NotFound("proposal".into()));
        }
        Ok(sub)
    }

    /// A proposal of the viewer's, with its answers and history.
    pub async fn proposal(&self, viewer: &Viewer, code: &str) -> Result<ProposalView> {
        let sub = self.own_submission(viewer, code).await?;
        self.proposal_view(sub).await
    }

    async fn proposal_view(&self, sub: hallway_domain::cfp::Submission) -> Result<ProposalView> {
        let ed = self.store.edition(&sub.edition).await?;
        let tz = ed.tz();
        let cfp = self.store.cfp(&sub.edition, &sub.event).await?;
        let event_name = self
            .store
            .events(&sub.edition)
            .await?
            .into_iter()
            .find(|e| e.slug == sub.event)
            .map_or_else(|| sub.event.to_string(), |e| e.name);
        let profiles = self.store.profiles(&sub.speakers).await?;
        let mut speakers = Vec::new();
        for id in &sub.speakers {
            match profiles.iter().find(|(u, _)| u == id) {
                Some((_, p)) if !p.name.is_empty() => speakers.push(p.name.clone()),
                _ => speakers.push(self.store.user(*id).await?.email.to_string()),
            }
        }
        let history = self
            .store
            .submission_log(sub.id)
            .await?
            .into_iter()
            .map(|l| {
                Ok(HistoryLine {
                    at: Timestamp::from_second(l.at)
                        .map(|t| local_shown(t, &tz))
                        .map_err(|e| {
                            AppError::Internal(format!("a stored history instant {}: {e}", l.at))
                        })?,
                    action: l.action,
                    from: l.from,
                    to: l.to,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let answers = self.store.answers(sub.id).await?;
        let open = cfp.is_open(Timestamp::now());
        Ok(ProposalView {
            editable: open && sub.status.editable(),
            withdrawable: sub.status.apply(Action::Withdraw, Actor::Speaker).is_ok(),
            confirmable: sub.status.apply(Action::Confirm, Actor::Speaker).is_ok(),
            created: local_shown(sub.created_at, &tz),
            code: sub.code,
            edition: sub.edition,
            event: sub.event,
            event_name,
            title: sub.title,
            abstract_: sub.abstract_,
            notes: sub.notes,
            session_type: sub.session_type,
            track: sub.track,
            status: sub.status,
            speakers,
            answers,
            history,
        })
    }

    /// The viewer's proposals, newest first, each with its state and history.
    pub async fn my_proposals(&self, viewer: &Viewer) -> Result<Vec<ProposalView>> {
        let mut out = Vec::new();
        for sub in self.store.submissions_of(viewer.user).await? {
            if let Some(t) = &viewer.token
                && (t.edition != sub.edition || t.event.as_ref().is_some_and(|e| e != &sub.event))
            {
                continue;
            }
            out.push(self.proposal_view(sub).await?);
        }
        Ok(out)
    }

    /// Invites a co-speaker by e-mail: a single-use link, valid for 14 days. The answer is the
    /// same whether or not the address has an account.
    pub async fn invite_co_speaker(&self, viewer: &Viewer, code: &str, email: &str) -> Result<()> {
        let sub = self.own_submission(viewer, code).await?;
        writes_as_speaker(viewer, &sub.edition, &sub.event)?;
        if matches!(
            sub.status,
            Status::Withdrawn | Status::Canceled | Status::Rejected
        ) {
            return Err(AppError::Conflict(format!(
                "a {} proposal takes no new speakers",
                sub.status
            )));
        }
        let email = Email::parse(email).map_err(|e| field("email", e))?;
        let secret = Secret::random()?;
        let now = now();
        self.store
            .invite_speaker(
                sub.id,
                email.as_str(),
                &secret.stored(),
                viewer.user,
                now,
                now + INVITATION_SECONDS,
            )
            .await?;
        let inviter = match self.store.profile(viewer.user).await {
            Ok(p) if !p.name.is_empty() => p.name,
            _ => viewer.email.to_string(),
        };
        let event = self
            .store
            .events(&sub.edition)
            .await?
            .into_iter()
            .find(|e| e.slug == sub.event)
            .map_or_else(|| sub.event.to_string(), |e| e.name);
        let key = format!("cospeaker:{}:{}", &secret.stored()[..16], email);
        self.queue_mail(
            &key,
            &email,
            MailKind::SpeakerInvitation {
                title: sub.title,
                event,
                inviter,
                url: self.link(&format!(
                    "/cfp/invitations/accept?token={}",
                    secret.expose()
                )),
            },
        )
        .await
    }

    /// Accepts a co-speaker invitation: the viewer joins the proposal within the CFP's limit
    /// per speaker, and becomes a speaker of the event. The link works once.
    pub async fn accept_speaker_invitation(&self, viewer: &Viewer, token: &str) -> Result<String> {
        if viewer.token.is_some() {
            return Err(AppError::Forbidden(
                "sign in to accept an invitation".into(),
            ));
        }
        let hash = Secret::from_client(token).stored();
        let now = now();
        let bad =
            || invalid("this invitation is unknown, used already or expired: ask for a new one");
        let inv = match self.store.speaker_invitation(&hash, now).await {
            Ok(i) => i,
            Err(StoreError::NotFound(_)) => return Err(bad()),
            Err(e) => return Err(e.into()),
        };
        let sub = self.store.submission_by_id(inv.submission).await?;
        if matches!(
            sub.status,
            Status::Withdrawn | Status::Canceled | Status::Rejected
        ) {
            return Err(AppError::Conflict(format!(
                "this proposal is {} and takes no new speakers",
                sub.status
            )));
        }
        let cfp = self.store.cfp(&sub.edition, &sub.event).await?;
        self.store
            .add_speaker(sub.id, viewer.user, cfp.per_speaker, now)
            .await?;
        match self.store.use_speaker_invitation(&hash, now).await {
            Ok(_) | Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        self.store
            .grant(viewer.user, &sub.edition, Some(&sub.event), &Role::Speaker)
            .await?;
        Ok(sub.code)
    }

    // ----- near duplicates -----

    /// Compares one proposal with the edition's others and stores the pairs it is part of.
    async fn refresh_duplicates(&self, edition: &Slug, id: i64) -> Result<()> {
        let mut all = Vec::new();
        let mut events: Vec<(Slug, Slug)> = self
            .store
            .cfp_events(edition)
            .await?
            .into_iter()
            .map(|e| (edition.clone(), e))
            .collect();
        // The same talk sent to a partner event (a b-side of another edition) counts too.
        for (ed, ev) in self.store.partner_events(edition).await? {
            if self.store.cfp_events(&ed).await?.contains(&ev) {
                events.push((ed, ev));
            }
        }
        for (edition, event) in &events {
            all.extend(
                self.store
                    .submissions(edition, event)
                    .await?
                    .into_iter()
                    .filter(|s| s.id == id || s.status != Status::Withdrawn),
            );
        }
        let texts: Vec<String> = all
            .iter()
            .map(|s| comparable(&s.title, &s.abstract_))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let pairs: Vec<DuplicatePair> = duplicates::near_duplicates(&refs)
            .into_iter()
            .filter(|(a, b, _)| all[*a].id == id || all[*b].id == id)
            .map(|(a, b, similarity)| DuplicatePair {
                first: all[a].id,
                second: all[b].id,
                similarity,
            })
            .collect();
        Ok(self.store.put_near_duplicates(&[id], &pairs).await?)
    }

    /// Near duplicates a co-chair or organizer should look at: pairs with a proposal of their
    /// event in a track they decide on, most similar first.
    pub async fn near_duplicates(&self, ctx: &ReviewCtx) -> Result<Vec<NearDuplicate>> {
        if !ctx.decides {
            return Err(AppError::Forbidden(
                "near duplicates are for co-chairs and organizers".into(),
            ));
        }
        let mut out = Vec::new();
        for pair in self.store.near_duplicates(&ctx.edition).await? {
            let a = self.store.submission_by_id(pair.first).await?;
            let b = self.store.submission_by_id(pair.second).await?;
            let mine = |s: &hallway_domain::cfp::Submission| {
                s.edition == ctx.edition
                    && s.event == ctx.event
                    && ctx.tracks.covers(Some(&s.track))
            };
            // A withdrawn proposal is no longer a duplicate of anything.
            if !(mine(&a) || mine(&b))
                || a.status == Status::Withdrawn
                || b.status == Status::Withdrawn
            {
                continue;
            }
            let side = |s: hallway_domain::cfp::Submission| DuplicateSide {
                edition: s.edition,
                code: s.code,
                title: s.title,
                event: s.event,
                track: s.track,
            };
            out.push(NearDuplicate {
                first: side(a),
                second: side(b),
                similarity: pair.similarity,
            });
        }
        Ok(out)
    }

    // ----- organizers and co-chairs -----

    /// An event's proposals for its organizers (all, with speakers) or a co-chair (their
    /// tracks; speakers hidden when the review is blind).
    pub async fn event_proposals(
        &self,
        reader: ProposalReader<'_>,
        edition: &str,
        event: &str,
    ) -> Result<Vec<ProposalSummary>> {
        let (edition, event) = (parse_slug(edition)?, parse_slug(event)?);
        let cfp = self.store.cfp(&edition, &event).await?;
        let (tracks, blind) = match reader {
            ProposalReader::Organizer(orga) => {
                orga.covers(&edition)?;
                (Tracks::All, false)
            }
            ProposalReader::Committee(ctx) => {
                if ctx.edition != edition || ctx.event != event || !ctx.decides {
                    return Err(AppError::Forbidden(format!(
                        "you do not decide on proposals of {edition}/{event}"
                    )));
                }
                (ctx.tracks.clone(), cfp.blind)
            }
        };
        let subs: Vec<_> = self
            .store
            .submissions(&edition, &event)
            .await?
            .into_iter()
            .filter(|s| s.status != Status::Draft && tracks.covers(Some(&s.track)))
            .collect();
        let mut users: Vec<UserId> = subs.iter().flat_map(|s| s.speakers.clone()).collect();
        users.sort_unstable();
        users.dedup();
        let profiles = if blind {
            Vec::new()
        } else {
            self.store.profiles(&users).await?
        };
        Ok(subs
            .into_iter()
            .map(|s| ProposalSummary {
                minutes: cfp.session_type(&s.session_type).map_or(0, |t| t.minutes),
                track_name: cfp
                    .track(&s.track)
                    .map_or_else(|| s.track.to_string(), |t| t.name.clone()),
                speakers: if blind {
                    Vec::new()
                } else {
                    s.speakers
                        .iter()
                        .filter_map(|u| profiles.iter().find(|(id, _)| id == u))
                        .map(|(_, p)| p.clone())
                        .collect()
                },
                code: s.code,
                title: s.title,
                abstract_: s.abstract_,
                notes: s.notes,
                status: s.status,
                session_type: s.session_type,
                track: s.track,
                submitted_at: s.created_at,
                blind,
            })
            .collect())
    }

    /// An event's proposals as a file: `(file name, content type, body)`.
    pub async fn export_proposals(
        &self,
        reader: ProposalReader<'_>,
        edition: &str,
        event: &str,
        format: ProposalFormat,
    ) -> Result<(String, &'static str, String)> {
        let list = self.event_proposals(reader, edition, event).await?;
        let ed = self.store.edition(&parse_slug(edition)?).await?;
        let tz = ed.tz();
        let rows: Vec<ProposalRow> = list
            .into_iter()
            .map(|p| ProposalRow {
                edition: ed.slug.clone(),
                url: self.link(&format!("/orga/{edition}/{event}/proposals#{}", p.code)),
                code: p.code,
                title: p.title,
                abstract_text: p.abstract_,
                notes: p.notes,
                status: p.status.to_string(),
                session_type: p.session_type.to_string(),
                minutes: p.minutes,
                track: p.track_name,
                speakers: p
                    .speakers
                    .into_iter()
                    .map(|s| (s.name, s.affiliation, s.bio))
                    .collect(),
                submitted_at: p
                    .submitted_at
                    .to_zoned(tz.clone())
                    .strftime("%Y-%m-%dT%H:%M:%S%:z")
                    .to_string(),
            })
            .collect();
        Ok(match format {
            ProposalFormat::Csv => (
                format!("{edition}-{event}-proposals.csv"),
                "text/csv; charset=utf-8",
                hallway_formats::proposals::csv(&rows),
            ),
            ProposalFormat::Json => (
                format!("{edition}-{event}-proposals.json"),
                "application/json",
                hallway_formats::proposals::json(&rows),
            ),
        })
    }

    /// Who may read an event's proposals: its organizers, else a co-chair deciding on some of
    /// its tracks. Refused for everyone else.
    pub async fn proposal_reader(
        &self,
        viewer: &Viewer,
        edition: &str,
        event: &str,
    ) -> Result<ReaderCtx> {
        match self.orga_ctx(viewer, edition).await {
            Ok(orga) => return Ok(ReaderCtx::Organizer(orga)),
            Err(AppError::Forbidden(_)) => {}
            Err(e) => return Err(e),
        }
        let ctx = self.review_ctx(viewer, edition, event).await?;
        if !ctx.decides {
            return Err(AppError::Forbidden(format!(
                "you do not decide on proposals of {edition}/{event}"
            )));
        }
        Ok(ReaderCtx::Committee(ctx))
    }
}

/// The permission `proposal_reader` found, owned; `as_reader` lends it to the use cases.
#[derive(Debug, Clone)]
pub enum ReaderCtx {
    Organizer(OrgaCtx),
    Committee(ReviewCtx),
}

impl ReaderCtx {
    pub fn as_reader(&self) -> ProposalReader<'_> {
        match self {
            Self::Organizer(o) => ProposalReader::Organizer(o),
            Self::Committee(c) => ProposalReader::Committee(c),
        }
    }
}

/// A speaker's writes need write access where a token limits it.
fn writes_as_speaker(viewer: &Viewer, edition: &Slug, event: &Slug) -> Result<()> {
    match viewer.access_in(edition, Some(event))? {
        Access::Write => Ok(()),
        Access::Read => Err(AppError::Forbidden("this token may only read".into())),
    }
}

fn check_dates(start: Date, end: Date) -> Result<()> {
    if end < start {
        return Err(field("end_date", "the end comes before the start"));
    }
    let days = start.until(end).map(|s| s.get_days()).unwrap_or(i32::MAX);
    if i64::from(days) >= MAX_EDITION_DAYS {
        return Err(field(
            "end_date",
            format!("an edition lasts at most {MAX_EDITION_DAYS} days"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_that_skip_or_repeat_are_refused() {
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        let ok = local_instant("opens_at", "2026-03-01T09:00", &tz, "Europe/Amsterdam").unwrap();
        assert_eq!(ok.to_string(), "2026-03-01T08:00:00Z");
        let gap = local_instant("opens_at", "2026-03-29T02:30", &tz, "Europe/Amsterdam");
        assert!(
            matches!(&gap, Err(AppError::Invalid(m)) if m.starts_with("opens_at:") && m.contains("skip")),
            "{gap:?}"
        );
        let fold = local_instant("closes_at", "2026-10-25 02:30", &tz, "Europe/Amsterdam");
        assert!(
            matches!(&fold, Err(AppError::Invalid(m)) if m.contains("twice")),
            "{fold:?}"
        );
        assert!(local_instant("closes_at", "soon", &tz, "Europe/Amsterdam").is_err());
    }

    #[test]
    fn codes_are_ten_unambiguous_characters() {
        let c = new_code().unwrap();
        assert_eq!(c.len(), 10);
        assert!(!c.contains(['0', 'O', '1', 'I']));
    }

    #[test]
    fn editions_are_bounded() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert!(check_dates(d("2026-11-13"), d("2026-11-15")).is_ok());
        assert!(check_dates(d("2026-11-15"), d("2026-11-13")).is_err());
        assert!(check_dates(d("2026-01-01"), d("2026-12-31")).is_err());
    }
}
