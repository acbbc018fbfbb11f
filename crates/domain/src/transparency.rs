//! A CFP's transparency report, the way CNCF publishes one per KubeCon: how many proposals
//! each track drew and accepted, how many accepted speakers are new, and how concentrated the
//! accepted talks are among organisations. Aggregates only: no proposal or person is named.

use crate::review::conflicts::organisation;
use crate::submission::Status;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A proposal as the report counts it.
pub struct Entry<'a, P> {
    pub track: &'a str,
    pub status: Status,
    /// Its speakers, each with their affiliation as they wrote it.
    pub speakers: Vec<(P, &'a str)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Drafts are not counted; withdrawn proposals are, as submitted.
    pub proposals: u32,
    pub accepted: u32,
    /// Accepted over proposals, 0-100.
    pub acceptance_rate: f64,
    pub tracks: Vec<TrackLine>,
    /// Distinct speakers of accepted talks.
    pub accepted_speakers: u32,
    /// Of them, those who spoke at none of the earlier editions.
    pub first_time_speakers: u32,
    /// Organisations by accepted talks (a talk counts once per organisation among its
    /// speakers), most first.
    pub organisations: Vec<OrganisationLine>,
    /// Accepted talks with no speaker's organisation known.
    pub unaffiliated_talks: u32,
    /// Herfindahl-Hirschman index of the organisations' shares of accepted talks, 0-10,000:
    /// under 1,500 is unconcentrated, over 2,500 highly concentrated.
    pub concentration: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackLine {
    pub track: String,
    pub proposals: u32,
    pub accepted: u32,
    pub acceptance_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrganisationLine {
    /// As the first accepted speaker from it wrote it.
    pub name: String,
    pub talks: u32,
    /// Share of accepted talks, 0-100.
    pub share: f64,
}

/// Whether a proposal counts as accepted: the co-chairs said yes (confirmed or not; a talk
/// canceled later was still accepted).
fn accepted(status: Status) -> bool {
    matches!(
        status,
        Status::Accepted | Status::Confirmed | Status::Canceled
    )
}

fn rate(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (1000.0 * f64::from(part) / f64::from(whole)).round() / 10.0
    }
}

/// The report over `entries`; `earlier` holds the people who spoke at an earlier edition.
pub fn report<P: Eq + std::hash::Hash + Clone>(
    entries: &[Entry<'_, P>],
    earlier: &HashSet<P>,
) -> Report {
    let counted: Vec<&Entry<'_, P>> = entries
        .iter()
        .filter(|e| e.status != Status::Draft)
        .collect();
    let mut tracks: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    let mut speakers: HashSet<P> = HashSet::new();
    let mut orgs: HashMap<String, (String, u32)> = HashMap::new();
    let mut unaffiliated = 0;
    let mut accepted_talks = 0;
    for e in &counted {
        let line = tracks.entry(e.track).or_default();
        line.0 += 1;
        if !accepted(e.status) {
            continue;
        }
        line.1 += 1;
        accepted_talks += 1;
        let mut seen = HashSet::new();
        for (person, affiliation) in &e.speakers {
            speakers.insert(person.clone());
            if let Some(key) = organisation(affiliation)
                && seen.insert(key.clone())
            {
                orgs.entry(key)
                    .or_insert_with(|| (affiliation.trim().to_owned(), 0))
                    .1 += 1;
            }
        }
        if seen.is_empty() {
            unaffiliated += 1;
        }
    }
    let mut organisations: Vec<OrganisationLine> = orgs
        .into_values()
        .map(|(name, talks)| OrganisationLine {
            name,
            talks,
            share: rate(talks, accepted_talks),
        })
        .collect();
    organisations.sort_by(|a, b| b.talks.cmp(&a.talks).then(a.name.cmp(&b.name)));
    let concentration = if accepted_talks == 0 {
        0.0
    } else {
        organisations
            .iter()
            .map(|o| (100.0 * f64::from(o.talks) / f64::from(accepted_talks)).powi(2))
            .sum::<f64>()
    };
    let proposals = counted.len() as u32;
    Report {
        proposals,
        accepted: accepted_talks,
        acceptance_rate: rate(accepted_talks, proposals),
        tracks: tracks
            .into_iter()
            .map(|(track, (p, a))| TrackLine {
                track: track.to_owned(),
                proposals: p,
                accepted: a,
                acceptance_rate: rate(a, p),
            })
            .collect(),
        accepted_speakers: speakers.len() as u32,
        first_time_speakers: speakers.iter().filter(|p| !earlier.contains(p)).count() as u32,
        organisations,
        unaffiliated_talks: unaffiliated,
        concentration: concentration.round() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(track: &str, status: Status, speakers: &[(u32, &'static str)]) -> Entry<'static, u32> {
        Entry {
            track: Box::leak(track.to_owned().into_boxed_str()),
            status,
            speakers: speakers.to_vec(),
        }
    }

    #[test]
    fn counts_tracks_newcomers_and_organisations() {
        use Status::*;
        let entries = [
            entry("security", Accepted, &[(1, "Google LLC"), (2, "Google")]),
            entry("security", Rejected, &[(3, "Red Hat")]),
            entry("security", Confirmed, &[(3, "Red Hat"), (4, "")]),
            entry("ai", Rejected, &[(5, "")]),
            entry("ai", Draft, &[(6, "")]),
            entry("ai", Waitlisted, &[(7, "")]),
            entry("ai", Accepted, &[(8, "")]),
        ];
        let r = report(&entries, &HashSet::from([1, 3]));
        assert_eq!((r.proposals, r.accepted), (6, 3));
        assert_eq!(r.acceptance_rate, 50.0);
        assert_eq!(r.tracks[0].track, "ai");
        assert_eq!((r.tracks[0].proposals, r.tracks[0].accepted), (3, 1));
        assert_eq!((r.tracks[1].proposals, r.tracks[1].accepted), (3, 2));
        // Speakers 1, 2, 3, 4, 8 gave accepted talks; 1 and 3 spoke before.
        assert_eq!((r.accepted_speakers, r.first_time_speakers), (5, 3));
        // "Google LLC" and "Google" are one organisation, counted once for the talk.
        assert_eq!(r.organisations.len(), 2);
        assert_eq!(r.organisations[0].talks, 1);
        assert_eq!(r.unaffiliated_talks, 1);
        // Two organisations with a third of the talks each: 2 × 33.3² ≈ 2,222.
        assert_eq!(r.concentration, 2222);
    }

    #[test]
    fn an_empty_cfp_reports_zeros() {
        let r = report::<u32>(&[], &HashSet::new());
        assert_eq!(
            (r.proposals, r.acceptance_rate, r.concentration),
            (0, 0.0, 0)
        );
    }
}
