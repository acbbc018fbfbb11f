//! The transparency report of an event's CFP, from the proposals and profiles as they stand.

use crate::{App, OrgaCtx, Result, parse_slug};
use hallway_domain::transparency::{Entry, Report, report};
use hallway_store::{CfpStore, SubmissionStore};
use std::collections::{HashMap, HashSet};

impl App {
    /// Proposals and acceptance by track, first-time speakers, organisation concentration.
    pub async fn transparency_report(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: &str,
    ) -> Result<Report> {
        let (edition, event) = (parse_slug(edition)?, parse_slug(event)?);
        orga.covers(&edition)?;
        // The CFP must exist: an event without one has no report, not an empty one.
        self.store.cfp(&edition, &event).await?;
        let proposals = self.store.submissions(&edition, &event).await?;
        let people: Vec<_> = proposals
            .iter()
            .flat_map(|p| p.speakers.iter().copied())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let affiliations: HashMap<_, _> = self
            .store
            .profiles(&people)
            .await?
            .into_iter()
            .map(|(u, p)| (u, p.affiliation))
            .collect();
        let entries: Vec<Entry<'_, _>> = proposals
            .iter()
            .map(|p| Entry {
                track: p.track.as_str(),
                status: p.status,
                speakers: p
                    .speakers
                    .iter()
                    .map(|u| (*u, affiliations.get(u).map_or("", String::as_str)))
                    .collect(),
            })
            .collect();
        let earlier: HashSet<_> = self
            .store
            .earlier_speakers(&edition)
            .await?
            .into_iter()
            .collect();
        Ok(report(&entries, &earlier))
    }
}
