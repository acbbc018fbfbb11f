//! Identifiers that appear in URLs and interchange files.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use uuid::Uuid;

/// A URL-safe identifier: lowercase ASCII letters, digits and single dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid slug {0:?}: use 1-80 lowercase letters, digits and single dashes")]
pub struct SlugError(pub String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        let ok = !s.is_empty()
            && s.len() <= 80
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(SlugError(s.to_owned()))
        }
    }

    /// Derives a slug from a human name; names with no ASCII letters or digits become `fallback`.
    pub fn from_name(name: &str, fallback: &str) -> Self {
        let mut out = String::with_capacity(name.len());
        for c in name.chars().flat_map(fold_latin) {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let mut s = out.trim_end_matches('-').to_owned();
        if s.len() > 60 {
            s.truncate(60);
            s = s.trim_end_matches('-').to_owned();
        }
        if s.is_empty() {
            s = fallback.to_owned();
        }
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Folds common Latin letters with diacritics to ASCII so that "José" gets the slug "jose".
fn fold_latin(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' | 'ć' | 'č' | 'Ć' | 'Č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'ů' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'ł' | 'Ł' => "l",
        'š' | 'Š' | 'ś' | 'Ś' => "s",
        'ž' | 'Ž' | 'ź' | 'ż' => "z",
        'ř' | 'Ř' => "r",
        'ğ' | 'Ğ' => "g",
        'ı' | 'İ' => "i",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    single.into_iter().chain(folded.chars())
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Slug {
    type Err = SlugError;
    fn from_str(s: &str) -> Result<Self, SlugError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> Self {
        s.0
    }
}

/// Hands out unique slugs within one namespace (rooms of an edition, speakers, ...).
#[derive(Debug, Default)]
pub struct Slugs {
    taken: HashSet<String>,
}

impl Slugs {
    pub fn claim(&mut self, wanted: Slug) -> Slug {
        if self.taken.insert(wanted.0.clone()) {
            return wanted;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{}-{n}", wanted.0);
            if self.taken.insert(candidate.clone()) {
                return Slug(candidate);
            }
            n += 1;
        }
    }

    pub fn reserve(&mut self, slug: &Slug) {
        self.taken.insert(slug.0.clone());
    }
}

/// A session's globally unique id, stable across releases and re-exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Guid(Uuid);

/// Hallway's UUIDv5 namespace; changing it would change every derived GUID.
const NAMESPACE: Uuid = Uuid::from_u128(0x6a1c_2f0e_93b4_4d7e_9a55_4c0f_7e21_b803);

impl Guid {
    /// The GUID of a session, derived from its edition, its code and its slot number.
    pub fn derive(edition: &Slug, code: &str, slot: u32) -> Self {
        let name = format!("{edition}/{code}/{slot}");
        Self(Uuid::new_v5(&NAMESPACE, name.as_bytes()))
    }

    pub fn parse(s: &str) -> Result<Self, uuid::Error> {
        Uuid::parse_str(s).map(Self)
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_from_names() {
        assert_eq!(
            Slug::from_name("Hall 8 | Room E", "x").as_str(),
            "hall-8-room-e"
        );
        assert_eq!(
            Slug::from_name("🚨 CONTRIBFEST", "x").as_str(),
            "contribfest"
        );
        assert_eq!(
            Slug::from_name("Jean-François Hubert", "x").as_str(),
            "jean-francois-hubert"
        );
        assert_eq!(Slug::from_name("🪧", "track").as_str(), "track");
    }

    #[test]
    fn slug_parse_rejects_bad_input() {
        assert!(Slug::parse("kccnceu2026").is_ok());
        for bad in ["", "A", "a--b", "-a", "a-", "a b", "ä"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn slugs_are_unique() {
        let mut s = Slugs::default();
        let a = s.claim(Slug::from_name("Room", "x"));
        let b = s.claim(Slug::from_name("room", "x"));
        assert_eq!((a.as_str(), b.as_str()), ("room", "room-2"));
    }

    #[test]
    fn guid_is_stable() {
        let e = Slug::parse("kccnceu2026").unwrap();
        assert_eq!(Guid::derive(&e, "abc", 1), Guid::derive(&e, "abc", 1));
        assert_ne!(Guid::derive(&e, "abc", 1), Guid::derive(&e, "abc", 2));
        let g = Guid::derive(&e, "abc", 1);
        assert_eq!(Guid::parse(&g.to_string()).unwrap(), g);
    }
}
