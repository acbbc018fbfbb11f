//! Generated schedules with hostile text survive frab XML, frab JSON and CSV: what goes out
//! comes back, session by session.

mod common;

use common::{essence, through};
use hallway_domain::{
    Edition, Event, EventKind, Guid, Room, Schedule, Session, SessionType, Slot, Slug, Speaker,
    Track,
};
use hallway_formats::{ExportFormat, ImportOptions};
use proptest::prelude::*;

/// Text that breaks naive writers: markup, quotes, entities, emoji, right-to-left marks,
/// CJK, combining accents, backslashes, CDATA ends, Windows line ends.
fn hostile(max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<script>alert('x')</script>".to_owned()),
        Just("&amp; & &lt; ]]> --> \"quoted\" 'single'".to_owned()),
        Just("emoji 🎉👩‍💻 ".to_owned()),
        Just("\u{202e}RTL עברית العربية\u{202c}".to_owned()),
        Just("漢字かなカナ ".to_owned()),
        Just("e\u{301}ẞ ".to_owned()),
        Just("back\\slash; semi, comma".to_owned()),
        Just("line one\r\nline two\n".to_owned()),
        Just("tab\there".to_owned()),
        "[a-zA-Z0-9 .:!?-]{1,40}",
    ];
    prop::collection::vec(piece, 1..12).prop_map(move |parts| {
        let mut s: String = parts.concat();
        if s.len() > max {
            let mut end = max;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.truncate(end);
        }
        let s = s.trim().to_owned();
        if s.is_empty() { "x".to_owned() } else { s }
    })
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

/// title, abstract, subtitle, type, track, speakers, start (5-minute steps), length, no
/// recording, English.
type SessionSpec = (
    String,
    String,
    String,
    usize,
    Option<usize>,
    Vec<usize>,
    i64,
    i64,
    bool,
    bool,
);

#[derive(Debug, Clone)]
struct Spec {
    zone: &'static str,
    name: String,
    rooms: Vec<String>,
    tracks: Vec<String>,
    speakers: Vec<String>,
    sessions: Vec<SessionSpec>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::sample::select(vec![
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "UTC",
        ]),
        hostile(80),
        prop::collection::vec(hostile(40), 1..5),
        prop::collection::vec(hostile(40), 0..4),
        prop::collection::vec(hostile(40), 0..8),
        prop::collection::vec(
            (
                hostile(200),
                hostile(2000),
                hostile(100),
                0..SessionType::ALL.len(),
                prop::option::of(0usize..4),
                prop::collection::vec(0usize..8, 0..3),
                0i64..(3 * 24 * 12),
                1i64..120,
                any::<bool>(),
                any::<bool>(),
            ),
            1..25,
        ),
    )
        .prop_map(|(zone, name, rooms, tracks, speakers, sessions)| Spec {
            zone,
            name,
            rooms,
            tracks,
            speakers,
            sessions,
        })
}

fn build(spec: &Spec) -> Schedule {
    let e = slug("prop2026");
    let day = jiff::civil::date(2026, 10, 30);
    let tz = jiff::tz::TimeZone::get(spec.zone).unwrap();
    let base = tz
        .to_timestamp(day.to_datetime(jiff::civil::time(8, 0, 0, 0)))
        .unwrap();
    let uniq = |names: &[String], what: &str| -> Vec<(Slug, String)> {
        let mut seen = std::collections::HashSet::new();
        names
            .iter()
            .filter(|n| seen.insert((*n).clone()))
            .enumerate()
            .map(|(i, n)| (slug(&format!("{what}-{i}")), n.clone()))
            .collect()
    };
    let rooms = uniq(&spec.rooms, "room");
    let tracks = uniq(&spec.tracks, "track");
    let speakers = uniq(&spec.speakers, "speaker");
    let sessions = spec
        .sessions
        .iter()
        .enumerate()
        .map(
            |(
                i,
                (title, abstract_text, subtitle, kind, track, people, at, len, record, english),
            )| {
                let start = base + jiff::SignedDuration::from_mins(at * 5);
                let end = start + jiff::SignedDuration::from_mins(len * 5);
                let mut who: Vec<Slug> = Vec::new();
                for p in people {
                    if let Some((s, _)) = speakers.get(*p)
                        && !who.contains(s)
                    {
                        who.push(s.clone());
                    }
                }
                Session {
                    guid: Guid::derive(&e, &format!("s{i}"), 1),
                    source_uid: None,
                    event: slug("main"),
                    title: title.clone(),
                    subtitle: subtitle.clone(),
                    abstract_text: abstract_text.clone(),
                    description: String::new(),
                    language: english.then(|| "en".to_owned()),
                    do_not_record: *record,
                    session_type: SessionType::ALL[*kind],
                    track: track.and_then(|t| tracks.get(t)).map(|(s, _)| s.clone()),
                    speakers: who,
                    duration_minutes: (*len * 5) as u32,
                    url: None,
                    slots: vec![Slot {
                        room: Some(rooms[i % rooms.len()].0.clone()),
                        start,
                        end,
                    }],
                }
            },
        )
        .collect();
    let mut s = Schedule {
        edition: Edition {
            slug: e,
            name: spec.name.clone(),
            venue: String::new(),
            time_zone: spec.zone.to_owned(),
            start_date: day,
            end_date: day,
            day_change: jiff::civil::Time::midnight(),
        },
        events: vec![Event {
            slug: slug("main"),
            name: spec.name.clone(),
            kind: EventKind::Main,
            start_date: day,
            end_date: day,
        }],
        rooms: rooms
            .into_iter()
            .map(|(slug, name)| Room {
                slug,
                name,
                area: None,
                capacity: None,
            })
            .collect(),
        tracks: tracks
            .into_iter()
            .map(|(slug, name)| Track { slug, name })
            .collect(),
        speakers: speakers
            .into_iter()
            .map(|(slug, name)| Speaker {
                slug,
                name,
                affiliation: None,
                role: None,
                bio: String::new(),
            })
            .collect(),
        sessions,
    };
    s.fit_dates_to_slots();
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn hostile_schedules_survive_frab_xml_json_and_csv(spec in spec()) {
        let s = build(&spec);
        let before = essence(&s);
        for format in [ExportFormat::FrabXml, ExportFormat::FrabJson] {
            let back = through(&s, format, &ImportOptions::default());
            prop_assert_eq!(&back.edition.name, &s.edition.name);
            prop_assert_eq!(&back.edition.time_zone, &s.edition.time_zone);
            prop_assert_eq!(&essence(&back), &before, "{}", format);
        }
        // CSV carries no edition: the importer is told which.
        let csv = through(&s, ExportFormat::Csv, &ImportOptions {
            edition: Some(s.edition.slug.clone()),
            time_zone: Some(s.edition.time_zone.clone()),
            ..ImportOptions::default()
        });
        prop_assert_eq!(&essence(&csv), &before, "csv");
    }
}
