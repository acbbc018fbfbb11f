//! Exports pass the official validators (xmllint with the c3voc XSD, the c3voc JSON schemas with
//! format checks, icalendar and vobject for RFC 5545), and frab XML and JSON read back whole.

mod common;

use common::{Essence, essence, export, through};
use hallway_domain::{Schedule, SessionType, Slug};
use hallway_formats::{ExportFormat, Feed, Format, ImportOptions, Imported, read};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn import(path: &str, opts: ImportOptions) -> Imported {
    let bytes = std::fs::read(root().join("data").join(path)).unwrap();
    let format = Format::detect(&bytes).unwrap();
    read(format, &bytes, &opts).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs a validator on `text` written to a file; panics with its output when it refuses.
fn validate(name: &str, text: &str, command: &[&str]) {
    let dir = tempfile_dir();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let (program, args) = command.split_first().unwrap();
    let out = Command::new(program)
        .args(args)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed for this test (./scripts/test.sh installs it): {e}")
        });
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{name} refused by {program}:\n{log}");
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hallway-exports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn python() -> String {
    root()
        .join("tests/validate/.venv/bin/python")
        .display()
        .to_string()
}

fn script() -> String {
    root()
        .join("tests/validate/validate.py")
        .display()
        .to_string()
}

fn spec(name: &str) -> String {
    root().join("data/specs").join(name).display().to_string()
}

fn check_all_exports(label: &str, s: &Schedule) {
    let e = export(s);
    let xml = ExportFormat::FrabXml.write(&e, &Feed::Edition);
    validate(
        &format!("{label}.xml"),
        &xml,
        &["xmllint", "--noout", "--schema", &spec("schedule.xml.xsd")],
    );
    let json = ExportFormat::FrabJson.write(&e, &Feed::Edition);
    validate(
        &format!("{label}.json"),
        &json,
        &[
            &python(),
            &script(),
            "json-schema",
            &spec("c3voc-schedule.schema.json"),
        ],
    );
    let submissions = ExportFormat::Submissions.write(&e, &Feed::Edition);
    validate(
        &format!("{label}-submissions.json"),
        &submissions,
        &[
            &python(),
            &script(),
            "each-item",
            &spec("c3voc-submission-submission.schema.json"),
        ],
    );
    let mut feeds = vec![Feed::Edition];
    feeds.extend(s.tracks.first().map(|t| Feed::Track(t.slug.clone())));
    feeds.extend(s.rooms.first().map(|r| Feed::Room(r.slug.clone())));
    feeds.extend(s.speakers.first().map(|p| Feed::Speaker(p.slug.clone())));
    feeds.push(Feed::Sessions(
        s.sessions.iter().take(3).map(|x| x.guid).collect(),
    ));
    for (i, feed) in feeds.iter().enumerate() {
        let ics = ExportFormat::Ical.write(&e, feed);
        validate(
            &format!("{label}-{i}.ics"),
            &ics,
            &[&python(), &script(), "ical"],
        );
    }
}

#[test]
fn the_validators_refuse_what_is_wrong() {
    // A validator that accepts everything would prove nothing.
    let bad = std::fs::read_to_string(root().join("data/examples/invalid-example.json")).unwrap();
    let file = tempfile_dir().join("invalid.json");
    std::fs::write(&file, bad).unwrap();
    let out = Command::new(python())
        .args([
            &script(),
            "json-schema",
            &spec("c3voc-schedule.schema.json"),
        ])
        .arg(&file)
        .output()
        .expect("the validator runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("5 errors"));
    let file = tempfile_dir().join("broken.xml");
    std::fs::write(&file, "<schedule><version>1</version></schedule>").unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema", &spec("schedule.xml.xsd")])
        .arg(&file)
        .output()
        .expect("xmllint runs");
    assert!(!out.status.success());
    let file = tempfile_dir().join("broken.ics");
    std::fs::write(&file, "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n").unwrap();
    let out = Command::new(python())
        .args([&script(), "ical"])
        .arg(&file)
        .output()
        .expect("the validator runs");
    assert!(!out.status.success());
}

#[test]
fn fosdem_exports_validate() {
    check_all_exports(
        "fosdem",
        &import(
            "schedules/fosdem-2025.schedule.xml",
            ImportOptions::default(),
        )
        .schedule,
    );
}

#[test]
fn kubecon_exports_validate() {
    check_all_exports(
        "kubecon",
        &import(
            "kubecon/kccnceu2026-sched-2026-03-22.ics",
            ImportOptions::default(),
        )
        .schedule,
    );
}

#[test]
fn other_real_schedules_export_validly() {
    for (label, path, opts) in [
        (
            "33c3",
            "schedules/33c3/schedule.xml",
            ImportOptions::default(),
        ),
        (
            "debconf",
            "schedules/debconf23.schedule.xml",
            ImportOptions::default(),
        ),
        (
            "democon",
            "examples/pretalx-democon.json",
            ImportOptions::default(),
        ),
        (
            "kubecon2025",
            "kubecon/kccnceu2025-sessions.csv",
            ImportOptions {
                time_zone: Some("Europe/London".into()),
                ..ImportOptions::default()
            },
        ),
    ] {
        check_all_exports(label, &import(path, opts).schedule);
    }
}

fn assert_same(label: &str, a: &Essence, b: &Essence) {
    assert_eq!(a.len(), b.len(), "{label}: session count");
    for (guid, before) in a {
        let after = b
            .get(guid)
            .unwrap_or_else(|| panic!("{label}: {guid} lost"));
        assert_eq!(before, after, "{label}: {guid}");
    }
}

#[test]
fn fosdem_and_33c3_round_trip_through_frab_xml_and_json() {
    for path in [
        "schedules/fosdem-2025.schedule.xml",
        "schedules/33c3/schedule.xml",
    ] {
        let s = import(path, ImportOptions::default()).schedule;
        let before = essence(&s);
        for format in [ExportFormat::FrabXml, ExportFormat::FrabJson] {
            let back = through(&s, format, &ImportOptions::default());
            assert_same(&format!("{path} via {format}"), &before, &essence(&back));
            assert_eq!(
                back.edition.time_zone, s.edition.time_zone,
                "{path} via {format}"
            );
            assert_eq!(back.edition.days(), s.edition.days(), "{path} via {format}");
            // GUIDs are forever: exporting the re-import gives the same bytes.
            let again = format.write(&export(&back), &Feed::Edition);
            let first = format.write(&export(&s), &Feed::Edition);
            assert_eq!(
                first
                    .lines()
                    .filter(|l| l.contains("guid"))
                    .collect::<Vec<_>>(),
                again
                    .lines()
                    .filter(|l| l.contains("guid"))
                    .collect::<Vec<_>>(),
                "{path} via {format}: GUIDs"
            );
        }
    }
}

#[test]
fn kubecon_round_trips_through_csv() {
    let s = import(
        "kubecon/kccnceu2026-sched-2026-03-22.ics",
        ImportOptions::default(),
    )
    .schedule;
    let csv = ExportFormat::Csv.write(&export(&s), &Feed::Edition);
    let back = read(
        Format::Csv,
        csv.as_bytes(),
        &ImportOptions {
            edition: Some(Slug::parse("kccnceu2026").unwrap()),
            time_zone: Some("Europe/Amsterdam".into()),
            ..ImportOptions::default()
        },
    )
    .unwrap()
    .schedule;
    assert_same("kubecon via csv", &essence(&s), &essence(&back));
}

#[test]
fn exported_kubecon_keeps_sched_types_and_rooms() {
    let s = import(
        "kubecon/kccnceu2026-sched-2026-03-22.ics",
        ImportOptions::default(),
    )
    .schedule;
    let back = through(&s, ExportFormat::FrabXml, &ImportOptions::default());
    let keynotes = |s: &Schedule| {
        s.sessions
            .iter()
            .filter(|x| x.session_type == SessionType::Keynote)
            .count()
    };
    assert_eq!(keynotes(&back), keynotes(&s));
    assert!(Path::new(&root().join("data/specs/schedule.xml.xsd")).exists());
}

#[test]
fn proposal_exports_are_c3voc_submissions() {
    use hallway_formats::proposals::{ProposalRow, csv, json};
    let row = |code: &str, speakers: Vec<(String, String, String)>| ProposalRow {
        edition: Slug::parse("kcna2026").unwrap(),
        code: code.into(),
        title: "Zero trust, \"for real\"".into(),
        abstract_text: "How we rolled out mutual TLS.\nAcross 400 clusters.".into(),
        notes: String::new(),
        status: "submitted".into(),
        session_type: "talk".into(),
        minutes: 30,
        track: "Security".into(),
        speakers,
        submitted_at: "2026-01-15T09:00:00-07:00".into(),
        url: format!("https://hallway.example.org/orga/kcna2026/main/proposals#{code}"),
    };
    let rows = [
        row(
            "ABCDEFGH23",
            vec![("Ada".into(), "ACME".into(), "Builds things.".into())],
        ),
        // Blind: no speakers at all.
        row("ZYXWVUTS98", vec![]),
    ];
    validate(
        "proposals.json",
        &json(&rows),
        &[
            &python(),
            &script(),
            "each-item",
            &spec("c3voc-submission-submission.schema.json"),
        ],
    );
    let text = csv(&rows);
    assert_eq!(
        text.matches("\r\n").count(),
        3,
        "a header and a row each: {text}"
    );
}
