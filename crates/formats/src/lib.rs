//! Reading and writing the schedule formats conferences publish. No server and no database here:
//! every reader turns bytes into a domain `Schedule` plus a report of what it had to work around,
//! and every writer turns a `Schedule` into bytes that the format's own validators accept.

pub mod build;
pub mod byline;
pub mod csv;
pub mod error;
pub mod frab;
pub mod frab_json;
pub mod frab_xml;
pub mod html;
pub mod ical;
pub mod ical_out;
pub mod plausible;
pub mod proposals;
pub mod recordings;
pub mod sched;
pub mod submission;
pub mod wrapup;
pub mod xcal;
pub mod xml;

pub use error::{ErrorKind, FormatError, Repair, Warning};
pub use frab::Export;
pub use ical_out::Feed;

use hallway_domain::{Schedule, Slug};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// What the caller knows that the file may not say.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The venue's IANA zone; overrides what the file says.
    pub time_zone: Option<String>,
    /// The edition to import into, instead of the one the file names.
    pub edition: Option<Slug>,
    /// The zones of editions that exist already: a file that names no zone is read in its
    /// edition's.
    pub edition_zones: HashMap<Slug, String>,
}

/// A schedule read from a file, with the warnings that reading it raised.
#[derive(Debug, Clone)]
pub struct Imported {
    pub schedule: Schedule,
    pub warnings: Vec<Warning>,
    /// The file names its edition; when it does not, an existing edition keeps its name.
    pub named: bool,
}

/// The schedule formats Hallway reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// iCalendar from any producer, with Sched's and frab's conventions understood.
    Ical,
    /// frab / pentabarf / pretalx `schedule.xml`.
    FrabXml,
    /// c3voc `schedule.json` (version 1, and the flat version 2 drafts).
    FrabJson,
    /// pentabarf's xCal dialect.
    Xcal,
    /// CSV with a header row (Sched's exports and Hallway's own).
    Csv,
}

impl Format {
    pub const ALL: [Self; 5] = [
        Self::Ical,
        Self::FrabXml,
        Self::FrabJson,
        Self::Xcal,
        Self::Csv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ical => "ical",
            Self::FrabXml => "frab-xml",
            Self::FrabJson => "frab-json",
            Self::Xcal => "xcal",
            Self::Csv => "csv",
        }
    }

    /// Tells the format from the file's first bytes.
    pub fn detect(bytes: &[u8]) -> Result<Self, FormatError> {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if head.is_empty() {
            return Err(FormatError::whole("the file is empty").kind(ErrorKind::Empty));
        }
        if head.to_ascii_uppercase().starts_with("BEGIN:VCALENDAR") {
            return Ok(Self::Ical);
        }
        if head.starts_with('{') {
            return Ok(Self::FrabJson);
        }
        if head.starts_with('<') {
            return match root_name(head).as_deref() {
                Some("schedule") => Ok(Self::FrabXml),
                Some("iCalendar" | "icalendar" | "vcalendar") => Ok(Self::Xcal),
                Some(other) => Err(FormatError::line(
                    1,
                    format!(
                        "an XML file whose root is <{other}>: neither frab's <schedule> nor xCal"
                    ),
                )
                .kind(ErrorKind::Unsupported)),
                None => Err(FormatError::line(1, "an XML file without a root element")
                    .kind(ErrorKind::Unsupported)),
            };
        }
        let first_line = head.lines().next().unwrap_or_default();
        if first_line.contains(',') && csv::looks_like_header(first_line) {
            return Ok(Self::Csv);
        }
        let shown: String = first_line.chars().take(40).collect();
        Err(FormatError::line(
            1,
            format!(
                "not a schedule format Hallway reads (iCalendar, frab XML or JSON, xCal, CSV), found {shown:?}"
            ),
        )
        .kind(ErrorKind::Unsupported))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!("unknown format {s:?}: use ical, frab-xml, frab-json, xcal or csv")
            })
    }
}

/// The name of the first element of an XML document.
fn root_name(head: &str) -> Option<String> {
    let mut rest = head;
    loop {
        let at = rest.find('<')?;
        rest = &rest[at + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        return (!name.is_empty()).then_some(name);
    }
}

/// Reads a schedule in the given format.
pub fn read(format: Format, bytes: &[u8], opts: &ImportOptions) -> Result<Imported, FormatError> {
    // No database stores NUL in text; refusing it here keeps SQLite and PostgreSQL alike.
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(FormatError::line(
            line,
            "a NUL byte: a schedule is text (is the file binary, or UTF-16?)",
        )
        .kind(ErrorKind::Encoding));
    }
    match format {
        Format::Ical => sched::read(bytes, opts),
        Format::FrabXml => frab_xml::read(bytes, opts),
        Format::FrabJson => frab_json::read(bytes, opts),
        Format::Xcal => xcal::read(bytes, opts),
        Format::Csv => csv::read(bytes, opts),
    }
}

/// The formats Hallway writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    FrabXml,
    FrabJson,
    Ical,
    Csv,
    /// c3voc submission objects, one per session.
    Submissions,
}

impl ExportFormat {
    pub const ALL: [Self; 5] = [
        Self::FrabXml,
        Self::FrabJson,
        Self::Ical,
        Self::Csv,
        Self::Submissions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FrabXml => "frab-xml",
            Self::FrabJson => "frab-json",
            Self::Ical => "ical",
            Self::Csv => "csv",
            Self::Submissions => "submissions",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::FrabXml => "application/xml; charset=utf-8",
            Self::FrabJson | Self::Submissions => "application/json",
            Self::Ical => "text/calendar; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }

    /// Writes the schedule; `feed` narrows what an iCalendar export holds.
    pub fn write(self, export: &Export<'_>, feed: &Feed) -> String {
        match self {
            Self::FrabXml => frab_xml::write(export),
            Self::FrabJson => frab_json::write(export),
            Self::Ical => ical_out::write(export, feed),
            Self::Csv => csv::write(export),
            Self::Submissions => submission::write(export),
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!("unknown format {s:?}: use frab-xml, frab-json, ical, csv or submissions")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        let cases: [(&[u8], Format); 6] = [
            (b"\xEF\xBB\xBFBEGIN:VCALENDAR\r\n", Format::Ical),
            (b"<?xml version='1.0'?>\n<schedule>", Format::FrabXml),
            (
                b"<?xml version='1.0'?><!-- x --><iCalendar xmlns:pentabarf='x'>",
                Format::Xcal,
            ),
            (b"  {\"schedule\": {}}", Format::FrabJson),
            (b"url,title,event_types,start_local\n", Format::Csv),
            (b"guid,title,start,end,room\r\n", Format::Csv),
        ];
        for (bytes, format) in cases {
            assert_eq!(Format::detect(bytes).unwrap(), format);
        }
        assert_eq!(Format::detect(b" \n").unwrap_err().kind, ErrorKind::Empty);
        let err = Format::detect(b"<html><body>").unwrap_err();
        assert_eq!((err.kind, err.line), (ErrorKind::Unsupported, Some(1)));
        assert!(Format::detect(b"hello world").is_err());
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
    }
}
