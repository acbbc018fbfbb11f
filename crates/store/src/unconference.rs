//! Unconference boards: topics, votes, merges. Every change locks the board's row, checks the
//! rule (`domain::unconference`) and writes in one transaction, so two votes or two merges
//! that race are applied one after the other and each person's vote counts once.

use crate::cfp::{instant, stored_slug};
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::unconference::{BoardState, Layout, TopicState, TopicText, UnconfError};
use hallway_domain::{Slug, UserId};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

/// A board as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBoard {
    pub layout: Layout,
    pub cutoff: Timestamp,
    pub state: BoardState,
}

/// A topic as stored, with who voted for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTopic {
    pub id: i64,
    pub proposer: UserId,
    pub title: String,
    pub description: String,
    pub proposed: Timestamp,
    pub state: TopicState,
    pub merged_into: Option<i64>,
    /// In account order.
    pub voters: Vec<UserId>,
}

/// A refusal by the rules, or a storage failure.
#[derive(Debug, thiserror::Error)]
pub enum UnconfFailure {
    #[error(transparent)]
    Rule(#[from] UnconfError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for UnconfFailure {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

type Outcome<T> = std::result::Result<T, UnconfFailure>;

pub trait UnconferenceStore {
    /// Opens the edition's board with this layout and cut-off, or opens it again with new ones
    /// (its topics and votes kept).
    async fn open_board(
        &self,
        edition: &Slug,
        layout: &Layout,
        cutoff: Timestamp,
        now: Timestamp,
    ) -> Result<()>;
    async fn set_board_state(&self, edition: &Slug, state: BoardState) -> Result<()>;
    async fn board(&self, edition: &Slug) -> Result<StoredBoard>;
    /// Every topic of the board, merged and hidden ones too, oldest first.
    async fn board_topics(&self, edition: &Slug) -> Result<Vec<StoredTopic>>;
    async fn propose_topic(
        &self,
        edition: &Slug,
        proposer: UserId,
        text: &TopicText,
        now: Timestamp,
    ) -> Outcome<i64>;
    /// Adds or takes back a vote; whether it changed anything (a vote sent twice does not).
    async fn vote_topic(
        &self,
        edition: &Slug,
        topic: i64,
        voter: UserId,
        up: bool,
        now: Timestamp,
    ) -> Outcome<bool>;
    /// Folds `gone` into `keep`: each of `gone`'s voters votes for `keep` (once, whoever
    /// voted for both), and `gone` is marked merged.
    async fn merge_topics(&self, edition: &Slug, keep: i64, gone: i64) -> Outcome<()>;
    /// Hides an open topic or shows a hidden one again.
    async fn hide_topic(&self, edition: &Slug, topic: i64, hidden: bool) -> Outcome<()>;
}

const BOARD: &str = "SELECT b.id, b.event_slug, b.minutes, b.cutoff, b.state
     FROM unconf_boards b JOIN editions e ON e.id = b.edition_id WHERE e.slug = $1";

type BoardRow = (i64, String, i64, i64, String);
/// `id, proposer_id, title, description, proposed_at, state, merged_into`
type TopicRow = (i64, i64, String, String, i64, String, Option<i64>);

fn no_board(edition: &Slug) -> StoreError {
    StoreError::NotFound(format!("an unconference board for {edition}"))
}

fn no_topic(topic: i64) -> StoreError {
    StoreError::NotFound(format!("topic {topic}"))
}

fn board_state(s: &str) -> Result<BoardState> {
    BoardState::parse(s).ok_or_else(|| StoreError::invalid(format!("stored board state {s:?}")))
}

fn topic_state(s: &str) -> Result<TopicState> {
    TopicState::parse(s).ok_or_else(|| StoreError::invalid(format!("stored topic state {s:?}")))
}

/// Opens a write transaction holding the board's lock: `(tx, board row)`.
macro_rules! locked_board {
    ($pool:ident, $edition:expr) => {{
        let mut tx = $pool.begin_write().await?;
        let row: Option<BoardRow> =
            sqlx::query_as(AssertSqlSafe(format!("{BOARD}{}", $pool.for_update())))
                .bind($edition.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let row = row.ok_or_else(|| no_board($edition))?;
        (tx, row)
    }};
}

/// The state of one topic of the locked board.
macro_rules! topic_state_in {
    ($tx:ident, $board:expr, $topic:expr) => {{
        let s: Option<String> =
            sqlx::query_scalar("SELECT state FROM unconf_topics WHERE id = $1 AND board_id = $2")
                .bind($topic)
                .bind($board)
                .fetch_optional(&mut *$tx)
                .await?;
        topic_state(&s.ok_or_else(|| no_topic($topic))?)?
    }};
}

impl UnconferenceStore for Store {
    async fn open_board(
        &self,
        edition: &Slug,
        layout: &Layout,
        cutoff: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let edition_id: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT id FROM editions WHERE slug = $1{}",
                pool.for_update()
            )))
            .bind(edition.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let edition_id =
                edition_id.ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            let board: i64 = sqlx::query_scalar(
                "INSERT INTO unconf_boards (edition_id, event_slug, minutes, cutoff, state, opened_at)
                 VALUES ($1, $2, $3, $4, 'open', $5)
                 ON CONFLICT (edition_id) DO UPDATE SET event_slug = $2, minutes = $3,
                     cutoff = $4, state = 'open', opened_at = $5
                 RETURNING id",
            )
            .bind(edition_id)
            .bind(layout.event.as_str())
            .bind(i64::from(layout.minutes))
            .bind(cutoff.as_second())
            .bind(now.as_second())
            .fetch_one(&mut *tx)
            .await?;
            for table in ["unconf_slots", "unconf_rooms"] {
                sqlx::query(AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE board_id = $1"
                )))
                .bind(board)
                .execute(&mut *tx)
                .await?;
            }
            for (i, start) in layout.starts.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO unconf_slots (board_id, position, starts_at) VALUES ($1, $2, $3)",
                )
                .bind(board)
                .bind(i as i64)
                .bind(start.as_second())
                .execute(&mut *tx)
                .await?;
            }
            for (i, (room, capacity)) in layout.rooms.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO unconf_rooms (board_id, position, room_slug, capacity)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(board)
                .bind(i as i64)
                .bind(room.as_str())
                .bind(i64::from(*capacity))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn set_board_state(&self, edition: &Slug, state: BoardState) -> Result<()> {
        on_pool!(self, |pool| {
            let (mut tx, board) = locked_board!(pool, edition);
            sqlx::query("UPDATE unconf_boards SET state = $1 WHERE id = $2")
                .bind(state.as_str())
                .bind(board.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn board(&self, edition: &Slug) -> Result<StoredBoard> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_snapshot().await?;
            let row: Option<BoardRow> = sqlx::query_as(BOARD)
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let (id, event, minutes, cutoff, state) = row.ok_or_else(|| no_board(edition))?;
            let starts: Vec<i64> = sqlx::query_scalar(
                "SELECT starts_at FROM unconf_slots WHERE board_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            let rooms: Vec<(String, i64)> = sqlx::query_as(
                "SELECT room_slug, capacity FROM unconf_rooms WHERE board_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            let capacity = |c: i64| {
                u32::try_from(c).map_err(|_| StoreError::invalid(format!("stored capacity {c}")))
            };
            Ok(StoredBoard {
                layout: Layout {
                    event: stored_slug(&event)?,
                    starts: starts.into_iter().map(instant).collect::<Result<_>>()?,
                    minutes: u32::try_from(minutes)
                        .map_err(|_| StoreError::invalid(format!("stored length {minutes}")))?,
                    rooms: rooms
                        .into_iter()
                        .map(|(r, c)| Ok((stored_slug(&r)?, capacity(c)?)))
                        .collect::<Result<_>>()?,
                },
                cutoff: instant(cutoff)?,
                state: board_state(&state)?,
            })
        })
    }

    async fn board_topics(&self, edition: &Slug) -> Result<Vec<StoredTopic>> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_snapshot().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "SELECT b.id FROM unconf_boards b JOIN editions e ON e.id = b.edition_id
                 WHERE e.slug = $1",
            )
            .bind(edition.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let id = id.ok_or_else(|| no_board(edition))?;
            let rows: Vec<TopicRow> = sqlx::query_as(
                "SELECT id, proposer_id, title, description, proposed_at, state, merged_into
                 FROM unconf_topics WHERE board_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            let votes: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT v.topic_id, v.user_id FROM unconf_votes v
                 JOIN unconf_topics t ON t.id = v.topic_id
                 WHERE t.board_id = $1 ORDER BY v.topic_id, v.user_id",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            rows.into_iter()
                .map(|r| {
                    Ok(StoredTopic {
                        id: r.0,
                        proposer: UserId(r.1),
                        title: r.2,
                        description: r.3,
                        proposed: instant(r.4)?,
                        state: topic_state(&r.5)?,
                        merged_into: r.6,
                        voters: votes
                            .iter()
                            .filter(|v| v.0 == r.0)
                            .map(|v| UserId(v.1))
                            .collect(),
                    })
                })
                .collect()
        })
    }

    async fn propose_topic(
        &self,
        edition: &Slug,
        proposer: UserId,
        text: &TopicText,
        now: Timestamp,
    ) -> Outcome<i64> {
        on_pool!(self, |pool| {
            let (mut tx, board) = locked_board!(pool, edition);
            board_state(&board.4)?.accepts(instant(board.3)?, now)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO unconf_topics (board_id, proposer_id, title, description, proposed_at, state)
                 VALUES ($1, $2, $3, $4, $5, 'open') RETURNING id",
            )
            .bind(board.0)
            .bind(proposer.0)
            .bind(&text.title)
            .bind(&text.description)
            .bind(now.as_second())
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    async fn vote_topic(
        &self,
        edition: &Slug,
        topic: i64,
        voter: UserId,
        up: bool,
        now: Timestamp,
    ) -> Outcome<bool> {
        on_pool!(self, |pool| {
            let (mut tx, board) = locked_board!(pool, edition);
            board_state(&board.4)?.accepts(instant(board.3)?, now)?;
            if topic_state_in!(tx, board.0, topic) != TopicState::Open {
                return Err(UnconfError::NotOpen.into());
            }
            let sql = if up {
                "INSERT INTO unconf_votes (topic_id, user_id) VALUES ($1, $2)
                 ON CONFLICT (topic_id, user_id) DO NOTHING"
            } else {
                "DELETE FROM unconf_votes WHERE topic_id = $1 AND user_id = $2"
            };
            let changed = sqlx::query(sql)
                .bind(topic)
                .bind(voter.0)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            tx.commit().await?;
            Ok(changed)
        })
    }

    async fn merge_topics(&self, edition: &Slug, keep: i64, gone: i64) -> Outcome<()> {
        if keep == gone {
            return Err(UnconfError::SelfMerge.into());
        }
        on_pool!(self, |pool| {
            let (mut tx, board) = locked_board!(pool, edition);
            for topic in [keep, gone] {
                if topic_state_in!(tx, board.0, topic) != TopicState::Open {
                    return Err(UnconfError::NotOpen.into());
                }
            }
            sqlx::query(
                "INSERT INTO unconf_votes (topic_id, user_id)
                 SELECT $1, user_id FROM unconf_votes WHERE topic_id = $2
                 ON CONFLICT (topic_id, user_id) DO NOTHING",
            )
            .bind(keep)
            .bind(gone)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM unconf_votes WHERE topic_id = $1")
                .bind(gone)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE unconf_topics SET state = 'merged', merged_into = $1 WHERE id = $2",
            )
            .bind(keep)
            .bind(gone)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn hide_topic(&self, edition: &Slug, topic: i64, hidden: bool) -> Outcome<()> {
        on_pool!(self, |pool| {
            let (mut tx, board) = locked_board!(pool, edition);
            let (from, to) = if hidden {
                (TopicState::Open, TopicState::Hidden)
            } else {
                (TopicState::Hidden, TopicState::Open)
            };
            if topic_state_in!(tx, board.0, topic) != from {
                let refusal = if hidden {
                    UnconfError::NotOpen
                } else {
                    UnconfError::NotHidden
                };
                return Err(refusal.into());
            }
            sqlx::query("UPDATE unconf_topics SET state = $1 WHERE id = $2")
                .bind(to.as_str())
                .bind(topic)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
