//! An attendee's conference as a wrap-up post: per day "Talks I saw" (title, speakers with
//! their affiliations, the attendee's note, links to the session's page and its recording),
//! then "Talks I wanted to see". The same data is the JSON export.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wrapup {
    pub edition: String,
    pub edition_name: String,
    pub days: Vec<WrapDay>,
    pub wanted: Vec<WrapTalk>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrapDay {
    /// ISO date.
    pub date: String,
    /// "Wednesday 13 November".
    pub label: String,
    pub saw: Vec<WrapTalk>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrapTalk {
    pub guid: String,
    pub title: String,
    pub speakers: Vec<WrapSpeaker>,
    /// The attendee's note, Markdown as they wrote it; empty when none.
    pub note: String,
    /// The session's public page.
    pub page: String,
    pub recording: Option<String>,
    pub slides: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrapSpeaker {
    pub name: String,
    pub affiliation: Option<String>,
}

/// The post, in Markdown.
pub fn markdown(w: &Wrapup) -> String {
    let mut out = format!("# {}: my conference\n", escape(&w.edition_name));
    for d in &w.days {
        out.push_str(&format!("\n## {}\n\n### Talks I saw\n\n", escape(&d.label)));
        for t in &d.saw {
            talk(&mut out, t);
        }
    }
    if w.days.is_empty() {
        out.push_str("\nNo talk marked as attended.\n");
    }
    out.push_str("\n## Talks I wanted to see (and will watch the recordings of)\n\n");
    for t in &w.wanted {
        talk(&mut out, t);
    }
    if w.wanted.is_empty() {
        out.push_str("None: I saw everything I bookmarked.\n");
    }
    out
}

fn talk(out: &mut String, t: &WrapTalk) {
    out.push_str(&format!("- [{}]({})", escape(&t.title), t.page));
    let speakers: Vec<String> = t
        .speakers
        .iter()
        .map(|s| match &s.affiliation {
            Some(a) => format!("{}, {}", escape(&s.name), escape(a)),
            None => escape(&s.name),
        })
        .collect();
    if !speakers.is_empty() {
        out.push_str(&format!(" — {}", speakers.join("; ")));
    }
    if let Some(r) = &t.recording {
        out.push_str(&format!(" ([recording]({r}))"));
    }
    if let Some(s) = &t.slides {
        out.push_str(&format!(" ([slides]({s}))"));
    }
    out.push('\n');
    let note = t.note.trim();
    if !note.is_empty() {
        // The note is the attendee's own Markdown, quoted under its talk.
        out.push('\n');
        for line in note.lines() {
            out.push_str(if line.trim().is_empty() {
                "  >"
            } else {
                "  > "
            });
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
}

/// Text that Markdown would otherwise read as markup (a title with `[brackets]` or `*stars*`).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(match c {
            '\n' | '\r' => ' ',
            c => c,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapup_reads_like_a_post() {
        let talk = |title: &str, note: &str| WrapTalk {
            guid: "g".into(),
            title: title.into(),
            speakers: vec![
                WrapSpeaker {
                    name: "Tim Hockin".into(),
                    affiliation: Some("Google".into()),
                },
                WrapSpeaker {
                    name: "Ana".into(),
                    affiliation: None,
                },
            ],
            note: note.into(),
            page: "https://h.example/kc/sessions/g".into(),
            recording: Some("https://youtu.be/x?t=5".into()),
            slides: None,
        };
        let w = Wrapup {
            edition: "kc".into(),
            edition_name: "KubeCon".into(),
            days: vec![WrapDay {
                date: "2026-03-24".into(),
                label: "Tuesday 24 March".into(),
                saw: vec![talk("Gateway [API] *now*", "Great demo.\n\n- try it")],
            }],
            wanted: vec![WrapTalk {
                recording: None,
                ..talk("eBPF", "")
            }],
        };
        assert_eq!(
            markdown(&w),
            "# KubeCon: my conference\n\n## Tuesday 24 March\n\n### Talks I saw\n\n\
             - [Gateway \\[API\\] \\*now\\*](https://h.example/kc/sessions/g) — Tim Hockin, Google; Ana ([recording](https://youtu.be/x?t=5))\n\
             \n  > Great demo.\n  >\n  > - try it\n\n\
             \n## Talks I wanted to see (and will watch the recordings of)\n\n\
             - [eBPF](https://h.example/kc/sessions/g) — Tim Hockin, Google; Ana\n"
        );
    }
}
