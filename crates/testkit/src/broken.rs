//! A corpus of broken schedule files made from real ones: what a careless organizer, a bad
//! export or a hostile visitor hands Hallway. Each case is deterministic, so a failure names a
//! case that can be run again.

/// One broken file: a name that says what was done to it, and its bytes.
pub struct Broken {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The real files the corpus starts from, as paths under `data/`.
pub const BASES: [&str; 5] = [
    "kubecon/kccnceu2026-sched-2026-03-22.ics",
    "kubecon/kccnceu2025-sessions.csv",
    "schedules/debconf23.schedule.xml",
    "schedules/33c3/schedule.json",
    "schedules/33c3/schedule.xcal",
];

/// Every mutation of `bytes` (read from `base`): truncations, bit flips and NUL bytes for any
/// format, and for each format the mistakes its files are known for.
pub fn corpus(base: &str, bytes: &[u8]) -> Vec<Broken> {
    let mut out = Vec::new();
    let mut push = |name: String, bytes: Vec<u8>| out.push(Broken { name, bytes });
    for cut in [200, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
        push(format!("{base} cut at byte {cut}"), bytes[..cut].to_vec());
    }
    // Cut at a line end, so that every record left is whole.
    let half = bytes.len() / 2;
    if let Some(nl) = bytes[half..].iter().position(|&b| b == b'\n') {
        push(
            format!("{base} cut after the line at byte {}", half + nl),
            bytes[..=half + nl].to_vec(),
        );
    }
    let mut rng = Lcg(base.len() as u64 * 7919 + bytes.len() as u64);
    for _ in 0..8 {
        let at = rng.below(bytes.len());
        let bit = rng.below(8);
        let mut flipped = bytes.to_vec();
        flipped[at] ^= 1 << bit;
        push(format!("{base} bit {bit} of byte {at} flipped"), flipped);
    }
    for _ in 0..2 {
        let at = rng.below(bytes.len());
        let mut nul = bytes.to_vec();
        nul.insert(at, 0);
        push(format!("{base} NUL byte at {at}"), nul);
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut edit = |what: &str, from: &str, to: &str, nth: usize| {
        if let Some(at) = text.match_indices(from).nth(nth).map(|(i, _)| i) {
            let mut t = text.clone();
            t.replace_range(at..at + from.len(), to);
            push(format!("{base}: {what}"), t.into_bytes());
        }
    };
    match base.rsplit('.').next() {
        Some("ics") => {
            edit("a session in year 0", "DTSTART:2026", "DTSTART:0000", 200);
            edit(
                "a session ten years early",
                "DTSTART:2026",
                "DTSTART:2016",
                201,
            );
            edit(
                "a session two months late",
                "DTSTART:202603",
                "DTSTART:202605",
                202,
            );
            edit("a session of five years", "DTEND:2026", "DTEND:2031", 203);
            edit(
                "an impossible date",
                "DTSTART:202603",
                "DTSTART:202602",
                204,
            );
            edit(
                "an impossible hour",
                "DTSTART:20260324T0",
                "DTSTART:20260324T9",
                0,
            );
            edit(
                "an unknown zone",
                "X-WR-TIMEZONE:UTC",
                "X-WR-TIMEZONE:Mars/Olympus",
                0,
            );
        }
        Some("csv") => {
            edit("a stray quote", ",2025-04-0", ",\"2025-04-0", 100);
            edit("a quote inside a field", "Kubernetes", "Kuber\"netes", 10);
            edit(
                "a row with a field too many",
                ",2025-04-0",
                ",x,2025-04-0",
                150,
            );
            edit("a session in year 0", ",2025-04-0", ",0000-04-0", 160);
            edit("a session in 2015", ",2025-04-0", ",2015-04-0", 170);
        }
        Some("xml") => {
            edit(
                "a start of 25:61",
                "<start>1",
                "<start>25:61</start><x>",
                10,
            );
            edit("a date in year 0", "<date>2023-", "<date>0000-", 20);
            edit("a date ten years early", "<date>2023-", "<date>2013-", 21);
            edit("a duration of letters", "<duration>0", "<duration>x", 30);
            edit("an escaped NUL", "<title>", "<title>&#0;", 40);
            edit(
                "an unknown zone",
                "<time_zone_name>",
                "<time_zone_name>Mars/",
                0,
            );
        }
        Some("json") => {
            edit(
                "a numeric duration",
                "\"duration\":\"",
                "\"duration\":45,\"x\":\"",
                10,
            );
            edit(
                "an object title",
                "\"title\":\"",
                "\"title\":{\"a\":1},\"x\":\"",
                21,
            );
            edit(
                "an unknown zone",
                "\"conference\":{",
                "\"conference\":{\"time_zone_name\":\"Mars/Olympus\",",
                0,
            );
            edit("an escaped NUL", "\"title\":\"", "\"title\":\"\\u0000", 23);
            edit(
                "a date in year 0",
                "\"date\":\"2016-",
                "\"date\":\"0000-",
                40,
            );
        }
        Some("xcal") => {
            edit("a session in year 0", "<dtstart>2016", "<dtstart>0000", 10);
            edit(
                "a session ten years late",
                "<dtstart>2016",
                "<dtstart>2026",
                11,
            );
            edit(
                "an escaped NUL",
                "<pentabarf:title>",
                "<pentabarf:title>&#0;",
                12,
            );
        }
        _ => {}
    }
    out
}

/// A small deterministic generator: the corpus is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}
