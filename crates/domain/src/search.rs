//! Search over one schedule that forgives: "kubernets" finds Kubernetes, "e-bpf" finds eBPF,
//! "obser" finds observability while typing. Built once per release and kept in memory, so a
//! query costs a few hash lookups per word, never a pass over every session or word.
//!
//! Words are folded (lowercase, accents dropped, hyphens joined as well as split). A query word
//! matches a word of the index exactly, as its prefix (three letters or more), or within one
//! edit (two from eight letters on), found through the words' deletion variants. A session
//! matches when every query word does; it ranks by where the words matched (title first) and how
//! closely.

use crate::Schedule;
use crate::collate::sort_key;
use std::collections::{BTreeSet, HashMap};

/// Where a word was found, and what a match there weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Title,
    Speaker,
    Track,
    Event,
    Affiliation,
    Room,
    Text,
}

impl Field {
    fn weight(self) -> f32 {
        match self {
            Self::Title => 10.0,
            Self::Speaker => 8.0,
            Self::Track | Self::Event => 5.0,
            Self::Affiliation | Self::Room => 3.0,
            Self::Text => 1.0,
        }
    }
}

/// A session that matched, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the session in the schedule.
    pub session: usize,
    pub score: f32,
    /// The speakers (indexes into the schedule's speakers) whose names matched.
    pub speakers: Vec<usize>,
}

/// One word of the index and where it occurs.
#[derive(Debug, Default)]
struct Postings {
    /// (session, field, speaker when the field is a speaker's name)
    at: Vec<(u32, Field, Option<u32>)>,
}

#[derive(Debug, Default)]
pub struct SearchIndex {
    words: Vec<String>,
    postings: Vec<Postings>,
    by_word: HashMap<String, u32>,
    /// Deletion variants (one or two letters dropped) to the words they come from.
    variants: HashMap<String, Vec<u32>>,
    /// Words in order, for prefix ranges.
    sorted: Vec<(String, u32)>,
}

/// How closely a query word matched an index word.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Closeness(f32);

const EXACT: Closeness = Closeness(1.0);
const PREFIX: Closeness = Closeness(0.7);
const TYPO: Closeness = Closeness(0.5);

/// The words of a text: folded, split at anything but letters and digits, and hyphenated words
/// also joined ("e-BPF" gives "e", "bpf" and "ebpf").
pub fn words(text: &str) -> Vec<String> {
    let folded = sort_key(text);
    let mut out = Vec::new();
    for chunk in folded.split(|c: char| c.is_whitespace() || ",;:()[]/\"'’“”.!?".contains(c))
    {
        let parts: Vec<&str> = chunk
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() > 1 {
            out.push(parts.concat());
        }
        out.extend(parts.into_iter().map(str::to_owned));
    }
    out
}

/// How many edits a word of this length may be away.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// `word` with up to `edits` letters dropped, itself included.
fn deletions(word: &str, edits: usize) -> BTreeSet<String> {
    let mut all = BTreeSet::from([word.to_owned()]);
    let mut frontier = vec![word.to_owned()];
    for _ in 0..edits {
        let mut next = Vec::new();
        for w in &frontier {
            let chars: Vec<char> = w.chars().collect();
            for i in 0..chars.len() {
                let v: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
                if all.insert(v.clone()) {
                    next.push(v);
                }
            }
        }
        frontier = next;
    }
    all
}

/// Edit distance with adjacent transpositions (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

impl SearchIndex {
    pub fn new(s: &Schedule) -> Self {
        let mut index = Self::default();
        let speaker_at: HashMap<&str, usize> = s
            .speakers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.as_str(), i))
            .collect();
        for (n, x) in s.sessions.iter().enumerate() {
            let n = n as u32;
            index.add(n, Field::Title, None, &x.title);
            index.add(n, Field::Title, None, &x.subtitle);
            index.add(n, Field::Text, None, &plain_text(&x.abstract_text));
            index.add(n, Field::Text, None, &plain_text(&x.description));
            for slug in &x.speakers {
                if let Some(&at) = speaker_at.get(slug.as_str()) {
                    let p = &s.speakers[at];
                    index.add(n, Field::Speaker, Some(at as u32), &p.name);
                    if let Some(a) = &p.affiliation {
                        index.add(n, Field::Affiliation, None, a);
                    }
                }
            }
            if let Some(t) = x.track.as_ref().and_then(|t| s.track(t)) {
                index.add(n, Field::Track, None, &t.name);
            }
            if let Some(e) = s.event(&x.event) {
                index.add(n, Field::Event, None, &e.name);
            }
            for r in x
                .slots
                .iter()
                .filter_map(|sl| sl.room.as_ref())
                .filter_map(|r| s.room(r))
            {
                index.add(n, Field::Room, None, &r.name);
            }
        }
        index.sorted = index.by_word.iter().map(|(w, &i)| (w.clone(), i)).collect();
        index.sorted.sort();
        for (i, w) in index.words.iter().enumerate() {
            for v in deletions(w, allowed_edits(w.chars().count())) {
                index.variants.entry(v).or_default().push(i as u32);
            }
        }
        index
    }

    fn add(&mut self, session: u32, field: Field, speaker: Option<u32>, text: &str) {
        for w in words(text) {
            let id = match self.by_word.get(&w) {
                Some(&id) => id,
                None => {
                    let id = self.words.len() as u32;
                    self.words.push(w.clone());
                    self.postings.push(Postings::default());
                    self.by_word.insert(w, id);
                    id
                }
            };
            let at = &mut self.postings[id as usize].at;
            if !at.contains(&(session, field, speaker)) {
                at.push((session, field, speaker));
            }
        }
    }

    /// The index words a query word matches, and how closely.
    fn matches(&self, q: &str) -> Vec<(u32, Closeness)> {
        let mut found: HashMap<u32, Closeness> = HashMap::new();
        let mut note = |id: u32, c: Closeness| {
            let e = found.entry(id).or_insert(c);
            if c > *e {
                *e = c;
            }
        };
        if let Some(&id) = self.by_word.get(q) {
            note(id, EXACT);
        }
        let len = q.chars().count();
        if len >= 3 {
            let from = self.sorted.partition_point(|(w, _)| w.as_str() < q);
            for (w, id) in &self.sorted[from..] {
                if !w.starts_with(q) {
                    break;
                }
                note(*id, PREFIX);
            }
        }
        let edits = allowed_edits(len);
        if edits > 0 {
            for v in deletions(q, edits) {
                for &id in self.variants.get(&v).into_iter().flatten() {
                    let w = &self.words[id as usize];
                    if distance(q, w) <= edits {
                        note(id, TYPO);
                    }
                }
            }
        }
        found.into_iter().collect()
    }

    /// The sessions every word of `query` matches, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let terms = query_terms(query);
        if terms.is_empty() {
            return Vec::new();
        }
        let mut score: HashMap<u32, (f32, usize, Vec<usize>)> = HashMap::new();
        for (t, term) in terms.iter().enumerate() {
            // The best this term does for each session.
            let mut best: HashMap<u32, (f32, Option<u32>)> = HashMap::new();
            for (id, closeness) in self.matches(term) {
                for &(session, field, speaker) in &self.postings[id as usize].at {
                    let s = field.weight() * closeness.0;
                    let e = best.entry(session).or_insert((0.0, None));
                    if s > e.0 {
                        *e = (s, speaker);
                    }
                }
            }
            for (session, (s, speaker)) in best {
                let e = score.entry(session).or_insert((0.0, 0, Vec::new()));
                if e.1 == t {
                    e.0 += s;
                    e.1 += 1;
                    if let Some(sp) = speaker
                        && !e.2.contains(&(sp as usize))
                    {
                        e.2.push(sp as usize);
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = score
            .into_iter()
            .filter(|(_, (_, matched, _))| *matched == terms.len())
            .map(|(session, (score, _, speakers))| Hit {
                session: session as usize,
                score,
                speakers,
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.session.cmp(&b.session)));
        hits.truncate(limit);
        hits
    }
}

/// A query's words; a hyphenated word is one word ("e-bpf" is "ebpf").
fn query_terms(query: &str) -> Vec<String> {
    let folded = sort_key(query);
    let mut terms: Vec<String> = folded
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    terms.dedup();
    terms
}

/// Text with its markup dropped, for indexing abstracts written in HTML.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_and_join_hyphens() {
        assert_eq!(
            words("Observing e-BPF Über"),
            vec!["observing", "ebpf", "e", "bpf", "uber"]
        );
    }

    #[test]
    fn typos_within_the_allowed_edits() {
        assert_eq!(distance("kubernets", "kubernetes"), 1);
        assert_eq!(distance("obervability", "observability"), 1);
        assert_eq!(distance("teh", "the"), 1);
        assert_eq!(allowed_edits(3), 0);
        assert!(deletions("abcd", 1).contains("abd"));
    }
}
