//! Every real schedule in data/ reads with the counts its publisher states, and the four 33C3
//! files agree session for session.

use hallway_domain::{Schedule, Session, Slug};
use hallway_formats::{Format, ImportOptions, Imported, read};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn data(path: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn import(path: &str, opts: ImportOptions) -> Imported {
    let bytes = data(path);
    let format = Format::detect(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    read(format, &bytes, &opts).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn zone(tz: &str) -> ImportOptions {
    ImportOptions {
        time_zone: Some(tz.to_owned()),
        ..ImportOptions::default()
    }
}

fn edition(slug: &str) -> ImportOptions {
    ImportOptions {
        edition: Some(Slug::parse(slug).unwrap()),
        ..ImportOptions::default()
    }
}

#[test]
fn every_real_file_reads_with_its_count() {
    let cases: Vec<(&str, ImportOptions, Format, usize)> = vec![
        (
            "schedules/fosdem-2025.schedule.xml",
            ImportOptions::default(),
            Format::FrabXml,
            943,
        ),
        (
            "schedules/debconf23.schedule.xml",
            ImportOptions::default(),
            Format::FrabXml,
            117,
        ),
        (
            "schedules/33c3/schedule.xml",
            ImportOptions::default(),
            Format::FrabXml,
            150,
        ),
        (
            "schedules/33c3/schedule.json",
            ImportOptions::default(),
            Format::FrabJson,
            150,
        ),
        (
            "schedules/33c3/schedule.ics",
            edition("33c3"),
            Format::Ical,
            150,
        ),
        (
            "schedules/33c3/schedule.xcal",
            zone("Europe/Berlin"),
            Format::Xcal,
            150,
        ),
        (
            "kubecon/kccnceu2026-sched-2026-03-22.ics",
            ImportOptions::default(),
            Format::Ical,
            596,
        ),
        (
            "kubecon/kccnceu2026-sched-2026-03-03.ics",
            ImportOptions::default(),
            Format::Ical,
            564,
        ),
        (
            "kubecon/kccnceu2025-sessions.csv",
            zone("Europe/London"),
            Format::Csv,
            565,
        ),
        (
            "examples/pretalx-democon.json",
            ImportOptions::default(),
            Format::FrabJson,
            36,
        ),
        (
            "examples/pretalx-rc3.json",
            ImportOptions::default(),
            Format::FrabJson,
            48,
        ),
        (
            "examples/frab-camp2019.json",
            ImportOptions::default(),
            Format::FrabJson,
            79,
        ),
        (
            "examples/invalid-example.json",
            ImportOptions::default(),
            Format::FrabJson,
            1,
        ),
        (
            "examples/hub-schedule2.json",
            ImportOptions::default(),
            Format::FrabJson,
            2,
        ),
    ];
    for (path, opts, format, count) in cases {
        let bytes = data(path);
        assert_eq!(Format::detect(&bytes).unwrap(), format, "{path}");
        let imported = read(format, &bytes, &opts).unwrap_or_else(|e| panic!("{path}: {e}"));
        let slots: usize = imported
            .schedule
            .sessions
            .iter()
            .map(|s| s.slots.len())
            .sum();
        assert_eq!(slots, count, "{path}: events");
        println!(
            "{path}: {count} events; {} warnings",
            imported.warnings.len()
        );
        for w in &imported.warnings {
            println!("  {w}");
        }
    }
}

/// What the four 33C3 files must agree on, by session: start, end, room, speakers.
fn fingerprint(s: &Schedule, key: impl Fn(&Session) -> String) -> BTreeMap<String, String> {
    s.sessions
        .iter()
        .map(|x| {
            let slot = &x.slots[0];
            let mut speakers: Vec<String> = x
                .speakers
                .iter()
                .map(|sp| s.speaker(sp).unwrap().name.clone())
                .collect();
            speakers.sort();
            (
                key(x),
                format!(
                    "{} {} {} {} [{}]",
                    slot.start,
                    slot.end,
                    s.room_name(slot).unwrap_or_default(),
                    x.duration_minutes,
                    speakers.join(", ")
                ),
            )
        })
        .collect()
}

#[test]
fn the_four_33c3_files_agree() {
    let xml = import("schedules/33c3/schedule.xml", ImportOptions::default()).schedule;
    let json = import("schedules/33c3/schedule.json", ImportOptions::default()).schedule;
    let ics = import("schedules/33c3/schedule.ics", edition("33c3")).schedule;
    let by_guid = |x: &Session| x.guid.to_string();
    let reference = fingerprint(&xml, by_guid);
    assert_eq!(reference.len(), 150);
    assert_eq!(fingerprint(&json, by_guid), reference, "JSON");
    assert_eq!(fingerprint(&ics, by_guid), reference, "iCalendar");
    // xCal has no GUIDs: the frab id ties it to the others.
    let by_id = |x: &Session| x.source_uid.clone().unwrap_or_default();
    let xcal = import("schedules/33c3/schedule.xcal", zone("Europe/Berlin")).schedule;
    assert_eq!(fingerprint(&xcal, by_id), fingerprint(&xml, by_id), "xCal");
    // Sessions after midnight stay on the conference day the files put them on.
    assert_eq!(xml.edition.days().len(), 4);
    let late = xml
        .sessions
        .iter()
        .find(|x| x.slots[0].start.to_string().starts_with("2016-12-27T23:15"))
        .expect("a session at 00:15 local on the 28th");
    assert_eq!(xml.day_of(&late.slots[0]).to_string(), "2016-12-27");
}

#[test]
fn dates_are_trusted_over_start_times() {
    // DebConf23's <date> is in UTC while its <start> is wall time in Kolkata.
    let d = import("schedules/debconf23.schedule.xml", ImportOptions::default());
    let s = &d.schedule;
    assert_eq!(s.edition.time_zone, "Asia/Kolkata");
    let opening = s
        .sessions
        .iter()
        .find(|x| x.title == "Opening Ceremony")
        .unwrap();
    let local = s.local(opening.slots[0].start);
    assert_eq!(
        local.strftime("%Y-%m-%d %H:%M").to_string(),
        "2023-09-10 10:30"
    );
}

#[test]
fn fosdem_has_its_tracks_rooms_and_speakers() {
    let f = import(
        "schedules/fosdem-2025.schedule.xml",
        ImportOptions::default(),
    )
    .schedule;
    assert_eq!(f.edition.slug.as_str(), "fosdem-2025");
    assert_eq!(f.edition.time_zone, "Europe/Brussels");
    assert_eq!(f.edition.days().len(), 2);
    // The file declares 74 tracks; 69 of them have sessions.
    assert_eq!(f.tracks.len(), 74);
    let used: std::collections::HashSet<_> =
        f.sessions.iter().filter_map(|x| x.track.clone()).collect();
    assert_eq!(used.len(), 69);
    assert_eq!(f.speakers.len(), 992);
}
