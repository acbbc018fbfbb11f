//! Seats for sessions with limited places (workshops, tutorials), and the waitlist that fills
//! them itself: a freed seat is offered to the first in line, once, for a claim window that
//! shrinks as the session nears; an offer not claimed in time passes to the next; when nobody is
//! left in line, the seat is open to anyone.
//!
//! A `Book` is one session's state. The store loads it inside a transaction that holds the
//! session's lock, applies one operation, and writes the result back, so concurrent sign-ups
//! are serialised and a seat is never given twice. Offers hold their seat: holders plus open
//! offers never exceed the capacity.

use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Book<A> {
    pub capacity: u32,
    pub starts: Timestamp,
    /// Who has a seat, in the order they got it.
    pub holders: Vec<A>,
    /// Who waits, in order of arrival.
    pub waiting: Vec<A>,
    /// Seats offered and not yet claimed: who, and until when.
    pub offers: Vec<(A, Timestamp)>,
}

/// The event's rules for seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// How long an offered seat is held for its claimant, at most.
    pub claim_window: SignedDuration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignUp {
    Seated,
    /// In line, at this position (1 is next).
    Waiting(usize),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatError {
    #[error("you already have a seat")]
    AlreadySeated,
    #[error("you are already on the waitlist, at position {0}")]
    AlreadyWaiting(usize),
    #[error("the session has started: seats are no longer taken or offered")]
    Started,
    #[error("there is no seat offered to you")]
    NoOffer,
    #[error("the seat offered to you was held until {0}; it has passed to the next in line")]
    OfferExpired(Timestamp),
    #[error("you have neither a seat nor a place in line")]
    NotSignedUp,
    #[error("you already have a seat at that time ({0})")]
    Overlaps(String),
    #[error("you already have the most seats the event allows on one day ({limit}) on {date}")]
    DailyLimit { limit: u32, date: jiff::civil::Date },
    #[error("the new order must list exactly the people in line")]
    NotTheLine,
    #[error("not in line: only people waiting can be moved")]
    NotInLine,
    #[error("place {to} is not in the line, which has {len} people")]
    NoSuchPlace { to: usize, len: usize },
}

/// A seat the attendee holds or waits for elsewhere in the event: the session's name and times.
pub struct Held<'a> {
    pub title: &'a str,
    pub starts: Timestamp,
    pub ends: Timestamp,
}

/// The event's rules across sessions: no two seats at overlapping times (unless the event
/// allows them), and at most `per_day` seats a day (days in the venue's zone).
pub fn may_take(
    held: &[Held<'_>],
    starts: Timestamp,
    ends: Timestamp,
    per_day: Option<u32>,
    overlaps_allowed: bool,
    zone: &jiff::tz::TimeZone,
) -> Result<(), SeatError> {
    if !overlaps_allowed && let Some(h) = held.iter().find(|h| h.starts < ends && starts < h.ends) {
        return Err(SeatError::Overlaps(h.title.to_owned()));
    }
    if let Some(limit) = per_day {
        let date = starts.to_zoned(zone.clone()).date();
        let same_day = held
            .iter()
            .filter(|h| h.starts.to_zoned(zone.clone()).date() == date)
            .count();
        if same_day as u32 >= limit {
            return Err(SeatError::DailyLimit { limit, date });
        }
    }
    Ok(())
}

/// What an operation changed besides its caller's own state: offers made, so each claimant can
/// be told once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Offered<A>(pub Vec<(A, Timestamp)>);

impl<A: Copy + Eq> Book<A> {
    pub fn new(capacity: u32, starts: Timestamp) -> Self {
        Self {
            capacity,
            starts,
            holders: Vec::new(),
            waiting: Vec::new(),
            offers: Vec::new(),
        }
    }

    /// Seats neither taken nor offered.
    pub fn free(&self) -> u32 {
        self.capacity
            .saturating_sub((self.holders.len() + self.offers.len()) as u32)
    }

    /// Takes a free seat, or a place at the end of the line.
    pub fn sign_up(
        &mut self,
        who: A,
        now: Timestamp,
        rules: Rules,
    ) -> Result<(SignUp, Offered<A>), SeatError> {
        let offered = self.expire(now, rules);
        if self.holders.contains(&who) {
            return Err(SeatError::AlreadySeated);
        }
        if let Some(p) = self.position(who) {
            return Err(SeatError::AlreadyWaiting(p));
        }
        if now >= self.starts {
            return Err(SeatError::Started);
        }
        if self.offers.iter().any(|(a, _)| *a == who) {
            // An offer is theirs to claim; signing up again is claiming it.
            self.offers.retain(|(a, _)| *a != who);
            self.holders.push(who);
            return Ok((SignUp::Seated, offered));
        }
        if self.free() > 0 && self.waiting.is_empty() {
            self.holders.push(who);
            return Ok((SignUp::Seated, offered));
        }
        self.waiting.push(who);
        Ok((SignUp::Waiting(self.waiting.len()), offered))
    }

    /// Claims the seat offered to `who`.
    pub fn claim(&mut self, who: A, now: Timestamp, rules: Rules) -> Result<Offered<A>, SeatError> {
        let until = self.offers.iter().find(|(a, _)| *a == who).map(|(_, t)| *t);
        let offered = self.expire(now, rules);
        match until {
            None => Err(SeatError::NoOffer),
            Some(t) if now >= t => Err(SeatError::OfferExpired(t)),
            Some(_) => {
                self.offers.retain(|(a, _)| *a != who);
                self.holders.push(who);
                Ok(offered)
            }
        }
    }

    /// Gives up a seat, an offer or a place in line; a freed seat goes to the next in line.
    pub fn cancel(
        &mut self,
        who: A,
        now: Timestamp,
        rules: Rules,
    ) -> Result<Offered<A>, SeatError> {
        let before = (self.holders.len(), self.waiting.len(), self.offers.len());
        self.holders.retain(|a| *a != who);
        self.waiting.retain(|a| *a != who);
        self.offers.retain(|(a, _)| *a != who);
        if before == (self.holders.len(), self.waiting.len(), self.offers.len()) {
            return Err(SeatError::NotSignedUp);
        }
        Ok(self.expire(now, rules))
    }

    /// An organizer seats someone even when the session is full: the room takes one more.
    pub fn force_add(&mut self, who: A) {
        self.waiting.retain(|a| *a != who);
        self.offers.retain(|(a, _)| *a != who);
        if !self.holders.contains(&who) {
            if self.free() == 0 {
                self.capacity += 1;
            }
            self.holders.push(who);
        }
    }

    /// An organizer reorders the line; `order` must hold exactly the people in it.
    pub fn reorder(&mut self, order: &[A]) -> Result<(), SeatError> {
        let same = order.len() == self.waiting.len()
            && order.iter().all(|a| self.waiting.contains(a))
            && self.waiting.iter().all(|a| order.contains(a));
        if !same {
            return Err(SeatError::NotTheLine);
        }
        self.waiting = order.to_vec();
        Ok(())
    }

    /// An organizer moves one person to place `to` (1 is next); the others keep their order.
    pub fn move_in_line(&mut self, who: A, to: usize) -> Result<(), SeatError> {
        let from = self.position(who).ok_or(SeatError::NotInLine)?;
        let len = self.waiting.len();
        if to == 0 || to > len {
            return Err(SeatError::NoSuchPlace { to, len });
        }
        let moved = self.waiting.remove(from - 1);
        self.waiting.insert(to - 1, moved);
        Ok(())
    }

    /// 1-based place in line.
    pub fn position(&self, who: A) -> Option<usize> {
        self.waiting.iter().position(|a| *a == who).map(|p| p + 1)
    }

    /// Drops offers that ran out and offers every free seat to the next in line. Run by every
    /// operation, and by a periodic sweep so an offer passes on even when nobody acts.
    pub fn expire(&mut self, now: Timestamp, rules: Rules) -> Offered<A> {
        self.offers.retain(|(_, until)| *until > now);
        let mut made = Vec::new();
        if now >= self.starts {
            // Once it starts, people just walk in: no offers are made.
            return Offered(made);
        }
        while self.free() > 0 && !self.waiting.is_empty() {
            let next = self.waiting.remove(0);
            let until = self.claim_deadline(now, rules);
            self.offers.push((next, until));
            made.push((next, until));
        }
        Offered(made)
    }

    /// The claim window, but never more than half the time left before the session starts, so
    /// that a seat freed late still has time to pass down the line.
    fn claim_deadline(&self, now: Timestamp, rules: Rules) -> Timestamp {
        let left = self.starts.duration_since(now);
        let window = rules.claim_window.min(left / 2);
        // Adding a duration (no calendar units) to an instant cannot fail, and `window` is at
        // most half the time left, so the sum is before the start.
        now.saturating_add(window)
            .expect("a duration added to an instant saturates")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: i64) -> Timestamp {
        Timestamp::from_second(1_774_000_000 + hour * 3600).unwrap()
    }

    fn rules() -> Rules {
        Rules {
            claim_window: SignedDuration::from_hours(2),
        }
    }

    fn book() -> Book<u32> {
        Book::new(2, at(48))
    }

    #[test]
    fn an_organizer_moves_one_person_and_the_rest_keep_their_order() {
        let mut b = Book::new(0, at(48));
        for who in 1..=4 {
            b.sign_up(who, at(0), rules()).unwrap();
        }
        b.move_in_line(4, 1).unwrap();
        assert_eq!(b.waiting, [4, 1, 2, 3]);
        b.move_in_line(4, 3).unwrap();
        assert_eq!(b.waiting, [1, 2, 4, 3]);
        assert_eq!(
            b.move_in_line(4, 5),
            Err(SeatError::NoSuchPlace { to: 5, len: 4 })
        );
        assert_eq!(
            b.move_in_line(4, 0),
            Err(SeatError::NoSuchPlace { to: 0, len: 4 })
        );
        assert_eq!(b.move_in_line(9, 1), Err(SeatError::NotInLine));
        assert_eq!(b.waiting, [1, 2, 4, 3]);
    }

    #[test]
    fn seats_go_first_come_and_the_rest_wait_in_order() {
        let mut b = book();
        assert_eq!(b.sign_up(1, at(0), rules()).unwrap().0, SignUp::Seated);
        assert_eq!(b.sign_up(2, at(0), rules()).unwrap().0, SignUp::Seated);
        assert_eq!(b.sign_up(3, at(0), rules()).unwrap().0, SignUp::Waiting(1));
        assert_eq!(b.sign_up(4, at(0), rules()).unwrap().0, SignUp::Waiting(2));
        assert_eq!(
            b.sign_up(3, at(0), rules()),
            Err(SeatError::AlreadyWaiting(1))
        );
        assert_eq!(b.sign_up(1, at(0), rules()), Err(SeatError::AlreadySeated));
    }

    #[test]
    fn a_freed_seat_is_offered_once_and_passes_on_when_not_claimed() {
        let mut b = book();
        for who in 1..=4 {
            b.sign_up(who, at(0), rules()).unwrap();
        }
        let offered = b.cancel(1, at(1), rules()).unwrap();
        assert_eq!(offered.0, [(3, at(3))]);
        assert_eq!(b.free(), 0, "the offer holds the seat");
        assert_eq!(b.sign_up(5, at(1), rules()).unwrap().0, SignUp::Waiting(2));
        // 3 lets it pass; at hour 3 it goes to 4, once.
        assert_eq!(b.expire(at(2), rules()).0, []);
        assert_eq!(b.expire(at(3), rules()).0, [(4, at(5))]);
        assert_eq!(b.expire(at(3), rules()).0, []);
        assert_eq!(b.claim(3, at(3), rules()), Err(SeatError::NoOffer));
        assert!(b.claim(4, at(4), rules()).is_ok());
        assert_eq!(b.holders, [2, 4]);
        assert_eq!(b.position(5), Some(1));
    }

    #[test]
    fn an_expired_offer_says_until_when_it_was_held() {
        let mut b = book();
        b.sign_up(1, at(0), rules()).unwrap();
        b.sign_up(2, at(0), rules()).unwrap();
        b.sign_up(3, at(0), rules()).unwrap();
        b.cancel(2, at(1), rules()).unwrap();
        assert_eq!(
            b.claim(3, at(3), rules()),
            Err(SeatError::OfferExpired(at(3)))
        );
        assert_eq!(b.free(), 1, "with nobody left in line the seat is open");
        assert_eq!(b.sign_up(6, at(3), rules()).unwrap().0, SignUp::Seated);
    }

    #[test]
    fn the_window_shrinks_as_the_session_nears_and_closes_at_its_start() {
        let mut b = book();
        for who in 1..=3 {
            b.sign_up(who, at(0), rules()).unwrap();
        }
        let offered = b.cancel(1, at(47), rules()).unwrap();
        assert_eq!(
            offered.0[0].1,
            at(47)
                .saturating_add(SignedDuration::from_mins(30))
                .unwrap()
        );
        b.cancel(2, at(48), rules()).unwrap();
        assert_eq!(b.sign_up(9, at(48), rules()), Err(SeatError::Started));
    }

    #[test]
    fn organizers_seat_someone_over_capacity_and_reorder_the_line() {
        let mut b = book();
        for who in 1..=4 {
            b.sign_up(who, at(0), rules()).unwrap();
        }
        b.force_add(4);
        assert_eq!(
            (b.capacity, b.holders.len(), b.waiting.clone()),
            (3, 3, vec![3])
        );
        b.sign_up(5, at(0), rules()).unwrap();
        b.reorder(&[5, 3]).unwrap();
        assert_eq!(b.position(5), Some(1));
        assert_eq!(b.reorder(&[5]), Err(SeatError::NotTheLine));
        assert_eq!(b.reorder(&[5, 3, 9]), Err(SeatError::NotTheLine));
    }

    #[test]
    fn no_two_seats_at_once_and_a_daily_limit() {
        let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap();
        let held = [Held {
            title: "Workshop A",
            starts: at(0),
            ends: at(2),
        }];
        assert_eq!(
            may_take(&held, at(1), at(3), None, false, &zone),
            Err(SeatError::Overlaps("Workshop A".into()))
        );
        assert_eq!(
            may_take(&held, at(2), at(3), None, false, &zone),
            Ok(()),
            "back to back is fine"
        );
        assert_eq!(
            may_take(&held, at(1), at(3), None, true, &zone),
            Ok(()),
            "an event may allow seats at the same time"
        );
        let err = may_take(&held, at(3), at(4), Some(1), false, &zone).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "you already have the most seats the event allows on one day (1) on 2026-03-20"
            ),
            "{err}"
        );
        assert_eq!(
            may_take(&held, at(30), at(31), Some(1), false, &zone),
            Ok(()),
            "another day"
        );
    }

    #[test]
    fn never_more_seats_than_capacity_whatever_the_order() {
        // Every sequence of the same operations keeps holders + offers within capacity.
        let ops: Vec<(u8, u32, i64)> = (0..200)
            .map(|i| ((i * 7 % 3) as u8, (i * 13 % 9) as u32, (i / 5) as i64))
            .collect();
        let mut b = Book::new(3, at(60));
        for (op, who, hour) in ops {
            let _ = match op {
                0 => b.sign_up(who, at(hour), rules()).map(|_| ()),
                1 => b.cancel(who, at(hour), rules()).map(|_| ()),
                _ => b.claim(who, at(hour), rules()).map(|_| ()),
            };
            assert!(b.holders.len() + b.offers.len() <= 3, "{b:?}");
            let mut all: Vec<u32> = b
                .holders
                .iter()
                .chain(&b.waiting)
                .copied()
                .chain(b.offers.iter().map(|o| o.0))
                .collect();
            let n = all.len();
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len(), n, "one place per person: {b:?}");
        }
    }
}
