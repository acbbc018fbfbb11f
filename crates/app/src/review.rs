//! The review: bids, conflicts of interest, automatic assignment, scores, the co-chairs'
//! ranking and decisions, decision mails, the dashboard and the reviews export.
//!
//! Every function takes a `ReviewCtx` (or an `OrgaCtx` for mail templates) and reads the CFP's
//! whole board at once (`ReviewStore::board`, a fixed number of queries), so a list of 2,000
//! proposals costs what one costs plus the rows.
//!
//! Blindness is a type: a reviewer gets each proposal as a `ReviewView`, whose `speakers` is
//! `Speakers::Hidden` when the CFP is blind and the viewer no organizer. Pages, JSON, CSV and
//! mail to reviewers are made from it, so they cannot show what it never carried.

use crate::accounts::Secret;
use crate::permissions::{MemberCtx, OrgaCtx, ReviewCtx};
use crate::{App, AppError, Result, parse_slug};
use hallway_domain::cfp::{CallForPapers, Profile, Submission};
use hallway_domain::review::Bid;
use hallway_domain::review::conflicts::{self, Context, Person, Severity};
use hallway_domain::review::scores;
use hallway_domain::submission::{Action, Actor, Status};
use hallway_domain::{Email, Role, Slug, Tracks, UserId};
use hallway_scheduler::reviewers::{self, Preference};
use hallway_store::{
    AccountStore, Board, CfpStore, DeclaredConflict, NewMail, OutboxStore, ReviewStore,
    StoredReview, SubmissionStore, Transition,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How long the one-click confirmation link of an acceptance works.
const CONFIRM_SECONDS: i64 = 60 * 24 * 3600;
/// The longest comment a review takes.
const MAX_COMMENT: usize = 10_000;

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Who gives a talk, as organizers (and reviewers of an open review) see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerShown {
    pub name: String,
    pub affiliation: String,
    pub email: String,
    pub bio: String,
    pub photo_url: String,
}

/// The speakers of a proposal, or nothing at all when the review is blind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Speakers {
    Hidden,
    Shown(Vec<SpeakerShown>),
}

/// A proposal as the review shows it. Built by the app only; blind, it holds no identity.
#[derive(Debug, Clone)]
pub struct ReviewView {
    pub code: String,
    pub title: String,
    pub abstract_: String,
    pub notes: String,
    pub track: Slug,
    pub track_name: String,
    pub session_type: Slug,
    pub status: Status,
    pub speakers: Speakers,
}

/// A proposal in a reviewer's list, with what they did about it.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub view: ReviewView,
    pub bid: Option<Bid>,
    pub assigned: bool,
    pub reviewed: bool,
    /// A soft conflict (a hard one keeps the proposal out of the list).
    pub conflict: Option<Severity>,
}

#[derive(Debug, Clone)]
pub struct ReviewList {
    pub blind: bool,
    pub decides: bool,
    pub items: Vec<ReviewItem>,
}

/// One proposal's review page.
#[derive(Debug, Clone)]
pub struct ProposalReview {
    pub view: ReviewView,
    pub blind: bool,
    pub criteria: Vec<scores::Criterion>,
    pub assigned: bool,
    pub bid: Option<Bid>,
    pub mine: Option<StoredReview>,
    /// Every review, for co-chairs and organizers: `(reviewer's e-mail, review)`.
    pub all: Vec<(String, StoredReview)>,
}

/// What an assignment run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentReport {
    pub run: i64,
    /// `(proposal code, reviewer's e-mail)` added by this run.
    pub added: Vec<(String, String)>,
    /// `(proposal code, reviews missing, why)`.
    pub short: Vec<(String, u32, String)>,
    /// Assignments kept from earlier runs.
    pub kept: usize,
}

/// How the ranking is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankOrder {
    Score,
    Normalised,
    Spread,
    Reviews,
    Code,
}

impl RankOrder {
    pub fn parse(s: Option<&str>) -> Result<Self> {
        Ok(match s.unwrap_or("score") {
            "score" => Self::Score,
            "normalised" => Self::Normalised,
            "spread" => Self::Spread,
            "reviews" => Self::Reviews,
            "code" => Self::Code,
            other => {
                return Err(AppError::Invalid(format!(
                    "sort by score, normalised, spread, reviews or code, not {other:?}"
                )));
            }
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Score => "score",
            Self::Normalised => "normalised",
            Self::Spread => "spread",
            Self::Reviews => "reviews",
            Self::Code => "code",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RankRow {
    pub view: ReviewView,
    pub mean: Option<f64>,
    pub normalised: Option<f64>,
    /// Highest total less lowest.
    pub spread: Option<f64>,
    pub reviews: usize,
    pub assigned: usize,
    /// Codes of near duplicates.
    pub duplicates: Vec<String>,
    /// The viewer's soft conflict: they see it but may not decide it.
    pub conflict: Option<Severity>,
}

#[derive(Debug, Clone)]
pub struct Ranking {
    pub blind: bool,
    pub order: RankOrder,
    pub rows: Vec<RankRow>,
}

/// A decision for one or many proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
    Waitlist,
}

impl Decision {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "accept" | "accepted" => Self::Accept,
            "reject" | "rejected" => Self::Reject,
            "waitlist" | "waitlisted" => Self::Waitlist,
            other => {
                return Err(AppError::Invalid(format!(
                    "decide accept, reject or waitlist, not {other:?}"
                )));
            }
        })
    }
    fn action(self) -> Action {
        match self {
            Self::Accept => Action::Accept,
            Self::Reject => Action::Reject,
            Self::Waitlist => Action::Waitlist,
        }
    }
    /// The template kind of its mail.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Accept => "accepted",
            Self::Reject => "rejected",
            Self::Waitlist => "waitlisted",
        }
    }
}

/// Progress and scores for the co-chairs.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// `(track name, proposals in review, assignments, reviews done)`.
    pub tracks: Vec<(String, usize, usize, usize)>,
    /// `(reviewer's e-mail, assigned, done)`.
    pub reviewers: Vec<(String, usize, usize)>,
    /// Proposals by mean weighted score, in tenths of the scale (0-10, ..., 90-100).
    pub histogram: [usize; 10],
    /// Reviews by weighted total, in tenths.
    pub review_histogram: [usize; 10],
    pub last_run: Option<hallway_store::RunRecord>,
}

/// A decision mail template as organizers edit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    pub subject: String,
    pub body: String,
    /// Whether it is the CFP's own (else the built-in text).
    pub custom: bool,
}

const DECISION_KINDS: &[&str] = &["accepted", "rejected", "waitlisted"];

fn builtin(kind: &str) -> Result<(String, String)> {
    let text = match kind {
        "accepted" => include_str!("../mail/decision_accepted.txt"),
        "rejected" => include_str!("../mail/decision_rejected.txt"),
        "waitlisted" => include_str!("../mail/decision_waitlisted.txt"),
        other => {
            return Err(AppError::Invalid(format!(
                "the decision mails are accepted, rejected and waitlisted, not {other:?}"
            )));
        }
    };
    let (head, body) = text
        .split_once("\n\n")
        .ok_or_else(|| AppError::Internal(format!("built-in {kind} mail has no blank line")))?;
    let subject = head.strip_prefix("Subject: ").unwrap_or(head);
    Ok((subject.to_owned(), body.to_owned()))
}

/// Renders a decision template; an error names the part and the line.
fn render_template(
    subject: &str,
    body: &str,
    context: &minijinja::Value,
) -> Result<(String, String)> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    let render = |part: &str, source: &str| {
        env.template_from_str(source)
            .and_then(|t| t.render(context))
            .map_err(|e| {
                let line = e.line().map(|l| format!(", line {l}")).unwrap_or_default();
                AppError::Invalid(format!(
                    "the {part}{line}: {}",
                    e.detail().unwrap_or(&e.kind().to_string())
                ))
            })
    };
    let subject = render("subject", subject)?.trim().replace('\n', " ");
    let body = render("body", body)?;
    Ok((subject, body))
}

/// The review of one CFP as loaded, with what every function needs to know of it.
struct Loaded {
    edition: Slug,
    cfp: CallForPapers,
    board: Board,
    track_names: HashMap<Slug, String>,
    /// The partner events a rejected talk may go to, by name: the rejection mail offers them.
    partners: Vec<String>,
}

impl Loaded {
    /// A speaker's profile; a co-speaker who has not written one yet is named as such, not
    /// left blank.
    fn profile_of(&self, user: UserId) -> Profile {
        self.board
            .profiles
            .get(&user)
            .cloned()
            .unwrap_or_else(|| Profile {
                name: "(no speaker profile yet)".to_owned(),
                ..Profile::default()
            })
    }

    fn person(&self, user: UserId) -> Person<UserId> {
        Person {
            id: user,
            affiliation: self
                .board
                .profiles
                .get(&user)
                .map(|p| p.affiliation.clone())
                .filter(|a| !a.trim().is_empty()),
        }
    }

    /// What conflicts need of one reviewer: their talks and declarations only, so that a check
    /// per proposal stays cheap over thousands of proposals.
    fn conflicts_of(&self, reviewer: UserId) -> ReviewerConflicts {
        let b = &self.board;
        ReviewerConflicts {
            person: self.person(reviewer),
            talks: b
                .edition_talks
                .iter()
                .filter(|t| t.contains(&reviewer))
                .cloned()
                .collect(),
            by_reviewer: b
                .declared
                .iter()
                .filter(|d| d.reviewer == reviewer && !d.by_speaker)
                .map(|d| (d.reviewer, d.speaker, d.severity))
                .collect(),
            by_speaker: b
                .declared
                .iter()
                .filter(|d| d.reviewer == reviewer && d.by_speaker)
                .map(|d| (d.speaker, d.reviewer, d.severity))
                .collect(),
        }
    }

    fn speakers_of(&self, p: &Submission) -> Vec<Person<UserId>> {
        p.speakers.iter().map(|&u| self.person(u)).collect()
    }

    fn view(&self, p: &Submission, blind: bool, emails: &HashMap<UserId, Email>) -> ReviewView {
        let speakers = if blind {
            Speakers::Hidden
        } else {
            Speakers::Shown(
                p.speakers
                    .iter()
                    .map(|u| {
                        let profile = self.profile_of(*u);
                        SpeakerShown {
                            name: profile.name,
                            affiliation: profile.affiliation,
                            email: emails.get(u).map(|e| e.to_string()).unwrap_or_default(),
                            bio: profile.bio,
                            photo_url: profile.photo_url,
                        }
                    })
                    .collect(),
            )
        };
        ReviewView {
            code: p.code.clone(),
            title: p.title.clone(),
            abstract_: p.abstract_.clone(),
            notes: p.notes.clone(),
            track_name: self
                .track_names
                .get(&p.track)
                .cloned()
                .unwrap_or_else(|| p.track.to_string()),
            track: p.track.clone(),
            session_type: p.session_type.clone(),
            status: p.status,
            speakers,
        }
    }

    fn proposal(&self, code: &str) -> Result<&Submission> {
        self.board
            .proposals
            .iter()
            .find(|p| p.code == code)
            .ok_or_else(|| AppError::NotFound(format!("proposal {code}")))
    }

    fn bid(&self, submission: i64, reviewer: UserId) -> Option<Bid> {
        self.board
            .bids
            .iter()
            .find(|b| b.0 == submission && b.1 == reviewer)
            .map(|b| b.2)
    }

    fn assigned(&self, submission: i64, reviewer: UserId) -> bool {
        self.board
            .assignments
            .iter()
            .any(|a| a.0 == submission && a.1 == reviewer)
    }
}

struct ReviewerConflicts {
    person: Person<UserId>,
    talks: Vec<Vec<UserId>>,
    by_reviewer: Vec<(UserId, UserId, Severity)>,
    by_speaker: Vec<(UserId, UserId, Severity)>,
}

impl ReviewerConflicts {
    fn severity(&self, speakers: &[Person<UserId>]) -> Option<Severity> {
        let context = Context {
            edition_talks: &self.talks,
            declared_by_reviewers: &self.by_reviewer,
            declared_by_speakers: &self.by_speaker,
        };
        conflicts::severity(&conflicts::between(&self.person, speakers, &context))
    }
}

fn refuse_track(ctx: &ReviewCtx, p: &Submission) -> Result<()> {
    if ctx.tracks.covers(Some(&p.track)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "proposal {} is in the track {}, which you do not review: nothing was changed",
            p.code, p.track
        )))
    }
}

fn conflict_refusal(code: &str, what: &str) -> AppError {
    AppError::Forbidden(format!(
        "you have a conflict of interest with proposal {code}, so you may not {what} it: nothing was changed"
    ))
}

fn blind_for(ctx: &ReviewCtx, cfp: &CallForPapers) -> bool {
    cfp.blind && !ctx.organizer
}

impl App {
    /// The CFP and its board; with `only`, the bids, assignments and reviews of that reviewer
    /// alone.
    async fn load_review(
        &self,
        edition: &Slug,
        event: &Slug,
        only: Option<UserId>,
    ) -> Result<Loaded> {
        let cfp = self.store.cfp(edition, event).await?;
        let board = self.store.board(edition, event, only).await?;
        let track_names = cfp
            .tracks
            .iter()
            .map(|t| (t.slug.clone(), t.name.clone()))
            .collect();
        let mut partners = Vec::new();
        for p in self.partners(edition.as_str(), event.as_str()).await? {
            let name = hallway_store::CfpFlowStore::events(&self.store, &p.edition)
                .await?
                .into_iter()
                .find(|e| e.slug == p.event)
                .map_or_else(|| p.event.to_string(), |e| e.name);
            partners.push(name);
        }
        Ok(Loaded {
            edition: edition.clone(),
            cfp,
            board,
            track_names,
            partners,
        })
    }

    /// E-mail addresses, only when the view will show them (never for a blind review).
    async fn emails_for(
        &self,
        blind: bool,
        proposals: &[&Submission],
    ) -> Result<HashMap<UserId, Email>> {
        if blind {
            return Ok(HashMap::new());
        }
        let users: Vec<UserId> = proposals
            .iter()
            .flat_map(|p| p.speakers.iter().copied())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        Ok(self.store.emails(&users).await?)
    }

    /// The proposals in review of the viewer's tracks, without those they are in hard conflict
    /// with, in the CFP's order.
    pub async fn review_list(&self, ctx: &ReviewCtx) -> Result<ReviewList> {
        let l = self
            .load_review(&ctx.edition, &ctx.event, Some(ctx.user))
            .await?;
        let blind = blind_for(ctx, &l.cfp);
        let mine = l.conflicts_of(ctx.user);
        let mut shown = Vec::new();
        for p in &l.board.proposals {
            if !p.status.in_review() || !ctx.tracks.covers(Some(&p.track)) {
                continue;
            }
            let conflict = mine.severity(&l.speakers_of(p));
            if conflict == Some(Severity::Hard) {
                continue;
            }
            shown.push((p, conflict));
        }
        let refs: Vec<&Submission> = shown.iter().map(|s| s.0).collect();
        let emails = self.emails_for(blind, &refs).await?;
        let reviewed: HashSet<i64> = l
            .board
            .reviews
            .iter()
            .filter(|r| r.reviewer == ctx.user)
            .map(|r| r.submission)
            .collect();
        // The viewer's bids and assignments, looked up per proposal without a scan each.
        let bids: HashMap<i64, Bid> = l
            .board
            .bids
            .iter()
            .filter(|b| b.1 == ctx.user)
            .map(|b| (b.0, b.2))
            .collect();
        let assigned: HashSet<i64> = l
            .board
            .assignments
            .iter()
            .filter(|a| a.1 == ctx.user)
            .map(|a| a.0)
            .collect();
        let items = shown
            .into_iter()
            .map(|(p, conflict)| ReviewItem {
                view: l.view(p, blind, &emails),
                bid: bids.get(&p.id).copied(),
                assigned: assigned.contains(&p.id),
                reviewed: reviewed.contains(&p.id),
                conflict,
            })
            .collect();
        Ok(ReviewList {
            blind,
            decides: ctx.decides,
            items,
        })
    }

    /// A proposal the viewer may see in the review: of their tracks, no hard conflict.
    pub async fn proposal_review(&self, ctx: &ReviewCtx, code: &str) -> Result<ProposalReview> {
        let l = self
            .load_review(&ctx.edition, &ctx.event, (!ctx.decides).then_some(ctx.user))
            .await?;
        let p = l.proposal(code)?;
        refuse_track(ctx, p)?;
        if l.conflicts_of(ctx.user).severity(&l.speakers_of(p)) == Some(Severity::Hard) {
            return Err(conflict_refusal(code, "see"));
        }
        let blind = blind_for(ctx, &l.cfp);
        let emails = self.emails_for(blind, &[p]).await?;
        let mine = l
            .board
            .reviews
            .iter()
            .find(|r| r.submission == p.id && r.reviewer == ctx.user)
            .cloned();
        let mut all = Vec::new();
        if ctx.decides {
            let names: HashMap<UserId, String> = l
                .board
                .reviewers
                .iter()
                .map(|r| (r.user, r.email.to_string()))
                .collect();
            for r in l.board.reviews.iter().filter(|r| r.submission == p.id) {
                let who = names
                    .get(&r.reviewer)
                    .cloned()
                    .unwrap_or_else(|| format!("reviewer {}", r.reviewer.0));
                all.push((who, r.clone()));
            }
        }
        Ok(ProposalReview {
            view: l.view(p, blind, &emails),
            blind,
            criteria: l.cfp.criteria.clone(),
            assigned: l.assigned(p.id, ctx.user),
            bid: l.bid(p.id, ctx.user),
            mine,
            all,
        })
    }

    /// A reviewer's bid on a proposal in review of their tracks.
    pub async fn bid(&self, ctx: &ReviewCtx, code: &str, bid: Bid) -> Result<()> {
        ctx.writes()?;
        let p = self.store.submission(code).await?;
        self.same_event(ctx, &p)?;
        refuse_track(ctx, &p)?;
        if !p.status.in_review() {
            return Err(AppError::Conflict(format!(
                "proposal {code} is {}, no longer in review",
                p.status
            )));
        }
        Ok(self.store.put_bid(p.id, ctx.user, bid, now()).await?)
    }

    /// A reviewer declares a conflict with a proposal's speakers (whom they need not know):
    /// never assigned it again, and never deciding it.
    pub async fn declare_conflict(
        &self,
        ctx: &ReviewCtx,
        code: &str,
        severity: Severity,
    ) -> Result<()> {
        ctx.writes()?;
        let p = self.store.submission(code).await?;
        self.same_event(ctx, &p)?;
        refuse_track(ctx, &p)?;
        for &speaker in &p.speakers {
            let c = DeclaredConflict {
                reviewer: ctx.user,
                speaker,
                by_speaker: false,
                severity,
            };
            self.store.declare_conflict(&ctx.edition, &c, now()).await?;
        }
        Ok(())
    }

    /// A speaker declares a conflict with a reviewer of the edition, named by e-mail.
    pub async fn declare_conflict_as_speaker(
        &self,
        member: &MemberCtx,
        reviewer: &str,
        severity: Severity,
    ) -> Result<()> {
        if member.role != Role::Speaker {
            return Err(AppError::Forbidden(
                "only a speaker declares a conflict with a reviewer".into(),
            ));
        }
        if member.access != hallway_domain::Access::Write {
            return Err(AppError::Forbidden("this token may only read".into()));
        }
        let email = Email::parse(reviewer).map_err(|e| AppError::Invalid(e.to_string()))?;
        // The same answer whether or not the address has an account.
        let Ok(user) = self.store.user_by_email(&email).await else {
            return Ok(());
        };
        let c = DeclaredConflict {
            reviewer: user.id,
            speaker: member.user,
            by_speaker: true,
            severity,
        };
        Ok(self
            .store
            .declare_conflict(&member.edition, &c, now())
            .await?)
    }

    fn same_event(&self, ctx: &ReviewCtx, p: &Submission) -> Result<()> {
        if p.edition == ctx.edition && p.event == ctx.event {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("proposal {}", p.code)))
        }
    }

    /// Assigns reviewers to the proposals in review of the co-chair's tracks: the CFP's
    /// reviews per proposal, no reviewer over the CFP's cap, never across a conflict or outside
    /// a reviewer's tracks. Earlier assignments stay; the run is recorded with what it could
    /// not fill and why.
    pub async fn run_assignment(&self, ctx: &ReviewCtx) -> Result<AssignmentReport> {
        ctx.must_decide()?;
        ctx.writes()?;
        let l = self.load_review(&ctx.edition, &ctx.event, None).await?;
        let proposals: Vec<&Submission> = l
            .board
            .proposals
            .iter()
            .filter(|p| p.status.in_review() && ctx.tracks.covers(Some(&p.track)))
            .collect();
        let reviewers = &l.board.reviewers;
        let index: HashMap<i64, usize> = proposals
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let rindex: HashMap<UserId, usize> = reviewers
            .iter()
            .enumerate()
            .map(|(i, r)| (r.user, i))
            .collect();
        // Load counts every assignment of the reviewer in this CFP, in any track.
        let mut load = vec![0usize; reviewers.len()];
        let mut settled = Vec::new();
        for &(s, r, _) in &l.board.assignments {
            let Some(&y) = rindex.get(&r) else { continue };
            match index.get(&s) {
                Some(&x) => settled.push((x, y)),
                None => load[y] += 1,
            }
        }
        let cap = l.cfp.reviewer_cap as usize;
        let caps: Vec<usize> = load
            .iter()
            .map(|&taken| cap.saturating_sub(taken))
            .collect();
        let bids: HashMap<(i64, UserId), Bid> =
            l.board.bids.iter().map(|b| ((b.0, b.1), b.2)).collect();
        // Every pair's verdict, computed once: `Err(reason)` when it may not be assigned.
        let speakers: Vec<Vec<Person<UserId>>> =
            proposals.iter().map(|p| l.speakers_of(p)).collect();
        let mut allowed: Vec<Vec<Result<(Preference, bool), &'static str>>> =
            Vec::with_capacity(reviewers.len());
        for r in reviewers {
            let mine = l.conflicts_of(r.user);
            let tracks = r.role.tracks().cloned().unwrap_or(Tracks::Only(Vec::new()));
            let row = proposals
                .iter()
                .enumerate()
                .map(|(x, p)| {
                    if !tracks.covers(Some(&p.track)) {
                        return Err("outside their tracks");
                    }
                    let bid = bids.get(&(p.id, r.user)).copied();
                    if bid == Some(Bid::Conflict) || mine.severity(&speakers[x]).is_some() {
                        return Err("in conflict");
                    }
                    let preference = match bid {
                        Some(Bid::Eager) => Preference::Eager,
                        Some(Bid::Willing) => Preference::Willing,
                        Some(Bid::NotWilling) => Preference::NotWilling,
                        _ => Preference::Indifferent,
                    };
                    Ok((preference, matches!(tracks, Tracks::Only(_))))
                })
                .collect();
            allowed.push(row);
        }
        let verdict = |x: usize, y: usize| allowed[y][x].ok();
        let assignment = reviewers::assign(&reviewers::Input {
            proposals: proposals.len(),
            reviewers: reviewers.len(),
            per_proposal: l.cfp.reviews_per_proposal as usize,
            caps: &caps,
            allowed: &verdict,
            settled: &settled,
        });
        let short: Vec<(String, u32, String)> = assignment
            .short
            .iter()
            .map(|&(x, missing)| {
                let (mut conflicted, mut outside, mut free) = (0, 0, 0);
                for row in &allowed {
                    match row[x] {
                        Err("in conflict") => conflicted += 1,
                        Err(_) => outside += 1,
                        Ok(_) => free += 1,
                    }
                }
                let why = if free == 0 && reviewers.is_empty() {
                    "the event has no reviewers".to_owned()
                } else {
                    format!(
                        "{free} reviewers may review it and have no room left; {conflicted} are in conflict, {outside} do not review its track"
                    )
                };
                (proposals[x].code.clone(), missing as u32, why)
            })
            .collect();
        let pairs: Vec<(i64, UserId)> = assignment
            .added
            .iter()
            .map(|&(x, y)| (proposals[x].id, reviewers[y].user))
            .collect();
        let run = self
            .store
            .add_assignments(l.board.cfp_id, &pairs, &short, Some(ctx.user), now())
            .await?;
        self.mail_reviewers(&l, &proposals, &assignment.added, run)
            .await?;
        Ok(AssignmentReport {
            run,
            added: assignment
                .added
                .iter()
                .map(|&(x, y)| (proposals[x].code.clone(), reviewers[y].email.to_string()))
                .collect(),
            short,
            kept: settled.len(),
        })
    }

    /// Tells each reviewer what a run gave them. The list is made of the proposals as a
    /// reviewer sees them: under a blind review, titles and codes only.
    async fn mail_reviewers(
        &self,
        l: &Loaded,
        proposals: &[&Submission],
        added: &[(usize, usize)],
        run: i64,
    ) -> Result<()> {
        let blind = l.cfp.blind;
        let mut per: HashMap<usize, Vec<usize>> = HashMap::new();
        for &(x, y) in added {
            per.entry(y).or_default().push(x);
        }
        let refs: Vec<&Submission> = added.iter().map(|&(x, _)| proposals[x]).collect();
        let emails = self.emails_for(blind, &refs).await?;
        let (subject, body) = include_str!("../mail/review_assigned.txt")
            .split_once("\n\n")
            .ok_or_else(|| AppError::Internal("the assignment mail has no blank line".into()))?;
        let subject = subject.strip_prefix("Subject: ").unwrap_or(subject);
        let url = self.link(&format!("/review/{}/{}/", l.edition, l.cfp.event));
        let mut ys: Vec<&usize> = per.keys().collect();
        ys.sort();
        for &y in ys {
            let reviewer = &l.board.reviewers[y];
            let list: Vec<minijinja::Value> = per[&y]
                .iter()
                .map(|&x| {
                    let v = l.view(proposals[x], blind, &emails);
                    let speakers = match &v.speakers {
                        Speakers::Hidden => String::new(),
                        Speakers::Shown(list) => list
                            .iter()
                            .map(|s| s.name.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                    };
                    minijinja::context! { code => v.code, title => v.title, speakers => speakers }
                })
                .collect();
            let context = minijinja::context! {
                count => list.len(), proposals => list, event => l.cfp.event.to_string(),
                url => url.clone(),
            };
            let (subject, body) = render_template(subject, body, &context)?;
            self.store
                .enqueue(
                    &NewMail {
                        key: format!("assigned.{}.{run}.{}", l.board.cfp_id, reviewer.user.0),
                        recipient: reviewer.email.to_string(),
                        subject,
                        body,
                    },
                    now(),
                )
                .await?;
        }
        Ok(())
    }

    /// A review by an assigned reviewer: a score per criterion of the CFP, a comment for the
    /// committee and one for the speakers. Returns the weighted total.
    pub async fn score(
        &self,
        ctx: &ReviewCtx,
        code: &str,
        given: &[u32],
        committee_comment: &str,
        speaker_comment: &str,
    ) -> Result<f64> {
        ctx.writes()?;
        let l = self
            .load_review(&ctx.edition, &ctx.event, Some(ctx.user))
            .await?;
        let p = l.proposal(code)?;
        refuse_track(ctx, p)?;
        if l.conflicts_of(ctx.user).severity(&l.speakers_of(p)) == Some(Severity::Hard)
            || l.bid(p.id, ctx.user) == Some(Bid::Conflict)
        {
            return Err(conflict_refusal(code, "review"));
        }
        if !l.assigned(p.id, ctx.user) {
            return Err(AppError::Forbidden(format!(
                "proposal {code} is not assigned to you: nothing was changed"
            )));
        }
        if !p.status.in_review() {
            return Err(AppError::Conflict(format!(
                "proposal {code} is {}, no longer in review",
                p.status
            )));
        }
        for (field, text) in [
            ("committee comment", committee_comment),
            ("speaker comment", speaker_comment),
        ] {
            if text.chars().count() > MAX_COMMENT {
                return Err(AppError::Invalid(format!(
                    "the {field} is longer than {MAX_COMMENT} characters"
                )));
            }
        }
        let total = scores::weighted(&l.cfp.criteria, given)
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let review = StoredReview {
            submission: p.id,
            reviewer: ctx.user,
            scores: given.to_vec(),
            total,
            committee_comment: committee_comment.trim().to_owned(),
            speaker_comment: speaker_comment.trim().to_owned(),
            updated_at: now(),
        };
        self.store.put_review(&review, now()).await?;
        Ok(total)
    }

    /// The co-chairs' ranking: every proposal of their tracks past the draft, with its mean
    /// weighted score, the mean of the scores normalised per reviewer, their spread, its
    /// reviews and near duplicates.
    pub async fn ranking(&self, ctx: &ReviewCtx, order: RankOrder) -> Result<Ranking> {
        ctx.must_decide()?;
        let l = self.load_review(&ctx.edition, &ctx.event, None).await?;
        let blind = blind_for(ctx, &l.cfp);
        let mine = l.conflicts_of(ctx.user);
        let normalised = scores::normalised(
            &l.board
                .reviews
                .iter()
                .map(|r| (r.reviewer, r.submission, r.total))
                .collect::<Vec<_>>(),
        );
        let mut totals: HashMap<i64, Vec<f64>> = HashMap::new();
        for r in &l.board.reviews {
            totals.entry(r.submission).or_default().push(r.total);
        }
        let mut norm: HashMap<i64, Vec<f64>> = HashMap::new();
        for (_, s, f) in normalised {
            norm.entry(s).or_default().push(f);
        }
        let mut assigned: HashMap<i64, usize> = HashMap::new();
        for a in &l.board.assignments {
            *assigned.entry(a.0).or_default() += 1;
        }
        let codes: HashMap<i64, &str> = l
            .board
            .proposals
            .iter()
            .map(|p| (p.id, p.code.as_str()))
            .collect();
        let mut dups: HashMap<i64, Vec<String>> = HashMap::new();
        for &(a, b, _) in &l.board.near_duplicates {
            if let (Some(ca), Some(cb)) = (codes.get(&a), codes.get(&b)) {
                dups.entry(a).or_default().push((*cb).to_owned());
                dups.entry(b).or_default().push((*ca).to_owned());
            }
        }
        let mut shown = Vec::new();
        for p in &l.board.proposals {
            if matches!(p.status, Status::Draft | Status::Withdrawn)
                || !ctx.tracks.covers(Some(&p.track))
            {
                continue;
            }
            let conflict = mine.severity(&l.speakers_of(p));
            if conflict == Some(Severity::Hard) {
                continue;
            }
            shown.push((p, conflict));
        }
        let refs: Vec<&Submission> = shown.iter().map(|s| s.0).collect();
        let emails = self.emails_for(blind, &refs).await?;
        let mean = |v: Option<&Vec<f64>>| {
            v.filter(|v| !v.is_empty())
                .map(|v| v.iter().sum::<f64>() / v.len() as f64)
        };
        let mut rows: Vec<RankRow> = shown
            .into_iter()
            .map(|(p, conflict)| {
                let t = totals.get(&p.id);
                RankRow {
                    view: l.view(p, blind, &emails),
                    mean: mean(t),
                    normalised: mean(norm.get(&p.id)),
                    spread: t.filter(|v| !v.is_empty()).map(|v| {
                        v.iter().copied().fold(f64::MIN, f64::max)
                            - v.iter().copied().fold(f64::MAX, f64::min)
                    }),
                    reviews: t.map_or(0, Vec::len),
                    assigned: assigned.get(&p.id).copied().unwrap_or(0),
                    duplicates: dups.remove(&p.id).unwrap_or_default(),
                    conflict,
                }
            })
            .collect();
        let desc = |a: Option<f64>, b: Option<f64>| b.unwrap_or(-1.0).total_cmp(&a.unwrap_or(-1.0));
        rows.sort_by(|a, b| {
            let first = match order {
                RankOrder::Score => desc(a.mean, b.mean),
                RankOrder::Normalised => desc(a.normalised, b.normalised),
                RankOrder::Spread => desc(a.spread, b.spread),
                RankOrder::Reviews => b.reviews.cmp(&a.reviews),
                RankOrder::Code => std::cmp::Ordering::Equal,
            };
            first.then_with(|| a.view.code.cmp(&b.view.code))
        });
        Ok(Ranking { blind, order, rows })
    }

    /// Decides proposals, one or many, all or none: each must be of the co-chair's tracks,
    /// free of any conflict with them, and allowed by `Status::apply`; the changes, their log
    /// and the speakers' mails are one compare-and-set transaction, so of two co-chairs racing,
    /// one wins and the other is told the proposal's new state. Returns how many changed.
    pub async fn decide(
        &self,
        ctx: &ReviewCtx,
        codes: &[String],
        decision: Decision,
    ) -> Result<usize> {
        ctx.must_decide()?;
        ctx.writes()?;
        // A code given twice is one decision, not a second change racing the first.
        let mut codes = codes.to_vec();
        codes.sort();
        codes.dedup();
        if codes.is_empty() {
            return Err(AppError::Invalid("choose at least one proposal".into()));
        }
        let l = self.load_review(&ctx.edition, &ctx.event, None).await?;
        let mine = l.conflicts_of(ctx.user);
        let actor = if ctx.organizer {
            Actor::Organizer
        } else {
            Actor::CoChair
        };
        let mut chosen = Vec::new();
        for code in &codes {
            let p = l.proposal(code)?;
            refuse_track(ctx, p)?;
            if mine.severity(&l.speakers_of(p)).is_some()
                || l.bid(p.id, ctx.user) == Some(Bid::Conflict)
            {
                return Err(conflict_refusal(code, "decide"));
            }
            let to = p
                .status
                .apply(decision.action(), actor)
                .map_err(|e| AppError::Conflict(format!("proposal {code}: {e}")))?;
            chosen.push((p, to));
        }
        let speakers: Vec<UserId> = chosen
            .iter()
            .flat_map(|(p, _)| p.speakers.iter().copied())
            .collect();
        let emails = self.store.emails(&speakers).await?;
        let (subject, body) = match self
            .store
            .mail_template(l.board.cfp_id, decision.kind())
            .await
        {
            Ok(t) => t,
            Err(hallway_store::StoreError::NotFound(_)) => builtin(decision.kind())?,
            Err(e) => return Err(e.into()),
        };
        let at = now();
        let mut changes = Vec::new();
        for (p, to) in chosen {
            let confirm_url = if decision == Decision::Accept {
                Some(self.confirm_link(p.id, at).await?)
            } else {
                None
            };
            let comments: Vec<String> = l
                .board
                .reviews
                .iter()
                .filter(|r| r.submission == p.id && !r.speaker_comment.is_empty())
                .map(|r| r.speaker_comment.clone())
                .collect();
            let mut mails = Vec::new();
            for speaker in &p.speakers {
                let Some(email) = emails.get(speaker) else {
                    continue;
                };
                let name = l
                    .board
                    .profiles
                    .get(speaker)
                    .map(|pr| pr.name.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| email.to_string());
                let context =
                    self.decision_context(&l, p, &name, confirm_url.as_deref(), &comments);
                let (subject, body) = render_template(&subject, &body, &context)?;
                mails.push(NewMail {
                    key: format!("decision.{}.{}.{}", p.id, decision.kind(), speaker.0),
                    recipient: email.to_string(),
                    subject,
                    body,
                });
            }
            changes.push(Transition {
                submission: p.id,
                from: p.status,
                to,
                action: decision.action().verb(),
                by: Some(ctx.user),
                mails,
            });
        }
        let n = changes.len();
        self.store.transition(&changes, at).await?;
        Ok(n)
    }

    /// A single-use link for the speakers of an accepted proposal to confirm it, stored hashed.
    pub async fn confirm_link(&self, submission: i64, now: i64) -> Result<String> {
        let secret = Secret::random()?;
        self.store
            .add_confirm_token(&secret.stored(), submission, now + CONFIRM_SECONDS, now)
            .await?;
        Ok(self.link(&format!("/cfp/confirm?token={}", secret.expose())))
    }

    /// Follows a confirmation link: the accepted proposal becomes confirmed, once.
    pub async fn confirm_by_link(&self, token: &str) -> Result<String> {
        let secret = Secret::from_client(token);
        let id = match self.store.use_confirm_token(&secret.stored(), now()).await {
            Ok(id) => id,
            Err(hallway_store::StoreError::NotFound(_)) => {
                return Err(AppError::Invalid(
                    "this link is unknown, used or expired".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let p = self.store.submission_by_id(id).await?;
        let to = p
            .status
            .apply(Action::Confirm, Actor::Speaker)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        self.store
            .transition(
                &[Transition {
                    submission: p.id,
                    from: p.status,
                    to,
                    action: Action::Confirm.verb(),
                    by: p.speakers.first().copied(),
                    mails: vec![],
                }],
                now(),
            )
            .await?;
        self.after_confirmation(&p).await;
        Ok(p.code)
    }

    fn decision_context(
        &self,
        l: &Loaded,
        p: &Submission,
        speaker_name: &str,
        confirm_url: Option<&str>,
        comments: &[String],
    ) -> minijinja::Value {
        let base = minijinja::context! {
            title => p.title.clone(),
            code => p.code.clone(),
            event => l.cfp.event.to_string(),
            edition => p.edition.to_string(),
            speaker_name => speaker_name.to_owned(),
            comments => comments.to_vec(),
            site => self.inner.public_url.clone(),
            partners => l.partners.clone(),
            proposal_url => self.link(&format!("/cfp/proposals/{}", p.code)),
        };
        match confirm_url {
            Some(url) => minijinja::context! { confirm_url => url.to_owned(), ..base },
            None => base,
        }
    }

    /// Progress per track and per reviewer, and how scores fall, for co-chairs and organizers.
    pub async fn review_dashboard(&self, ctx: &ReviewCtx) -> Result<Dashboard> {
        ctx.must_decide()?;
        let l = self.load_review(&ctx.edition, &ctx.event, None).await?;
        let in_scope: HashMap<i64, &Submission> = l
            .board
            .proposals
            .iter()
            .filter(|p| p.status.in_review() && ctx.tracks.covers(Some(&p.track)))
            .map(|p| (p.id, p))
            .collect();
        let done: HashSet<(i64, UserId)> = l
            .board
            .reviews
            .iter()
            .map(|r| (r.submission, r.reviewer))
            .collect();
        let mut tracks = Vec::new();
        for t in &l.cfp.tracks {
            if !ctx.tracks.covers(Some(&t.slug)) {
                continue;
            }
            let ids: HashSet<i64> = in_scope
                .values()
                .filter(|p| p.track == t.slug)
                .map(|p| p.id)
                .collect();
            let assigned: Vec<&(i64, UserId, i64)> = l
                .board
                .assignments
                .iter()
                .filter(|a| ids.contains(&a.0))
                .collect();
            let finished = assigned
                .iter()
                .filter(|a| done.contains(&(a.0, a.1)))
                .count();
            tracks.push((t.name.clone(), ids.len(), assigned.len(), finished));
        }
        let reviewers = l
            .board
            .reviewers
            .iter()
            .map(|r| {
                let mine: Vec<_> = l
                    .board
                    .assignments
                    .iter()
                    .filter(|a| a.1 == r.user && in_scope.contains_key(&a.0))
                    .collect();
                let finished = mine.iter().filter(|a| done.contains(&(a.0, a.1))).count();
                (r.email.to_string(), mine.len(), finished)
            })
            .collect();
        let tenth = |f: f64| ((f / 10.0).floor() as usize).min(9);
        let mut histogram = [0; 10];
        let mut review_histogram = [0; 10];
        let mut per: HashMap<i64, Vec<f64>> = HashMap::new();
        for r in l
            .board
            .reviews
            .iter()
            .filter(|r| in_scope.contains_key(&r.submission))
        {
            review_histogram[tenth(r.total)] += 1;
            per.entry(r.submission).or_default().push(r.total);
        }
        for v in per.values() {
            histogram[tenth(v.iter().sum::<f64>() / v.len() as f64)] += 1;
        }
        Ok(Dashboard {
            tracks,
            reviewers,
            histogram,
            review_histogram,
            last_run: self.store.last_run(l.board.cfp_id).await?,
        })
    }

    /// Every review of the co-chair's tracks as CSV. Speakers' names and affiliations are
    /// columns for organizers only when the review is blind.
    pub async fn reviews_csv(&self, ctx: &ReviewCtx) -> Result<String> {
        ctx.must_decide()?;
        let l = self.load_review(&ctx.edition, &ctx.event, None).await?;
        let blind = blind_for(ctx, &l.cfp);
        let mine = l.conflicts_of(ctx.user);
        let by_id: HashMap<i64, &Submission> =
            l.board.proposals.iter().map(|p| (p.id, p)).collect();
        let names: HashMap<UserId, String> = l
            .board
            .reviewers
            .iter()
            .map(|r| (r.user, r.email.to_string()))
            .collect();
        let normalised: HashMap<(UserId, i64), f64> = scores::normalised(
            &l.board
                .reviews
                .iter()
                .map(|r| (r.reviewer, r.submission, r.total))
                .collect::<Vec<_>>(),
        )
        .into_iter()
        .map(|(r, s, f)| ((r, s), f))
        .collect();
        let mut header = vec![
            "code".to_owned(),
            "title".into(),
            "track".into(),
            "status".into(),
        ];
        if !blind {
            header.push("speakers".into());
            header.push("affiliations".into());
        }
        header.extend(["reviewer".into(), "total".into(), "normalised".into()]);
        header.extend(l.cfp.criteria.iter().map(|c| c.name.clone()));
        header.extend(["committee_comment".into(), "speaker_comment".into()]);
        let mut out = csv_line(&header);
        for r in &l.board.reviews {
            let Some(p) = by_id.get(&r.submission) else {
                continue;
            };
            if !ctx.tracks.covers(Some(&p.track))
                || mine.severity(&l.speakers_of(p)) == Some(Severity::Hard)
            {
                continue;
            }
            let mut row = vec![
                p.code.clone(),
                p.title.clone(),
                p.track.to_string(),
                p.status.to_string(),
            ];
            if !blind {
                let profiles: Vec<Profile> = p.speakers.iter().map(|u| l.profile_of(*u)).collect();
                row.push(
                    profiles
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                );
                row.push(
                    profiles
                        .iter()
                        .map(|p| p.affiliation.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                );
            }
            row.push(
                names
                    .get(&r.reviewer)
                    .cloned()
                    .unwrap_or_else(|| format!("a former reviewer (account {})", r.reviewer.0)),
            );
            row.push(format!("{:.1}", r.total));
            row.push(
                normalised
                    .get(&(r.reviewer, r.submission))
                    .map(|f| format!("{f:.1}"))
                    .unwrap_or_default(),
            );
            row.extend(r.scores.iter().map(u32::to_string));
            row.push(r.committee_comment.clone());
            row.push(r.speaker_comment.clone());
            out.push_str(&csv_line(&row));
        }
        Ok(out)
    }

    /// A decision mail's template for an event's CFP: its own, else the built-in text.
    pub async fn decision_template(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: &str,
        kind: &str,
    ) -> Result<TemplateText> {
        let (edition, event) = (parse_slug(edition)?, parse_slug(event)?);
        orga.covers(&edition)?;
        builtin(kind)?;
        let cfp_id = self.store.cfp_id(&edition, &event).await?;
        match self.store.mail_template(cfp_id, kind).await {
            Ok((subject, body)) => Ok(TemplateText {
                subject,
                body,
                custom: true,
            }),
            Err(hallway_store::StoreError::NotFound(_)) => {
                let (subject, body) = builtin(kind)?;
                Ok(TemplateText {
                    subject,
                    body,
                    custom: false,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Renders a template against one proposal of the CFP without saving it: the
    /// confirmation link is a stand-in. An invalid template is refused naming its line.
    #[allow(clippy::too_many_arguments)]
    pub async fn preview_decision_template(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: &str,
        kind: &str,
        subject: &str,
        body: &str,
        code: &str,
    ) -> Result<(String, String)> {
        let (edition_slug, event_slug) = (parse_slug(edition)?, parse_slug(event)?);
        orga.covers(&edition_slug)?;
        builtin(kind)?;
        let l = self.load_review(&edition_slug, &event_slug, None).await?;
        let p = match code.trim() {
            "" => l
                .board
                .proposals
                .first()
                .ok_or_else(|| AppError::NotFound("a proposal to preview with".into()))?,
            code => l.proposal(code)?,
        };
        let name = p
            .speakers
            .first()
            .and_then(|u| l.board.profiles.get(u))
            .map(|pr| pr.name.clone())
            .unwrap_or_else(|| "Speaker".into());
        let comments: Vec<String> = l
            .board
            .reviews
            .iter()
            .filter(|r| r.submission == p.id && !r.speaker_comment.is_empty())
            .map(|r| r.speaker_comment.clone())
            .collect();
        let confirm = (kind == "accepted").then(|| self.link("/cfp/confirm?token=PREVIEW"));
        let context = self.decision_context(&l, p, &name, confirm.as_deref(), &comments);
        render_template(subject, body, &context)
    }

    /// Saves an event's decision template, once it renders.
    pub async fn put_decision_template(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: &str,
        kind: &str,
        subject: &str,
        body: &str,
    ) -> Result<()> {
        let (edition_slug, event_slug) = (parse_slug(edition)?, parse_slug(event)?);
        orga.writes(&edition_slug)?;
        builtin(kind)?;
        if subject.trim().is_empty() || body.trim().is_empty() {
            return Err(AppError::Invalid(
                "a mail needs a subject and a body".into(),
            ));
        }
        // Checked against a made-up proposal, so that a CFP without proposals can be set up.
        let sample = minijinja::context! {
            title => "A talk", code => "ABC123", event => event, edition => edition,
            speaker_name => "Speaker", comments => vec!["A comment".to_owned()],
            site => self.inner.public_url.clone(), partners => vec!["A partner event".to_owned()],
            proposal_url => self.link("/cfp/proposals/ABC123"),
        };
        let sample = if kind == "accepted" {
            minijinja::context! { confirm_url => self.link("/cfp/confirm?token=PREVIEW"), ..sample }
        } else {
            sample
        };
        render_template(subject, body, &sample)?;
        let cfp_id = self.store.cfp_id(&edition_slug, &event_slug).await?;
        Ok(self
            .store
            .put_mail_template(cfp_id, kind, subject.trim(), body, now())
            .await?)
    }

    /// The decision kinds that have templates.
    pub fn decision_kinds() -> &'static [&'static str] {
        DECISION_KINDS
    }
}

/// One CSV record: every field quoted, quotes doubled, CRLF (RFC 4180).
fn csv_line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_templates_render_and_a_broken_one_names_its_line() {
        for kind in DECISION_KINDS {
            let (subject, body) = builtin(kind).unwrap();
            let mut ctx = minijinja::context! {
                title => "T", code => "C", event => "e", edition => "ed",
                speaker_name => "N", comments => vec!["nice".to_owned()], site => "s",
                partners => vec!["The B-Side".to_owned()], proposal_url => "https://x/cfp/proposals/C",
            };
            if *kind == "accepted" {
                ctx = minijinja::context! { confirm_url => "https://x/cfp/confirm?token=t", ..ctx };
            }
            let (s, b) = render_template(&subject, &body, &ctx).unwrap();
            assert!(s.contains('T') && b.contains("nice"), "{kind}: {s} {b}");
            // A rejection offers the second chance.
            assert_eq!(*kind == "rejected", b.contains("The B-Side"), "{kind}: {b}");
        }
        let err = render_template("Hi", "line one\n{{ nope }}\n", &minijinja::context! {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("body, line 2"), "{err}");
        let err = render_template("Hi", "{% if %}", &minijinja::context! {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn csv_fields_are_quoted() {
        assert_eq!(
            csv_line(&["a\"b".into(), "c,d".into()]),
            "\"a\"\"b\",\"c,d\"\r\n"
        );
    }
}
