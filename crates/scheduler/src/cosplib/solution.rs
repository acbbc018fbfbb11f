//! Timetables in CoSPLib's solution layout: a `sol` sheet whose first block gives each
//! session's track per room, and whose second block, after an empty row, gives each time slot's
//! submission per room; a `violations` sheet with the objective and its parts.

use super::eval::{Breakdown, Timetable};
use super::instance::Instance;
use super::sheet::Workbook;
use super::xlsx::{self, Cell, SheetOut};
use crate::error::{Located, SchedError};

/// Reads a solution of `inst`; names are matched with surrounding blanks ignored.
pub fn read(inst: &Instance, bytes: &[u8], file: &str) -> Result<Timetable, SchedError> {
    let book = Workbook::open(bytes, file)?;
    let sol = book.sheet("sol")?;
    let at = |row: usize, column: &str, message: String| {
        SchedError::Located(Located {
            file: file.to_owned(),
            sheet: "sol".to_owned(),
            row: Some(row + 1),
            column: Some(column.to_owned()),
            message,
        })
    };
    let rooms: Vec<(usize, usize)> = (1..sol.columns())
        .filter_map(|c| {
            let name = sol.text(0, c)?;
            Some(inst.room_index(&name).map(|r| (c, r)).ok_or(name))
        })
        .map(|x| x.map_err(|name| at(0, &name, "not a room of the instance".into())))
        .collect::<Result<_, _>>()?;
    let session_at = |row: usize, name: &str| {
        inst.session_index(name).ok_or_else(|| {
            at(
                row,
                "A",
                format!("{name:?} is not a session of the instance"),
            )
        })
    };
    let mut tt = Timetable::empty(inst);
    let mut row = 1;
    // Tracks, until the empty row.
    while row < sol.rows() {
        let Some(session) = sol.text(row, 0) else {
            break;
        };
        let s = session_at(row, &session)?;
        for &(c, r) in &rooms {
            if let Some(track) = sol.text(row, c) {
                let t = inst
                    .track_index(&track)
                    .ok_or_else(|| at(row, &inst.rooms[r], format!("{track:?} is not a track")))?;
                tt.tracks[s][r] = Some(t);
            }
        }
        row += 1;
    }
    // Submissions, one row per time slot.
    let mut next_slot = vec![0usize; inst.sessions.len()];
    while row < sol.rows() {
        let Some(session) = sol.text(row, 0) else {
            row += 1;
            continue;
        };
        let s = session_at(row, &session)?;
        let k = next_slot[s];
        if k >= inst.sessions[s].slots {
            return Err(at(
                row,
                "A",
                format!("{session} has only {} time slots", inst.sessions[s].slots),
            ));
        }
        next_slot[s] += 1;
        for &(c, r) in &rooms {
            if let Some(name) = sol.text(row, c) {
                let x = inst.submission_index(&name).ok_or_else(|| {
                    at(row, &inst.rooms[r], format!("{name:?} is not a submission"))
                })?;
                tt.cells[s][r][k] = Some(x);
            }
        }
        row += 1;
    }
    // A track in a cell that holds no submission is no track there (the checker clears them).
    for (s, rooms) in tt.cells.iter().enumerate() {
        for (r, cell) in rooms.iter().enumerate() {
            if cell.iter().all(Option::is_none) {
                tt.tracks[s][r] = None;
            }
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
        "Objective Value = {}",
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
