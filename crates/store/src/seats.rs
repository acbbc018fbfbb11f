//! Seat lists. Every change to a session's list runs in one transaction that holds the list's
//! lock: the list is read whole into a `domain::seats::Book`, the rule applied, and only the
//! rows that changed written back, with the offers it made (each recorded once) and their mail.
//! Concurrent sign-ups are thereby serialised per session, so a seat is never given twice.

use crate::cfp::instant;
use crate::outbox::NewMail;
use crate::submissions::QUEUE_MAIL;
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::seats::Book;
use hallway_domain::{Slug, UserId};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// A session with a seat list, as organizers set it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatList {
    pub session: String,
    pub event: Slug,
    pub title: String,
    pub capacity: u32,
    pub starts: Timestamp,
    pub ends: Timestamp,
}

/// A seat held elsewhere in the edition, for the rules across sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldSeat {
    pub session: String,
    pub title: String,
    pub starts: Timestamp,
    pub ends: Timestamp,
}

/// One person on a list, as the organizers' export shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatLine {
    pub user: UserId,
    pub email: String,
    pub state: SeatState,
    pub offered_until: Option<i64>,
    pub checked_in_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatState {
    Held,
    Waiting,
    Offered,
}

impl SeatState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Waiting => "waiting",
            Self::Offered => "offered",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "held" => Self::Held,
            "waiting" => Self::Waiting,
            "offered" => Self::Offered,
            other => return Err(StoreError::invalid(format!("stored seat state {other:?}"))),
        })
    }
}

/// A list as the organizers' overview shows it: the list and how it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatListSummary {
    pub list: SeatList,
    pub held: u32,
    pub offered: u32,
    pub waiting: u32,
    pub checked_in: u32,
}

/// Seat rules as set: for one event, or (`event` None) for every event of the edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatRules {
    pub event: Option<Slug>,
    pub claim_minutes: u32,
    pub per_day: Option<u32>,
    /// Whether an attendee may hold seats at overlapping times.
    pub overlaps_allowed: bool,
}

/// What a change did: its outcome, and the mail it sends (queued in the same transaction).
pub struct Changed<R> {
    pub outcome: R,
    pub mails: Vec<NewMail>,
}

pub trait SeatStore {
    /// Creates a session's list or updates its capacity, title and times.
    async fn put_seat_list(&self, edition: &Slug, list: &SeatList) -> Result<()>;
    async fn seat_list(&self, edition: &Slug, session: &str) -> Result<SeatList>;
    /// Applies `change` to the session's list under its lock. `change` gets the list and the
    /// seats `who` holds elsewhere in the edition; when it refuses, nothing is written.
    /// Each seat the change offers is recorded once and told by `offer_mail(email, until)`.
    async fn change_seats<R, E, F, M>(
        &self,
        edition: &Slug,
        session: &str,
        who: Option<UserId>,
        now: i64,
        change: F,
        offer_mail: M,
    ) -> Result<Result<R, E>>
    where
        R: Send,
        E: Send,
        F: FnOnce(&mut Book<UserId>, &[HeldSeat]) -> Result<Changed<R>, E> + Send,
        M: Fn(&str, Timestamp) -> std::result::Result<NewMail, String> + Send;
    /// Everyone on a list, seated first, then offered, then the line, each in order.
    async fn seat_lines(&self, edition: &Slug, session: &str) -> Result<Vec<SeatLine>>;
    /// `(session, state, place in line, offered until)` for each list `user` is on.
    async fn seats_of(
        &self,
        edition: &Slug,
        user: UserId,
    ) -> Result<Vec<(String, SeatState, Option<usize>, Option<i64>)>>;
    /// Lists with an offer that ran out by `now`: `(edition, session)`.
    async fn lists_with_lapsed_offers(&self, now: i64) -> Result<Vec<(Slug, String)>>;
    async fn check_in(&self, edition: &Slug, session: &str, user: UserId, now: i64) -> Result<()>;
    /// Every list of an edition with its counts, in the order the sessions start.
    async fn seat_lists(&self, edition: &Slug) -> Result<Vec<SeatListSummary>>;
    /// The rules set in an edition: the edition's own first, then each event's.
    async fn seat_rules_set(&self, edition: &Slug) -> Result<Vec<SeatRules>>;
    /// Seat rules of an event (or of the whole edition with `event` None).
    async fn set_seat_rules(&self, edition: &Slug, rules: &SeatRules) -> Result<()>;
    /// The event's rules, else the edition's; `NotFound` when neither has any.
    async fn seat_rules(&self, edition: &Slug, event: &Slug) -> Result<SeatRules>;
}

const BOOK: &str = "SELECT b.id, b.event, b.title, b.capacity, b.starts_at, b.ends_at
     FROM seat_books b JOIN editions e ON e.id = b.edition_id
     WHERE e.slug = $1 AND b.session_guid = $2";

type BookRow = (i64, String, String, i64, i64, i64);

fn list_from(session: &str, r: BookRow) -> Result<SeatList> {
    Ok(SeatList {
        session: session.to_owned(),
        event: crate::cfp::stored_slug(&r.1)?,
        title: r.2,
        capacity: u32::try_from(r.3).map_err(|_| StoreError::invalid("stored capacity"))?,
        starts: instant(r.4)?,
        ends: instant(r.5)?,
    })
}

const RULES: &str = "SELECT r.event, r.claim_minutes, r.per_day, r.overlaps_allowed
     FROM seat_rules r JOIN editions e ON e.id = r.edition_id";

type RulesRow = (String, i64, Option<i64>, i64);

fn rules_from((event, claim, per_day, overlaps): RulesRow) -> Result<SeatRules> {
    Ok(SeatRules {
        event: match event.as_str() {
            "" => None,
            e => Some(crate::cfp::stored_slug(e)?),
        },
        claim_minutes: u32::try_from(claim)
            .map_err(|_| StoreError::invalid("stored claim window"))?,
        per_day: per_day
            .map(|d| u32::try_from(d).map_err(|_| StoreError::invalid("stored daily limit")))
            .transpose()?,
        overlaps_allowed: overlaps != 0,
    })
}

fn no_list(session: &str) -> StoreError {
    StoreError::NotFound(format!("a seat list for session {session}"))
}

/// A person on a list as the export reads them: id, e-mail, state, offer, check-in.
type LineRow = (i64, String, String, Option<i64>, Option<i64>);

/// A row as stored: state, arrival number, offer deadline.
type Row = (SeatState, i64, Option<i64>);

impl SeatStore for Store {
    async fn put_seat_list(&self, edition: &Slug, l: &SeatList) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "INSERT INTO seat_books (edition_id, session_guid, event, title, capacity,
                     starts_at, ends_at, next_position)
                 SELECT id, $2, $3, $4, $5, $6, $7, 0 FROM editions WHERE slug = $1
                 ON CONFLICT (edition_id, session_guid) DO UPDATE SET event = excluded.event,
                     title = excluded.title, capacity = excluded.capacity,
                     starts_at = excluded.starts_at, ends_at = excluded.ends_at",
            )
            .bind(edition.as_str())
            .bind(&l.session)
            .bind(l.event.as_str())
            .bind(&l.title)
            .bind(i64::from(l.capacity))
            .bind(l.starts.as_second())
            .bind(l.ends.as_second())
            .execute(pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("edition {edition}")));
            }
            Ok(())
        })
    }

    async fn seat_list(&self, edition: &Slug, session: &str) -> Result<SeatList> {
        on_pool!(self, |pool| {
            let row: Option<BookRow> = sqlx::query_as(BOOK)
                .bind(edition.as_str())
                .bind(session)
                .fetch_optional(pool)
                .await?;
            list_from(session, row.ok_or_else(|| no_list(session))?)
        })
    }

    async fn change_seats<R, E, F, M>(
        &self,
        edition: &Slug,
        session: &str,
        who: Option<UserId>,
        now: i64,
        change: F,
        offer_mail: M,
    ) -> Result<Result<R, E>>
    where
        R: Send,
        E: Send,
        F: FnOnce(&mut Book<UserId>, &[HeldSeat]) -> Result<Changed<R>, E> + Send,
        M: Fn(&str, Timestamp) -> std::result::Result<NewMail, String> + Send,
    {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            // The list's row is its lock (PostgreSQL); SQLite's write transaction is one already.
            let row: Option<BookRow> =
                sqlx::query_as(AssertSqlSafe(format!("{BOOK}{}", pool.for_update())))
                    .bind(edition.as_str())
                    .bind(session)
                    .fetch_optional(&mut *tx)
                    .await?;
            let row = row.ok_or_else(|| no_list(session))?;
            let (book_id, list) = (row.0, list_from(session, row)?);
            let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
                "SELECT user_id, state, position, offered_until FROM seats
                 WHERE book_id = $1 ORDER BY position",
            )
            .bind(book_id)
            .fetch_all(&mut *tx)
            .await?;
            let mut before: HashMap<UserId, Row> = HashMap::new();
            let mut book = Book::new(list.capacity, list.starts);
            for (user, state, position, until) in rows {
                let state = SeatState::parse(&state)?;
                let user = UserId(user);
                match state {
                    SeatState::Held => book.holders.push(user),
                    SeatState::Waiting => book.waiting.push(user),
                    SeatState::Offered => {
                        let until = until
                            .ok_or_else(|| StoreError::invalid("an offer without its deadline"))?;
                        book.offers.push((user, instant(until)?));
                    }
                }
                before.insert(user, (state, position, until));
            }
            let held: Vec<HeldSeat> = match who {
                None => Vec::new(),
                Some(user) => {
                    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
                        "SELECT b.session_guid, b.title, b.starts_at, b.ends_at
                         FROM seats s JOIN seat_books b ON b.id = s.book_id
                         WHERE s.user_id = $1 AND s.state = 'held' AND b.id <> $2
                           AND b.edition_id = (SELECT edition_id FROM seat_books WHERE id = $2)",
                    )
                    .bind(user.0)
                    .bind(book_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    rows.into_iter()
                        .map(|r| {
                            Ok(HeldSeat {
                                session: r.0,
                                title: r.1,
                                starts: instant(r.2)?,
                                ends: instant(r.3)?,
                            })
                        })
                        .collect::<Result<_>>()?
                }
            };
            let changed = match change(&mut book, &held) {
                Ok(c) => c,
                Err(e) => return Ok(Err(e)),
            };
            // The rows after: new arrivals and a reordered line get fresh arrival numbers.
            let reordered = {
                let kept: Vec<UserId> = book
                    .waiting
                    .iter()
                    .copied()
                    .filter(|u| matches!(before.get(u), Some((SeatState::Waiting, _, _))))
                    .collect();
                kept.windows(2).any(|w| before[&w[0]].1 > before[&w[1]].1)
            };
            let next: i64 =
                sqlx::query_scalar("SELECT next_position FROM seat_books WHERE id = $1")
                    .bind(book_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let mut next = next;
            let mut after: Vec<(UserId, Row)> = Vec::new();
            let mut place = |user: UserId, state: SeatState, until: Option<i64>| {
                let position = match before.get(&user) {
                    Some(&(_, p, _)) if !(reordered && state == SeatState::Waiting) => p,
                    _ => {
                        next += 1;
                        next
                    }
                };
                after.push((user, (state, position, until)));
            };
            for &u in &book.holders {
                place(u, SeatState::Held, None);
            }
            for &(u, until) in &book.offers {
                place(u, SeatState::Offered, Some(until.as_second()));
            }
            for &u in &book.waiting {
                place(u, SeatState::Waiting, None);
            }
            let now_present: HashMap<UserId, Row> = after.iter().cloned().collect();
            for user in before.keys().filter(|u| !now_present.contains_key(u)) {
                sqlx::query("DELETE FROM seats WHERE book_id = $1 AND user_id = $2")
                    .bind(book_id)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
            }
            for (user, row) in &after {
                if before.get(user) == Some(row) {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO seats (book_id, user_id, state, position, offered_until)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (book_id, user_id) DO UPDATE SET state = excluded.state,
                         position = excluded.position, offered_until = excluded.offered_until",
                )
                .bind(book_id)
                .bind(user.0)
                .bind(row.0.as_str())
                .bind(row.1)
                .bind(row.2)
                .execute(&mut *tx)
                .await?;
                if row.0 == SeatState::Offered
                    && before.get(user).is_none_or(|b| b.0 != SeatState::Offered)
                {
                    sqlx::query(
                        "INSERT INTO seat_offers (book_id, user_id, offered_until, offered_at)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(book_id)
                    .bind(user.0)
                    .bind(row.2)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                        .bind(user.0)
                        .fetch_one(&mut *tx)
                        .await?;
                    let until = instant(row.2.unwrap_or(now))?;
                    let m = offer_mail(&email, until).map_err(StoreError::invalid)?;
                    sqlx::query(QUEUE_MAIL)
                        .bind(&m.key)
                        .bind(&m.recipient)
                        .bind(&m.subject)
                        .bind(&m.body)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            sqlx::query("UPDATE seat_books SET next_position = $1, capacity = $2 WHERE id = $3")
                .bind(next)
                .bind(i64::from(book.capacity))
                .bind(book_id)
                .execute(&mut *tx)
                .await?;
            for m in &changed.mails {
                sqlx::query(QUEUE_MAIL)
                    .bind(&m.key)
                    .bind(&m.recipient)
                    .bind(&m.subject)
                    .bind(&m.body)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(Ok(changed.outcome))
        })
    }

    async fn seat_lines(&self, edition: &Slug, session: &str) -> Result<Vec<SeatLine>> {
        on_pool!(self, |pool| {
            let rows: Vec<LineRow> = sqlx::query_as(
                "SELECT s.user_id, u.email, s.state, s.offered_until, s.checked_in_at
                 FROM seats s JOIN users u ON u.id = s.user_id
                 JOIN seat_books b ON b.id = s.book_id JOIN editions e ON e.id = b.edition_id
                 WHERE e.slug = $1 AND b.session_guid = $2
                 ORDER BY CASE s.state WHEN 'held' THEN 0 WHEN 'offered' THEN 1 ELSE 2 END,
                          s.position",
            )
            .bind(edition.as_str())
            .bind(session)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|r| {
                    Ok(SeatLine {
                        user: UserId(r.0),
                        email: r.1,
                        state: SeatState::parse(&r.2)?,
                        offered_until: r.3,
                        checked_in_at: r.4,
                    })
                })
                .collect()
        })
    }

    async fn seats_of(
        &self,
        edition: &Slug,
        user: UserId,
    ) -> Result<Vec<(String, SeatState, Option<usize>, Option<i64>)>> {
        on_pool!(self, |pool| {
            let rows: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
                "SELECT b.session_guid, s.state,
                        (SELECT COUNT(*) FROM seats w WHERE w.book_id = s.book_id
                            AND w.state = 'waiting' AND w.position <= s.position),
                        s.offered_until
                 FROM seats s JOIN seat_books b ON b.id = s.book_id
                 JOIN editions e ON e.id = b.edition_id
                 WHERE e.slug = $1 AND s.user_id = $2 ORDER BY b.starts_at",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|r| {
                    let state = SeatState::parse(&r.1)?;
                    let place = (state == SeatState::Waiting).then_some(r.2 as usize);
                    Ok((r.0, state, place, r.3))
                })
                .collect()
        })
    }

    async fn lists_with_lapsed_offers(&self, now: i64) -> Result<Vec<(Slug, String)>> {
        on_pool!(self, |pool| {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT DISTINCT e.slug, b.session_guid FROM seats s
                 JOIN seat_books b ON b.id = s.book_id JOIN editions e ON e.id = b.edition_id
                 WHERE s.state = 'offered' AND s.offered_until <= $1 ORDER BY e.slug, b.session_guid",
            )
            .bind(now)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(e, s)| Ok((crate::cfp::stored_slug(&e)?, s)))
                .collect()
        })
    }

    async fn check_in(&self, edition: &Slug, session: &str, user: UserId, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "UPDATE seats SET checked_in_at = COALESCE(checked_in_at, $1)
                 WHERE user_id = $2 AND state = 'held' AND book_id = (
                     SELECT b.id FROM seat_books b JOIN editions e ON e.id = b.edition_id
                     WHERE e.slug = $3 AND b.session_guid = $4)",
            )
            .bind(now)
            .bind(user.0)
            .bind(edition.as_str())
            .bind(session)
            .execute(pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound("a seat held by this person".into()));
            }
            Ok(())
        })
    }

    async fn seat_lists(&self, edition: &Slug) -> Result<Vec<SeatListSummary>> {
        on_pool!(self, |pool| {
            type Row = (String, String, String, i64, i64, i64, i64, i64, i64, i64);
            let rows: Vec<Row> = sqlx::query_as(
                "SELECT b.session_guid, b.event, b.title, b.capacity, b.starts_at, b.ends_at,
                    COALESCE(SUM(CASE s.state WHEN 'held' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE s.state WHEN 'offered' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE s.state WHEN 'waiting' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN s.state = 'held' AND s.checked_in_at IS NOT NULL
                        THEN 1 ELSE 0 END), 0)
                 FROM seat_books b JOIN editions e ON e.id = b.edition_id
                 LEFT JOIN seats s ON s.book_id = b.id
                 WHERE e.slug = $1
                 GROUP BY b.id, b.session_guid, b.event, b.title, b.capacity, b.starts_at,
                     b.ends_at
                 ORDER BY b.starts_at, b.title, b.session_guid",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            let count = |n: i64| u32::try_from(n).map_err(|_| StoreError::invalid("a seat count"));
            rows.into_iter()
                .map(|r| {
                    Ok(SeatListSummary {
                        held: count(r.6)?,
                        offered: count(r.7)?,
                        waiting: count(r.8)?,
                        checked_in: count(r.9)?,
                        list: list_from(&r.0, (0, r.1, r.2, r.3, r.4, r.5))?,
                    })
                })
                .collect()
        })
    }

    async fn seat_rules_set(&self, edition: &Slug) -> Result<Vec<SeatRules>> {
        on_pool!(self, |pool| {
            let rows: Vec<RulesRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{RULES} WHERE e.slug = $1 ORDER BY r.event"
            )))
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(rules_from).collect()
        })
    }

    async fn set_seat_rules(&self, edition: &Slug, rules: &SeatRules) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "INSERT INTO seat_rules (edition_id, event, claim_minutes, per_day, overlaps_allowed)
                 SELECT id, $2, $3, $4, $5 FROM editions WHERE slug = $1
                 ON CONFLICT (edition_id, event) DO UPDATE SET
                     claim_minutes = excluded.claim_minutes, per_day = excluded.per_day,
                     overlaps_allowed = excluded.overlaps_allowed",
            )
            .bind(edition.as_str())
            .bind(rules.event.as_ref().map_or("", Slug::as_str))
            .bind(i64::from(rules.claim_minutes))
            .bind(rules.per_day.map(i64::from))
            .bind(i64::from(rules.overlaps_allowed))
            .execute(pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("edition {edition}")));
            }
            Ok(())
        })
    }

    async fn seat_rules(&self, edition: &Slug, event: &Slug) -> Result<SeatRules> {
        on_pool!(self, |pool| {
            let row: Option<RulesRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{RULES} WHERE e.slug = $1 AND r.event IN ($2, '')
                 ORDER BY CASE r.event WHEN '' THEN 1 ELSE 0 END LIMIT 1"
            )))
            .bind(edition.as_str())
            .bind(event.as_str())
            .fetch_optional(pool)
            .await?;
            rules_from(
                row.ok_or_else(|| {
                    StoreError::NotFound(format!("seat rules for {edition}/{event}"))
                })?,
            )
        })
    }
}
