//! Timetables in CoSPLib's solution layout: a `sol` sheet whose first block gives each
//! session's track per room, and whose second block, after an empty row, gives each time slot's
//! submission per room; a `violations` sheet with the objective and its parts.

use super::eval::{Breakdown, Timetable};
use super::instance::Instance;
use super::sheet::Workbook;
use super::xlsx::{self, Cell, SheetOut};
use crate::error::{Located, SchedError};

/// Reads a solution of `inst` by position, as the checker does: row 1 names the rooms, the
/// next rows give each session's track per room, then after one empty row each session's time
/// slots, one row each. Names must be the instance's exactly, blanks included; a name the
/// instance lacks (or a label naming another session or room than the position's) is an error
/// naming its cell.
pub fn read(inst: &Instance, bytes: &[u8], file: &str) -> Result<Timetable, SchedError> {
    let book = Workbook::open(bytes, file)?;
    let sol = book.sheet("sol")?;
    let at = |row: usize, c: usize, message: String| {
        SchedError::Located(Located {
            file: file.to_owned(),
            sheet: "sol".to_owned(),
            row: Some(row + 1),
            column: Some(xlsx::column(c)),
            message,
        })
    };
    let rooms = inst.rooms.len();
    for c in 1..sol.columns() {
        let Some(name) = sol.raw(0, c) else { continue };
        match inst.rooms.get(c - 1) {
            Some(room) if *room == name => {}
            Some(room) => {
                return Err(at(
                    0,
                    c,
                    format!("{name:?} heads the column of room {room:?}"),
                ));
            }
            None => return Err(at(0, c, format!("{name:?} is not a room of the instance"))),
        }
    }
    let session_label = |row: usize, s: usize| match sol.raw(row, 0) {
        Some(name) if name != inst.sessions[s].name => Err(at(
            row,
            0,
            format!(
                "{name:?} labels the row of session {:?}",
                inst.sessions[s].name
            ),
        )),
        _ => Ok(()),
    };
    // Anything beyond the instance's rooms is refused rather than silently dropped.
    let cell = |row: usize, c: usize| -> Result<Option<String>, SchedError> {
        match sol.raw(row, c) {
            Some(name) if c > rooms => Err(at(row, c, format!("{name:?} is outside the rooms"))),
            other => Ok(other),
        }
    };
    let mut tt = Timetable::empty(inst);
    for s in 0..inst.sessions.len() {
        let row = 1 + s;
        session_label(row, s)?;
        for c in 1..sol.columns().max(rooms + 1) {
            if let Some(track) = cell(row, c)? {
                let t = inst.track_index(&track).ok_or_else(|| {
                    at(row, c, format!("{track:?} is not a track of the instance"))
                })?;
                tt.tracks[s][c - 1] = Some(t);
            }
        }
    }
    let mut row = inst.sessions.len() + 2;
    for (s, session) in inst.sessions.iter().enumerate() {
        for k in 0..session.slots {
            session_label(row, s)?;
            for c in 1..sol.columns().max(rooms + 1) {
                if let Some(name) = cell(row, c)? {
                    let x = inst.submission_index(&name).ok_or_else(|| {
                        at(
                            row,
                            c,
                            format!("{name:?} is not a submission of the instance"),
                        )
                    })?;
                    tt.cells[s][c - 1][k] = Some(x);
                }
            }
            row += 1;
        }
    }
    Ok(tt)
}

/// The solution as an .xlsx workbook in CoSPLib's layout.
pub fn write(inst: &Instance, tt: &Timetable, breakdown: &Breakdown) -> std::io::Result<Vec<u8>> {
    let text = |s: &str| Cell::Text(s.to_owned());
    let mut rows = Vec::new();
    let mut header = vec![Cell::Empty];
    header.extend(inst.rooms.iter().map(|r| text(r)));
    rows.push(header);
    for (s, session) in inst.sessions.iter().enumerate() {
        let mut row = vec![text(&session.name)];
        row.extend(tt.tracks[s].iter().map(|t| match t {
            Some(t) => text(&inst.tracks[*t].name),
            None => Cell::Empty,
        }));
        rows.push(row);
    }
    rows.push(Vec::new());
    for (s, session) in inst.sessions.iter().enumerate() {
        for k in 0..session.slots {
            let mut row = vec![text(&session.name)];
            row.extend(tt.cells[s].iter().map(|cell| match cell[k] {
                Some(x) => text(&inst.submissions[x].name),
                None => Cell::Empty,
            }));
            rows.push(row);
        }
    }
    let mut head = vec![text("Obj")];
    let mut values = vec![Cell::Text(format!(
        "Final Objective = {}",
        breakdown.total()
    ))];
    for c in &breakdown.components {
        head.push(text(&format!("Evaluate {}", c.name)));
        values.push(Cell::Number(c.value));
    }
    xlsx::write(&[
        SheetOut {
            name: "sol".into(),
            rows,
        },
        SheetOut {
            name: "violations".into(),
            rows: vec![head, values],
        },
    ])
}
