//! c3voc's submission objects (a proposal as pretalx and frab exchange it), one per session,
//! written as a JSON array whose every item passes the c3voc submission schema.

use crate::frab::Export;
use hallway_domain::{Session, SessionType};
use serde::Serialize;

#[derive(Serialize)]
struct Submission<'a> {
    guid: String,
    title: &'a str,
    subtitle: &'a str,
    #[serde(rename = "abstract")]
    abstract_text: &'a str,
    description: &'a str,
    /// Minutes; the schema allows at most 840.
    duration: Option<u32>,
    #[serde(rename = "type")]
    kind: &'static str,
    do_not_record: bool,
    track: Option<&'a str>,
    speakers: Vec<SpeakerOut<'a>>,
    language: &'a str,
    links: [(); 0],
    attachments: [(); 0],
    #[serde(skip_serializing_if = "Option::is_none")]
    slot: Option<SlotOut>,
    public_url: String,
}

#[derive(Serialize)]
struct SpeakerOut<'a> {
    name: &'a str,
    biography: Option<&'a str>,
}

#[derive(Serialize)]
struct SlotOut {
    start: String,
    end: String,
    room: String,
}

/// The schema knows fewer kinds of session than Hallway does.
fn kind(t: SessionType) -> &'static str {
    match t {
        SessionType::Keynote | SessionType::Talk | SessionType::Lightning => "talk",
        SessionType::Panel => "podium",
        SessionType::Workshop | SessionType::Tutorial => "workshop",
        SessionType::Unconference => "meeting",
        SessionType::Poster
        | SessionType::Social
        | SessionType::Break
        | SessionType::Registration
        | SessionType::Event => "other",
    }
}

/// The schema admits `en`, `de` or nothing.
fn language(s: &Session) -> &'static str {
    match s
        .language
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("en" | "english") => "en",
        Some("de" | "german" | "deutsch") => "de",
        _ => "",
    }
}

pub fn write(export: &Export<'_>) -> String {
    let s = export.schedule;
    let tz = s.edition.tz();
    let rfc3339 = |t: jiff::Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    let items: Vec<Submission<'_>> = s
        .sessions
        .iter()
        .map(|x| Submission {
            guid: x.guid.to_string(),
            title: &x.title,
            subtitle: &x.subtitle,
            abstract_text: &x.abstract_text,
            description: &x.description,
            duration: Some(x.duration_minutes).filter(|d| *d <= 840),
            kind: kind(x.session_type),
            do_not_record: x.do_not_record,
            track: x
                .track
                .as_ref()
                .and_then(|t| s.track(t))
                .map(|t| t.name.as_str()),
            speakers: x
                .speakers
                .iter()
                .filter_map(|sp| s.speaker(sp))
                .map(|sp| SpeakerOut {
                    name: &sp.name,
                    biography: Some(sp.bio.as_str()).filter(|b| !b.is_empty()),
                })
                .collect(),
            language: language(x),
            links: [],
            attachments: [],
            slot: x.slots.first().map(|sl| SlotOut {
                start: rfc3339(sl.start),
                end: rfc3339(sl.end),
                room: s.room_name(sl).unwrap_or_default().to_owned(),
            }),
            public_url: export.session_url(x),
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default()
}
