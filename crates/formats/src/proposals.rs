//! Proposals of a call for papers as organizers take them away: CSV (RFC 4180, CRLF) and the
//! c3voc submission JSON (the shape `submission.rs` writes for sessions, without a slot).
//! Blind exports carry no speaker names, affiliations or bios.

use hallway_domain::Guid;
use hallway_domain::Slug;
use serde::Serialize;

/// A proposal as the exports show it.
#[derive(Debug, Clone)]
pub struct ProposalRow {
    pub edition: Slug,
    pub code: String,
    pub title: String,
    pub abstract_text: String,
    pub notes: String,
    pub status: String,
    pub session_type: String,
    pub minutes: u32,
    pub track: String,
    /// `(name, affiliation, bio)`; empty when the export is blind.
    pub speakers: Vec<(String, String, String)>,
    pub submitted_at: String,
    pub url: String,
}

const HEADER: &[&str] = &[
    "code",
    "status",
    "title",
    "type",
    "duration_minutes",
    "track",
    "speakers",
    "abstract",
    "notes",
    "submitted_at",
    "url",
];

/// One row per proposal.
pub fn csv(rows: &[ProposalRow]) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for r in rows {
        let speakers = r
            .speakers
            .iter()
            .map(|(name, affiliation, _)| {
                if affiliation.is_empty() {
                    name.clone()
                } else {
                    format!("{name} ({affiliation})")
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let minutes = r.minutes.to_string();
        let fields = [
            r.code.as_str(),
            &r.status,
            &r.title,
            &r.session_type,
            &minutes,
            &r.track,
            &speakers,
            &r.abstract_text,
            &r.notes,
            &r.submitted_at,
            &r.url,
        ];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&quote(f));
        }
        out.push_str("\r\n");
    }
    out
}

/// Quotes a field when it holds a comma, a quote or a line break; a leading `=`, `+`, `-` or
/// `@` is prefixed with `'` so a spreadsheet does not run a speaker's text as a formula.
fn quote(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[derive(Serialize)]
struct Submission<'a> {
    guid: String,
    title: &'a str,
    subtitle: &'a str,
    #[serde(rename = "abstract")]
    abstract_text: &'a str,
    description: &'a str,
    duration: Option<u32>,
    #[serde(rename = "type")]
    kind: &'static str,
    do_not_record: bool,
    track: Option<&'a str>,
    speakers: Vec<SpeakerOut<'a>>,
    language: &'a str,
    links: [(); 0],
    attachments: [(); 0],
    /// The CFP's session type, the proposal's state and its code: what the schema has no
    /// field for.
    tags: Vec<String>,
    /// For the organizers, never the public.
    internal_notes: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct SpeakerOut<'a> {
    name: &'a str,
    biography: Option<&'a str>,
}

/// The schema's kinds of session, from what a CFP calls its session types.
fn kind(session_type: &str) -> &'static str {
    if session_type.contains("workshop") || session_type.contains("tutorial") {
        "workshop"
    } else if session_type.contains("panel") {
        "podium"
    } else if session_type.contains("unconference") || session_type.contains("meeting") {
        "meeting"
    } else {
        "talk"
    }
}

/// The c3voc submission array.
pub fn json(rows: &[ProposalRow]) -> String {
    let items: Vec<Submission<'_>> = rows
        .iter()
        .map(|r| Submission {
            guid: Guid::derive(&r.edition, &r.code, 1).to_string(),
            title: &r.title,
            subtitle: "",
            abstract_text: &r.abstract_text,
            description: "",
            duration: Some(r.minutes).filter(|d| *d <= 840),
            kind: kind(&r.session_type),
            do_not_record: false,
            track: Some(r.track.as_str()).filter(|t| !t.is_empty()),
            speakers: r
                .speakers
                .iter()
                .map(|(name, _, bio)| SpeakerOut {
                    name,
                    biography: Some(bio.as_str()).filter(|b| !b.is_empty()),
                })
                .collect(),
            language: "",
            links: [],
            attachments: [],
            tags: vec![
                r.session_type.clone(),
                format!("state:{}", r.status),
                format!("code:{}", r.code),
            ],
            internal_notes: &r.notes,
            url: &r.url,
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ProposalRow {
        ProposalRow {
            edition: Slug::parse("kc").unwrap(),
            code: "ABC123".into(),
            title: "Zero, \"trust\"".into(),
            abstract_text: "=cmd()".into(),
            notes: String::new(),
            status: "submitted".into(),
            session_type: "talk".into(),
            minutes: 30,
            track: "Security".into(),
            speakers: vec![("Ada".into(), "ACME".into(), "bio".into())],
            submitted_at: "2026-01-01T10:00:00+01:00".into(),
            url: "https://x/cfp/proposals/ABC123".into(),
        }
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let out = csv(&[row()]);
        let line = out.lines().nth(1).unwrap();
        assert!(line.contains("\"Zero, \"\"trust\"\"\""), "{line}");
        assert!(line.contains(",'=cmd(),"), "{line}");
        assert!(line.contains("Ada (ACME)"));
    }

    #[test]
    fn json_has_a_stable_guid_per_proposal() {
        let a: serde_json::Value = serde_json::from_str(&json(&[row()])).unwrap();
        let b: serde_json::Value = serde_json::from_str(&json(&[row()])).unwrap();
        assert_eq!(a[0]["guid"], b[0]["guid"]);
        assert_eq!(a[0]["speakers"][0]["name"], "Ada");
    }
}
