//! A CoSPLib instance: tracks to be placed into (session, room) cells, and each track's
//! submissions into the time slots of its cells; penalty matrices and weights say what is bad.
//! Read from the benchmark's .xlsx layout (its README, "Data Format").

use super::sheet::{Sheet, Workbook};
use crate::error::{Located, SchedError};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Session {
    pub name: String,
    pub slots: usize,
    /// Minutes after midnight, venue time.
    pub start: i32,
    pub end: i32,
}

#[derive(Debug, Clone)]
pub struct Track {
    pub name: String,
    pub chairs: Vec<String>,
    /// Submissions of the track, in the order of the submissions sheet.
    pub submissions: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Submission {
    pub name: String,
    pub track: usize,
    /// Consecutive time slots the submission needs.
    pub slots: usize,
    /// Position within its track; 0 when any will do.
    pub order: usize,
    /// The presenter's offset from UTC, in minutes.
    pub utc_offset: i32,
    pub presenters: Vec<String>,
    pub attendees: Vec<String>,
}

/// The weights of the `parameters` sheet; a zero weight turns its penalty off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Weights {
    pub tracks_sessions: i64,
    pub tracks_rooms: i64,
    pub sessions_rooms: i64,
    pub similar_tracks: i64,
    pub rooms_per_track: i64,
    pub parallel_tracks: i64,
    pub consecutive_tracks: i64,
    pub timezones: i64,
    pub order: i64,
    pub submissions_sessions: i64,
    pub submissions_rooms: i64,
    pub presenters: i64,
    pub attendees: i64,
    pub chairs: i64,
    pub presenters_timeslot: i64,
    pub attendees_timeslot: i64,
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub name: String,
    pub sessions: Vec<Session>,
    pub rooms: Vec<String>,
    pub tracks: Vec<Track>,
    pub submissions: Vec<Submission>,
    pub weights: Weights,
    /// `[track][session]`, `[track][room]`, `[track][track]`, `[session][room]`,
    /// `[submission][session]`, `[submission][room]`, `[submission][session]`: raw sheet values.
    pub track_session: Vec<Vec<i64>>,
    pub track_room: Vec<Vec<i64>>,
    pub similar: Vec<Vec<i64>>,
    pub session_room: Vec<Vec<i64>>,
    pub submission_session: Vec<Vec<i64>>,
    pub submission_room: Vec<Vec<i64>>,
    pub submission_timezone: Vec<Vec<i64>>,
    /// Submissions that share a presenter, by submission.
    pub presenter_conflicts: Vec<Vec<usize>>,
    /// Submissions an attendee (or a chair attending) wants to see both of, by submission.
    pub attendee_conflicts: Vec<Vec<usize>>,
    /// Tracks that share a chair.
    pub chair_conflicts: Vec<Vec<usize>>,
    /// `[session][slot]`: the checker's key for a time slot, and how many slots share each key.
    pub slot_group: Vec<Vec<usize>>,
    pub slot_group_multiplicity: Vec<usize>,
    /// `[session][room]`: the checker's key for a cell.
    pub cell_group: Vec<Vec<usize>>,
}

impl Instance {
    pub fn track_index(&self, name: &str) -> Option<usize> {
        self.tracks.iter().position(|t| t.name == name)
    }

    pub fn room_index(&self, name: &str) -> Option<usize> {
        self.rooms.iter().position(|r| r == name)
    }

    pub fn session_index(&self, name: &str) -> Option<usize> {
        self.sessions.iter().position(|s| s.name == name)
    }

    pub fn submission_index(&self, name: &str) -> Option<usize> {
        self.submissions.iter().position(|s| s.name == name)
    }

    /// Slots the whole instance needs and offers.
    pub fn slots_needed(&self) -> usize {
        self.submissions.iter().map(|s| s.slots).sum()
    }

    pub fn slots_offered(&self) -> usize {
        self.sessions.iter().map(|s| s.slots).sum::<usize>() * self.rooms.len()
    }

    /// Reads an instance; errors name the sheet, row and column at fault.
    pub fn read(bytes: &[u8], name: &str) -> Result<Self, SchedError> {
        let book = Workbook::open(bytes, name)?;
        let at = |sheet: &str, row: usize, column: &str, message: String| {
            SchedError::Located(Located {
                file: name.to_owned(),
                sheet: sheet.to_owned(),
                row: Some(row),
                column: Some(column.to_owned()),
                message,
            })
        };

        let sessions_sheet = book.sheet("sessions")?;
        let mut sessions = Vec::new();
        for r in 1..sessions_sheet.rows() {
            let Some(name) = sessions_sheet.raw(r, 0) else {
                continue;
            };
            let slots = sessions_sheet.int(r, 1, "Max Number of Timeslots")?;
            let slots = usize::try_from(slots)
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| {
                    at(
                        "sessions",
                        r + 1,
                        "Max Number of Timeslots",
                        "must be positive".into(),
                    )
                })?;
            sessions.push(Session {
                name,
                slots,
                start: sessions_sheet.minutes(r, 3, "Start Time")?,
                end: sessions_sheet.minutes(r, 4, "End Time")?,
            });
        }
        let rooms_sheet = book.sheet("rooms")?;
        let rooms: Vec<String> = (1..rooms_sheet.rows())
            .filter_map(|r| rooms_sheet.raw(r, 0))
            .collect();
        let tracks_sheet = book.sheet("tracks")?;
        let mut tracks: Vec<Track> = (1..tracks_sheet.rows())
            .filter_map(|r| {
                let name = tracks_sheet.raw(r, 0)?;
                Some(Track {
                    name,
                    chairs: list(&tracks_sheet.raw(r, 1).unwrap_or_default()),
                    submissions: Vec::new(),
                })
            })
            .collect();
        if sessions.is_empty() || rooms.is_empty() || tracks.is_empty() {
            return Err(SchedError::Invalid(format!(
                "{name}: an instance needs sessions, rooms and tracks"
            )));
        }
        let track_of: HashMap<String, usize> = tracks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();

        // The submissions sheet: seven fixed columns, then a penalty per session and per room.
        let subs = book.sheet("submissions")?;
        let header = |c: usize| subs.raw(0, c).unwrap_or_default();
        let session_columns: Vec<usize> = sessions
            .iter()
            .map(|s| {
                (7..subs.columns())
                    .find(|&c| header(c) == s.name)
                    .ok_or_else(|| {
                        at(
                            "submissions",
                            1,
                            &s.name,
                            "no column for this session".into(),
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        let room_columns: Vec<usize> = rooms
            .iter()
            .map(|room| {
                (7..subs.columns())
                    .find(|&c| &header(c) == room)
                    .ok_or_else(|| at("submissions", 1, room, "no column for this room".into()))
            })
            .collect::<Result<_, _>>()?;
        let mut submissions = Vec::new();
        let mut submission_session = Vec::new();
        let mut submission_room = Vec::new();
        for r in 1..subs.rows() {
            let Some(sub_name) = subs.raw(r, 0) else {
                continue;
            };
            let track_name = subs.raw(r, 1).unwrap_or_default();
            let track = *track_of.get(&track_name).ok_or_else(|| {
                at(
                    "submissions",
                    r + 1,
                    "Track",
                    format!("unknown track {track_name:?} (not in the tracks sheet)"),
                )
            })?;
            let slots = usize::try_from(subs.int(r, 2, "Required Timeslots")?)
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| {
                    at(
                        "submissions",
                        r + 1,
                        "Required Timeslots",
                        "must be positive".into(),
                    )
                })?;
            let order = usize::try_from(subs.int_or(r, 3, 0, "Order")?)
                .map_err(|_| at("submissions", r + 1, "Order", "must not be negative".into()))?;
            let zone = subs.text(r, 4).unwrap_or_else(|| "GMT+0".into());
            let utc_offset = gmt_offset(&zone).ok_or_else(|| {
                at(
                    "submissions",
                    r + 1,
                    "Time Zone",
                    format!("not a GMT offset: {zone:?}"),
                )
            })?;
            tracks[track].submissions.push(submissions.len());
            submission_session.push(
                session_columns
                    .iter()
                    .map(|&c| subs.int_or(r, c, 0, &header(c)))
                    .collect::<Result<Vec<_>, _>>()?,
            );
            submission_room.push(
                room_columns
                    .iter()
                    .map(|&c| subs.int_or(r, c, 0, &header(c)))
                    .collect::<Result<Vec<_>, _>>()?,
            );
            submissions.push(Submission {
                name: sub_name,
                track,
                slots,
                order,
                utc_offset,
                presenters: list(&subs.raw(r, 5).unwrap_or_default()),
                attendees: list(&subs.raw(r, 6).unwrap_or_default()),
            });
        }
        if let Some(empty) = tracks.iter().find(|t| t.submissions.is_empty()) {
            return Err(SchedError::Invalid(format!(
                "{name}: track {:?} has no submissions",
                empty.name
            )));
        }

        let matrix =
            |sheet: &str, rows: &[String], cols: &[String]| -> Result<Vec<Vec<i64>>, SchedError> {
                let s = book.sheet(sheet)?;
                let col_of: HashMap<String, usize> = (1..s.columns())
                    .filter_map(|c| s.raw(0, c).map(|n| (n, c)))
                    .collect();
                let row_of: HashMap<String, usize> = (1..s.rows())
                    .filter_map(|r| s.raw(r, 0).map(|n| (n, r)))
                    .collect();
                rows.iter()
                    .map(|rn| {
                        let Some(&r) = row_of.get(rn) else {
                            return Err(at(sheet, 1, rn, "no row for this name".into()));
                        };
                        cols.iter()
                            .map(|cn| match col_of.get(cn) {
                                Some(&c) => s.int_or(r, c, 0, cn),
                                None => Err(at(sheet, 1, cn, "no column for this name".into())),
                            })
                            .collect()
                    })
                    .collect()
            };
        let session_names: Vec<String> = sessions.iter().map(|s| s.name.clone()).collect();
        let track_names: Vec<String> = tracks.iter().map(|t| t.name.clone()).collect();
        let track_session = matrix("tracks_sessions|penalty", &track_names, &session_names)?;
        let track_room = matrix("tracks_rooms|penalty", &track_names, &rooms)?;
        let session_room = matrix("sessions_rooms|penalty", &session_names, &rooms)?;
        let similar = similar_tracks(&book, &track_names)?;

        let weights = book.sheet("parameters")?.weights()?;
        let params = book.sheet("parameters")?;
        let local = gmt_offset(&params.text(1, 1).unwrap_or_else(|| "GMT+0".into()))
            .ok_or_else(|| at("parameters", 2, "B", "not a GMT offset".into()))?;
        let window = TimeWindow {
            suitable: (params.minutes(3, 1, "From")?, params.minutes(4, 1, "To")?),
            less_suitable: (params.minutes(6, 1, "From")?, params.minutes(7, 1, "To")?),
            small: params.int_or(8, 1, 1, "Penalty")?,
            big: params.int_or(10, 1, 10, "Penalty")?,
        };
        let submission_timezone = submissions
            .iter()
            .map(|sub| {
                sessions
                    .iter()
                    .map(|s| window.penalty(s, local, sub.utc_offset))
                    .collect()
            })
            .collect();

        let mut inst = Self {
            name: name.to_owned(),
            sessions,
            rooms,
            tracks,
            submissions,
            weights,
            track_session,
            track_room,
            similar,
            session_room,
            submission_session,
            submission_room,
            submission_timezone,
            presenter_conflicts: Vec::new(),
            attendee_conflicts: Vec::new(),
            chair_conflicts: Vec::new(),
            slot_group: Vec::new(),
            slot_group_multiplicity: Vec::new(),
            cell_group: Vec::new(),
        };
        inst.derive_conflicts();
        Ok(inst)
    }

    /// Who cannot be in two places, as the checker derives it: two submissions clash for
    /// presenters when one's presenter presents the other or chairs the other's (different)
    /// track; for attendees when one's attendee attends, presents or chairs the other; two
    /// tracks clash when they share a chair. Blank names never match.
    pub fn derive_conflicts(&mut self) {
        let n = self.submissions.len();
        let mut presenters = vec![Vec::new(); n];
        let mut attendees = vec![Vec::new(); n];
        let named = |list: &[String], p: &String| !p.is_empty() && list.contains(p);
        for i in 0..n {
            for j in (i + 1)..n {
                let (a, b) = (&self.submissions[i], &self.submissions[j]);
                let other_track = a.track != b.track;
                let (chairs_a, chairs_b) =
                    (&self.tracks[a.track].chairs, &self.tracks[b.track].chairs);
                let presents = |x: &Submission, y: &Submission, chairs_y: &[String]| {
                    x.presenters
                        .iter()
                        .any(|p| named(&y.presenters, p) || (other_track && named(chairs_y, p)))
                };
                if presents(a, b, chairs_b) || presents(b, a, chairs_a) {
                    presenters[i].push(j);
                    presenters[j].push(i);
                }
                let wants = |x: &Submission, y: &Submission, chairs_y: &[String]| {
                    x.attendees.iter().any(|p| {
                        named(&y.attendees, p)
                            || named(&y.presenters, p)
                            || (other_track && named(chairs_y, p))
                    })
                };
                if wants(a, b, chairs_b) || wants(b, a, chairs_a) {
                    attendees[i].push(j);
                    attendees[j].push(i);
                }
            }
        }
        let t = self.tracks.len();
        let mut chairs = vec![Vec::new(); t];
        for a in 0..t {
            for b in (a + 1)..t {
                let shared = self.tracks[a]
                    .chairs
                    .iter()
                    .any(|c| named(&self.tracks[b].chairs, c));
                if shared {
                    chairs[a].push(b);
                    chairs[b].push(a);
                }
            }
        }
        self.presenter_conflicts = presenters;
        self.attendee_conflicts = attendees;
        self.chair_conflicts = chairs;
        self.derive_groups();
    }

    /// The checker keys time slots by `session name + slot number` and cells by
    /// `session name + room name`; names that run together ("S1" slot 10, "S11" slot 0) share a key, and
    /// share what is counted under it.
    fn derive_groups(&mut self) {
        let mut keys: HashMap<String, usize> = HashMap::new();
        let mut id = |key: String| {
            let next = keys.len();
            *keys.entry(key).or_insert(next)
        };
        self.slot_group = self
            .sessions
            .iter()
            .map(|s| (0..s.slots).map(|k| id(format!("{}{k}", s.name))).collect())
            .collect();
        let mut multiplicity = vec![0; keys.len()];
        for g in self.slot_group.iter().flatten() {
            multiplicity[*g] += 1;
        }
        self.slot_group_multiplicity = multiplicity;
        let mut keys: HashMap<String, usize> = HashMap::new();
        self.cell_group = self
            .sessions
            .iter()
            .map(|s| {
                self.rooms
                    .iter()
                    .map(|r| {
                        let next = keys.len();
                        *keys.entry(format!("{}{r}", s.name)).or_insert(next)
                    })
                    .collect()
            })
            .collect();
    }

    pub fn slot_groups(&self) -> usize {
        self.slot_group_multiplicity.len()
    }
}

/// `"P1, P2"` as the checker splits it: on ", " exactly, blanks kept (an empty cell is one
/// blank name, which matches nothing).
fn list(cell: &str) -> Vec<String> {
    cell.split(", ").map(str::to_owned).collect()
}

/// `GMT+8`, `GMT-4`, `GMT+5:30`, `UTC` as minutes from UTC.
pub fn gmt_offset(zone: &str) -> Option<i32> {
    let z = zone.trim().to_ascii_uppercase();
    let rest = z.strip_prefix("GMT").or_else(|| z.strip_prefix("UTC"))?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, digits) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None => (digits.parse::<i32>().ok()?, 0),
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

struct TimeWindow {
    suitable: (i32, i32),
    less_suitable: (i32, i32),
    small: i64,
    big: i64,
}

impl TimeWindow {
    /// How unsuitable a session's hours are where the presenter lives.
    fn penalty(&self, s: &Session, local: i32, presenter: i32) -> i64 {
        let shift = |t: i32| (t - local + presenter).rem_euclid(24 * 60);
        let (start, end) = (shift(s.start), shift(s.end));
        let (less_from, less_to) = self.less_suitable;
        let (from, to) = self.suitable;
        if start < less_from || end > less_to || end < less_from {
            self.big
        } else if (start >= less_from && start < from) || (end > to && end <= less_to) {
            self.small
        } else {
            0
        }
    }
}

/// The `similar tracks` sheet, made symmetric the way the benchmark's checker reads it: the
/// value of two tracks is the cell in the row of the one listed first.
fn similar_tracks(book: &Workbook, tracks: &[String]) -> Result<Vec<Vec<i64>>, SchedError> {
    let s: Sheet = book.sheet("similar tracks")?;
    let rows: Vec<(usize, usize)> = (1..s.rows())
        .filter_map(|r| {
            let name = s.raw(r, 0)?;
            tracks.iter().position(|t| *t == name).map(|t| (r, t))
        })
        .collect();
    let mut m = vec![vec![0; tracks.len()]; tracks.len()];
    for (i, &(_, ti)) in rows.iter().enumerate() {
        for (y, &(row_y, ty)) in rows.iter().enumerate() {
            if y == i {
                continue;
            }
            let v = s.int_or(row_y, i + 1, 0, "similar")?;
            m[ti][ty] = v;
            m[ty][ti] = v;
        }
    }
    Ok(m)
}
