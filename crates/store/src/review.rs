//! The review of a CFP: bids, declared conflicts, assignments and their runs, reviews, decision
//! mail templates and the confirmation links of accepted proposals.
//!
//! What a review page needs is read by `board` in a fixed number of queries whatever the number
//! of proposals (no query per proposal): the proposals with their speakers, the profiles that
//! conflicts and identities need, and every bid, assignment, review and near duplicate of the
//! CFP. The app computes lists, rankings and conflicts from it in memory.

use crate::cfp::CFP_ID;
use crate::submissions::{COLUMNS, FROM, Row, from_row};
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::cfp::{Profile, Submission};
use hallway_domain::review::Bid;
use hallway_domain::review::conflicts::Severity;
use hallway_domain::{Email, Role, Slug, UserId};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// A conflict declared by one side (`by_speaker`: the speaker declared it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredConflict {
    pub reviewer: UserId,
    pub speaker: UserId,
    pub by_speaker: bool,
    pub severity: Severity,
}

/// A review as stored: one score per criterion, in criteria order, and their weighted total.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReview {
    pub submission: i64,
    pub reviewer: UserId,
    pub scores: Vec<u32>,
    pub total: f64,
    pub committee_comment: String,
    pub speaker_comment: String,
    pub updated_at: i64,
}

/// Someone who reviews for the event, with the role that makes them one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewerRow {
    pub user: UserId,
    pub email: Email,
    /// `Reviewer(..)` or `CoChair(..)`: their widest for the event.
    pub role: Role,
}

/// An automatic assignment run, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    pub run: i64,
    pub at: i64,
    pub added: i64,
    /// `(proposal code, reviews missing, why)`.
    pub short: Vec<(String, u32, String)>,
}

/// Everything the review of one CFP shows, read at once.
#[derive(Debug, Clone, Default)]
pub struct Board {
    pub cfp_id: i64,
    /// Every proposal of the CFP, oldest first, with its speakers.
    pub proposals: Vec<Submission>,
    /// The speakers of every proposal of the edition (every CFP): who gives talks together.
    pub edition_talks: Vec<Vec<UserId>>,
    /// Profiles of the edition's speakers and of the event's reviewers.
    pub profiles: HashMap<UserId, Profile>,
    pub reviewers: Vec<ReviewerRow>,
    pub declared: Vec<DeclaredConflict>,
    /// `(proposal id, reviewer, bid)`.
    pub bids: Vec<(i64, UserId, Bid)>,
    /// `(proposal id, reviewer, run)`.
    pub assignments: Vec<(i64, UserId, i64)>,
    pub reviews: Vec<StoredReview>,
    /// `(proposal id, proposal id, similarity)`.
    pub near_duplicates: Vec<(i64, i64, f64)>,
}

pub trait ReviewStore {
    /// The CFP's board; with `only`, the bids, assignments and reviews are that reviewer's
    /// alone (what their own pages need), which keeps a reviewer's page from reading the whole
    /// committee's work.
    async fn board(&self, edition: &Slug, event: &Slug, only: Option<UserId>) -> Result<Board>;
    /// The id of an event's CFP.
    async fn cfp_id(&self, edition: &Slug, event: &Slug) -> Result<i64>;
    async fn put_bid(&self, submission: i64, reviewer: UserId, bid: Bid, now: i64) -> Result<()>;
    async fn declare_conflict(
        &self,
        edition: &Slug,
        conflict: &DeclaredConflict,
        now: i64,
    ) -> Result<()>;
    /// Adds `(proposal id, reviewer)` pairs as the CFP's next run and records what it did;
    /// pairs that exist already stay as they are. Returns the run's number.
    async fn add_assignments(
        &self,
        cfp_id: i64,
        pairs: &[(i64, UserId)],
        short: &[(String, u32, String)],
        by: Option<UserId>,
        now: i64,
    ) -> Result<i64>;
    /// The newest run of the CFP, if any.
    async fn last_run(&self, cfp_id: i64) -> Result<Option<RunRecord>>;
    async fn put_review(&self, review: &StoredReview, now: i64) -> Result<()>;
    /// `(subject, body)` as edited for the CFP, `NotFound` when the built-in text applies.
    async fn mail_template(&self, cfp_id: i64, kind: &str) -> Result<(String, String)>;
    async fn put_mail_template(
        &self,
        cfp_id: i64,
        kind: &str,
        subject: &str,
        body: &str,
        now: i64,
    ) -> Result<()>;
    /// E-mail addresses of these accounts.
    async fn emails(&self, users: &[UserId]) -> Result<HashMap<UserId, Email>>;
    /// Stores a confirmation link's hash for a proposal.
    async fn add_confirm_token(
        &self,
        hash: &str,
        submission: i64,
        expires_at: i64,
        now: i64,
    ) -> Result<()>;
    /// Uses a confirmation link once: the proposal's id, `NotFound` when it is unknown, used or
    /// expired.
    async fn use_confirm_token(&self, hash: &str, now: i64) -> Result<i64>;
}

fn bid_str(b: Bid) -> &'static str {
    match b {
        Bid::Eager => "eager",
        Bid::Willing => "willing",
        Bid::NotWilling => "not_willing",
        Bid::Conflict => "conflict",
    }
}

fn parse_bid(s: &str) -> Result<Bid> {
    Ok(match s {
        "eager" => Bid::Eager,
        "willing" => Bid::Willing,
        "not_willing" => Bid::NotWilling,
        "conflict" => Bid::Conflict,
        other => return Err(StoreError::invalid(format!("stored bid {other:?}"))),
    })
}

fn severity_str(s: Severity) -> &'static str {
    match s {
        Severity::Hard => "hard",
        Severity::Soft => "soft",
    }
}

type ProfileRow = (i64, String, String, String, String, String, String);
type ReviewRow = (i64, i64, String, f64, String, String, i64);

impl ReviewStore for Store {
    async fn board(&self, edition: &Slug, event: &Slug, only: Option<UserId>) -> Result<Board> {
        let (ed, ev) = (edition.as_str(), event.as_str());
        let mine = if only.is_some() {
            " AND reviewer_id = $3"
        } else {
            ""
        };
        // Sub-selects rather than IN lists: the number of queries does not grow with the CFP.
        let in_cfp = "SELECT s.id FROM submissions s JOIN cfps c ON c.id = s.cfp_id
             JOIN events ev ON ev.id = c.event_id JOIN editions e ON e.id = ev.edition_id
             WHERE e.slug = $1 AND ev.slug = $2";
        let proposals_sql =
            format!("SELECT {COLUMNS} {FROM} WHERE e.slug = $1 AND ev.slug = $2 ORDER BY s.id");
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let cfp_id: i64 = sqlx::query_scalar(CFP_ID)
                .bind(ed)
                .bind(ev)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("a call for papers for {event}")))?;
            let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(proposals_sql))
                .bind(ed)
                .bind(ev)
                .fetch_all(&mut *tx)
                .await?;
            // Every proposal's speakers in the edition, in order: the CFP's ones among them.
            let speakers: Vec<(i64, i64, i64)> = sqlx::query_as(
                "SELECT ss.submission_id, ss.user_id, s.cfp_id FROM submission_speakers ss
                 JOIN submissions s ON s.id = ss.submission_id
                 JOIN cfps c ON c.id = s.cfp_id JOIN events ev ON ev.id = c.event_id
                 JOIN editions e ON e.id = ev.edition_id
                 WHERE e.slug = $1 ORDER BY ss.submission_id, ss.position",
            )
            .bind(ed)
            .fetch_all(&mut *tx)
            .await?;
            let members: Vec<(i64, String, String, String)> = sqlx::query_as(
                "SELECT m.user_id, u.email, m.role, m.tracks FROM memberships m
                 JOIN users u ON u.id = m.user_id JOIN editions e ON e.id = m.edition_id
                 WHERE e.slug = $1 AND (m.event = '' OR m.event = $2)
                   AND m.role IN ('reviewer', 'co-chair') ORDER BY m.user_id, m.id",
            )
            .bind(ed)
            .bind(ev)
            .fetch_all(&mut *tx)
            .await?;
            let profiles: Vec<ProfileRow> = sqlx::query_as(
                "SELECT p.user_id, p.name, p.affiliation, p.job_role, p.bio, p.pronouns, p.photo_url
                 FROM speaker_profiles p WHERE p.user_id IN (
                     SELECT ss.user_id FROM submission_speakers ss
                     JOIN submissions s ON s.id = ss.submission_id
                     JOIN cfps c ON c.id = s.cfp_id JOIN events ev ON ev.id = c.event_id
                     JOIN editions e ON e.id = ev.edition_id WHERE e.slug = $1
                   UNION
                     SELECT m.user_id FROM memberships m JOIN editions e ON e.id = m.edition_id
                     WHERE e.slug = $1 AND m.role IN ('reviewer', 'co-chair', 'organizer'))",
            )
            .bind(ed)
            .fetch_all(&mut *tx)
            .await?;
            let declared: Vec<(i64, i64, String, String)> = sqlx::query_as(
                "SELECT d.reviewer_id, d.speaker_id, d.declared_by, d.severity
                 FROM declared_conflicts d JOIN editions e ON e.id = d.edition_id
                 WHERE e.slug = $1 ORDER BY d.reviewer_id, d.speaker_id",
            )
            .bind(ed)
            .fetch_all(&mut *tx)
            .await?;
            let mut q = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT submission_id, reviewer_id, bid FROM bids
                 WHERE submission_id IN ({in_cfp}){mine} ORDER BY submission_id, reviewer_id"
            )))
            .bind(ed)
            .bind(ev);
            if let Some(u) = only {
                q = q.bind(u.0);
            }
            let bids: Vec<(i64, i64, String)> = q.fetch_all(&mut *tx).await?;
            let mut q = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT submission_id, reviewer_id, run FROM review_assignments
                 WHERE submission_id IN ({in_cfp}){mine} ORDER BY submission_id, reviewer_id"
            )))
            .bind(ed)
            .bind(ev);
            if let Some(u) = only {
                q = q.bind(u.0);
            }
            let assignments: Vec<(i64, i64, i64)> = q.fetch_all(&mut *tx).await?;
            let mut q = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT submission_id, reviewer_id, scores, total, committee_comment,
                     speaker_comment, updated_at FROM reviews
                 WHERE submission_id IN ({in_cfp}){mine} ORDER BY submission_id, reviewer_id"
            )))
            .bind(ed)
            .bind(ev);
            if let Some(u) = only {
                q = q.bind(u.0);
            }
            let reviews: Vec<ReviewRow> = q.fetch_all(&mut *tx).await?;
            let near: Vec<(i64, i64, f64)> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT first_id, second_id, similarity FROM near_duplicates
                 WHERE first_id IN ({in_cfp}) OR second_id IN ({in_cfp})
                 ORDER BY first_id, second_id"
            )))
            .bind(ed)
            .bind(ev)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;

            let mut talks: HashMap<i64, Vec<UserId>> = HashMap::new();
            let mut order: Vec<i64> = Vec::new();
            for (s, u, _) in &speakers {
                let list = talks.entry(*s).or_insert_with(|| {
                    order.push(*s);
                    Vec::new()
                });
                list.push(UserId(*u));
            }
            let edition_talks = order.iter().map(|s| talks[s].clone()).collect();
            let proposals = rows
                .into_iter()
                .map(|r| {
                    let speakers = talks.get(&r.0).cloned().unwrap_or_default();
                    from_row(r, speakers)
                })
                .collect::<Result<Vec<_>>>()?;
            let mut reviewers: Vec<ReviewerRow> = Vec::new();
            for (user, email, role, tracks) in members {
                let role = Role::from_stored(&role, &tracks)
                    .map_err(|e| StoreError::invalid(e.to_string()))?;
                let email = Email::parse(&email)
                    .map_err(|e| StoreError::invalid(format!("stored e-mail: {e}")))?;
                match reviewers.last_mut() {
                    Some(last) if last.user.0 == user => last.role = wider(&last.role, role),
                    _ => reviewers.push(ReviewerRow {
                        user: UserId(user),
                        email,
                        role,
                    }),
                }
            }
            Ok(Board {
                cfp_id,
                proposals,
                edition_talks,
                profiles: profiles
                    .into_iter()
                    .map(|r| {
                        (
                            UserId(r.0),
                            Profile {
                                name: r.1,
                                affiliation: r.2,
                                job_role: r.3,
                                bio: r.4,
                                pronouns: r.5,
                                photo_url: r.6,
                            },
                        )
                    })
                    .collect(),
                reviewers,
                declared: declared
                    .into_iter()
                    .map(|(r, s, by, sev)| DeclaredConflict {
                        reviewer: UserId(r),
                        speaker: UserId(s),
                        by_speaker: by == "speaker",
                        severity: if sev == "soft" {
                            Severity::Soft
                        } else {
                            Severity::Hard
                        },
                    })
                    .collect(),
                bids: bids
                    .into_iter()
                    .map(|(s, r, b)| Ok((s, UserId(r), parse_bid(&b)?)))
                    .collect::<Result<_>>()?,
                assignments: assignments
                    .into_iter()
                    .map(|(s, r, run)| (s, UserId(r), run))
                    .collect(),
                reviews: reviews
                    .into_iter()
                    .map(|r| {
                        Ok(StoredReview {
                            submission: r.0,
                            reviewer: UserId(r.1),
                            scores: serde_json::from_str(&r.2).map_err(|e| {
                                StoreError::invalid(format!("stored scores {:?}: {e}", r.2))
                            })?,
                            total: r.3,
                            committee_comment: r.4,
                            speaker_comment: r.5,
                            updated_at: r.6,
                        })
                    })
                    .collect::<Result<_>>()?,
                near_duplicates: near,
            })
        })
    }

    async fn cfp_id(&self, edition: &Slug, event: &Slug) -> Result<i64> {
        let id: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar(CFP_ID)
                .bind(edition.as_str())
                .bind(event.as_str())
                .fetch_optional(pool)
                .await?
        });
        id.ok_or_else(|| StoreError::NotFound(format!("a call for papers for {event}")))
    }

    async fn put_bid(&self, submission: i64, reviewer: UserId, bid: Bid, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO bids (submission_id, reviewer_id, bid, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (submission_id, reviewer_id) DO UPDATE SET bid = excluded.bid,
                     at = excluded.at",
            )
            .bind(submission)
            .bind(reviewer.0)
            .bind(bid_str(bid))
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn declare_conflict(&self, edition: &Slug, c: &DeclaredConflict, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "INSERT INTO declared_conflicts (edition_id, reviewer_id, speaker_id, declared_by,
                     severity, at)
                 SELECT id, $2, $3, $4, $5, $6 FROM editions WHERE slug = $1
                 ON CONFLICT (edition_id, reviewer_id, speaker_id, declared_by)
                 DO UPDATE SET severity = excluded.severity, at = excluded.at",
            )
            .bind(edition.as_str())
            .bind(c.reviewer.0)
            .bind(c.speaker.0)
            .bind(if c.by_speaker { "speaker" } else { "reviewer" })
            .bind(severity_str(c.severity))
            .bind(now)
            .execute(pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("edition {edition}")));
            }
            Ok(())
        })
    }

    async fn add_assignments(
        &self,
        cfp_id: i64,
        pairs: &[(i64, UserId)],
        short: &[(String, u32, String)],
        by: Option<UserId>,
        now: i64,
    ) -> Result<i64> {
        let short = serde_json::to_string(short)
            .map_err(|e| StoreError::invalid(format!("a run's shortfalls: {e}")))?;
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            // The CFP's row is the lock two runs at once queue on (PostgreSQL; SQLite's write
            // transaction already excludes the other).
            sqlx::query(AssertSqlSafe(format!(
                "SELECT id FROM cfps WHERE id = $1{}",
                pool.for_update()
            )))
            .bind(cfp_id)
            .execute(&mut *tx)
            .await?;
            let run: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(run), 0) + 1 FROM review_runs WHERE cfp_id = $1",
            )
            .bind(cfp_id)
            .fetch_one(&mut *tx)
            .await?;
            let mut added = 0;
            for (submission, reviewer) in pairs {
                let done = sqlx::query(
                    "INSERT INTO review_assignments (submission_id, reviewer_id, run, assigned_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT (submission_id, reviewer_id) DO NOTHING",
                )
                .bind(submission)
                .bind(reviewer.0)
                .bind(run)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                added += done.rows_affected() as i64;
            }
            sqlx::query(
                "INSERT INTO review_runs (cfp_id, run, at, user_id, added, short)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(cfp_id)
            .bind(run)
            .bind(now)
            .bind(by.map(|u| u.0))
            .bind(added)
            .bind(&short)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(run)
        })
    }

    async fn last_run(&self, cfp_id: i64) -> Result<Option<RunRecord>> {
        let row: Option<(i64, i64, i64, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT run, at, added, short FROM review_runs WHERE cfp_id = $1
                 ORDER BY run DESC LIMIT 1",
            )
            .bind(cfp_id)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(run, at, added, short)| {
            Ok(RunRecord {
                run,
                at,
                added,
                short: serde_json::from_str(&short)
                    .map_err(|e| StoreError::invalid(format!("a run's shortfalls: {e}")))?,
            })
        })
        .transpose()
    }

    async fn put_review(&self, r: &StoredReview, now: i64) -> Result<()> {
        let scores = serde_json::to_string(&r.scores)
            .map_err(|e| StoreError::invalid(format!("scores: {e}")))?;
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO reviews (submission_id, reviewer_id, scores, total, committee_comment,
                     speaker_comment, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                 ON CONFLICT (submission_id, reviewer_id) DO UPDATE SET scores = excluded.scores,
                     total = excluded.total, committee_comment = excluded.committee_comment,
                     speaker_comment = excluded.speaker_comment, updated_at = excluded.updated_at",
            )
            .bind(r.submission)
            .bind(r.reviewer.0)
            .bind(&scores)
            .bind(r.total)
            .bind(&r.committee_comment)
            .bind(&r.speaker_comment)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn mail_template(&self, cfp_id: i64, kind: &str) -> Result<(String, String)> {
        let row: Option<(String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT subject, body FROM mail_templates WHERE cfp_id = $1 AND kind = $2",
            )
            .bind(cfp_id)
            .bind(kind)
            .fetch_optional(pool)
            .await?
        });
        row.ok_or_else(|| StoreError::NotFound(format!("a {kind} mail template")))
    }

    async fn put_mail_template(
        &self,
        cfp_id: i64,
        kind: &str,
        subject: &str,
        body: &str,
        now: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO mail_templates (cfp_id, kind, subject, body, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (cfp_id, kind) DO UPDATE SET subject = excluded.subject,
                     body = excluded.body, updated_at = excluded.updated_at",
            )
            .bind(cfp_id)
            .bind(kind)
            .bind(subject)
            .bind(body)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn emails(&self, users: &[UserId]) -> Result<HashMap<UserId, Email>> {
        let mut found = HashMap::new();
        for chunk in users.chunks(500) {
            let sql = format!(
                "SELECT id, email FROM users WHERE id IN ({})",
                crate::placeholders(1, chunk.len())
            );
            let rows: Vec<(i64, String)> = on_pool!(self, |pool| {
                let mut q = sqlx::query_as(AssertSqlSafe(sql));
                for u in chunk {
                    q = q.bind(u.0);
                }
                q.fetch_all(pool).await?
            });
            for (id, email) in rows {
                let email = Email::parse(&email)
                    .map_err(|e| StoreError::invalid(format!("stored e-mail: {e}")))?;
                found.insert(UserId(id), email);
            }
        }
        Ok(found)
    }

    async fn add_confirm_token(
        &self,
        hash: &str,
        submission: i64,
        expires_at: i64,
        now: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO confirm_tokens (hash, submission_id, created_at, expires_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(hash)
            .bind(submission)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn use_confirm_token(&self, hash: &str, now: i64) -> Result<i64> {
        let id: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "UPDATE confirm_tokens SET used_at = $2
                 WHERE hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING submission_id",
            )
            .bind(hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        id.ok_or_else(|| StoreError::NotFound("a confirmation link".into()))
    }
}

/// Of two review roles of one person, the one that reaches further (co-chair over reviewer,
/// all tracks over some).
fn wider(a: &Role, b: Role) -> Role {
    use hallway_domain::Tracks;
    let tracks = |r: &Role| r.tracks().cloned().unwrap_or(Tracks::Only(Vec::new()));
    let merged = match (tracks(a), tracks(&b)) {
        (Tracks::All, _) | (_, Tracks::All) => Tracks::All,
        (Tracks::Only(mut x), Tracks::Only(y)) => {
            for t in y {
                if !x.contains(&t) {
                    x.push(t);
                }
            }
            Tracks::Only(x)
        }
    };
    if matches!(a, Role::CoChair(_)) || matches!(b, Role::CoChair(_)) {
        Role::CoChair(merged)
    } else {
        Role::Reviewer(merged)
    }
}
