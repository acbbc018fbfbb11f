//! Q&A during a session. Who may do what is a value the app makes (`QaCtx`): anyone reads
//! what is approved, signed-in attendees ask and vote, the session's speakers and the
//! edition's organizers moderate. What each person is sent is projected here: attendees never
//! see pending or dismissed questions of others, nor the asker of an anonymous one.

use crate::{App, AppError, Result, Viewer, parse_slug};
use hallway_domain::qa::{Moderation, Order, QaError, State};
use hallway_domain::{Slug, UserId};
use hallway_store::{CfpStore, QaFailure, QaStore, StoredQuestion};

/// Permission to take part in one session's Q&A, and as whom.
#[derive(Debug, Clone)]
pub struct QaCtx {
    edition: Slug,
    session: String,
    room: i64,
    who: Option<UserId>,
    moderates: bool,
}

impl QaCtx {
    pub fn moderates(&self) -> bool {
        self.moderates
    }
    /// Whether `change` reads for this person as for any attendee who did not ask its
    /// question: then one projection of it, made once, is right for all of them.
    pub fn sees_as_anyone(&self, change: &FeedChange) -> bool {
        !self.moderates
            && change
                .question
                .as_ref()
                .is_none_or(|q| self.who != Some(q.asker))
    }
    pub fn session(&self) -> &str {
        &self.session
    }
    /// The room's number, the same on every replica: what live feeds are keyed by.
    pub fn room(&self) -> i64 {
        self.room
    }

    /// One change of the feed as this person is sent it.
    pub fn project(&self, change: &FeedChange) -> LiveMessage {
        LiveMessage {
            seq: change.seq,
            question: change
                .question
                .as_ref()
                .filter(|q| may_see(self, q))
                .map(|q| view(self, q, change.asker.as_deref())),
            room: change.room.as_ref().map(|r| RoomView {
                premoderated: r.premoderated,
                paused: r.paused,
                backstage: self.moderates.then(|| r.backstage.clone()),
            }),
        }
    }
}

/// One change of a room's log with what it touched as it is now, before it is projected for
/// each person (`QaCtx::project`): what a live feed fans out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedChange {
    pub seq: i64,
    pub question: Option<StoredQuestion>,
    /// The asker's name, if they have one.
    pub asker: Option<String>,
    /// The room's settings, for a change of the room.
    pub room: Option<hallway_store::Room>,
}

/// A room's settings as one person is shown them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoomView {
    pub premoderated: bool,
    pub paused: bool,
    /// For moderators and speakers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backstage: Option<String>,
}

/// One numbered change as one person is sent it live: the question as they may see it (`None`
/// when they may not, or when the room changed: `room` then holds its settings).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LiveMessage {
    pub seq: i64,
    pub question: Option<QuestionView>,
    pub room: Option<RoomView>,
}

/// A question as one person is shown it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QuestionView {
    pub id: i64,
    pub text: String,
    pub state: &'static str,
    pub votes: u32,
    pub pinned: bool,
    pub highlighted: bool,
    /// The asker's name, unless they asked anonymously (moderators always see it).
    pub asker: Option<String>,
    pub mine: bool,
}

/// A session's Q&A as one person is shown it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QaView {
    pub premoderated: bool,
    pub paused: bool,
    /// For moderators and speakers only.
    pub backstage: Option<String>,
    /// The log number this view is current to: ask for what follows it.
    pub seq: i64,
    pub questions: Vec<QuestionView>,
}

/// One numbered change as one person is sent it. `question` is `None` when the change is
/// nothing they may see (numbers stay contiguous, so a gap always means a loss), or a change
/// of the room (`room` then says so).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LiveChange {
    pub seq: i64,
    pub question: Option<QuestionView>,
    pub room: bool,
}

fn refused(e: QaFailure) -> AppError {
    match e {
        QaFailure::Rule(r) => AppError::Conflict(r.to_string()),
        QaFailure::Store(s) => s.into(),
    }
}

fn state_name(s: State) -> &'static str {
    match s {
        State::Pending => "pending",
        State::Approved => "approved",
        State::Dismissed => "dismissed",
        State::Answered => "answered",
        State::Retracted => "retracted",
    }
}

impl App {
    /// The viewer's part in a session's Q&A (`None`: someone not signed in, who only reads).
    pub async fn qa_ctx(
        &self,
        viewer: Option<&Viewer>,
        edition: &str,
        session: &str,
    ) -> Result<QaCtx> {
        let edition = parse_slug(edition)?;
        // The room exists once the session does; an unknown session is not found.
        let room = self.store.qa_room(&edition, session).await?.id;
        let moderates = match viewer {
            None => false,
            Some(v) => {
                self.orga_ctx(v, edition.as_str()).await.is_ok()
                    || self
                        .store
                        .session_speaker_accounts(&edition, session)
                        .await?
                        .contains(&v.user)
            }
        };
        if let Some(v) = viewer {
            v.access_in(&edition, None)?;
        }
        Ok(QaCtx {
            edition,
            session: session.to_owned(),
            room,
            who: viewer.map(|v| v.user),
            moderates,
        })
    }

    fn asker_of(&self, ctx: &QaCtx) -> Result<UserId> {
        ctx.who.ok_or(AppError::Unauthenticated)
    }

    fn moderator(ctx: &QaCtx) -> Result<()> {
        if ctx.moderates {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only the session's speakers and the organizers moderate its questions".into(),
            ))
        }
    }

    /// Asks; returns the question's id and its log number.
    pub async fn ask_question(
        &self,
        ctx: &QaCtx,
        text: &str,
        anonymous: bool,
    ) -> Result<(i64, i64)> {
        let who = self.asker_of(ctx)?;
        self.store
            .ask(
                &ctx.edition,
                &ctx.session,
                who,
                text,
                anonymous,
                jiff::Timestamp::now(),
            )
            .await
            .map_err(|e| match e {
                QaFailure::Rule(r @ (QaError::Empty | QaError::TooLong(_))) => {
                    AppError::Invalid(format!("question: {r}"))
                }
                other => refused(other),
            })
    }

    /// Votes once (a repeated vote changes nothing: `None`), or takes a vote back.
    pub async fn vote_question(&self, ctx: &QaCtx, question: i64, up: bool) -> Result<Option<i64>> {
        let who = self.asker_of(ctx)?;
        self.visible(ctx, question).await?;
        self.store
            .vote(&ctx.edition, &ctx.session, question, who, up, now())
            .await
            .map_err(refused)
    }

    pub async fn retract_question(&self, ctx: &QaCtx, question: i64) -> Result<i64> {
        let who = self.asker_of(ctx)?;
        self.visible(ctx, question).await?;
        self.store
            .retract(&ctx.edition, &ctx.session, question, who, now())
            .await
            .map_err(refused)
    }

    pub async fn moderate_question(
        &self,
        ctx: &QaCtx,
        question: i64,
        action: &Moderation,
    ) -> Result<Vec<i64>> {
        Self::moderator(ctx)?;
        self.store
            .moderate(&ctx.edition, &ctx.session, question, action, now())
            .await
            .map_err(|e| match e {
                QaFailure::Rule(r @ (QaError::Empty | QaError::TooLong(_))) => {
                    AppError::Invalid(format!("question: {r}"))
                }
                other => refused(other),
            })
    }

    /// Pre-moderation, pausing and the backstage note to the speaker.
    pub async fn set_qa(
        &self,
        ctx: &QaCtx,
        premoderated: bool,
        paused: bool,
        backstage: &str,
    ) -> Result<i64> {
        Self::moderator(ctx)?;
        if backstage.chars().count() > hallway_domain::qa::MAX_CHARS {
            return Err(AppError::Invalid(format!(
                "backstage note: at most {} characters",
                hallway_domain::qa::MAX_CHARS
            )));
        }
        Ok(self
            .store
            .set_qa_room(
                &ctx.edition,
                &ctx.session,
                premoderated,
                paused,
                backstage,
                now(),
            )
            .await?)
    }

    /// The Q&A as the viewer is shown it, in `order`.
    pub async fn qa_view(&self, ctx: &QaCtx, order: Order) -> Result<QaView> {
        let room = self.store.qa_room(&ctx.edition, &ctx.session).await?;
        let all = self.store.questions(&ctx.edition, &ctx.session).await?;
        let names = self.asker_names(&all).await?;
        let mut shown: Vec<&StoredQuestion> = all.iter().filter(|q| self.may_see(ctx, q)).collect();
        shown.sort_by(|x, y| {
            y.highlighted
                .cmp(&x.highlighted)
                .then(y.pinned.cmp(&x.pinned))
                .then(match order {
                    Order::Votes => y.votes.cmp(&x.votes).then(x.asked.cmp(&y.asked)),
                    Order::Time => y.asked.cmp(&x.asked),
                })
                .then(x.id.cmp(&y.id))
        });
        Ok(QaView {
            premoderated: room.premoderated,
            paused: room.paused,
            backstage: ctx.moderates.then_some(room.backstage),
            seq: room.last_seq,
            questions: shown
                .into_iter()
                .map(|q| self.view(ctx, q, &names))
                .collect(),
        })
    }

    /// What followed log number `after`, as the viewer is shown it: each number once, in order.
    pub async fn qa_since(&self, ctx: &QaCtx, after: i64) -> Result<Vec<LiveChange>> {
        let log = self
            .store
            .log_since(&ctx.edition, &ctx.session, after)
            .await?;
        if log.is_empty() {
            return Ok(Vec::new());
        }
        let all = self.store.questions(&ctx.edition, &ctx.session).await?;
        let names = self.asker_names(&all).await?;
        Ok(log
            .into_iter()
            .map(|(seq, id)| {
                let question = id
                    .and_then(|id| all.iter().find(|q| q.id == id))
                    .filter(|q| self.may_see(ctx, q))
                    .map(|q| self.view(ctx, q, &names));
                LiveChange {
                    seq,
                    question,
                    room: id.is_none(),
                }
            })
            .collect())
    }

    /// The log after `after` with what each change touched, for every person at once: a live
    /// feed reads it once and projects it for each subscriber.
    pub async fn qa_feed(&self, ctx: &QaCtx, after: i64) -> Result<Vec<FeedChange>> {
        let log = self
            .store
            .log_with_questions(&ctx.edition, &ctx.session, after)
            .await?;
        if log.is_empty() {
            return Ok(Vec::new());
        }
        let room = if log.iter().any(|(_, q)| q.is_none()) {
            Some(self.store.qa_room(&ctx.edition, &ctx.session).await?)
        } else {
            None
        };
        let asked: Vec<StoredQuestion> = log.iter().filter_map(|(_, q)| q.clone()).collect();
        let names = self.asker_names(&asked).await?;
        Ok(log
            .into_iter()
            .map(|(seq, question)| FeedChange {
                seq,
                asker: question.as_ref().and_then(|q| names.get(&q.asker).cloned()),
                room: question.is_none().then(|| room.clone()).flatten(),
                question,
            })
            .collect())
    }

    fn may_see(&self, ctx: &QaCtx, q: &StoredQuestion) -> bool {
        may_see(ctx, q)
    }

    /// The number of the room's last change.
    pub async fn qa_last_seq(&self, ctx: &QaCtx) -> Result<i64> {
        Ok(self
            .store
            .qa_room(&ctx.edition, &ctx.session)
            .await?
            .last_seq)
    }

    /// Announcements of other replicas' changes (PostgreSQL); `None` with one process.
    pub async fn live_notices(&self) -> Result<Option<hallway_store::Notices>> {
        Ok(self.store.listen().await?)
    }

    fn view(
        &self,
        ctx: &QaCtx,
        q: &StoredQuestion,
        names: &std::collections::HashMap<UserId, String>,
    ) -> QuestionView {
        view(ctx, q, names.get(&q.asker).map(String::as_str))
    }

    async fn visible(&self, ctx: &QaCtx, question: i64) -> Result<()> {
        let all = self.store.questions(&ctx.edition, &ctx.session).await?;
        match all.iter().find(|q| q.id == question) {
            Some(q) if self.may_see(ctx, q) => Ok(()),
            _ => Err(AppError::NotFound("question".into())),
        }
    }

    /// Askers' names from their speaker profiles, where they wrote one.
    async fn asker_names(
        &self,
        all: &[StoredQuestion],
    ) -> Result<std::collections::HashMap<UserId, String>> {
        let mut people: Vec<UserId> = all.iter().map(|q| q.asker).collect();
        people.sort_unstable_by_key(|u| u.0);
        people.dedup();
        Ok(self
            .store
            .profiles(&people)
            .await?
            .into_iter()
            .map(|(u, p)| (u, p.name))
            .collect())
    }
}

/// Whether the viewer may see a question, with the state they see: the asker sees their
/// dismissed question as pending (they are not told).
fn may_see(ctx: &QaCtx, q: &StoredQuestion) -> bool {
    match q.state {
        State::Approved | State::Answered => true,
        State::Retracted => false,
        State::Pending | State::Dismissed => ctx.moderates || ctx.who == Some(q.asker),
    }
}

fn view(ctx: &QaCtx, q: &StoredQuestion, name: Option<&str>) -> QuestionView {
    let state = if q.state == State::Dismissed && !ctx.moderates {
        State::Pending
    } else {
        q.state
    };
    QuestionView {
        id: q.id,
        text: q.text.clone(),
        state: state_name(state),
        votes: q.votes,
        pinned: q.pinned,
        highlighted: q.highlighted,
        asker: (ctx.moderates || !q.anonymous).then(|| name.unwrap_or("An attendee").to_owned()),
        mine: ctx.who == Some(q.asker),
    }
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}
