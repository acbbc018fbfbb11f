//! Reading the benchmark's .xlsx sheets through calamine, with located errors.

use super::instance::Weights;
use crate::error::{Located, SchedError};
use calamine::{Data, Range, Reader, Xlsx};
use std::io::Cursor;

pub struct Workbook {
    file: String,
    book: std::cell::RefCell<Xlsx<Cursor<Vec<u8>>>>,
}

pub struct Sheet {
    file: String,
    name: String,
    range: Range<Data>,
}

impl Workbook {
    pub fn open(bytes: &[u8], file: &str) -> Result<Self, SchedError> {
        let book = Xlsx::new(Cursor::new(bytes.to_vec()))
            .map_err(|e| SchedError::Invalid(format!("{file}: not an .xlsx workbook ({e})")))?;
        Ok(Self {
            file: file.to_owned(),
            book: std::cell::RefCell::new(book),
        })
    }

    pub fn sheet(&self, name: &str) -> Result<Sheet, SchedError> {
        let range = self.book.borrow_mut().worksheet_range(name).map_err(|e| {
            SchedError::Located(Located {
                file: self.file.clone(),
                sheet: name.to_owned(),
                row: None,
                column: None,
                message: format!("the sheet is missing or unreadable ({e})"),
            })
        })?;
        Ok(Sheet {
            file: self.file.clone(),
            name: name.to_owned(),
            range,
        })
    }
}

impl Sheet {
    fn cell(&self, r: usize, c: usize) -> &Data {
        // Ranges start at the first used cell; the benchmark's sheets start at A1.
        let (r0, c0) = self.range.start().unwrap_or((0, 0));
        let (r, c) = (r as i64 - i64::from(r0), c as i64 - i64::from(c0));
        if r < 0 || c < 0 {
            return &Data::Empty;
        }
        self.range
            .get((r as usize, c as usize))
            .unwrap_or(&Data::Empty)
    }

    pub fn rows(&self) -> usize {
        self.range.end().map_or(0, |(r, _)| r as usize + 1)
    }

    pub fn columns(&self) -> usize {
        self.range.end().map_or(0, |(_, c)| c as usize + 1)
    }

    fn error(&self, r: usize, column: &str, message: String) -> SchedError {
        SchedError::Located(Located {
            file: self.file.clone(),
            sheet: self.name.clone(),
            row: Some(r + 1),
            column: Some(column.to_owned()),
            message,
        })
    }

    /// The cell's text as written, blanks kept: the benchmark's checker matches names
    /// character for character, so a trailing blank is part of a name. `None` when empty.
    pub fn raw(&self, r: usize, c: usize) -> Option<String> {
        match self.cell(r, c) {
            Data::String(s) if s.is_empty() => None,
            Data::String(s) => Some(s.clone()),
            _ => self.text(r, c),
        }
    }

    /// The cell as trimmed text; `None` when empty.
    pub fn text(&self, r: usize, c: usize) -> Option<String> {
        let t = match self.cell(r, c) {
            Data::String(s) => s.trim().to_owned(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::DateTime(d) => d.as_f64().to_string(),
            Data::Error(_) | Data::Empty => String::new(),
        };
        (!t.is_empty()).then_some(t)
    }

    pub fn int(&self, r: usize, c: usize, column: &str) -> Result<i64, SchedError> {
        match self.cell(r, c) {
            Data::Empty => Err(self.error(r, column, "a number is needed here".into())),
            _ => self.int_or(r, c, 0, column),
        }
    }

    /// A whole number; an empty cell is `default`.
    pub fn int_or(
        &self,
        r: usize,
        c: usize,
        default: i64,
        column: &str,
    ) -> Result<i64, SchedError> {
        match self.cell(r, c) {
            Data::Empty => Ok(default),
            Data::Int(i) => Ok(*i),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(*f as i64),
            Data::String(s) if s.trim().is_empty() => Ok(default),
            Data::String(s) => s
                .trim()
                .parse()
                .map_err(|_| self.error(r, column, format!("not a whole number: {s:?}"))),
            other => Err(self.error(r, column, format!("not a whole number: {other}"))),
        }
    }

    /// A time of day as minutes after midnight (Excel times, or `HH:MM` text).
    pub fn minutes(&self, r: usize, c: usize, column: &str) -> Result<i32, SchedError> {
        let from_fraction = |f: f64| ((f.fract() * 24.0 * 60.0).round() as i32).rem_euclid(24 * 60);
        match self.cell(r, c) {
            Data::DateTime(d) => Ok(from_fraction(d.as_f64())),
            Data::Float(f) => Ok(from_fraction(*f)),
            Data::DateTimeIso(s) | Data::String(s) => {
                let t = s.rsplit('T').next().unwrap_or(s);
                let mut parts = t.trim().split(':');
                let h: Option<i32> = parts.next().and_then(|h| h.parse().ok());
                let m: Option<i32> = parts.next().and_then(|m| m.parse().ok());
                match (h, m) {
                    (Some(h), Some(m)) if (0..24).contains(&h) && (0..60).contains(&m) => {
                        Ok(h * 60 + m)
                    }
                    _ => Err(self.error(r, column, format!("not a time of day: {s:?}"))),
                }
            }
            other => Err(self.error(r, column, format!("not a time of day: {other}"))),
        }
    }

    /// The weights of the `parameters` sheet: column E of rows 2 to 17, by position as the
    /// checker reads them; each must be a whole number.
    pub fn weights(&self) -> Result<Weights, SchedError> {
        let mut values = [0i64; 16];
        for (i, v) in values.iter_mut().enumerate() {
            let r = i + 1;
            let label = self.text(r, 3).unwrap_or_else(|| "E".to_owned());
            *v = self.int(r, 4, &format!("E ({label})"))?;
        }
        let [
            tracks_sessions,
            tracks_rooms,
            sessions_rooms,
            similar_tracks,
            rooms_per_track,
            parallel_tracks,
            consecutive_tracks,
            timezones,
            order,
            submissions_sessions,
            submissions_rooms,
            presenters,
            attendees,
            chairs,
            presenters_timeslot,
            attendees_timeslot,
        ] = values;
        Ok(Weights {
            tracks_sessions,
            tracks_rooms,
            sessions_rooms,
            similar_tracks,
            rooms_per_track,
            parallel_tracks,
            consecutive_tracks,
            timezones,
            order,
            submissions_sessions,
            submissions_rooms,
            presenters,
            attendees,
            chairs,
            presenters_timeslot,
            attendees_timeslot,
        })
    }
}
