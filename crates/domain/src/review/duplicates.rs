//! Near duplicates: the same talk sent to two tracks or two events, with the wording touched
//! up. Proposals are compared by their word triples (shingles); a pair sharing most of them is
//! flagged. Only pairs that share a rare shingle are compared, so 2,000 proposals do not cost
//! two million comparisons.

use std::collections::{HashMap, HashSet};

/// Pairs at or above this share of common shingles (Jaccard) are flagged.
pub const THRESHOLD: f64 = 0.6;
/// A shingle in more proposals than this is boilerplate ("in this talk we"), not evidence.
const COMMON: usize = 20;
/// Texts shorter than this many words say too little to call two of them one talk.
const MIN_WORDS: usize = 12;

/// `(a, b, similarity)` with `a < b` by index in `texts`, most similar first.
pub fn near_duplicates(texts: &[&str]) -> Vec<(usize, usize, f64)> {
    let shingles: Vec<HashSet<u64>> = texts.iter().map(|t| shingles(t)).collect();
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, set) in shingles.iter().enumerate() {
        for &s in set {
            postings.entry(s).or_default().push(i);
        }
    }
    let mut candidates: HashSet<(usize, usize)> = HashSet::new();
    for list in postings
        .values()
        .filter(|l| l.len() > 1 && l.len() <= COMMON)
    {
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                candidates.insert((a.min(b), a.max(b)));
            }
        }
    }
    let mut found: Vec<(usize, usize, f64)> = candidates
        .into_iter()
        .filter_map(|(a, b)| {
            let (x, y) = (&shingles[a], &shingles[b]);
            let common = x.intersection(y).count();
            let similarity = common as f64 / (x.len() + y.len() - common) as f64;
            (similarity >= THRESHOLD).then_some((a, b, similarity))
        })
        .collect();
    found.sort_by(|p, q| q.2.total_cmp(&p.2).then((p.0, p.1).cmp(&(q.0, q.1))));
    found
}

/// Hashes of the text's word triples, words lowercased and stripped of punctuation.
fn shingles(text: &str) -> HashSet<u64> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < MIN_WORDS {
        return HashSet::new();
    }
    words
        .windows(3)
        .map(|w| {
            // FNV-1a: stable across runs and platforms, unlike the std hasher's seed.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for byte in w.join(" ").bytes() {
                h ^= u64::from(byte);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            h
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TALK: &str = "Scaling Prometheus to a billion series: we show how sharding, \
        remote write and downsampling let one team run metrics for four hundred clusters \
        without losing a sample during upgrades.";

    #[test]
    fn a_touched_up_copy_is_flagged_and_another_talk_is_not() {
        let retouched = "Scaling Prometheus to a billion series: we show how sharding, \
            remote write and downsampling let one small team run metrics for four hundred \
            clusters without losing a single sample during upgrades!";
        let other = "Supply chain security for Helm charts: signing with Sigstore, \
            verifying in admission, and what we learned rolling it out across a bank.";
        let found = near_duplicates(&[TALK, other, retouched]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (0, 2));
        assert!(found[0].2 >= THRESHOLD && found[0].2 < 1.0);
    }

    #[test]
    fn short_texts_are_not_compared() {
        assert!(near_duplicates(&["Keynote", "Keynote"]).is_empty());
    }

    #[test]
    fn boilerplate_shared_by_many_is_no_evidence() {
        let texts: Vec<String> = (0..30)
            .map(|i| {
                format!(
                    "In this talk we will show you topic number {i} with entirely \
                     different words each time {}",
                    "x".repeat(i + 1)
                )
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        assert!(near_duplicates(&refs).is_empty());
    }
}
