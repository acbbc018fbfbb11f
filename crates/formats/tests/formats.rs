//! The readers against real published files.

use hallway_domain::{ChangeCounts, ChangeSet, EventKind, SessionType};
use hallway_formats::{ImportOptions, sched};
use std::path::PathBuf;

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/kubecon")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn kubecon(date: &str) -> hallway_formats::Imported {
    sched::read(
        &data(&format!("kccnceu2026-sched-2026-{date}.ics")),
        &ImportOptions::default(),
    )
    .expect("the real Sched export reads")
}

#[test]
fn kubecon_eu_2026_final_export() {
    let imported = kubecon("03-22");
    let s = &imported.schedule;
    assert_eq!(s.edition.name, "KubeCon + CloudNativeCon Europe 2026");
    assert_eq!(s.edition.slug.as_str(), "kccnceu2026");
    assert_eq!(s.edition.time_zone, "Europe/Amsterdam");
    assert_eq!(s.edition.venue, "Amsterdam, Netherlands");
    assert_eq!(s.sessions.len(), 596);
    assert_eq!(s.edition.start_date.to_string(), "2026-03-22");
    assert_eq!(s.edition.end_date.to_string(), "2026-03-27");
    assert_eq!(s.tracks.len(), 26);
    assert!(s.rooms.iter().all(|r| !r.name.ends_with("Netherlands")));
    assert!(
        s.rooms
            .iter()
            .any(|r| r.name == "Hall 1-5 | Tram Zone | Cloud Native Theater")
    );

    let co_located: Vec<_> = s
        .events
        .iter()
        .filter(|e| e.kind == EventKind::CoLocated)
        .collect();
    assert_eq!(co_located.len(), 28);
    assert!(co_located.iter().any(|e| e.name == "ArgoCon"));
    assert_eq!(
        s.events
            .iter()
            .filter(|e| e.kind == EventKind::Main)
            .count(),
        1
    );

    let keynote = s
        .sessions
        .iter()
        .find(|x| x.title == "Keynote: Welcome + Opening Remarks")
        .expect("opening keynote");
    assert_eq!(keynote.session_type, SessionType::Keynote);
    let names: Vec<String> = keynote
        .speakers
        .iter()
        .map(|sp| s.speaker(sp).unwrap().display())
        .collect();
    assert_eq!(
        names,
        [
            "Jonathan Bryce, Linux Foundation",
            "Chris Aniszczyk, Linux Foundation"
        ]
    );
    // Entities are decoded: "&nbsp\;" in the file.
    assert!(
        s.sessions
            .iter()
            .all(|x| !x.abstract_text.contains("&nbsp;"))
    );
    // UTC instants land on the right venue-local day.
    let first = &s.sessions[0];
    assert_eq!(
        s.local(first.slots[0].start).to_string(),
        "2026-03-22T08:00:00+01:00[Europe/Amsterdam]"
    );
}

#[test]
fn kubecon_update_has_the_real_change_set() {
    let before = kubecon("03-03").schedule;
    let after = kubecon("03-22").schedule;
    assert_eq!(before.sessions.len(), 564);
    assert_eq!(
        ChangeSet::between(&before, &after).counts(),
        ChangeCounts {
            added: 40,
            removed: 8,
            moved_in_time: 58,
            moved_room: 81,
            retitled: 71
        }
    );
}

#[test]
fn lenient_with_what_real_files_do() {
    // LF endings, a long unfolded line, an unknown property, entities, no VTIMEZONE for a TZID.
    let ics = format!(
        "BEGIN:VCALENDAR\nPRODID:-//Sched.com Tiny Conf 2026//EN\nX-WR-CALNAME:tiny2026\nX-UNKNOWN;FOO=bar:baz\n\
         BEGIN:VEVENT\nUID:1\nDTSTART;TZID=Europe/Berlin:20260501T090000\nDTEND;TZID=Europe/Berlin:20260501T093000\n\
         SUMMARY:Caf&eacute\\; talk - Ada Lovelace\\, Analytical\nDESCRIPTION:{}\nCATEGORIES:TALKS\n\
         LOCATION:Room 1\\, Berlin\\, Germany\nX-SCHED-THING:whatever\nEND:VEVENT\nEND:VCALENDAR\n",
        "a &amp; b ".repeat(200)
    );
    let imported = sched::read(ics.as_bytes(), &ImportOptions::default()).unwrap();
    let s = &imported.schedule;
    assert_eq!(s.edition.time_zone, "Europe/Berlin");
    assert_eq!(s.sessions[0].title, "Café talk");
    assert!(s.sessions[0].abstract_text.starts_with("a & b"));
    assert_eq!(s.speakers[0].affiliation.as_deref(), Some("Analytical"));
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.message.contains("VTIMEZONE"))
    );
}

#[test]
fn bad_files_are_located_errors() {
    let full = data("kccnceu2026-sched-2026-03-22.ics");
    let truncated = &full[..full.len() / 2];
    let err = sched::read(truncated, &ImportOptions::default()).unwrap_err();
    assert!(
        err.line.is_some() && err.to_string().contains("truncated"),
        "{err}"
    );

    let mut bad_date = String::from_utf8(full.clone()).unwrap();
    bad_date = bad_date.replacen("DTSTART:20260322T070000Z", "DTSTART:20261322T070000Z", 1);
    let err = sched::read(bad_date.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("DTSTART"));
    assert_eq!(err.line, Some(11));

    let backwards = String::from_utf8(full).unwrap().replacen(
        "DTEND:20260322T170000Z",
        "DTEND:20260321T170000Z",
        1,
    );
    let err = sched::read(backwards.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("DTEND"));

    for junk in [&b""[..], b"\x00\x01\x02\xff\xfe", b"{\"schedule\": {}}"] {
        assert!(sched::read(junk, &ImportOptions::default()).is_err());
    }
}

#[test]
fn co_located_events_listed_as_one_block_are_event_blocks() {
    let s = kubecon("03-22").schedule;
    let blocks: Vec<_> = s
        .sessions
        .iter()
        .filter(|x| x.session_type == SessionType::Event)
        .collect();
    assert_eq!(blocks.len(), 28);
    for x in blocks {
        let event = s.event(&x.event).expect("its event");
        assert_eq!(event.kind, EventKind::CoLocated, "{}", x.title);
        assert!(x.duration_minutes >= 120, "{}", x.title);
    }
}
