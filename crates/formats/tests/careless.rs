//! The mistakes real organizers make, each refused with the line (or JSON path) and the value
//! named: a typo'd year, a session of years, a stray quote, a file cut short, values of the
//! wrong type, an unknown zone, an impossible time, a NUL byte.

use hallway_formats::{ErrorKind, Format, FormatError, ImportOptions, read};
use std::path::PathBuf;

fn data(path: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn refused(format: Format, text: &str) -> FormatError {
    match read(format, text.as_bytes(), &ImportOptions::default()) {
        Ok(i) => panic!("read {} sessions", i.schedule.sessions.len()),
        Err(e) => e,
    }
}

/// `text` with the `nth` occurrence of `from` replaced, and the 1-based line it is on.
fn replace_nth(text: &str, from: &str, to: &str, nth: usize) -> (String, usize) {
    let at = text.match_indices(from).nth(nth).expect("occurrence").0;
    let mut t = text.to_owned();
    t.replace_range(at..at + from.len(), to);
    (t, text[..at].matches('\n').count() + 1)
}

const KUBECON: &str = "kubecon/kccnceu2026-sched-2026-03-22.ics";

#[test]
fn a_typo_year_is_refused_naming_the_line() {
    let ics = data(KUBECON);
    let (year0, line) = replace_nth(&ics, "DTSTART:2026", "DTSTART:0000", 100);
    let err = refused(Format::Ical, &year0);
    assert_eq!(err.line, Some(line));
    assert_eq!(err.field.as_deref(), Some("DTSTART"));
    assert!(
        err.message
            .contains("is 2026 years before the other 595 sessions"),
        "{err}"
    );
    let (decade, line) = replace_nth(&ics, "DTSTART:2026", "DTSTART:2016", 7);
    let err = refused(Format::Ical, &decade);
    assert_eq!(err.line, Some(line));
    assert!(err.message.contains("10 years before"), "{err}");
}

#[test]
fn a_session_of_years_is_refused() {
    let (long, line) = replace_nth(&data(KUBECON), "DTEND:2026", "DTEND:2031", 40);
    let err = refused(Format::Ical, &long);
    assert!(err.message.contains("lasts 5 years"), "{err}");
    assert!(err.line.is_some_and(|l| l < line && line - l < 40), "{err}");
}

#[test]
fn a_stray_quote_in_a_csv_is_refused_not_read_as_other_columns() {
    let csv = data("kubecon/kccnceu2025-sessions.csv");
    let (stray, line) = replace_nth(&csv, ",2025-04-0", ",\"2025-04-0", 100);
    let err = refused(Format::Csv, &stray);
    assert_eq!(err.kind, ErrorKind::Syntax, "{err}");
    assert!(err.line.is_some_and(|l| l >= line), "{err}");
    let (inner, line) = replace_nth(&csv, "Kubernetes", "Kuber\"netes", 10);
    let err = refused(Format::Csv, &inner);
    assert_eq!(
        (err.line, err.kind),
        (Some(line), ErrorKind::Syntax),
        "{err}"
    );
    let (extra, line) = replace_nth(&csv, ",2025-04-0", ",x,2025-04-0", 50);
    let err = refused(Format::Csv, &extra);
    assert!(err.line.is_some_and(|l| l <= line), "{err}");
    assert!(
        err.message.contains("fields where the header has 5"),
        "{err}"
    );
}

#[test]
fn a_csv_cut_short_is_refused() {
    let csv = data("kubecon/kccnceu2025-sessions.csv");
    let err = refused(Format::Csv, &csv[..200]);
    assert_eq!(err.kind, ErrorKind::Truncated, "{err}");
    assert!(
        err.message.contains("fields where the header has 5"),
        "{err}"
    );
}

const CAMP: &str = "examples/frab-camp2019.json";

#[test]
fn json_values_of_the_wrong_type_are_refused_with_their_path() {
    let json = data(CAMP);
    let (numeric, _) = replace_nth(&json, "\"duration\": \"", "\"duration\": 45, \"x\": \"", 3);
    let err = refused(Format::FrabJson, &numeric);
    let field = err.field.clone().unwrap_or_default();
    assert!(
        field.ends_with(".duration") && field.contains("days["),
        "{err}"
    );
    assert!(
        err.message.contains("expected text, found a number (45)"),
        "{err}"
    );
    let (object, _) = replace_nth(
        &json,
        "\"title\": \"",
        "\"title\": {\"en\": \"x\"}, \"y\": \"",
        5,
    );
    assert!(
        refused(Format::FrabJson, &object)
            .message
            .contains("found an object")
    );
}

#[test]
fn an_unknown_zone_is_refused_not_read_as_utc() {
    let json = data(CAMP);
    let (mars, _) = replace_nth(
        &json,
        "\"time_zone_name\": \"",
        "\"time_zone_name\": \"Mars/",
        0,
    );
    let err = refused(Format::FrabJson, &mars);
    assert!(err.message.contains("\"Mars/"), "{err}");
    assert!(err.message.contains("does not exist"), "{err}");
}

#[test]
fn an_impossible_start_is_refused() {
    let xml = data("schedules/debconf23.schedule.xml");
    let (late, line) = replace_nth(&xml, "<start>10:30</start>", "<start>25:61</start>", 0);
    let err = refused(Format::FrabXml, &late);
    assert_eq!(err.line, Some(line), "{err}");
    assert!(
        err.field.as_deref().is_some_and(|f| f.ends_with("/start")),
        "{err}"
    );
}

#[test]
fn nul_bytes_are_refused_on_their_real_line() {
    let xml = data("schedules/debconf23.schedule.xml");
    let (raw, line) = replace_nth(&xml, "<title>", "<title>\0", 30);
    let err = refused(Format::FrabXml, &raw);
    assert_eq!(
        (err.line, err.kind),
        (Some(line), ErrorKind::Encoding),
        "{err}"
    );
    let json = data(CAMP);
    let (escaped, _) = replace_nth(&json, "\"title\": \"", "\"title\": \"\\u0000", 11);
    let err = refused(Format::FrabJson, &escaped);
    assert_eq!(err.kind, ErrorKind::Encoding, "{err}");
    assert!(
        err.field.as_deref().is_some_and(|f| f.ends_with(".title")),
        "{err}"
    );
}
