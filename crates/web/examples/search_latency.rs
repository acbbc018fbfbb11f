//! Search latency over the KubeCon EU 2026 release: 1,000 queries made from session titles, a
//! third exact, a third with a typo, a third cut short as while typing. Prints p50, p99 and the
//! mean hit count. Run by bench/search.sh.

use hallway_domain::search::SearchIndex;
use hallway_formats::{Format, ImportOptions, read};
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/kubecon/kccnceu2026-sched-2026-03-22.ics".to_owned());
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schedule = read(Format::Ical, &bytes, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .schedule;
    let built = Instant::now();
    let index = SearchIndex::new(&schedule);
    let build_ms = built.elapsed().as_secs_f64() * 1e3;

    let queries = queries(&schedule, 1000);
    let mut micros = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for _ in 0..3 {
        // Warm the caches once, measure the last pass.
        micros.clear();
        hits = 0;
        for q in &queries {
            let t = Instant::now();
            hits += index.search(q, 200).len();
            micros.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    micros.sort_by(f64::total_cmp);
    let at = |p: f64| micros[((micros.len() as f64 * p) as usize).min(micros.len() - 1)];
    println!(
        "sessions {} queries {} build_ms {build_ms:.1} p50_us {:.1} p99_us {:.1} max_us {:.1} mean_hits {:.1}",
        schedule.sessions.len(),
        queries.len(),
        at(0.50),
        at(0.99),
        micros[micros.len() - 1],
        hits as f64 / queries.len() as f64
    );
}

/// Queries from titles: one or two words of a title, exact, with one letter swapped or dropped,
/// or cut to a prefix; deterministic.
fn queries(s: &hallway_domain::Schedule, n: usize) -> Vec<String> {
    let words: Vec<Vec<String>> = s
        .sessions
        .iter()
        .map(|x| {
            x.title
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_lowercase)
                .collect()
        })
        .filter(|w: &Vec<String>| !w.is_empty())
        .collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as usize
    };
    (0..n)
        .map(|i| {
            let title = &words[next(words.len())];
            let take = 1 + usize::from(title.len() > 1 && next(2) == 0);
            let start = next(title.len() + 1 - take);
            let mut picked: Vec<String> = title[start..start + take].to_vec();
            let last = picked.last_mut().expect("a word");
            let chars: Vec<char> = last.chars().collect();
            *last = match i % 3 {
                0 => last.clone(),
                1 => {
                    let at = next(chars.len() - 1);
                    let mut c = chars.clone();
                    if next(2) == 0 {
                        c.swap(at, at + 1);
                    } else {
                        c.remove(at);
                    }
                    c.into_iter().collect()
                }
                _ => chars[..3.max(chars.len() / 2)].iter().collect(),
            };
            picked.join(" ")
        })
        .collect()
}
