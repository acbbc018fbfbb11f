//! A released edition as data, kept in memory beside its pages: the schedule, each time a
//! session runs in time order with what filters match, a per-day index, the search index and
//! the changelog. No HTML here: the agenda pages and the JSON API filter and search through it.

mod filter;

pub use filter::{Filter, query_escape};

use hallway_domain::search::SearchIndex;
use hallway_domain::{Release, ReleaseNote, Schedule, SessionType};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::HashMap;

pub struct Released {
    pub release: u32,
    pub released_at: Timestamp,
    /// Where people reach the site, for links in exports.
    pub public_url: String,
    pub schedule: Schedule,
    /// Every release of the edition, newest first, for the changelog.
    pub notes: Vec<ReleaseNote>,
    /// One occurrence per slot (one undated occurrence for a session not scheduled yet), in time
    /// order, then by room name and title.
    pub occurrences: Vec<Occurrence>,
    /// The occurrences of each conference day, so that a day's pages cost what that day holds,
    /// never what the whole edition holds.
    by_day: HashMap<Date, Vec<usize>>,
    /// Each session's first occurrence.
    first_of_session: HashMap<usize, usize>,
    search: SearchIndex,
    /// Per session, the sessions most alike in words, best first (see `similar::by_text`).
    pub similar: Vec<Vec<(usize, f32)>>,
}

/// One time a session runs, with what filters match it against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Index of the session in the schedule.
    pub session: usize,
    /// Index of the slot in the session; None for a session not scheduled yet.
    pub slot: Option<usize>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    /// The conference day (the venue's; see `Edition::day_of`).
    pub day: Option<Date>,
    /// Slugs, as filters name them.
    pub event: String,
    pub track: Option<String>,
    pub room: Option<String>,
    pub session_type: SessionType,
}

impl Occurrence {
    /// A session people choose to attend: not a desk, a break or a co-located event's block.
    pub fn is_program(&self) -> bool {
        self.session_type.is_program() && self.session_type != SessionType::Event
    }
}

/// A session that search found, at its first occurrence.
pub struct Found {
    pub occurrence: usize,
    /// The speakers (indexes into the schedule's speakers) whose names matched.
    pub speakers: Vec<usize>,
}

/// Alike by title, abstract and track; computed once per release.
fn similar_by_text(s: &hallway_domain::Schedule) -> Vec<Vec<(usize, f32)>> {
    let docs: Vec<hallway_domain::similar::Doc<'_>> = s
        .sessions
        .iter()
        .map(|x| hallway_domain::similar::Doc {
            title: &x.title,
            text: &x.abstract_text,
            track: x
                .track
                .as_ref()
                .and_then(|t| s.track(t))
                .map(|t| t.name.as_str()),
        })
        .collect();
    hallway_domain::similar::by_text(&docs, 8)
}

impl Released {
    /// `notes` are the edition's releases, newest first.
    pub fn new(release: &Release, notes: Vec<ReleaseNote>, public_url: &str) -> Self {
        let s = &release.schedule;
        let mut occurrences: Vec<(Occurrence, Option<&str>, &str)> = Vec::new();
        for (index, x) in s.sessions.iter().enumerate() {
            let occurrence = |slot: Option<usize>| {
                let sl = slot.map(|i| &x.slots[i]);
                Occurrence {
                    session: index,
                    slot,
                    start: sl.map(|sl| sl.start),
                    end: sl.map(|sl| sl.end),
                    day: sl.map(|sl| s.day_of(sl)),
                    event: x.event.to_string(),
                    track: x.track.as_ref().map(|t| t.to_string()),
                    room: sl.and_then(|sl| sl.room.as_ref()).map(|r| r.to_string()),
                    session_type: x.session_type,
                }
            };
            if x.slots.is_empty() {
                occurrences.push((occurrence(None), None, &x.title));
            }
            for (i, sl) in x.slots.iter().enumerate() {
                occurrences.push((occurrence(Some(i)), s.room_name(sl), &x.title));
            }
        }
        // Stable: a session's slots that tie stay in their order.
        occurrences.sort_by(|a, b| (a.0.start, a.1, a.2).cmp(&(b.0.start, b.1, b.2)));
        let occurrences: Vec<Occurrence> = occurrences.into_iter().map(|(o, _, _)| o).collect();
        let mut by_day: HashMap<Date, Vec<usize>> = HashMap::new();
        let mut first_of_session: HashMap<usize, usize> = HashMap::new();
        for (i, o) in occurrences.iter().enumerate() {
            if let Some(d) = o.day {
                by_day.entry(d).or_default().push(i);
            }
            first_of_session.entry(o.session).or_insert(i);
        }
        Self {
            release: release.number,
            released_at: release.released_at,
            public_url: public_url.to_owned(),
            schedule: s.clone(),
            notes,
            occurrences,
            by_day,
            first_of_session,
            search: SearchIndex::new(s),
            similar: similar_by_text(s),
        }
    }

    pub fn slug(&self) -> &str {
        self.schedule.edition.slug.as_str()
    }

    /// The occurrences of one conference day, in time order.
    pub fn on(&self, day: Date) -> &[usize] {
        self.by_day.get(&day).map_or(&[], Vec::as_slice)
    }

    /// The occurrences that `filter` keeps, of one day or of the whole edition, in time order.
    pub fn matching(&self, filter: &Filter, day: Option<Date>) -> Vec<usize> {
        let keep = |&i: &usize| filter.matches(&self.occurrences[i]);
        match day {
            Some(d) => self.on(d).iter().copied().filter(keep).collect(),
            None => (0..self.occurrences.len()).filter(keep).collect(),
        }
    }

    /// Whether `day` is a day of the edition.
    pub fn has_day(&self, day: Date) -> bool {
        self.schedule.edition.days().contains(&day)
    }

    /// Ranked sessions for a query, at most `limit`; the flag says more were found.
    pub fn search(&self, query: &str, filter: &Filter, limit: usize) -> (Vec<Found>, bool) {
        // A filter may drop any hit: ask the index for all of them then.
        let asked = if filter.is_empty() {
            limit + 1
        } else {
            self.schedule.sessions.len() + 1
        };
        let mut found = self
            .search
            .search(query, asked)
            .into_iter()
            .filter_map(|hit| {
                let occurrence = if filter.is_empty() {
                    *self.first_of_session.get(&hit.session)?
                } else {
                    // The session's first run that the filter keeps (a repeat may be elsewhere).
                    let first = *self.first_of_session.get(&hit.session)?;
                    (first..self.occurrences.len()).find(|&i| {
                        let o = &self.occurrences[i];
                        o.session == hit.session && filter.matches(o)
                    })?
                };
                Some(Found {
                    occurrence,
                    speakers: hit.speakers,
                })
            });
        let kept: Vec<Found> = found.by_ref().take(limit).collect();
        let truncated = found.next().is_some();
        (kept, truncated)
    }

    /// What is on at `at`, and what starts next (everything that starts at the first start
    /// after `at`): program sessions only.
    pub fn now_and_next(&self, at: Timestamp) -> (Vec<usize>, Vec<usize>) {
        let all = &self.occurrences;
        let now = (0..all.len())
            .filter(|&i| {
                let o = &all[i];
                o.is_program() && o.start.is_some_and(|t| t <= at) && o.end.is_some_and(|e| e > at)
            })
            .collect();
        // Occurrences are in time order, undated ones first: the next start is the first after `at`.
        let first_after = all.partition_point(|o| o.start.is_none_or(|t| t <= at));
        let next_at = all[first_after..]
            .iter()
            .find(|o| o.is_program())
            .and_then(|o| o.start);
        let next = (first_after..all.len())
            .take_while(|&i| all[i].start == next_at)
            .filter(|&i| all[i].is_program())
            .collect();
        (now, next)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use hallway_domain::ChangeSet;
    use hallway_formats::{Format, ImportOptions, read};

    /// The final KubeCon EU 2026 schedule, released once.
    pub(crate) fn kubecon() -> Released {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/kubecon/kccnceu2026-sched-2026-03-22.ics"
        );
        let bytes = std::fs::read(path).expect(path);
        let schedule = read(Format::Ical, &bytes, &ImportOptions::default())
            .expect("the KubeCon file reads")
            .schedule;
        let at = Timestamp::from_second(1_774_000_000).unwrap();
        let note = ReleaseNote {
            number: 1,
            released_at: at,
            changes: ChangeSet::default(),
        };
        let release = Release {
            number: 1,
            released_at: at,
            changes: ChangeSet::default(),
            schedule,
        };
        Released::new(&release, vec![note], "http://hallway.test")
    }

    #[test]
    fn occurrences_are_in_time_order_and_indexed_by_day() {
        let r = kubecon();
        let starts: Vec<_> = r.occurrences.iter().map(|o| o.start).collect();
        assert!(starts.is_sorted(), "time order");
        let days = r.schedule.edition.days();
        let by_day: usize = days.iter().map(|&d| r.on(d).len()).sum();
        let dated = r.occurrences.iter().filter(|o| o.day.is_some()).count();
        assert_eq!(by_day, dated, "every dated occurrence is on one day");
        for &d in &days {
            assert!(r.on(d).iter().all(|&i| r.occurrences[i].day == Some(d)));
        }
    }

    #[test]
    fn matching_keeps_what_the_filter_names() {
        let r = kubecon();
        let security = Filter {
            track: Some("security".into()),
            ..Filter::default()
        };
        let day = "2026-03-25".parse().unwrap();
        let all = r.matching(&Filter::default(), Some(day));
        let some = r.matching(&security, Some(day));
        assert_eq!(all, r.on(day));
        assert!(!some.is_empty() && some.len() < all.len() / 4);
        assert!(
            some.iter()
                .all(|&i| r.occurrences[i].track.as_deref() == Some("security"))
        );
    }

    #[test]
    fn now_is_what_runs_and_next_what_starts_first_after() {
        let r = kubecon();
        let at: Timestamp = "2026-03-25T10:20:00Z".parse().unwrap();
        let (now, next) = r.now_and_next(at);
        assert!(now.len() > 10, "{}", now.len());
        for &i in &now {
            let o = &r.occurrences[i];
            assert!(o.is_program() && o.start.unwrap() <= at && o.end.unwrap() > at);
        }
        let first = r.occurrences[next[0]].start.unwrap();
        assert!(first > at);
        assert!(next.iter().all(|&i| r.occurrences[i].start == Some(first)));
        assert!(
            r.occurrences
                .iter()
                .filter(|o| o.is_program())
                .all(|o| o.start.is_none_or(|t| t <= at || t >= first)),
            "nothing starts in between"
        );
    }

    #[test]
    fn search_forgives_typos_and_points_at_first_occurrences() {
        let r = kubecon();
        let (found, _) = r.search("kubernets", &Filter::default(), 20);
        assert!(!found.is_empty());
        for f in &found {
            let o = &r.occurrences[f.occurrence];
            let first = r.occurrences.iter().position(|x| x.session == o.session);
            assert_eq!(first, Some(f.occurrence));
        }
        let (found, truncated) = r.search("talk", &Filter::default(), 3);
        assert!(found.len() <= 3 && truncated);
    }
}
