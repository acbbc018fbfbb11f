//! An unconference board turned into sessions: topics that attendees voted for go into a block
//! of slots and rooms, so that the most-voted topics get the biggest rooms and as few voters as
//! possible find two of their topics at the same time.
//!
//! Both are counted in people: a topic's voters beyond its room's capacity (who will not get
//! in), and for each voter every pair of their topics that share a slot (one they will miss).
//! Between plans that cost the same people, the one with more votes in bigger rooms wins
//! (the sum of votes times capacity, highest when rooms and topics are paired in size order),
//! so that a topic with room to spare still gets the big room when it is the most wanted.
//! A greedy start (most votes first, into the cell that costs least) is improved by moving
//! topics to free cells and swapping pairs until no move helps. Deterministic: the same board
//! gives the same sessions.

/// Where a topic goes: `(slot, room)` by index.
pub type Cell = (usize, usize);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Per topic, its cell, or `None` when there were more topics than cells and it had the
    /// fewest votes.
    pub cells: Vec<Option<Cell>>,
    /// Voters beyond their topic's room capacity, over all topics.
    pub overflow: u64,
    /// Pairs of one voter's topics in the same slot, over all voters.
    pub clashes: u64,
    /// Votes times the capacity missing to the biggest room, over the placed topics: 0 when
    /// every topic is in a room as big as any; the lower, the more votes in bigger rooms.
    pub misfit: u64,
}

/// What a placement costs: people first (left out or clashing), then misfit; compared in
/// that order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Cost {
    people: u64,
    misfit: u64,
}

impl std::ops::Add for Cost {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            people: self.people + o.people,
            misfit: self.misfit + o.misfit,
        }
    }
}

/// `votes[v]` lists the topics voter `v` voted for; `capacities[r]` is room `r`'s size.
pub fn plan(topics: usize, votes: &[Vec<usize>], slots: usize, capacities: &[u32]) -> Plan {
    let mut voters_of: Vec<Vec<usize>> = vec![Vec::new(); topics];
    for (v, list) in votes.iter().enumerate() {
        for &t in list {
            if !voters_of[t].contains(&v) {
                voters_of[t].push(v);
            }
        }
    }
    let mut by_votes: Vec<usize> = (0..topics).collect();
    by_votes.sort_by_key(|&t| (std::cmp::Reverse(voters_of[t].len()), t));
    by_votes.truncate(slots * capacities.len());

    let mut board = Board {
        cells: vec![None; topics],
        taken: vec![vec![None; capacities.len()]; slots],
        per_slot: vec![vec![0u32; slots]; votes.len()],
        voters_of,
        capacities,
        biggest: capacities.iter().copied().max().unwrap_or(0),
    };
    for &t in &by_votes {
        let cell = board
            .free_cells()
            .min_by_key(|&c| (board.cost_at(t, c), c))
            .expect("there are as many cells as topics kept");
        board.put(t, cell);
    }
    while board.improve(&by_votes) {}
    let overflow = by_votes
        .iter()
        .map(|&t| board.overflow_at(t, board.cells[t].expect("placed")))
        .sum();
    let clashes = board
        .per_slot
        .iter()
        .flatten()
        .map(|&n| u64::from(n) * u64::from(n.saturating_sub(1)) / 2)
        .sum();
    let misfit = by_votes
        .iter()
        .map(|&t| board.misfit_at(t, board.cells[t].expect("placed")))
        .sum();
    Plan {
        cells: board.cells,
        overflow,
        clashes,
        misfit,
    }
}

struct Board<'a> {
    cells: Vec<Option<Cell>>,
    taken: Vec<Vec<Option<usize>>>,
    /// `[voter][slot]`: how many of the voter's topics are in the slot.
    per_slot: Vec<Vec<u32>>,
    voters_of: Vec<Vec<usize>>,
    capacities: &'a [u32],
    biggest: u32,
}

impl Board<'_> {
    fn free_cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.taken.iter().enumerate().flat_map(|(s, rooms)| {
            rooms
                .iter()
                .enumerate()
                .filter(|(_, t)| t.is_none())
                .map(move |(r, _)| (s, r))
        })
    }

    fn overflow_at(&self, t: usize, (_, r): Cell) -> u64 {
        (self.voters_of[t].len() as u64).saturating_sub(u64::from(self.capacities[r]))
    }

    fn misfit_at(&self, t: usize, (_, r): Cell) -> u64 {
        self.voters_of[t].len() as u64 * u64::from(self.biggest - self.capacities[r])
    }

    /// What topic `t` (not placed) would cost in `cell`: its overflow there, and a clash with
    /// each of its voters' topics already in that slot.
    fn cost_at(&self, t: usize, cell: Cell) -> Cost {
        let clashes: u64 = self.voters_of[t]
            .iter()
            .map(|&v| u64::from(self.per_slot[v][cell.0]))
            .sum();
        Cost {
            people: self.overflow_at(t, cell) + clashes,
            misfit: self.misfit_at(t, cell),
        }
    }

    fn put(&mut self, t: usize, cell: Cell) {
        self.cells[t] = Some(cell);
        self.taken[cell.0][cell.1] = Some(t);
        for &v in &self.voters_of[t] {
            self.per_slot[v][cell.0] += 1;
        }
    }

    fn lift(&mut self, t: usize) -> Cell {
        let cell = self.cells[t].take().expect("placed");
        self.taken[cell.0][cell.1] = None;
        for &v in &self.voters_of[t] {
            self.per_slot[v][cell.0] -= 1;
        }
        cell
    }

    /// Makes the first move (to a free cell, or a swap) that lowers the cost; whether there
    /// was one.
    fn improve(&mut self, placed: &[usize]) -> bool {
        for (i, &a) in placed.iter().enumerate() {
            let from = self.lift(a);
            let stay = self.cost_at(a, from);
            let better = self
                .free_cells()
                .filter(|&c| c != from)
                .find(|&c| self.cost_at(a, c) < stay);
            if let Some(cell) = better {
                self.put(a, cell);
                return true;
            }
            self.put(a, from);
            for &b in &placed[i + 1..] {
                if self.swap_helps(a, b) {
                    return true;
                }
            }
        }
        false
    }

    /// Swaps `a` and `b` when that lowers the cost; otherwise leaves both where they were.
    fn swap_helps(&mut self, a: usize, b: usize) -> bool {
        let (ca, cb) = (
            self.cells[a].expect("placed"),
            self.cells[b].expect("placed"),
        );
        if ca == cb {
            return false;
        }
        let before = self.cost_of(a) + self.cost_of(b);
        self.lift(a);
        self.lift(b);
        self.put(a, cb);
        self.put(b, ca);
        if self.cost_of(a) + self.cost_of(b) < before {
            return true;
        }
        self.lift(a);
        self.lift(b);
        self.put(a, ca);
        self.put(b, cb);
        false
    }

    /// Topic `t`'s overflow and its clashes with the other topics of its slot (each clash of
    /// `a` with `b` counted from both sides, alike before and after a swap).
    fn cost_of(&self, t: usize) -> Cost {
        let cell = self.cells[t].expect("placed");
        let clashes: u64 = self.voters_of[t]
            .iter()
            .map(|&v| u64::from(self.per_slot[v][cell.0] - 1))
            .sum();
        Cost {
            people: self.overflow_at(t, cell) + clashes,
            misfit: self.misfit_at(t, cell),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_most_voted_topics_get_the_biggest_rooms() {
        // Topic 0: 5 voters, topic 1: 3, topic 2: 1; one slot, rooms of 2, 5 and 3.
        let votes: Vec<Vec<usize>> = (0..5)
            .map(|v| match v {
                0..=2 => vec![0, 1],
                3 => vec![0, 2],
                _ => vec![0],
            })
            .collect();
        let p = plan(3, &votes, 3, &[2, 5, 3]);
        assert_eq!(p.overflow, 0);
        assert_eq!(p.clashes, 0, "three slots: nobody has two topics at once");
        assert_eq!(p.cells[0].unwrap().1, 1, "5 voters in the room of 5");
    }

    #[test]
    fn topics_that_share_voters_go_to_different_slots() {
        // Two slots, two rooms; voters like {0,1} and {2,3}: 0 and 1 apart, 2 and 3 apart.
        let votes = vec![vec![0, 1], vec![0, 1], vec![2, 3], vec![2, 3]];
        let p = plan(4, &votes, 2, &[10, 10]);
        let slot = |t: usize| p.cells[t].unwrap().0;
        assert_ne!(slot(0), slot(1));
        assert_ne!(slot(2), slot(3));
        assert_eq!(p.clashes, 0);
    }

    #[test]
    fn with_more_topics_than_cells_the_least_voted_wait() {
        let votes = vec![vec![0, 1], vec![0], vec![2, 0, 1]];
        let p = plan(4, &votes, 1, &[10, 10]);
        assert_eq!(p.cells[2], None);
        assert_eq!(p.cells[3], None);
        assert!(p.cells[0].is_some() && p.cells[1].is_some());
    }

    /// Every way to put the topics into distinct cells (all of them placed), with its cost.
    fn best_by_brute_force(
        topics: usize,
        votes: &[Vec<usize>],
        slots: usize,
        caps: &[u32],
    ) -> (u64, u64) {
        let cells: Vec<Cell> = (0..slots)
            .flat_map(|s| (0..caps.len()).map(move |r| (s, r)))
            .collect();
        let biggest = *caps.iter().max().unwrap();
        let voters = |t: usize| votes.iter().filter(|l| l.contains(&t)).count() as u64;
        let mut best = (u64::MAX, u64::MAX);
        let mut chosen = vec![0usize; topics];
        fn walk(
            i: usize,
            chosen: &mut Vec<usize>,
            used: &mut Vec<bool>,
            f: &mut dyn FnMut(&[usize]),
        ) {
            if i == chosen.len() {
                f(chosen);
                return;
            }
            for c in 0..used.len() {
                if !used[c] {
                    used[c] = true;
                    chosen[i] = c;
                    walk(i + 1, chosen, used, f);
                    used[c] = false;
                }
            }
        }
        let mut used = vec![false; cells.len()];
        walk(0, &mut chosen, &mut used, &mut |assign| {
            let at = |t: usize| cells[assign[t]];
            let mut people = 0;
            let mut misfit = 0;
            for t in 0..topics {
                let cap = u64::from(caps[at(t).1]);
                people += voters(t).saturating_sub(cap);
                misfit += voters(t) * (u64::from(biggest) - cap);
            }
            for list in votes {
                for (i, &a) in list.iter().enumerate() {
                    for &b in &list[i + 1..] {
                        if at(a).0 == at(b).0 {
                            people += 1;
                        }
                    }
                }
            }
            best = best.min((people, misfit));
        });
        best
    }

    #[test]
    fn a_small_board_gets_its_known_optimum() {
        // Two slots, rooms of 3, 6 and 2. Topics 0 (5 voters) and 1 (4) share four voters,
        // topics 2 (3) and 3 (2) share two, topic 4 has one. The optimum keeps each pair
        // apart, puts 0 and 1 in the room of 6, 2 and 3 in the room of 3 and 4 in the room
        // of 2: nobody left out, nobody with a clash, misfit 3*3 + 2*3 + 1*4 = 19.
        let votes = vec![
            vec![0, 1],
            vec![0, 1],
            vec![0, 1],
            vec![0, 1],
            vec![0],
            vec![2, 3],
            vec![2, 3],
            vec![2],
            vec![4],
        ];
        let caps = [3, 6, 2];
        let p = plan(5, &votes, 2, &caps);
        assert_eq!(
            (p.overflow + p.clashes, p.misfit),
            best_by_brute_force(5, &votes, 2, &caps)
        );
        assert_eq!((p.overflow, p.clashes, p.misfit), (0, 0, 19));
        let cell = |t: usize| p.cells[t].unwrap();
        assert_ne!(cell(0).0, cell(1).0, "the co-voted topics apart");
        assert_ne!(cell(2).0, cell(3).0, "the co-voted topics apart");
        assert_eq!(
            [cell(0).1, cell(1).1, cell(2).1, cell(3).1, cell(4).1],
            [1, 1, 0, 0, 2]
        );
    }

    #[test]
    fn with_room_to_spare_the_most_voted_still_get_the_big_rooms() {
        // One slot; everything fits anywhere, so only the pairing of sizes decides.
        let votes = vec![vec![0], vec![0], vec![0], vec![1], vec![1], vec![2]];
        let p = plan(3, &votes, 1, &[10, 30, 20]);
        let room = |t: usize| p.cells[t].unwrap().1;
        assert_eq!((room(0), room(1), room(2)), (1, 2, 0));
        assert_eq!(p.misfit, 2 * 10 + 20, "votes times the capacity below 30");
    }

    proptest! {
        #[test]
        fn every_kept_topic_has_its_own_cell_and_the_plan_repeats(
            topics in 1usize..14,
            slots in 1usize..4,
            rooms in prop::collection::vec(1u32..8, 1..4),
            votes in prop::collection::vec(prop::collection::vec(0usize..14, 0..5), 0..30),
        ) {
            let votes: Vec<Vec<usize>> = votes
                .into_iter()
                .map(|l| l.into_iter().filter(|&t| t < topics).collect())
                .collect();
            let p = plan(topics, &votes, slots, &rooms);
            let placed: Vec<Cell> = p.cells.iter().flatten().copied().collect();
            let mut unique = placed.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), placed.len(), "one topic per cell");
            prop_assert_eq!(placed.len(), topics.min(slots * rooms.len()));
            prop_assert_eq!(plan(topics, &votes, slots, &rooms), p);
        }
    }
}
