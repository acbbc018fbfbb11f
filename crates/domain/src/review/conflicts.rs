//! Conflicts of interest between a reviewer and a proposal. Some follow from who people are
//! (their own proposal, a co-speaker, the same organisation, a past co-speaker in the edition);
//! others are declared, by the reviewer or by a speaker. A hard conflict hides the proposal
//! from the reviewer; a soft one lets them review but not decide.

use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// The reviewer is one of its speakers.
    Own,
    /// The reviewer gives another talk of the edition with one of its speakers.
    CoSpeaker,
    /// The reviewer and one of its speakers work for the same organisation.
    SameOrganisation,
    DeclaredByReviewer,
    DeclaredBySpeaker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// May review, may not decide.
    Soft,
    /// May not see it at all.
    Hard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub reason: Reason,
    pub severity: Severity,
}

/// A person as conflicts see them: who they are, and whom they work for.
#[derive(Debug, Clone)]
pub struct Person<Id> {
    pub id: Id,
    pub affiliation: Option<String>,
}

/// What is known besides the two sides: talks people share in the edition, and declarations.
pub struct Context<'a, Id> {
    /// The speakers of every other proposal of the edition, each list one proposal.
    pub edition_talks: &'a [Vec<Id>],
    /// `(reviewer, speaker, severity)` declared by the reviewer.
    pub declared_by_reviewers: &'a [(Id, Id, Severity)],
    /// `(speaker, reviewer, severity)` declared by the speaker.
    pub declared_by_speakers: &'a [(Id, Id, Severity)],
}

/// Every conflict between `reviewer` and a proposal by `speakers`, hardest first; empty when
/// there is none.
pub fn between<Id: Eq + Copy>(
    reviewer: &Person<Id>,
    speakers: &[Person<Id>],
    context: &Context<'_, Id>,
) -> Vec<Conflict> {
    let mut found = BTreeSet::new();
    let mut add = |reason, severity| {
        found.insert((std::cmp::Reverse(severity), reason));
    };
    if speakers.iter().any(|s| s.id == reviewer.id) {
        add(Reason::Own, Severity::Hard);
    }
    let shares_a_talk = |a: Id, b: Id| {
        context
            .edition_talks
            .iter()
            .any(|talk| talk.contains(&a) && talk.contains(&b))
    };
    if speakers
        .iter()
        .any(|s| s.id != reviewer.id && shares_a_talk(reviewer.id, s.id))
    {
        add(Reason::CoSpeaker, Severity::Hard);
    }
    if let Some(mine) = reviewer.affiliation.as_deref().and_then(organisation) {
        let same = speakers.iter().any(|s| {
            s.id != reviewer.id
                && s.affiliation.as_deref().and_then(organisation) == Some(mine.clone())
        });
        if same {
            add(Reason::SameOrganisation, Severity::Hard);
        }
    }
    for &(r, s, severity) in context.declared_by_reviewers {
        if r == reviewer.id && speakers.iter().any(|p| p.id == s) {
            add(Reason::DeclaredByReviewer, severity);
        }
    }
    for &(s, r, severity) in context.declared_by_speakers {
        if r == reviewer.id && speakers.iter().any(|p| p.id == s) {
            add(Reason::DeclaredBySpeaker, severity);
        }
    }
    found
        .into_iter()
        .map(|(std::cmp::Reverse(severity), reason)| Conflict { reason, severity })
        .collect()
}

/// The strongest of `conflicts`, if any.
pub fn severity(conflicts: &[Conflict]) -> Option<Severity> {
    conflicts.iter().map(|c| c.severity).max()
}

/// Legal forms and filler words that do not tell organisations apart.
const NOT_THE_NAME: &[&str] = &[
    "ab",
    "ag",
    "bv",
    "co",
    "company",
    "corp",
    "corporation",
    "gmbh",
    "inc",
    "incorporated",
    "limited",
    "llc",
    "ltd",
    "oy",
    "plc",
    "pty",
    "sa",
    "sas",
    "se",
    "srl",
    "the",
];

/// The organisation an affiliation names, comparable across spellings: "Google LLC",
/// "google" and "Google, Inc." are one; "Red Hat" and "RedHat" too. `None` when nothing is
/// left to compare (an empty affiliation, or only "Inc.").
pub fn organisation(affiliation: &str) -> Option<String> {
    let lower = affiliation.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !NOT_THE_NAME.contains(w))
        .collect();
    let key = words.concat();
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: u32, affiliation: &str) -> Person<u32> {
        Person {
            id,
            affiliation: (!affiliation.is_empty()).then(|| affiliation.to_owned()),
        }
    }

    fn none() -> Context<'static, u32> {
        Context {
            edition_talks: &[],
            declared_by_reviewers: &[],
            declared_by_speakers: &[],
        }
    }

    #[test]
    fn spellings_of_one_organisation_are_one() {
        for (a, b) in [
            ("Google", "Google LLC"),
            ("Google, Inc.", "google"),
            ("Red Hat", "RedHat"),
            ("The Linux Foundation", "Linux Foundation"),
            ("SAP SE", "SAP"),
        ] {
            assert_eq!(organisation(a), organisation(b), "{a} / {b}");
        }
        assert_ne!(organisation("Google"), organisation("Microsoft"));
        assert_eq!(organisation("Inc."), None);
        assert_eq!(organisation(""), None);
    }

    #[test]
    fn own_proposals_colleagues_and_co_speakers_conflict() {
        let reviewer = person(1, "Google LLC");
        assert_eq!(
            severity(&between(&reviewer, &[person(1, "Google")], &none())),
            Some(Severity::Hard)
        );
        let colleague = between(&reviewer, &[person(2, "Google, Inc.")], &none());
        assert_eq!(colleague[0].reason, Reason::SameOrganisation);
        assert!(between(&reviewer, &[person(3, "Microsoft")], &none()).is_empty());
        assert!(between(&reviewer, &[person(3, "")], &none()).is_empty());

        let talks = [vec![1, 4]];
        let ctx = Context {
            edition_talks: &talks,
            ..none()
        };
        let found = between(&reviewer, &[person(5, "Acme"), person(4, "Initech")], &ctx);
        assert_eq!(found[0].reason, Reason::CoSpeaker);
    }

    #[test]
    fn declared_conflicts_keep_their_severity() {
        let by_reviewer = [(1, 7, Severity::Soft)];
        let by_speaker = [(8, 1, Severity::Hard)];
        let ctx = Context {
            declared_by_reviewers: &by_reviewer,
            declared_by_speakers: &by_speaker,
            ..none()
        };
        let reviewer = person(1, "Acme");
        let soft = between(&reviewer, &[person(7, "Initech")], &ctx);
        assert_eq!(
            soft,
            [Conflict {
                reason: Reason::DeclaredByReviewer,
                severity: Severity::Soft
            }]
        );
        let both = between(
            &reviewer,
            &[person(7, "Initech"), person(8, "Umbrella")],
            &ctx,
        );
        assert_eq!(both.len(), 2);
        assert_eq!(both[0].severity, Severity::Hard, "hardest first");
        assert_eq!(severity(&both), Some(Severity::Hard));
    }
}
