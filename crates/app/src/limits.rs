//! Rate limits on what a visitor can do often (questions, votes, contact requests): per account
//! and per address, counted in the database so that every replica holds the same line. The
//! rule of a window is `domain::venue::Rate`.

use crate::{App, AppError, Result};
use hallway_domain::UserId;
use hallway_domain::venue::Rate;
use hallway_store::{Limit, LimitStore};
use std::net::IpAddr;

/// One action's limits: per account and per address (an IPv6 /64 is one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Names the action in the table and in messages ("contact requests").
    pub action: &'static str,
    pub per_account: Rate,
    pub per_address: Rate,
}

impl RateLimit {
    /// Asking in a Q&A room; an address is higher, since a venue's attendees share its network.
    pub const ASK: Self = Self {
        action: "questions",
        per_account: Rate {
            most: 10,
            window_seconds: 60,
        },
        per_address: Rate {
            most: 300,
            window_seconds: 60,
        },
    };
    /// Voting on questions.
    pub const VOTE: Self = Self {
        action: "votes",
        per_account: Rate {
            most: 60,
            window_seconds: 60,
        },
        per_address: Rate {
            most: 1200,
            window_seconds: 60,
        },
    };
}

impl RateLimit {
    /// Proposing unconference topics.
    pub const PROPOSE: Self = Self {
        action: "topics",
        per_account: Rate {
            most: 5,
            window_seconds: 600,
        },
        per_address: Rate {
            most: 100,
            window_seconds: 600,
        },
    };
    /// Voting on unconference topics.
    pub const TOPIC_VOTE: Self = Self {
        action: "topic votes",
        per_account: Rate {
            most: 60,
            window_seconds: 60,
        },
        per_address: Rate {
            most: 1200,
            window_seconds: 60,
        },
    };
}

/// A window in words, for refusals: "a minute", "10 minutes", "an hour".
fn window_words(seconds: i64) -> String {
    match seconds {
        60 => "a minute".into(),
        3600 => "an hour".into(),
        86400 => "a day".into(),
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} seconds"),
    }
}

impl App {
    /// Counts one attempt of `limit.action` by `who` from `from`, or refuses it with
    /// `AppError::Throttled` saying when to come back; a refused attempt is not counted.
    pub async fn throttle(
        &self,
        limit: &RateLimit,
        who: UserId,
        from: Option<IpAddr>,
    ) -> Result<()> {
        let now = jiff::Timestamp::now().as_second();
        let mut limits = vec![(
            Limit {
                subject: format!("account:{}", who.0),
                most: limit.per_account.most,
                since: now - limit.per_account.window_seconds,
            },
            limit.per_account,
        )];
        if let Some(ip) = from {
            limits.push((
                Limit {
                    subject: format!("address:{}", crate::accounts::address_bucket(ip)),
                    most: limit.per_address.most,
                    since: now - limit.per_address.window_seconds,
                },
                limit.per_address,
            ));
        }
        let plain: Vec<Limit> = limits.iter().map(|(l, _)| l.clone()).collect();
        match self.store.hit(limit.action, &plain, now).await? {
            Ok(()) => Ok(()),
            Err((subject, oldest)) => {
                // The window of the subject that is full says when a place frees up.
                let rate = limits
                    .iter()
                    .find(|(l, _)| l.subject == subject)
                    .map_or(limit.per_account, |(_, r)| *r);
                let retry_after = u64::try_from(oldest + rate.window_seconds - now)
                    .unwrap_or(1)
                    .max(1);
                Err(AppError::Throttled {
                    what: limit.action,
                    whose: if subject.starts_with("account:") {
                        "from your account"
                    } else {
                        "from your address"
                    },
                    most: rate.most,
                    window: window_words(rate.window_seconds),
                    retry_after,
                })
            }
        }
    }

    /// Forgets attempts older than a day: no window is longer.
    pub(crate) async fn forget_old_hits(&self, now: i64) -> Result<u64> {
        Ok(self.store.forget_hits(now - 24 * 3600).await?)
    }
}
