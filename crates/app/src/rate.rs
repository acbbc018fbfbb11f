//! Rate limits per account and per address, counted in the database so that they hold across
//! replicas. Any action can have one: asking, voting, contact requests.

use crate::{App, AppError, Result, Viewer};
use hallway_store::RateCount;
use std::net::IpAddr;

/// How often an action may be done in a window: by one account, and from one address (higher:
/// a venue's attendees share the address of its network).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateRule {
    /// The action's name, in keys and messages: "questions", "votes".
    pub what: &'static str,
    pub per_account: u64,
    pub per_address: u64,
    pub window_seconds: i64,
}

impl RateRule {
    pub const ASK: Self = Self {
        what: "questions",
        per_account: 10,
        per_address: 300,
        window_seconds: 60,
    };
    pub const VOTE: Self = Self {
        what: "votes",
        per_account: 60,
        per_address: 1200,
        window_seconds: 60,
    };
}

impl App {
    /// Counts one `rule` action by `who` from `address`; refused (nothing else counted) when
    /// either is over its limit, with the seconds until the window ends.
    pub async fn within_rate(
        &self,
        rule: &RateRule,
        who: Option<&Viewer>,
        address: Option<IpAddr>,
    ) -> Result<()> {
        let who = who.map(|v| v.user);
        let now = jiff::Timestamp::now().as_second();
        let window = rule.window_seconds.max(1);
        let start = now - now.rem_euclid(window);
        let retry_after = u64::try_from(start + window - now).unwrap_or(1).max(1);
        let over = |whose: &str| AppError::Throttled {
            message: format!(
                "too many {} {whose}: at most {} a {}; try again in {retry_after} s",
                rule.what,
                if whose == "from your account" {
                    rule.per_account
                } else {
                    rule.per_address
                },
                per(window)
            ),
            retry_after,
        };
        if let Some(who) = who {
            let key = format!("{}:user:{}", rule.what, who.0);
            if self.store.count_hit(&key, start).await? > rule.per_account {
                return Err(over("from your account"));
            }
        }
        if let Some(address) = address {
            let key = format!("{}:ip:{address}", rule.what);
            if self.store.count_hit(&key, start).await? > rule.per_address {
                return Err(over("from your address"));
            }
        }
        Ok(())
    }
}

fn per(window: i64) -> String {
    match window {
        60 => "minute".to_owned(),
        3600 => "hour".to_owned(),
        s => format!("{s} seconds"),
    }
}
