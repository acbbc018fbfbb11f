//! Q&A rooms, one per session: questions, votes and the room's numbered log. Every change
//! locks its room, applies the rule (`domain::qa`), writes the change and the next log number
//! in one transaction, so the log's order is the order changes happened and a vote counts once.

use crate::cfp::instant;
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::qa::{Moderation, QaError, Question, State};
use hallway_domain::{Slug, UserId};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use std::collections::BTreeSet;

/// A room's settings and where its log is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// The room's number, the same on every replica.
    pub id: i64,
    pub premoderated: bool,
    pub paused: bool,
    /// The moderators' note to the speaker.
    pub backstage: String,
    pub last_seq: i64,
}

/// A question as stored, with its vote count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredQuestion {
    pub id: i64,
    pub asker: UserId,
    pub anonymous: bool,
    pub text: String,
    pub asked: Timestamp,
    pub state: State,
    pub pinned: bool,
    pub highlighted: bool,
    pub votes: u32,
}

/// What a change did: the log numbers it took.
pub type Seqs = Vec<i64>;

/// A refusal by the rules, or a storage failure.
#[derive(Debug, thiserror::Error)]
pub enum QaFailure {
    #[error(transparent)]
    Rule(#[from] QaError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for QaFailure {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

pub trait QaStore {
    /// The session's room, made with pre-moderation off when it has none yet.
    async fn qa_room(&self, edition: &Slug, session: &str) -> Result<Room>;
    async fn set_qa_room(
        &self,
        edition: &Slug,
        session: &str,
        premoderated: bool,
        paused: bool,
        backstage: &str,
        now: i64,
    ) -> Result<i64>;
    /// Asks; returns the question's id and its log number.
    async fn ask(
        &self,
        edition: &Slug,
        session: &str,
        asker: UserId,
        text: &str,
        anonymous: bool,
        now: Timestamp,
    ) -> std::result::Result<(i64, i64), QaFailure>;
    /// Adds or takes back a vote; `None` when it changed nothing (a vote sent twice).
    async fn vote(
        &self,
        edition: &Slug,
        session: &str,
        question: i64,
        voter: UserId,
        up: bool,
        now: i64,
    ) -> std::result::Result<Option<i64>, QaFailure>;
    async fn retract(
        &self,
        edition: &Slug,
        session: &str,
        question: i64,
        asker: UserId,
        now: i64,
    ) -> std::result::Result<i64, QaFailure>;
    /// A moderator's action; highlighting one question un-highlights the others (each change
    /// its own log number).
    async fn moderate(
        &self,
        edition: &Slug,
        session: &str,
        question: i64,
        action: &Moderation,
        now: i64,
    ) -> std::result::Result<Seqs, QaFailure>;
    /// Every question of the room (retracted ones too), oldest first.
    async fn questions(&self, edition: &Slug, session: &str) -> Result<Vec<StoredQuestion>>;
    /// The log after `after` with each change's question as it is now (`None` for a change of
    /// the room), in order: what a live feed sends.
    async fn log_with_questions(
        &self,
        edition: &Slug,
        session: &str,
        after: i64,
    ) -> Result<Vec<(i64, Option<StoredQuestion>)>>;
    /// Accounts speaking in the session (through the confirmed proposal it came from).
    async fn session_speaker_accounts(&self, edition: &Slug, session: &str) -> Result<Vec<UserId>>;
    /// The log after `after`: `(seq, question id)`, no id for a change of the room.
    async fn log_since(
        &self,
        edition: &Slug,
        session: &str,
        after: i64,
    ) -> Result<Vec<(i64, Option<i64>)>>;
}

const ROOM: &str = "SELECT r.id, r.premoderated, r.paused, r.backstage, r.last_seq
     FROM qa_rooms r JOIN editions e ON e.id = r.edition_id
     WHERE e.slug = $1 AND r.session_guid = $2";

const QUESTION_COLUMNS: &str =
    "id, asker_id, anonymous, text, asked_at, state, pinned, highlighted, votes";

type RoomRow = (i64, bool, bool, String, i64);
type QuestionRow = (i64, i64, bool, String, i64, String, bool, bool, i64);

fn state_str(s: State) -> &'static str {
    match s {
        State::Pending => "pending",
        State::Approved => "approved",
        State::Dismissed => "dismissed",
        State::Answered => "answered",
        State::Retracted => "retracted",
    }
}

fn state_of(s: &str) -> Result<State> {
    Ok(match s {
        "pending" => State::Pending,
        "approved" => State::Approved,
        "dismissed" => State::Dismissed,
        "answered" => State::Answered,
        "retracted" => State::Retracted,
        other => {
            return Err(StoreError::invalid(format!(
                "stored question state {other:?}"
            )));
        }
    })
}

fn question_from(r: QuestionRow) -> Result<StoredQuestion> {
    Ok(StoredQuestion {
        id: r.0,
        asker: UserId(r.1),
        anonymous: r.2,
        text: r.3,
        asked: instant(r.4)?,
        state: state_of(&r.5)?,
        pinned: r.6,
        highlighted: r.7,
        votes: u32::try_from(r.8).map_err(|_| StoreError::invalid("stored vote count"))?,
    })
}

/// The rules' view of a stored question (votes are counted in SQL, not loaded).
fn rule_view(q: &StoredQuestion) -> Question<UserId> {
    Question {
        asker: q.asker,
        anonymous: q.anonymous,
        text: q.text.clone(),
        asked: q.asked,
        state: q.state,
        pinned: q.pinned,
        highlighted: q.highlighted,
        voters: BTreeSet::new(),
    }
}

fn no_room(session: &str) -> StoreError {
    StoreError::NotFound(format!("questions for session {session}"))
}

fn no_question() -> StoreError {
    StoreError::NotFound("question".into())
}

/// Opens a write transaction holding the room's lock: `(tx, room id, room)`.
macro_rules! locked_room {
    ($pool:ident, $edition:expr, $session:expr) => {{
        let mut tx = $pool.begin_write().await?;
        let row: Option<RoomRow> =
            sqlx::query_as(AssertSqlSafe(format!("{ROOM}{}", $pool.for_update())))
                .bind($edition.as_str())
                .bind($session)
                .fetch_optional(&mut *tx)
                .await?;
        let row = row.ok_or_else(|| no_room($session))?;
        (tx, row)
    }};
}

/// Appends to the room's log; returns the number taken.
macro_rules! log_change {
    ($pool:ident, $tx:ident, $room:expr, $question:expr, $now:expr) => {{
        let seq: i64 = sqlx::query_scalar(
            "UPDATE qa_rooms SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
        )
        .bind($room)
        .fetch_one(&mut *$tx)
        .await?;
        sqlx::query("INSERT INTO live_log (room_id, seq, question_id, at) VALUES ($1, $2, $3, $4)")
            .bind($room)
            .bind(seq)
            .bind($question)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        // PostgreSQL delivers this at commit, to every replica listening: (seq, room).
        if let Some(notify) = $pool.live_notify() {
            sqlx::query(notify)
                .bind($room)
                .bind(seq)
                .execute(&mut *$tx)
                .await?;
        }
        seq
    }};
}

/// Reads one question of the locked room.
macro_rules! room_question {
    ($tx:ident, $room:expr, $question:expr) => {{
        let row: Option<QuestionRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {QUESTION_COLUMNS} FROM questions WHERE id = $1 AND room_id = $2"
        )))
        .bind($question)
        .bind($room)
        .fetch_optional(&mut *$tx)
        .await?;
        question_from(row.ok_or_else(no_question)?)?
    }};
}

/// Writes a question's state back.
macro_rules! save_question {
    ($tx:ident, $id:expr, $q:expr) => {{
        sqlx::query(
            "UPDATE questions SET text = $1, state = $2, pinned = $3, highlighted = $4 WHERE id = $5",
        )
        .bind(&$q.text)
        .bind(state_str($q.state))
        .bind($q.pinned)
        .bind($q.highlighted)
        .bind($id)
        .execute(&mut *$tx)
        .await?;
    }};
}

impl QaStore for Store {
    async fn qa_room(&self, edition: &Slug, session: &str) -> Result<Room> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO qa_rooms (edition_id, session_guid, premoderated, paused, backstage, last_seq)
                 SELECT e.id, s.guid, $3, $3, '', 0 FROM editions e
                 JOIN sessions s ON s.edition_id = e.id AND s.guid = $2
                 WHERE e.slug = $1
                 ON CONFLICT (edition_id, session_guid) DO NOTHING",
            )
            .bind(edition.as_str())
            .bind(session)
            .bind(false)
            .execute(pool)
            .await?;
            let row: Option<RoomRow> = sqlx::query_as(ROOM)
                .bind(edition.as_str())
                .bind(session)
                .fetch_optional(pool)
                .await?;
            let r =
                row.ok_or_else(|| StoreError::NotFound(format!("session {session} in {edition}")))?;
            Ok(Room {
                id: r.0,
                premoderated: r.1,
                paused: r.2,
                backstage: r.3,
                last_seq: r.4,
            })
        })
    }

    async fn set_qa_room(
        &self,
        edition: &Slug,
        session: &str,
        premoderated: bool,
        paused: bool,
        backstage: &str,
        now: i64,
    ) -> Result<i64> {
        self.qa_room(edition, session).await?;
        on_pool!(self, |pool| {
            let (mut tx, room) = locked_room!(pool, edition, session);
            sqlx::query(
                "UPDATE qa_rooms SET premoderated = $1, paused = $2, backstage = $3 WHERE id = $4",
            )
            .bind(premoderated)
            .bind(paused)
            .bind(backstage)
            .bind(room.0)
            .execute(&mut *tx)
            .await?;
            let seq = log_change!(pool, tx, room.0, None::<i64>, now);
            tx.commit().await?;
            Ok(seq)
        })
    }

    async fn ask(
        &self,
        edition: &Slug,
        session: &str,
        asker: UserId,
        text: &str,
        anonymous: bool,
        now: Timestamp,
    ) -> std::result::Result<(i64, i64), QaFailure> {
        self.qa_room(edition, session).await?;
        on_pool!(self, |pool| {
            let (mut tx, room) = locked_room!(pool, edition, session);
            let q = Question::ask(asker, text, anonymous, now, room.1, room.2)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO questions (room_id, asker_id, anonymous, text, asked_at, state,
                     pinned, highlighted, votes)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0) RETURNING id",
            )
            .bind(room.0)
            .bind(asker.0)
            .bind(anonymous)
            .bind(&q.text)
            .bind(now.as_second())
            .bind(state_str(q.state))
            .bind(false)
            .fetch_one(&mut *tx)
            .await?;
            let seq = log_change!(pool, tx, room.0, Some(id), now.as_second());
            tx.commit().await?;
            Ok((id, seq))
        })
    }

    async fn vote(
        &self,
        edition: &Slug,
        session: &str,
        question: i64,
        voter: UserId,
        up: bool,
        now: i64,
    ) -> std::result::Result<Option<i64>, QaFailure> {
        on_pool!(self, |pool| {
            let (mut tx, room) = locked_room!(pool, edition, session);
            let stored = room_question!(tx, room.0, question);
            rule_view(&stored).vote(voter, up)?;
            let sql = if up {
                "INSERT INTO question_votes (question_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            } else {
                "DELETE FROM question_votes WHERE question_id = $1 AND user_id = $2"
            };
            let done = sqlx::query(sql)
                .bind(question)
                .bind(voter.0)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Ok(None);
            }
            sqlx::query("UPDATE questions SET votes = votes + $1 WHERE id = $2")
                .bind(if up { 1_i64 } else { -1 })
                .bind(question)
                .execute(&mut *tx)
                .await?;
            let seq = log_change!(pool, tx, room.0, Some(question), now);
            tx.commit().await?;
            Ok(Some(seq))
        })
    }

    async fn retract(
        &self,
        edition: &Slug,
        session: &str,
        question: i64,
        asker: UserId,
        now: i64,
    ) -> std::result::Result<i64, QaFailure> {
        on_pool!(self, |pool| {
            let (mut tx, room) = locked_room!(pool, edition, session);
            let stored = room_question!(tx, room.0, question);
            let mut q = rule_view(&stored);
            q.retract(asker)?;
            save_question!(tx, question, q);
            let seq = log_change!(pool, tx, room.0, Some(question), now);
            tx.commit().await?;
            Ok(seq)
        })
    }

    async fn moderate(
        &self,
        edition: &Slug,
        session: &str,
        question: i64,
        action: &Moderation,
        now: i64,
    ) -> std::result::Result<Seqs, QaFailure> {
        on_pool!(self, |pool| {
            let (mut tx, room) = locked_room!(pool, edition, session);
            let stored = room_question!(tx, room.0, question);
            if stored.state == State::Retracted {
                return Err(QaError::NotOpen.into());
            }
            let mut seqs = Vec::new();
            if *action == Moderation::Highlight {
                let others: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM questions WHERE room_id = $1 AND highlighted AND id <> $2",
                )
                .bind(room.0)
                .bind(question)
                .fetch_all(&mut *tx)
                .await?;
                for other in others {
                    sqlx::query("UPDATE questions SET highlighted = $1 WHERE id = $2")
                        .bind(false)
                        .bind(other)
                        .execute(&mut *tx)
                        .await?;
                    seqs.push(log_change!(pool, tx, room.0, Some(other), now));
                }
            }
            let mut q = rule_view(&stored);
            q.moderate(action)?;
            save_question!(tx, question, q);
            seqs.push(log_change!(pool, tx, room.0, Some(question), now));
            tx.commit().await?;
            Ok(seqs)
        })
    }

    async fn questions(&self, edition: &Slug, session: &str) -> Result<Vec<StoredQuestion>> {
        on_pool!(self, |pool| {
            let rows: Vec<QuestionRow> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {} FROM questions q JOIN qa_rooms r ON r.id = q.room_id
                 JOIN editions e ON e.id = r.edition_id
                 WHERE e.slug = $1 AND r.session_guid = $2 ORDER BY q.id",
                QUESTION_COLUMNS
                    .split(", ")
                    .map(|c| format!("q.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
            .bind(edition.as_str())
            .bind(session)
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(question_from).collect()
        })
    }

    async fn log_since(
        &self,
        edition: &Slug,
        session: &str,
        after: i64,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT l.seq, l.question_id FROM live_log l JOIN qa_rooms r ON r.id = l.room_id
                 JOIN editions e ON e.id = r.edition_id
                 WHERE e.slug = $1 AND r.session_guid = $2 AND l.seq > $3 ORDER BY l.seq",
            )
            .bind(edition.as_str())
            .bind(session)
            .bind(after)
            .fetch_all(pool)
            .await?)
        })
    }

    async fn log_with_questions(
        &self,
        edition: &Slug,
        session: &str,
        after: i64,
    ) -> Result<Vec<(i64, Option<StoredQuestion>)>> {
        type Row = (
            i64,
            Option<i64>,
            Option<i64>,
            Option<bool>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<bool>,
            Option<bool>,
            Option<i64>,
        );
        let rows: Vec<Row> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT l.seq, q.id, q.asker_id, q.anonymous, q.text, q.asked_at, q.state,
                     q.pinned, q.highlighted, q.votes
                 FROM live_log l JOIN qa_rooms r ON r.id = l.room_id
                 JOIN editions e ON e.id = r.edition_id
                 LEFT JOIN questions q ON q.id = l.question_id
                 WHERE e.slug = $1 AND r.session_guid = $2 AND l.seq > $3 ORDER BY l.seq",
            )
            .bind(edition.as_str())
            .bind(session)
            .bind(after)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|r| {
                let question = match r {
                    (
                        _,
                        Some(id),
                        Some(a),
                        Some(an),
                        Some(t),
                        Some(at),
                        Some(st),
                        Some(p),
                        Some(h),
                        Some(v),
                    ) => Some(question_from((id, a, an, t, at, st, p, h, v))?),
                    _ => None,
                };
                Ok((r.0, question))
            })
            .collect()
    }

    async fn session_speaker_accounts(&self, edition: &Slug, session: &str) -> Result<Vec<UserId>> {
        on_pool!(self, |pool| {
            let rows: Vec<i64> = sqlx::query_scalar(
                "SELECT ss.user_id FROM submissions s
                 JOIN submission_speakers ss ON ss.submission_id = s.id
                 JOIN cfps c ON c.id = s.cfp_id JOIN events ev ON ev.id = c.event_id
                 JOIN editions e ON e.id = ev.edition_id
                 WHERE e.slug = $1 AND s.session_guid = $2 ORDER BY ss.position",
            )
            .bind(edition.as_str())
            .bind(session)
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(UserId).collect())
        })
    }
}
