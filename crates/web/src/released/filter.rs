//! What the schedule is filtered by (event, track, type, room): read from a query string, kept
//! in links, matched against occurrences. The pages and the JSON API share it.

use super::Occurrence;
use crate::error::WebError;
use crate::extract::Params;
use hallway_domain::SessionType;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filter {
    pub event: Option<String>,
    pub track: Option<String>,
    pub session_type: Option<SessionType>,
    pub room: Option<String>,
}

impl Filter {
    /// The filter a query string asks for; an unknown session type is an error naming it.
    pub fn from_query(q: &Params) -> Result<Self, WebError> {
        Ok(Self {
            event: q.get("event").map(str::to_owned),
            track: q.get("track").map(str::to_owned),
            session_type: q
                .get("type")
                .map(str::parse::<SessionType>)
                .transpose()
                .map_err(WebError::BadRequest)?,
            room: q.get("room").map(str::to_owned),
        })
    }

    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    pub fn matches(&self, o: &Occurrence) -> bool {
        self.event.as_ref().is_none_or(|e| &o.event == e)
            && self
                .track
                .as_ref()
                .is_none_or(|t| o.track.as_ref() == Some(t))
            && self.session_type.is_none_or(|t| o.session_type == t)
            && self
                .room
                .as_ref()
                .is_none_or(|r| o.room.as_ref() == Some(r))
    }

    /// The query string that asks for this filter ("?track=security&type=talk"), or "".
    pub fn query(&self) -> String {
        self.query_and(None)
    }

    /// The query string with one more `key=value` pair last, already escaped.
    pub fn query_and(&self, pair: Option<String>) -> String {
        let pairs: Vec<String> = [
            ("event", self.event.as_deref()),
            ("track", self.track.as_deref()),
            ("type", self.session_type.map(SessionType::as_str)),
            ("room", self.room.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", query_escape(v))))
        .chain(pair)
        .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

/// Percent-encodes what a query value may not hold as it is.
pub fn query_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occurrence(track: Option<&str>, room: Option<&str>, t: SessionType) -> Occurrence {
        Occurrence {
            session: 0,
            slot: Some(0),
            start: None,
            end: None,
            day: None,
            event: "kubecon".into(),
            track: track.map(str::to_owned),
            room: room.map(str::to_owned),
            session_type: t,
        }
    }

    #[test]
    fn every_filter_given_must_match() {
        let o = occurrence(Some("security"), Some("hall-7"), SessionType::Talk);
        assert!(Filter::default().matches(&o));
        let security = Filter {
            track: Some("security".into()),
            ..Filter::default()
        };
        assert!(security.matches(&o));
        assert!(
            !Filter {
                session_type: Some(SessionType::Keynote),
                ..security.clone()
            }
            .matches(&o)
        );
        assert!(
            !Filter {
                room: Some("hall-7".into()),
                ..security.clone()
            }
            .matches(&occurrence(Some("security"), None, SessionType::Talk)),
            "a filter on a room leaves out what has none"
        );
        assert!(
            !Filter {
                event: Some("rejekts".into()),
                ..Filter::default()
            }
            .matches(&o)
        );
    }

    #[test]
    fn reads_and_writes_its_query_string() {
        let f =
            Filter::from_query(&Params::parse("track=ai+%26+ml&type=talk&q=x").unwrap()).unwrap();
        assert_eq!(f.track.as_deref(), Some("ai & ml"));
        assert_eq!(f.session_type, Some(SessionType::Talk));
        assert_eq!(f.query(), "?track=ai%20%26%20ml&type=talk");
        assert_eq!(Filter::default().query(), "");
        let e = Filter::from_query(&Params::parse("type=nonsense").unwrap()).unwrap_err();
        assert!(
            matches!(&e, WebError::BadRequest(m) if m.contains("nonsense")),
            "{e:?}"
        );
    }
}
