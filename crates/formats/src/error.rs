use std::fmt;

/// What kind of problem made a file unreadable, for callers that act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Nothing in the file.
    Empty,
    /// Bytes that are not the text encoding the format requires.
    Encoding,
    /// Not well-formed for its format (XML, JSON, iCalendar content lines, CSV quoting).
    Syntax,
    /// The file stops in the middle of a structure.
    Truncated,
    /// Something every schedule of the format must have is missing.
    Missing,
    /// A value that cannot be right: an impossible date, a negative duration.
    Invalid,
    /// Not a schedule format Hallway reads, or larger than it accepts.
    Unsupported,
}

/// A file that cannot be read as a schedule, with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FormatError {
    pub kind: ErrorKind,
    /// 1-based line in the file, when the problem has one.
    pub line: Option<usize>,
    /// The property, element or field at fault.
    pub field: Option<String>,
    pub message: String,
}

impl FormatError {
    pub fn at(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Invalid,
            line: Some(line),
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn line(line: usize, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Invalid,
            line: Some(line),
            field: None,
            message: message.into(),
        }
    }

    /// A problem with a field that has no line (JSON values, CSV columns).
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Invalid,
            line: None,
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn whole(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Invalid,
            line: None,
            field: None,
            message: message.into(),
        }
    }

    pub fn kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.field) {
            (Some(l), Some(p)) => write!(f, "line {l}, {p}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(p)) => write!(f, "{p}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Something a reader accepted but worked around; shown in the import report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub line: Option<usize>,
    pub kind: Repair,
    pub message: String,
}

/// The kinds of repair a reader makes, so an import report can count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Repair {
    /// The venue's zone was guessed (from its city or the offsets).
    ZoneGuessed,
    /// A zone named by a time was unknown or undeclared.
    ZoneAssumed,
    /// The conference's stated dates were unreadable, or sessions fall outside them.
    Dates,
    /// Days that disagree with the times, or a start that disagrees with its date.
    DaysMismatch,
    /// A session the file lists that could not be taken (no UID, duplicate UID).
    Skipped,
    /// An id or GUID used twice.
    Duplicate,
    /// A session without a room or an end time.
    Incomplete,
    /// Speakers read out of session titles, by the rules that split them.
    Speakers,
}

impl Repair {
    pub fn label(self) -> &'static str {
        match self {
            Self::ZoneGuessed => "time zone guessed",
            Self::ZoneAssumed => "time zone assumed",
            Self::Dates => "conference dates",
            Self::DaysMismatch => "days and times disagree",
            Self::Skipped => "session skipped",
            Self::Duplicate => "duplicate id",
            Self::Incomplete => "incomplete session",
            Self::Speakers => "speakers read from titles",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}
