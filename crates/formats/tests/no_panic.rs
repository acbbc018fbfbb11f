//! No input makes a reader panic: random bytes and damaged real files end in a located error or
//! a schedule. (cargo-fuzz explores further; see fuzz/README.md.)

use hallway_formats::{Format, ImportOptions, read};
use proptest::prelude::*;
use std::path::PathBuf;

fn real(path: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../data")
            .join(path),
    )
    .unwrap()
}

fn opts() -> ImportOptions {
    ImportOptions {
        time_zone: Some("Europe/Berlin".into()),
        edition: Some(hallway_domain::Slug::parse("fuzz").unwrap()),
        ..ImportOptions::default()
    }
}

fn read_every_way(bytes: &[u8]) {
    if let Ok(f) = Format::detect(bytes) {
        let _ = read(f, bytes, &opts());
    }
    for f in Format::ALL {
        if let Err(e) = read(f, bytes, &opts()) {
            assert!(!e.message.is_empty());
        }
    }
}

/// A real file, cut short and with a few bytes changed.
fn damaged() -> impl Strategy<Value = Vec<u8>> {
    let files = vec![
        real("schedules/33c3/schedule.xml"),
        real("schedules/33c3/schedule.json"),
        real("schedules/33c3/schedule.ics"),
        real("schedules/33c3/schedule.xcal"),
        real("kubecon/kccnceu2025-sessions.csv")[..20_000].to_vec(),
    ];
    (
        prop::sample::select(files),
        0.0f64..1.0,
        prop::collection::vec((0.0f64..1.0, any::<u8>()), 0..8),
    )
        .prop_map(|(mut bytes, cut, flips)| {
            bytes.truncate((bytes.len() as f64 * cut) as usize + 1);
            for (at, b) in flips {
                let i = ((bytes.len() - 1) as f64 * at) as usize;
                bytes[i] = b;
            }
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        read_every_way(&bytes);
    }

    #[test]
    fn damaged_real_files_never_panic(bytes in damaged()) {
        read_every_way(&bytes);
    }
}

#[test]
fn bad_values_are_located_errors() {
    let xml = String::from_utf8(real("schedules/33c3/schedule.xml")).unwrap();
    let cases = [
        (
            xml.replacen(
                "<date>2016-12-27T11:00:00+01:00</date>",
                "<date>2016-02-30T11:00:00+01:00</date>",
                1,
            ),
            "date",
        ),
        (
            xml.replacen(
                "<duration>00:30</duration>",
                "<duration>-00:30</duration>",
                1,
            ),
            "duration",
        ),
        (xml[..xml.len() / 2].to_owned(), "truncated"),
    ];
    for (text, what) in cases {
        let err = read(Format::FrabXml, text.as_bytes(), &ImportOptions::default()).unwrap_err();
        assert!(err.line.is_some(), "{what}: {err}");
        assert!(
            err.to_string().contains(what) || what == "truncated",
            "{what}: {err}"
        );
    }
    let json = String::from_utf8(real("schedules/33c3/schedule.json")).unwrap();
    let bad = json.replacen("\"duration\":\"00:30\"", "\"duration\":\"-00:30\"", 1);
    let err = read(Format::FrabJson, bad.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert!(
        err.field
            .as_deref()
            .unwrap_or_default()
            .ends_with("duration"),
        "{err}"
    );
}
