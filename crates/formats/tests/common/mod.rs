//! What the round-trip tests share: a session's essence in words, and a trip out and back.

use hallway_domain::{Guid, Schedule};
use hallway_formats::{Export, ExportFormat, Feed, Format, ImportOptions, read};
use std::collections::BTreeMap;

/// Everything a round trip must keep, in words, by GUID.
pub type Essence = BTreeMap<Guid, String>;

pub fn essence(s: &Schedule) -> Essence {
    s.sessions
        .iter()
        .map(|x| {
            let slots: Vec<String> = x
                .slots
                .iter()
                .map(|sl| format!("{}/{}/{:?}", sl.start, sl.end, s.room_name(sl)))
                .collect();
            let speakers: Vec<&str> = x
                .speakers
                .iter()
                .map(|sp| s.speaker(sp).unwrap().name.as_str())
                .collect();
            let track = x.track.as_ref().map(|t| s.track(t).unwrap().name.as_str());
            (
                x.guid,
                format!(
                    "{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{}",
                    x.title,
                    x.subtitle,
                    x.abstract_text,
                    x.description,
                    slots,
                    x.duration_minutes,
                    track,
                    x.session_type,
                    speakers,
                    x.language,
                    x.do_not_record
                ),
            )
        })
        .collect()
}

/// The release export of `s` the round trips use: fixed name, address and stamp.
pub fn export(s: &Schedule) -> Export<'_> {
    Export::new(
        s,
        "release 1",
        "https://schedule.example.org",
        "2026-03-01T12:00:00Z".parse().unwrap(),
    )
}

/// Writes `s` in `format` and reads it back.
pub fn through(s: &Schedule, format: ExportFormat, opts: &ImportOptions) -> Schedule {
    let bytes = format.write(&export(s), &Feed::Edition);
    let detected = Format::detect(bytes.as_bytes()).unwrap();
    read(detected, bytes.as_bytes(), opts)
        .unwrap_or_else(|e| panic!("{format} reads back: {e}\n{bytes}"))
        .schedule
}
