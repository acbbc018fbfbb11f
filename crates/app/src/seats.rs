//! Seats for sessions with limited places and their waitlists: attendees take, claim and give
//! up seats; organizers open lists, set rules, seat people, reorder the line, export it and
//! check people in. The rules are `domain::seats`; every change runs under the list's lock in
//! the store, so a seat is never given twice, whatever the concurrency.

use crate::mail::MailKind;
use crate::{App, AppError, OrgaCtx, Result, Viewer, parse_slug};
use hallway_domain::seats::{Book, Held, Rules, SeatError, SignUp, may_take};
use hallway_domain::{Email, Slug, UserId};
use hallway_store::{
    AccountStore, Changed, EditionStore, NewMail, ScheduleStore, SeatLine, SeatList,
    SeatListSummary, SeatRules, SeatState, SeatStore, StoreError,
};
use jiff::{SignedDuration, Timestamp};

/// Where the viewer stands on one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MySeat {
    pub session: String,
    pub state: SeatState,
    /// 1 is next.
    pub place_in_line: Option<usize>,
    pub offered_until: Option<Timestamp>,
}

impl App {
    /// Gives a session of the work in progress a seat list of `capacity` (or changes it).
    pub async fn open_seat_list(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        session: &str,
        capacity: u32,
    ) -> Result<()> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        let wip = self.store.work_in_progress(&edition).await?.schedule;
        let found = wip
            .sessions
            .iter()
            .find(|x| x.guid.to_string() == session)
            .ok_or_else(|| AppError::NotFound(format!("session {session} in {edition}")))?;
        let slot = match found.slots.as_slice() {
            [one] => one,
            [] => {
                return Err(AppError::Invalid(format!(
                    "{}: place it before opening its seats",
                    found.title
                )));
            }
            _ => {
                return Err(AppError::Invalid(format!(
                    "{}: it runs more than once; seats are per occurrence",
                    found.title
                )));
            }
        };
        let list = SeatList {
            session: session.to_owned(),
            event: found.event.clone(),
            title: found.title.clone(),
            capacity,
            starts: slot.start,
            ends: slot.end,
        };
        if let Ok(now) = self.store.seat_list(&edition, session).await {
            let held = self
                .store
                .seat_lines(&edition, session)
                .await?
                .iter()
                .filter(|l| l.state != SeatState::Waiting)
                .count() as u32;
            if capacity < held {
                return Err(AppError::Invalid(format!(
                    "capacity {capacity}: {held} seats are taken or offered (it was {})",
                    now.capacity
                )));
            }
        }
        self.store.put_seat_list(&edition, &list).await?;
        // Seats added to a list with a line go to the line at once, as offers.
        match self.store.seat_rules(&edition, &list.event).await {
            Ok(set) => {
                let rules = Rules {
                    claim_window: SignedDuration::from_mins(i64::from(set.claim_minutes)),
                };
                let zone = self.zone_of(&edition).await?;
                let now = Timestamp::now();
                self.change_list(&edition, &list, None, now, &zone, |book, _| {
                    book.expire(now, rules);
                    Ok(())
                })
                .await?;
            }
            // Without rules nobody can have joined the line.
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// The claim window (minutes), seats per attendee per day and whether seats may overlap,
    /// for an event or (`event` None) every event of the edition.
    pub async fn set_seat_rules(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: Option<&str>,
        claim_minutes: u32,
        per_day: Option<u32>,
        overlaps_allowed: bool,
    ) -> Result<()> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        let event = event.map(parse_slug).transpose()?;
        if claim_minutes == 0 || per_day == Some(0) {
            return Err(AppError::Invalid(
                "the claim window and the seats per day must be at least 1".into(),
            ));
        }
        if let Some(e) = &event {
            let wip = self.store.work_in_progress(&edition).await?.schedule;
            if !wip.events.iter().any(|x| &x.slug == e) {
                return Err(AppError::Invalid(format!(
                    "event {e}: not an event of {edition}"
                )));
            }
        }
        let rules = SeatRules {
            event,
            claim_minutes,
            per_day,
            overlaps_allowed,
        };
        self.store.set_seat_rules(&edition, &rules).await?;
        Ok(())
    }

    /// Takes a free seat or a place in line.
    pub async fn take_seat(&self, viewer: &Viewer, edition: &str, session: &str) -> Result<SignUp> {
        self.take_seat_at(viewer, edition, session, Timestamp::now())
            .await
    }

    pub async fn take_seat_at(
        &self,
        viewer: &Viewer,
        edition: &str,
        session: &str,
        now: Timestamp,
    ) -> Result<SignUp> {
        let (edition, list, rules, set, zone) = self.seat_context(viewer, edition, session).await?;
        let who = viewer.user;
        self.change_list(&edition, &list, Some(who), now, &zone, |book, held| {
            // Waiting is allowed past the rules; taking a seat is not.
            let may = may_take(
                held,
                list.starts,
                list.ends,
                set.per_day,
                set.overlaps_allowed,
                &zone,
            );
            let (outcome, _) = book.sign_up(who, now, rules)?;
            if outcome == SignUp::Seated {
                may?;
            }
            Ok(outcome)
        })
        .await
    }

    /// Claims the seat offered to the viewer.
    pub async fn claim_seat(&self, viewer: &Viewer, edition: &str, session: &str) -> Result<()> {
        self.claim_seat_at(viewer, edition, session, Timestamp::now())
            .await
    }

    pub async fn claim_seat_at(
        &self,
        viewer: &Viewer,
        edition: &str,
        session: &str,
        now: Timestamp,
    ) -> Result<()> {
        let (edition, list, rules, set, zone) = self.seat_context(viewer, edition, session).await?;
        let who = viewer.user;
        self.change_list(&edition, &list, Some(who), now, &zone, |book, held| {
            may_take(
                held,
                list.starts,
                list.ends,
                set.per_day,
                set.overlaps_allowed,
                &zone,
            )?;
            book.claim(who, now, rules).map(|_| ())
        })
        .await
    }

    /// Gives up the viewer's seat, offer or place in line; a freed seat goes down the line.
    pub async fn give_up_seat(&self, viewer: &Viewer, edition: &str, session: &str) -> Result<()> {
        self.give_up_seat_at(viewer, edition, session, Timestamp::now())
            .await
    }

    pub async fn give_up_seat_at(
        &self,
        viewer: &Viewer,
        edition: &str,
        session: &str,
        now: Timestamp,
    ) -> Result<()> {
        let (edition, list, rules, _, zone) = self.seat_context(viewer, edition, session).await?;
        let who = viewer.user;
        self.change_list(&edition, &list, Some(who), now, &zone, |book, _| {
            book.cancel(who, now, rules).map(|_| ())
        })
        .await
    }

    /// The lists the viewer is on in an edition.
    pub async fn my_seats(&self, viewer: &Viewer, edition: &str) -> Result<Vec<MySeat>> {
        let edition = parse_slug(edition)?;
        viewer.access_in(&edition, None)?;
        self.store
            .seats_of(&edition, viewer.user)
            .await?
            .into_iter()
            .map(|(session, state, place, until)| {
                Ok(MySeat {
                    session,
                    state,
                    place_in_line: place,
                    offered_until: until
                        .map(Timestamp::from_second)
                        .transpose()
                        .map_err(|e| AppError::Internal(format!("stored offer deadline: {e}")))?,
                })
            })
            .collect()
    }

    /// Everyone on a list, for the organizers' export and the door.
    pub async fn seat_lines(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        session: &str,
    ) -> Result<Vec<SeatLine>> {
        let edition = parse_slug(edition)?;
        orga.covers(&edition)?;
        Ok(self.store.seat_lines(&edition, session).await?)
    }

    /// Seats someone even when the session is full.
    pub async fn force_seat(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        session: &str,
        email: &str,
    ) -> Result<()> {
        let slug = parse_slug(edition)?;
        orga.writes(&slug)?;
        let user = self.user_by_email(email).await?;
        let list = self.store.seat_list(&slug, session).await?;
        let zone = self.zone_of(&slug).await?;
        self.change_list(&slug, &list, None, Timestamp::now(), &zone, |book, _| {
            book.force_add(user);
            Ok(())
        })
        .await
    }

    /// Puts the line in a new order: `emails` must name exactly the people in it.
    pub async fn reorder_line(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        session: &str,
        emails: &[&str],
    ) -> Result<()> {
        let slug = parse_slug(edition)?;
        orga.writes(&slug)?;
        let mut order = Vec::new();
        for e in emails {
            order.push(self.user_by_email(e).await?);
        }
        let list = self.store.seat_list(&slug, session).await?;
        let zone = self.zone_of(&slug).await?;
        self.change_list(&slug, &list, None, Timestamp::now(), &zone, |book, _| {
            book.reorder(&order)
        })
        .await
    }

    /// Moves one person in the line; gives their new place (1 is next).
    pub async fn move_in_line(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        session: &str,
        email: &str,
        how: LineMove,
    ) -> Result<usize> {
        let slug = parse_slug(edition)?;
        orga.writes(&slug)?;
        let user = self.user_by_email(email).await?;
        let list = self.store.seat_list(&slug, session).await?;
        let zone = self.zone_of(&slug).await?;
        self.change_list(&slug, &list, None, Timestamp::now(), &zone, |book, _| {
            let from = book.position(user).ok_or(SeatError::NotInLine)?;
            // Up from the front and down from the back stay where they are.
            let to = match how {
                LineMove::Up => from.saturating_sub(1).max(1),
                LineMove::Down => (from + 1).min(book.waiting.len()),
                LineMove::To(to) => to,
            };
            book.move_in_line(user, to)?;
            Ok(to)
        })
        .await
        .map_err(|e| match e {
            AppError::Conflict(m) => AppError::Conflict(format!("{email}: {m}")),
            other => other,
        })
    }

    /// Marks someone holding a seat as arrived; the first arrival is the one kept.
    pub async fn check_in_seat(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        session: &str,
        email: &str,
    ) -> Result<()> {
        let slug = parse_slug(edition)?;
        orga.writes(&slug)?;
        self.store.seat_list(&slug, session).await?;
        let user = self.user_by_email(email).await?;
        match self
            .store
            .check_in(&slug, session, user, Timestamp::now().as_second())
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound(_)) => Err(AppError::Conflict(format!(
                "{email} holds no seat on this list: seat them first to let them in"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// An edition's seat lists with their counts, its rules, and the sessions that could
    /// have a list: placed once and without one yet.
    pub async fn seat_overview(&self, orga: &OrgaCtx, edition: &str) -> Result<SeatOverview> {
        let slug = parse_slug(edition)?;
        orga.covers(&slug)?;
        let lists = self.store.seat_lists(&slug).await?;
        let wip = self.store.work_in_progress(&slug).await?.schedule;
        let mut without_list: Vec<(String, String, Timestamp)> = wip
            .sessions
            .iter()
            .filter_map(|x| match x.slots.as_slice() {
                [one] if !lists.iter().any(|l| l.list.session == x.guid.to_string()) => {
                    Some((x.guid.to_string(), x.title.clone(), one.start))
                }
                _ => None,
            })
            .collect();
        without_list.sort_by(|a, b| (a.2, &a.1).cmp(&(b.2, &b.1)));
        Ok(SeatOverview {
            lists,
            rules: self.store.seat_rules_set(&slug).await?,
            without_list,
            events: wip
                .events
                .iter()
                .map(|e| (e.slug.to_string(), e.name.clone()))
                .collect(),
            zone: self.zone_of(&slug).await?,
        })
    }

    /// One list and everyone on it, for the organizers' page, the export and the door.
    pub async fn seat_book(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        session: &str,
    ) -> Result<(SeatList, Vec<SeatLine>)> {
        let slug = parse_slug(edition)?;
        orga.covers(&slug)?;
        let list = self.store.seat_list(&slug, session).await?;
        Ok((list, self.store.seat_lines(&slug, session).await?))
    }

    /// Offers that ran out pass to the next in line, on every list; returns the lists touched.
    /// Run periodically, so an offer moves on even when nobody acts.
    pub async fn pass_on_lapsed_offers(&self, now: Timestamp) -> Result<usize> {
        let lapsed = self.store.lists_with_lapsed_offers(now.as_second()).await?;
        for (edition, session) in &lapsed {
            let list = self.store.seat_list(edition, session).await?;
            let rules = self.rules_of(edition, &list.event).await?;
            let zone = self.zone_of(edition).await?;
            self.change_list(edition, &list, None, now, &zone, |book, _| {
                book.expire(now, rules);
                Ok(())
            })
            .await?;
        }
        Ok(lapsed.len())
    }

    /// Applies `rule` to a list under its lock, with the seats the person holds elsewhere;
    /// the offers it makes are recorded and mailed in the same transaction. A refusal by the
    /// rules is the person's situation: a 409 with the reason, nothing written.
    async fn change_list<R: Send>(
        &self,
        edition: &Slug,
        list: &SeatList,
        who: Option<UserId>,
        now: Timestamp,
        zone: &jiff::tz::TimeZone,
        rule: impl FnOnce(&mut Book<UserId>, &[Held<'_>]) -> std::result::Result<R, SeatError> + Send,
    ) -> Result<R> {
        self.store
            .change_seats(
                edition,
                &list.session,
                who,
                now.as_second(),
                |book: &mut Book<UserId>, held| {
                    let held: Vec<Held<'_>> = held
                        .iter()
                        .map(|h| Held {
                            title: &h.title,
                            starts: h.starts,
                            ends: h.ends,
                        })
                        .collect();
                    rule(book, &held).map(|outcome| Changed {
                        outcome,
                        mails: Vec::new(),
                    })
                },
                self.offer_mail(edition, &list.session, &list.title, zone),
            )
            .await?
            .map_err(seat_refusal)
    }

    async fn seat_context(
        &self,
        viewer: &Viewer,
        edition: &str,
        session: &str,
    ) -> Result<(Slug, SeatList, Rules, SeatRules, jiff::tz::TimeZone)> {
        let edition = parse_slug(edition)?;
        let list = self.store.seat_list(&edition, session).await?;
        viewer.writes_in(&edition, Some(&list.event))?;
        let set = self
            .store
            .seat_rules(&edition, &list.event)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => AppError::Conflict(format!(
                    "{edition}/{} has no seat rules yet: its organizers set the claim window first",
                    list.event
                )),
                other => other.into(),
            })?;
        let rules = Rules {
            claim_window: SignedDuration::from_mins(i64::from(set.claim_minutes)),
        };
        let zone = self.zone_of(&edition).await?;
        Ok((edition, list, rules, set, zone))
    }

    async fn rules_of(&self, edition: &Slug, event: &Slug) -> Result<Rules> {
        let set = self.store.seat_rules(edition, event).await?;
        Ok(Rules {
            claim_window: SignedDuration::from_mins(i64::from(set.claim_minutes)),
        })
    }

    async fn zone_of(&self, edition: &Slug) -> Result<jiff::tz::TimeZone> {
        let e = self.store.edition(edition).await?;
        jiff::tz::TimeZone::get(&e.time_zone)
            .map_err(|err| AppError::Internal(format!("{edition}'s zone {:?}: {err}", e.time_zone)))
    }

    async fn user_by_email(&self, email: &str) -> Result<UserId> {
        let email = Email::parse(email).map_err(|e| AppError::Invalid(e.to_string()))?;
        match self.store.user_by_email(&email).await {
            Ok(u) => Ok(u.id),
            Err(StoreError::NotFound(_)) => Err(AppError::NotFound(format!("an account {email}"))),
            Err(e) => Err(e.into()),
        }
    }

    /// The mail telling someone a seat is theirs to claim, once per offer.
    fn offer_mail<'a>(
        &'a self,
        edition: &'a Slug,
        session: &'a str,
        title: &'a str,
        zone: &'a jiff::tz::TimeZone,
    ) -> impl Fn(&str, Timestamp) -> std::result::Result<NewMail, String> + Send + 'a {
        move |email: &str, until: Timestamp| {
            let kind = MailKind::SeatOffered {
                title: title.to_owned(),
                until: until
                    .to_zoned(zone.clone())
                    .strftime("%A %-d %B, %H:%M %Z")
                    .to_string(),
                url: self.link(&format!("/{edition}/seats/{session}")),
            };
            let (subject, body) = self
                .inner
                .templates
                .render(&kind, &self.inner.public_url)
                .map_err(|e| e.to_string())?;
            Ok(NewMail {
                key: format!(
                    "seat-offer:{edition}:{session}:{email}:{}",
                    until.as_second()
                ),
                recipient: email.to_owned(),
                subject,
                body,
            })
        }
    }
}

/// A refused seat operation: the person's own situation, so a 409 with the reason.
fn seat_refusal(e: SeatError) -> AppError {
    AppError::Conflict(e.to_string())
}

/// How an organizer moves someone in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineMove {
    Up,
    Down,
    /// To this place (1 is next).
    To(usize),
}

/// An edition's seats as its organizers see them.
pub struct SeatOverview {
    pub lists: Vec<SeatListSummary>,
    pub rules: Vec<SeatRules>,
    /// Sessions placed once with no list yet: `(guid, title, start)`, by start.
    pub without_list: Vec<(String, String, Timestamp)>,
    /// The edition's events: `(slug, name)`.
    pub events: Vec<(String, String)>,
    pub zone: jiff::tz::TimeZone,
}

/// A seat list as an attendee sees it: the session, what is left, and where they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatStatus {
    pub title: String,
    pub starts: Timestamp,
    pub ends: Timestamp,
    pub capacity: u32,
    /// Neither taken nor offered.
    pub free: u32,
    pub waiting: u32,
    pub mine: Option<MySeat>,
}

impl App {
    /// A list and the viewer's place on it.
    pub async fn seat_status(
        &self,
        viewer: &Viewer,
        edition: &str,
        session: &str,
    ) -> Result<SeatStatus> {
        let slug = parse_slug(edition)?;
        viewer.access_in(&slug, None)?;
        let list = self.store.seat_list(&slug, session).await?;
        let lines = self.store.seat_lines(&slug, session).await?;
        let count = |s: SeatState| lines.iter().filter(|l| l.state == s).count() as u32;
        let taken = count(SeatState::Held) + count(SeatState::Offered);
        let mine = self
            .my_seats(viewer, edition)
            .await?
            .into_iter()
            .find(|m| m.session == session);
        Ok(SeatStatus {
            title: list.title,
            starts: list.starts,
            ends: list.ends,
            capacity: list.capacity,
            free: list.capacity.saturating_sub(taken),
            waiting: count(SeatState::Waiting),
            mine,
        })
    }
}
