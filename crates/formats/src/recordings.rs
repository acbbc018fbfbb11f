//! A CSV of sessions' recordings, one session a row: `session GUID, URL[, offset[, slides[,
//! captions]]]`. The offset is where the talk starts in the video (seconds, or `4:03:29`);
//! a header row naming the columns may come first. Every row is checked before anything is
//! taken, and the first bad one is named by its line.

use crate::csv::records;
use crate::error::{ErrorKind, FormatError};
use hallway_domain::Guid;
use hallway_domain::recording::{Recording, parse_clock};
use std::collections::HashMap;

/// A row of the file, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingRow {
    pub line: usize,
    pub session: Guid,
    pub recording: Recording,
}

const COLUMNS: [&str; 5] = ["session", "url", "offset", "slides", "captions"];

/// Reads the file; `do_not_record` says which sessions refuse a video (a GUID it does not
/// know is not the edition's).
pub fn read(
    text: &str,
    do_not_record: impl Fn(&Guid) -> Option<bool>,
) -> Result<Vec<RecordingRow>, FormatError> {
    let all = records(text)?;
    let mut rows = Vec::new();
    let mut seen: HashMap<Guid, usize> = HashMap::new();
    for (i, r) in all.iter().enumerate() {
        let cell = |n: usize| r.fields.get(n).map(|f| f.trim()).unwrap_or("");
        if r.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if i == 0 && Guid::parse(cell(0)).is_err() && is_header(cell(0)) {
            continue;
        }
        if r.fields.len() > COLUMNS.len() {
            return Err(FormatError::line(
                r.line,
                format!(
                    "{} columns; a row has at most {}: {}",
                    r.fields.len(),
                    COLUMNS.len(),
                    COLUMNS.join(", ")
                ),
            ));
        }
        let session = Guid::parse(cell(0)).map_err(|e| {
            FormatError::at(
                r.line,
                "session",
                format!("{:?} is not a GUID: {e}", cell(0)),
            )
        })?;
        if let Some(first) = seen.insert(session, r.line) {
            return Err(FormatError::at(
                r.line,
                "session",
                format!("session {session} is already on line {first}"),
            ));
        }
        let Some(refuses_video) = do_not_record(&session) else {
            return Err(FormatError::at(
                r.line,
                "session",
                format!("no session {session} in this edition"),
            ));
        };
        let link = |n: usize| Some(cell(n).to_owned()).filter(|s| !s.is_empty());
        let offset = match cell(2) {
            "" => 0,
            text => parse_clock(text).map_err(|e| FormatError::at(r.line, "offset", e))?,
        };
        let recording = Recording {
            url: link(1),
            offset,
            slides: link(3),
            captions: link(4),
        };
        recording
            .check(refuses_video)
            .map_err(|e| FormatError::line(r.line, format!("session {session}: {e}")))?;
        rows.push(RecordingRow {
            line: r.line,
            session,
            recording,
        });
    }
    if rows.is_empty() {
        return Err(FormatError::whole("the file lists no recordings").kind(ErrorKind::Empty));
    }
    Ok(rows)
}

fn is_header(first: &str) -> bool {
    let first = first.to_lowercase();
    ["session", "guid", "session guid", "session_guid", "id"].contains(&first.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "6f1c3c1e-0000-4000-8000-000000000001";
    const B: &str = "6f1c3c1e-0000-4000-8000-000000000002";

    fn known(g: &Guid) -> Option<bool> {
        match g.to_string().as_str() {
            A => Some(false),
            B => Some(true),
            _ => None,
        }
    }

    #[test]
    fn rows_read_with_offsets_slides_and_captions() {
        let text = format!(
            "session,url,offset,slides,captions\n{A},https://youtu.be/x?t=1,4:03:29,https://s.example/a.pdf,\n{B},,,https://s.example/b.pdf,https://c.example/b.vtt\n"
        );
        let rows = read(&text, known).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].recording.offset, 14_609);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].recording.url, None);
        assert_eq!(
            rows[1].recording.captions.as_deref(),
            Some("https://c.example/b.vtt")
        );
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let err = |text: String| read(&text, known).unwrap_err().to_string();
        assert_eq!(
            err(format!(
                "{A},https://v.example/a.mp4\n{B},https://v.example/b.mp4\n"
            )),
            format!(
                "line 2: session {B}: the session is marked do-not-record: its speakers asked not to be recorded, so it takes no recording URL"
            )
        );
        assert!(err(format!("{A},https://v.example/a.mp4,soon\n")).starts_with("line 1, offset:"));
        assert!(
            err(format!("{A},ftp://v.example/a.mp4\n"))
                .contains("not an http:// or https:// address")
        );
        assert!(
            err(format!(
                "{A},https://v.example/a.mp4\n{A},https://v.example/b.mp4\n"
            ))
            .contains("line 2, session: session")
        );
        assert!(err("nope,https://v.example/a.mp4\n".into()).contains("is not a GUID"));
        assert!(
            err("6f1c3c1e-0000-4000-8000-000000000009,https://v.example/a.mp4\n".into())
                .contains("no session")
        );
        assert!(err("\n".into()).contains("no recordings"));
    }
}
