//! The layout of one day's grid, as a pure function of its sessions and rooms: which rooms get a
//! column and in what order, where the day starts, which items are logistics shown in a band
//! above the grid, and which sessions share a room at once and so are shown as one stack instead
//! of boxes drawn over each other.

/// What a grid entry is, for where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A session people choose to attend: it gets a box in its room's column.
    Program,
    /// Badge pick-up, breaks, all-day expo or co-located blocks: a line in the band.
    Logistics,
}

/// One session (one slot of it) on the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The caller's index of the item.
    pub id: usize,
    pub room: Option<String>,
    /// Minutes since the day's midnight; after-midnight sessions of the day count on past 1440.
    pub start: i64,
    pub end: i64,
    pub kind: Kind,
}

/// A room as the grid orders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub slug: String,
    pub capacity: Option<u32>,
}

/// One box of the grid: a session alone, or sessions that share the room at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Index into `Layout::columns`.
    pub column: usize,
    pub start: i64,
    pub end: i64,
    /// Entry ids in start order; more than one makes a stack.
    pub entries: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The first and last minute shown: the day's first and last program session, to the half
    /// hour.
    pub first: i64,
    pub last: i64,
    /// Room slugs, biggest and busiest first.
    pub columns: Vec<String>,
    pub blocks: Vec<Block>,
    /// Logistics entries and sessions without a room, in time order.
    pub band: Vec<usize>,
}

const HALF_HOUR: i64 = 30;

/// Lays out a day whose rows are `row` minutes: blocks start and end on row lines, so that two
/// sessions are one stack when they would share a row, not only when their minutes overlap.
pub fn layout(entries: &[Entry], rooms: &[Room], row: i64) -> Layout {
    let floor = |m: i64| m - m.rem_euclid(row);
    let ceil = |m: i64| floor(m + row - 1);
    // A box is at least this tall, room for two lines of a title: a run of three-minute
    // keynotes back to back becomes one stack to read down, not a row of slivers.
    let shortest = 4 * row;
    let end_of = |e: &Entry| e.end.max(e.start + shortest);
    let placed = |e: &&Entry| e.kind == Kind::Program && e.room.is_some();
    let mut band: Vec<&Entry> = entries.iter().filter(|e| !placed(e)).collect();
    band.sort_by_key(|e| (e.start, e.end, e.id));
    let program: Vec<&Entry> = entries.iter().filter(placed).collect();

    // Rooms by importance: seats, then how many sessions they hold today, then the venue's order.
    let count = |slug: &str| {
        program
            .iter()
            .filter(|e| e.room.as_deref() == Some(slug))
            .count()
    };
    let mut columns: Vec<(usize, &Room, usize)> = rooms
        .iter()
        .enumerate()
        .map(|(i, r)| (i, r, count(&r.slug)))
        .filter(|(_, _, n)| *n > 0)
        .collect();
    columns.sort_by_key(|(i, r, n)| {
        (
            std::cmp::Reverse(r.capacity.unwrap_or(0)),
            std::cmp::Reverse(*n),
            *i,
        )
    });
    let columns: Vec<String> = columns
        .into_iter()
        .map(|(_, r, _)| r.slug.clone())
        .collect();

    let (first, last) = match (
        program.iter().map(|e| e.start).min(),
        program.iter().map(|e| end_of(e)).max(),
    ) {
        (Some(a), Some(b)) => (
            a - a.rem_euclid(HALF_HOUR),
            b + (HALF_HOUR - b.rem_euclid(HALF_HOUR)) % HALF_HOUR,
        ),
        _ => (9 * 60, 10 * 60),
    };

    let mut blocks = Vec::new();
    for (column, slug) in columns.iter().enumerate() {
        let mut in_room: Vec<&Entry> = program
            .iter()
            .copied()
            .filter(|e| e.room.as_deref() == Some(slug.as_str()))
            .collect();
        in_room.sort_by_key(|e| (e.start, e.end, e.id));
        // Sessions that overlap, directly or through another, share one block.
        let mut current: Option<Block> = None;
        for e in in_room {
            let (start, end) = (floor(e.start), ceil(end_of(e)));
            match &mut current {
                Some(b) if start < b.end => {
                    b.end = b.end.max(end);
                    b.entries.push(e.id);
                }
                _ => {
                    blocks.extend(current.take());
                    current = Some(Block {
                        column,
                        start,
                        end,
                        entries: vec![e.id],
                    });
                }
            }
        }
        blocks.extend(current);
    }
    Layout {
        first,
        last,
        columns,
        blocks,
        band: band.into_iter().map(|e| e.id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: usize, room: &str, start: i64, end: i64) -> Entry {
        Entry {
            id,
            room: Some(room.to_owned()),
            start,
            end,
            kind: Kind::Program,
        }
    }

    fn room(slug: &str, capacity: Option<u32>) -> Room {
        Room {
            slug: slug.to_owned(),
            capacity,
        }
    }

    #[test]
    fn rooms_are_ordered_by_seats_then_sessions() {
        let rooms = [
            room("small", Some(100)),
            room("busy", None),
            room("hall", Some(5000)),
            room("empty", Some(9000)),
        ];
        let entries = [
            entry(0, "small", 600, 630),
            entry(1, "busy", 600, 630),
            entry(2, "busy", 640, 670),
            entry(3, "hall", 540, 600),
        ];
        let l = layout(&entries, &rooms, 5);
        assert_eq!(
            l.columns,
            vec!["hall", "small", "busy"],
            "an empty room gets no column"
        );
        assert_eq!(
            (l.first, l.last),
            (540, 690),
            "from the first session to the half hour"
        );
    }

    #[test]
    fn logistics_and_roomless_sessions_go_to_the_band() {
        let mut badge = entry(0, "lobby", 390, 1080);
        badge.kind = Kind::Logistics;
        let roomless = Entry {
            room: None,
            ..entry(1, "", 600, 630)
        };
        let l = layout(
            &[badge, roomless, entry(2, "hall", 540, 600)],
            &[room("lobby", None), room("hall", None)],
            5,
        );
        assert_eq!(l.band, vec![0, 1]);
        assert_eq!(l.columns, vec!["hall"]);
        assert_eq!(
            l.first, 540,
            "the day starts at its first real session, not at badge pick-up"
        );
    }

    #[test]
    fn sessions_that_share_a_room_at_once_are_one_stack() {
        // A keynote block of short talks, and lightning talks that overlap one another.
        let entries = [
            entry(0, "hall", 540, 560),
            entry(1, "hall", 543, 546),
            entry(2, "hall", 546, 549),
            entry(3, "hall", 600, 630),
            entry(4, "hall", 630, 660),
        ];
        let l = layout(&entries, &[room("hall", None)], 5);
        assert_eq!(
            l.blocks,
            vec![
                Block {
                    column: 0,
                    start: 540,
                    end: 570,
                    entries: vec![0, 1, 2]
                },
                Block {
                    column: 0,
                    start: 600,
                    end: 630,
                    entries: vec![3]
                },
                Block {
                    column: 0,
                    start: 630,
                    end: 660,
                    entries: vec![4]
                },
            ],
            "back to back is not at once"
        );
    }

    #[test]
    fn short_talks_back_to_back_are_one_stack() {
        // Five-minute keynotes from 09:00, then a talk at 10:00.
        let mut entries: Vec<Entry> = (0..6)
            .map(|i| entry(i, "hall", 540 + 5 * i as i64, 545 + 5 * i as i64))
            .collect();
        entries.push(entry(6, "hall", 600, 630));
        let l = layout(&entries, &[room("hall", None)], 5);
        assert_eq!(l.blocks[0].entries, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!((l.blocks[0].start, l.blocks[0].end), (540, 585));
        assert_eq!(l.blocks[1].entries, vec![6]);
        assert!(
            l.blocks.iter().all(|b| b.end - b.start >= 20),
            "every box has room for two lines"
        );
    }

    #[test]
    fn no_two_blocks_of_a_column_overlap() {
        let mut entries = Vec::new();
        for i in 0..200 {
            let start = 480 + (i * 37 % 600) as i64;
            entries.push(entry(
                i,
                ["a", "b", "c"][i % 3],
                start,
                start + 5 + (i * 13 % 90) as i64,
            ));
        }
        let l = layout(
            &entries,
            &[room("a", None), room("b", None), room("c", None)],
            5,
        );
        for x in &l.blocks {
            for y in &l.blocks {
                if x != y && x.column == y.column {
                    assert!(x.end <= y.start || y.end <= x.start, "{x:?} {y:?}");
                }
            }
        }
        let placed: usize = l.blocks.iter().map(|b| b.entries.len()).sum();
        assert_eq!(placed, 200, "every session is placed once");
    }
}
