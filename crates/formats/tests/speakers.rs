//! The speakers Sched packs into titles, read from the whole KubeCon EU 2026 export: no name is
//! a job title or a company, and no affiliation holds another speaker.

use hallway_formats::{Format, ImportOptions, Repair, read};
use std::path::PathBuf;

fn kubecon() -> hallway_formats::Imported {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/kubecon/kccnceu2026-sched-2026-03-22.ics");
    let bytes = std::fs::read(&path).unwrap();
    read(Format::Ical, &bytes, &ImportOptions::default()).unwrap()
}

const JOB_WORDS: [&str; 12] = [
    "CEO",
    "CTO",
    "Maintainer",
    "Manager",
    "Director",
    "Founder",
    "Engineer",
    "Head of",
    "Lead",
    "Officer",
    "Contributor",
    "Architect",
];

#[test]
fn no_speaker_is_a_job_title_a_company_or_two_people() {
    let imported = kubecon();
    let s = &imported.schedule;
    let names: Vec<&str> = s.speakers.iter().map(|p| p.name.as_str()).collect();
    let affiliations: Vec<&str> = s
        .speakers
        .iter()
        .filter_map(|p| p.affiliation.as_deref())
        .collect();
    let mut wrong = Vec::new();
    for p in &s.speakers {
        let name = p.name.as_str();
        if JOB_WORDS.iter().any(|w| name.contains(w)) {
            wrong.push(format!("{name:?} is a job title"));
        }
        if affiliations.contains(&name) {
            wrong.push(format!("{name:?} is also a company"));
        }
        if name.contains([';', '&', ',']) || name.contains(" and ") || name != name.trim() {
            wrong.push(format!("{name:?} is more than one person"));
        }
        if let Some(a) = &p.affiliation {
            if let Some(other) = names.iter().find(|n| a.contains(**n)) {
                wrong.push(format!("{name:?} works at {a:?}, which holds {other:?}"));
            }
            if JOB_WORDS.iter().any(|w| a == w) || a.contains(';') {
                wrong.push(format!("{name:?} works at {a:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (name, role, affiliation) in [
        ("Kat Cosgrove", None, Some("Minimus")),
        ("Alfonso Ming", None, Some("SCRM Lidl International Hub")),
        ("Jorge Turrado", None, Some("SCRM Lidl International Hub")),
        ("Idit Levine", Some("Founder & CEO"), Some("Solo.io")),
        (
            "Mathias Biilmann",
            Some("Co-Founder and CEO"),
            Some("Netlify"),
        ),
        ("Hristo Hristov", Some("Maintainer"), None),
    ] {
        let p = s
            .speakers
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} is a speaker"));
        assert_eq!(
            (p.role.as_deref(), p.affiliation.as_deref()),
            (role, affiliation),
            "{name}"
        );
    }
}

#[test]
fn the_import_report_says_which_rules_split_the_titles() {
    let imported = kubecon();
    let report = imported
        .warnings
        .iter()
        .find(|w| w.kind == Repair::Speakers)
        .expect("a line on the speakers");
    assert!(
        report
            .message
            .starts_with("speakers taken from session titles: "),
        "{}",
        report.message
    );
    for rule in [
        "name, company",
        "job title",
        "shared company",
        "groups split at",
    ] {
        assert!(report.message.contains(rule), "{}", report.message);
    }
}
