//! Accounts and roles: what an e-mail address and a password may be, who may do what in an
//! event. Parsing only; hashing, tokens and storage live in the app and the store.

use crate::Slug;
use std::fmt;

/// An account's stored id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("e-mail address: {0}")]
    Email(&'static str),
    #[error("password: {0}")]
    Password(String),
    #[error("role: {0}")]
    Role(String),
}

/// An e-mail address as accounts are keyed: trimmed and lower-cased, so that `Ada@Example.org`
/// and `ada@example.org` are one account.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    /// The longest address SMTP can carry (RFC 5321's path limit less the brackets).
    pub const MAX_LEN: usize = 254;

    pub fn parse(s: &str) -> Result<Self, AccountError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(AccountError::Email("is empty"));
        }
        if s.len() > Self::MAX_LEN {
            return Err(AccountError::Email("is longer than 254 characters"));
        }
        if s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c))
        {
            return Err(AccountError::Email(
                "has a space or a character addresses cannot hold",
            ));
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(AccountError::Email("has no @"));
        };
        if local.is_empty() || local.contains('@') || local.len() > 64 {
            return Err(AccountError::Email(
                "needs one @ with 1 to 64 characters before it",
            ));
        }
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && l.len() <= 63);
        if !domain.contains('.') || !labels_ok {
            return Err(AccountError::Email(
                "needs a domain such as example.org after the @",
            ));
        }
        Ok(Self(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

/// A password as typed, checked for length only (NIST SP 800-63B: no composition rules).
/// Its `Debug` never shows it, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    /// Long enough for any passphrase, short enough that hashing it costs nothing extra.
    pub const MAX_BYTES: usize = 256;

    pub fn parse(s: &str) -> Result<Self, AccountError> {
        if s.chars().count() < Self::MIN_CHARS {
            return Err(AccountError::Password(format!(
                "needs at least {} characters",
                Self::MIN_CHARS
            )));
        }
        if s.len() > Self::MAX_BYTES {
            return Err(AccountError::Password(format!(
                "may have at most {} bytes",
                Self::MAX_BYTES
            )));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The tracks a co-chair or reviewer works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tracks {
    All,
    Only(Vec<Slug>),
}

impl Tracks {
    pub fn covers(&self, track: Option<&Slug>) -> bool {
        match (self, track) {
            (Self::All, _) => true,
            (Self::Only(list), Some(t)) => list.contains(t),
            (Self::Only(_), None) => false,
        }
    }

    /// Stored form: `*` for all, else the slugs joined by commas.
    pub fn to_stored(&self) -> String {
        match self {
            Self::All => "*".to_owned(),
            Self::Only(list) => list.iter().map(Slug::as_str).collect::<Vec<_>>().join(","),
        }
    }

    pub fn from_stored(s: &str) -> Result<Self, AccountError> {
        if s == "*" {
            return Ok(Self::All);
        }
        s.split(',')
            .filter(|t| !t.is_empty())
            .map(|t| Slug::parse(t).map_err(|e| AccountError::Role(format!("track: {e}"))))
            .collect::<Result<Vec<_>, _>>()
            .map(Self::Only)
    }
}

/// What a person is in one event of an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Runs the event: settings, teams, schedule, releases, mail.
    Organizer,
    /// Decides on proposals of their tracks (or all).
    CoChair(Tracks),
    /// Reviews proposals of their tracks.
    Reviewer(Tracks),
    Speaker,
    Attendee,
}

impl Role {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Organizer => "organizer",
            Self::CoChair(_) => "co-chair",
            Self::Reviewer(_) => "reviewer",
            Self::Speaker => "speaker",
            Self::Attendee => "attendee",
        }
    }

    pub fn tracks(&self) -> Option<&Tracks> {
        match self {
            Self::CoChair(t) | Self::Reviewer(t) => Some(t),
            _ => None,
        }
    }

    /// The stored pair back into a role; `tracks` only matters to co-chairs and reviewers.
    pub fn from_stored(kind: &str, tracks: &str) -> Result<Self, AccountError> {
        Ok(match kind {
            "organizer" => Self::Organizer,
            "co-chair" => Self::CoChair(Tracks::from_stored(tracks)?),
            "reviewer" => Self::Reviewer(Tracks::from_stored(tracks)?),
            "speaker" => Self::Speaker,
            "attendee" => Self::Attendee,
            other => return Err(AccountError::Role(format!("unknown role {other:?}"))),
        })
    }
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AccountError> {
        match s {
            "read" => Ok(Self::Read),
            "write" => Ok(Self::Write),
            other => Err(AccountError::Role(format!(
                "access {other:?}: use read or write"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            Email::parse("  Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "@example.org",
            "ada@",
            "ada@localhost",
            "a b@example.org",
            "ada@exa..mple.org",
            "ada@-x.org",
            "<ada@example.org>",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.org", "a".repeat(65));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn passwords_have_bounds_and_hide_in_debug() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        let p = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
        // Characters, not bytes, count toward the minimum.
        assert!(Password::parse("ééééééééé").is_err());
        assert!(Password::parse("éééééééééé").is_ok());
    }

    #[test]
    fn roles_round_trip_through_their_stored_form() {
        let t = Tracks::Only(vec![
            Slug::parse("ai").unwrap(),
            Slug::parse("ops").unwrap(),
        ]);
        let r = Role::Reviewer(t.clone());
        let back = Role::from_stored(r.kind(), &r.tracks().unwrap().to_stored()).unwrap();
        assert_eq!(back, r);
        assert_eq!(
            Role::from_stored("co-chair", "*").unwrap(),
            Role::CoChair(Tracks::All)
        );
        assert!(t.covers(Some(&Slug::parse("ai").unwrap())));
        assert!(!t.covers(None));
        assert!(Role::from_stored("admin", "").is_err());
    }
}
