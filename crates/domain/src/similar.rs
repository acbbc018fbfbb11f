//! Sessions like this one, two ways: by their words (title, abstract, track; TF-IDF cosine),
//! and by the people who bookmarked both. Computed once per release from the release's data;
//! an attendee's page then only picks from the lists, avoiding what clashes with their agenda.

use std::collections::HashMap;

/// What a session says about itself.
pub struct Doc<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub track: Option<&'a str>,
}

/// Words that say nothing about a talk's subject.
const STOP: &[&str] = &[
    "about", "also", "and", "are", "but", "can", "for", "from", "has", "have", "how", "into",
    "its", "more", "not", "our", "out", "session", "talk", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "using", "was", "what", "when",
    "which", "while", "who", "why", "will", "with", "you", "your",
];

/// Per session, the others most alike by their words, best first, at most `k`, each with its
/// cosine (0 to 1). Words in more than a fifth of the sessions are ignored: at a Kubernetes
/// conference "kubernetes" tells talks apart no better than "the".
pub fn by_text(docs: &[Doc<'_>], k: usize) -> Vec<Vec<(usize, f32)>> {
    let bags: Vec<HashMap<String, f32>> = docs.iter().map(bag).collect();
    let mut df: HashMap<&str, u32> = HashMap::new();
    for bag in &bags {
        for w in bag.keys() {
            *df.entry(w).or_default() += 1;
        }
    }
    let n = docs.len() as f32;
    let common = (docs.len() / 5).max(2) as u32;
    let vectors: Vec<Vec<(&str, f32)>> = bags
        .iter()
        .map(|bag| {
            let mut v: Vec<(&str, f32)> = bag
                .iter()
                .filter(|(w, _)| df[w.as_str()] <= common)
                .map(|(w, tf)| (w.as_str(), tf * (n / df[w.as_str()] as f32).ln()))
                .collect();
            let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
            v.iter_mut()
                .for_each(|(_, x)| *x /= norm.max(f32::MIN_POSITIVE));
            v
        })
        .collect();
    let mut postings: HashMap<&str, Vec<(usize, f32)>> = HashMap::new();
    for (i, v) in vectors.iter().enumerate() {
        for &(w, x) in v {
            postings.entry(w).or_default().push((i, x));
        }
    }
    vectors
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut dot: HashMap<usize, f32> = HashMap::new();
            for &(w, x) in v {
                for &(j, y) in &postings[w] {
                    if j != i {
                        *dot.entry(j).or_default() += x * y;
                    }
                }
            }
            best(dot.into_iter().collect(), k)
        })
        .collect()
}

/// Per session, the others most often bookmarked by the same people, best first, at most `k`,
/// each with the cosine of the two sessions' sets of bookmarkers. `bookmarks` holds each
/// attendee's sessions; a pair needs `min_people` people in common to count.
pub fn by_bookmarks(
    sessions: usize,
    bookmarks: &[Vec<usize>],
    min_people: u32,
    k: usize,
) -> Vec<Vec<(usize, f32)>> {
    let mut count = vec![0u32; sessions];
    let mut pairs: Vec<HashMap<usize, u32>> = vec![HashMap::new(); sessions];
    for list in bookmarks {
        for (a, &i) in list.iter().enumerate() {
            count[i] += 1;
            for &j in &list[a + 1..] {
                if i != j {
                    *pairs[i].entry(j).or_default() += 1;
                    *pairs[j].entry(i).or_default() += 1;
                }
            }
        }
    }
    pairs
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let scored = row
                .into_iter()
                .filter(|&(_, both)| both >= min_people)
                .map(|(j, both)| {
                    (
                        j,
                        both as f32 / ((count[i] as f32) * (count[j] as f32)).sqrt(),
                    )
                })
                .collect();
            best(scored, k)
        })
        .collect()
}

/// A suggestion, and whether it clashes with the attendee's agenda.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    pub session: usize,
    pub clashes: bool,
}

/// Up to `k` of `ranked` for one attendee: those that fit their agenda first; one that clashes
/// only when fewer than `k` fitting ones score at least half as well as it does.
pub fn suggest(
    ranked: &[(usize, f32)],
    clashes: impl Fn(usize) -> bool,
    k: usize,
) -> Vec<Suggestion> {
    let fitting: Vec<(usize, f32)> = ranked
        .iter()
        .copied()
        .filter(|&(s, _)| !clashes(s))
        .collect();
    let mut out: Vec<(usize, f32, bool)> = Vec::new();
    for &(s, score) in ranked {
        if out.len() == k {
            break;
        }
        if !clashes(s) {
            out.push((s, score, false));
            continue;
        }
        let good_fits = fitting.iter().filter(|(_, f)| *f >= score / 2.0).count();
        if good_fits < k {
            out.push((s, score, true));
        }
    }
    out.into_iter()
        .map(|(session, _, clashes)| Suggestion { session, clashes })
        .collect()
}

fn bag(doc: &Doc<'_>) -> HashMap<String, f32> {
    let mut bag = HashMap::new();
    for (text, weight) in [
        (doc.title, 2.0),
        (doc.text, 1.0),
        (doc.track.unwrap_or(""), 2.0),
    ] {
        let lower = text.to_lowercase();
        for w in lower.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().count() >= 3 && !STOP.contains(&w) {
                *bag.entry(w.to_owned()).or_default() += weight;
            }
        }
    }
    bag
}

fn best(mut scored: Vec<(usize, f32)>, k: usize) -> Vec<(usize, f32)> {
    scored.retain(|(_, s)| *s > 0.0);
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(k);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(title: &'a str, text: &'a str, track: &'a str) -> Doc<'a> {
        Doc {
            title,
            text,
            track: Some(track),
        }
    }

    #[test]
    fn talks_on_one_subject_are_alike() {
        let docs = [
            doc(
                "eBPF for network observability",
                "Tracing packets with eBPF probes in the kernel",
                "Observability",
            ),
            doc(
                "Helm chart signing",
                "Supply chain security for charts with Sigstore",
                "Security",
            ),
            doc(
                "Kernel tracing with eBPF",
                "Probes and maps: observability without sidecars",
                "Observability",
            ),
            doc(
                "Sigstore in practice",
                "Signing container images and charts in the supply chain",
                "Security",
            ),
            doc(
                "Scheduling GPUs",
                "Batch jobs, queues and fair sharing of accelerators",
                "AI",
            ),
            doc(
                "Gateway API migration",
                "Moving from Ingress to Gateway API without downtime",
                "Networking",
            ),
        ];
        let similar = by_text(&docs, 2);
        assert_eq!(similar[0][0].0, 2, "{:?}", similar[0]);
        assert_eq!(similar[1][0].0, 3, "{:?}", similar[1]);
        assert!(similar[0].iter().all(|&(_, s)| s > 0.0 && s <= 1.0001));
    }

    #[test]
    fn people_who_bookmarked_this_also_bookmarked() {
        let bookmarks = vec![vec![0, 1, 2], vec![0, 1], vec![0, 1, 3], vec![2, 3]];
        let similar = by_bookmarks(4, &bookmarks, 2, 3);
        assert_eq!(similar[0][0].0, 1);
        assert!(
            similar[0].iter().all(|&(j, _)| j != 2 && j != 3),
            "one person is no pattern"
        );
        assert!(similar[3].is_empty() || similar[3][0].0 == 2);
    }

    #[test]
    fn a_clashing_suggestion_gives_way_to_a_good_one_that_fits() {
        let ranked = [(5, 0.9), (6, 0.8), (7, 0.5), (8, 0.1)];
        let clash = |s: usize| s == 5;
        let picked = suggest(&ranked, clash, 2);
        assert_eq!(
            picked.iter().map(|s| s.session).collect::<Vec<_>>(),
            [6, 7],
            "6 and 7 fit and score at least half of 5's"
        );
        // With no good alternative, the clashing one is shown, marked.
        let picked = suggest(&[(5, 0.9), (8, 0.1)], clash, 2);
        assert_eq!(
            picked,
            [
                Suggestion {
                    session: 5,
                    clashes: true
                },
                Suggestion {
                    session: 8,
                    clashes: false
                }
            ]
        );
    }
}
