//! A call for papers: what an event asks for (session types, tracks, questions), until when,
//! and how its proposals are reviewed. The checks here are the ones every front end shares: a
//! proposal that passes them is complete; one that fails gets every problem, by field.

use crate::account::UserId;
use crate::ids::Guid;
use crate::ids::Slug;
use crate::model::{Schedule, Session, SessionType, Speaker, Track};
use crate::review::scores::Criterion;
use crate::submission::Status;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The longest a title may be, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest an abstract, a note to organizers, a bio or an answer may be, in characters.
pub const MAX_TEXT: usize = 10_000;
/// Short profile fields: name, affiliation, role, pronouns, photo URL.
pub const MAX_LINE: usize = 300;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallForPapers {
    pub event: Slug,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    /// Proposals one speaker may be on (KubeCon: two).
    pub per_speaker: u32,
    /// Reviewers see no names, affiliations, bios, photos or co-speakers.
    pub blind: bool,
    pub reviews_per_proposal: u32,
    /// Proposals one reviewer is assigned at most.
    pub reviewer_cap: u32,
    pub description: String,
    pub session_types: Vec<ProposalType>,
    pub tracks: Vec<CfpTrack>,
    #[serde(skip)]
    pub criteria: Vec<Criterion>,
    pub questions: Vec<Question>,
}

/// A kind of session the CFP takes, with its length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalType {
    pub slug: Slug,
    pub name: String,
    pub minutes: u32,
}

/// The kinds of session a CFP may ask for: what speakers propose, not breaks or socials.
pub const PROPOSAL_KINDS: [SessionType; 7] = [
    SessionType::Keynote,
    SessionType::Talk,
    SessionType::Panel,
    SessionType::Lightning,
    SessionType::Workshop,
    SessionType::Tutorial,
    SessionType::Poster,
];

impl ProposalType {
    /// The schedule's kind of session this type is: its slug names it (the name is free, so
    /// "Session presentation" may be a `talk`).
    pub fn kind(&self) -> Option<SessionType> {
        PROPOSAL_KINDS
            .into_iter()
            .find(|k| k.as_str() == self.slug.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CfpTrack {
    pub slug: Slug,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Set once stored.
    pub id: Option<i64>,
    pub prompt: String,
    pub kind: QuestionKind,
    pub required: bool,
    /// Asked only of these session types (empty: all).
    pub session_types: Vec<Slug>,
    /// Asked only in these tracks (empty: all).
    pub tracks: Vec<Slug>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "choices")]
pub enum QuestionKind {
    Text,
    Choice(Vec<String>),
    Number,
    Boolean,
}

impl QuestionKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Choice(_) => "choice",
            Self::Number => "number",
            Self::Boolean => "boolean",
        }
    }

    /// The stored pair back into a kind: choices one per line.
    pub fn from_stored(kind: &str, choices: &str) -> Result<Self, String> {
        Ok(match kind {
            "text" => Self::Text,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "choice" => Self::Choice(choices.lines().map(str::to_owned).collect()),
            other => return Err(format!("{other:?} is not a kind of question")),
        })
    }

    pub fn choices_stored(&self) -> String {
        match self {
            Self::Choice(c) => c.join("\n"),
            _ => String::new(),
        }
    }
}

/// A problem with one field of a form: which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every problem of a form, each naming its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

/// Collects field problems; `finish` is `Ok` when there were none.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Refuses text over `max` characters; `required` refuses blank text.
    pub fn text(&mut self, field: &str, value: &str, max: usize, required: bool) {
        let n = value.chars().count();
        if n > max {
            self.fail(field, format!("{n} characters; at most {max}"));
        } else if required && value.trim().is_empty() {
            self.fail(field, "required");
        }
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

impl CallForPapers {
    /// Whether proposals may be submitted and edited at `now`.
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.opens_at <= now && now < self.closes_at
    }

    pub fn session_type(&self, slug: &Slug) -> Option<&ProposalType> {
        self.session_types.iter().find(|t| &t.slug == slug)
    }

    pub fn track(&self, slug: &Slug) -> Option<&CfpTrack> {
        self.tracks.iter().find(|t| &t.slug == slug)
    }

    /// The settings themselves: times in order, at least one type and track, names unique.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut c = Checks::default();
        if self.closes_at <= self.opens_at {
            c.fail("closes_at", "the CFP must close after it opens");
        }
        if self.per_speaker == 0 {
            c.fail("per_speaker", "at least 1");
        }
        if self.reviews_per_proposal == 0 {
            c.fail("reviews_per_proposal", "at least 1");
        }
        if self.reviewer_cap == 0 {
            c.fail("reviewer_cap", "at least 1");
        }
        c.text("description", &self.description, MAX_TEXT, false);
        if self.session_types.is_empty() {
            c.fail("session_types", "name at least one session type");
        }
        for t in &self.session_types {
            c.text(
                &format!("session_types.{}", t.slug),
                &t.name,
                MAX_LINE,
                true,
            );
            if t.kind().is_none() {
                c.fail(
                    format!("session_types.{}", t.slug),
                    format!(
                        "{} is not a kind of session the schedule knows: use one of {}",
                        t.slug,
                        PROPOSAL_KINDS.map(SessionType::as_str).join(", ")
                    ),
                );
            }
            if t.minutes == 0 || t.minutes > 24 * 60 {
                c.fail(
                    format!("session_types.{}", t.slug),
                    format!("{} minutes: use 1 to 1440", t.minutes),
                );
            }
        }
        if self.tracks.is_empty() {
            c.fail("tracks", "name at least one track");
        }
        for t in &self.tracks {
            c.text(&format!("tracks.{}", t.slug), &t.name, MAX_LINE, true);
        }
        unique(
            &mut c,
            "session_types",
            self.session_types.iter().map(|t| &t.slug),
        );
        unique(&mut c, "tracks", self.tracks.iter().map(|t| &t.slug));
        for (i, k) in self.criteria.iter().enumerate() {
            let field = format!("criteria.{}", i + 1);
            c.text(&field, &k.name, MAX_LINE, true);
            if !(k.weight > 0.0 && k.weight.is_finite()) || k.max == 0 {
                c.fail(field, "a criterion needs a positive weight and a top score");
            }
        }
        for (i, q) in self.questions.iter().enumerate() {
            let field = format!("questions.{}", i + 1);
            c.text(&field, &q.prompt, MAX_TEXT, true);
            if let QuestionKind::Choice(choices) = &q.kind
                && (choices.len() < 2 || choices.iter().any(|x| x.trim().is_empty()))
            {
                c.fail(&field, "a choice needs at least two non-empty options");
            }
            for t in &q.session_types {
                if self.session_type(t).is_none() {
                    c.fail(&field, format!("no session type {t}"));
                }
            }
            for t in &q.tracks {
                if self.track(t).is_none() {
                    c.fail(&field, format!("no track {t}"));
                }
            }
        }
        c.finish()
    }

    /// The questions a proposal of this type and track must see.
    pub fn questions_for<'a>(
        &'a self,
        session_type: &'a Slug,
        track: &'a Slug,
    ) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| {
            (q.session_types.is_empty() || q.session_types.contains(session_type))
                && (q.tracks.is_empty() || q.tracks.contains(track))
        })
    }

    /// A proposal's text and answers against this CFP: every problem, by field. Answers to
    /// questions that do not apply are dropped; the rest come back normalised.
    pub fn check_proposal(&self, p: &ProposalText) -> Result<Vec<(i64, String)>, Invalid> {
        let mut c = Checks::default();
        c.text("title", &p.title, MAX_TITLE, true);
        c.text("abstract", &p.abstract_, MAX_TEXT, true);
        c.text("notes", &p.notes, MAX_TEXT, false);
        if self.session_type(&p.session_type).is_none() {
            c.fail(
                "session_type",
                format!("{} is not a session type of this CFP", p.session_type),
            );
        }
        if self.track(&p.track).is_none() {
            c.fail("track", format!("{} is not a track of this CFP", p.track));
        }
        let mut kept = Vec::new();
        for q in self.questions_for(&p.session_type, &p.track) {
            let Some(id) = q.id else { continue };
            let field = format!("answers.{id}");
            let given = p
                .answers
                .iter()
                .find(|(qid, _)| *qid == id)
                .map(|(_, v)| v.trim())
                .unwrap_or("");
            if given.is_empty() {
                if q.required {
                    c.fail(field, format!("{:?} needs an answer", q.prompt));
                }
                continue;
            }
            match q.answer(given) {
                Ok(v) => kept.push((id, v)),
                Err(e) => c.fail(field, e),
            }
        }
        c.finish().map(|()| kept)
    }
}

fn unique<'a>(c: &mut Checks, field: &str, slugs: impl Iterator<Item = &'a Slug>) {
    let mut seen = std::collections::HashSet::new();
    for s in slugs {
        if !seen.insert(s) {
            c.fail(field, format!("{s} appears twice"));
        }
    }
}

impl Question {
    /// A non-empty answer checked against the kind, in its stored form.
    pub fn answer(&self, given: &str) -> Result<String, String> {
        match &self.kind {
            QuestionKind::Text => {
                let n = given.chars().count();
                if n > MAX_TEXT {
                    Err(format!("{n} characters; at most {MAX_TEXT}"))
                } else {
                    Ok(given.to_owned())
                }
            }
            QuestionKind::Choice(choices) => choices
                .iter()
                .find(|c| c.as_str() == given)
                .cloned()
                .ok_or_else(|| format!("{given:?} is not one of the choices")),
            QuestionKind::Number => given
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| n.to_string())
                .ok_or_else(|| format!("{given:?} is not a number")),
            QuestionKind::Boolean => match given {
                "yes" | "true" | "on" => Ok("yes".to_owned()),
                "no" | "false" | "off" => Ok("no".to_owned()),
                other => Err(format!("{other:?}: answer yes or no")),
            },
        }
    }
}

/// What a speaker writes: the proposal's text, its type and track, the answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalText {
    pub title: String,
    pub abstract_: String,
    /// For the organizers and reviewers, not the public.
    pub notes: String,
    pub session_type: Slug,
    pub track: Slug,
    /// `(question id, answer)`.
    pub answers: Vec<(i64, String)>,
}

/// How a speaker presents themselves.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub affiliation: String,
    pub job_role: String,
    pub bio: String,
    pub pronouns: String,
    pub photo_url: String,
}

impl Profile {
    pub fn check(&self) -> Result<(), Invalid> {
        let mut c = Checks::default();
        c.text("name", &self.name, MAX_LINE, true);
        c.text("affiliation", &self.affiliation, MAX_LINE, false);
        c.text("job_role", &self.job_role, MAX_LINE, false);
        c.text("bio", &self.bio, MAX_TEXT, false);
        c.text("pronouns", &self.pronouns, MAX_LINE, false);
        c.text("photo_url", &self.photo_url, MAX_LINE, false);
        if !self.photo_url.is_empty() && !self.photo_url.starts_with("https://") {
            c.fail("photo_url", "use an https:// address");
        }
        c.finish()
    }
}

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub id: i64,
    /// Names it in URLs and mail.
    pub code: String,
    pub edition: Slug,
    pub event: Slug,
    pub title: String,
    pub abstract_: String,
    pub notes: String,
    pub session_type: Slug,
    pub track: Slug,
    pub status: Status,
    /// In the order they appear.
    pub speakers: Vec<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The work-in-progress session a confirmed proposal became.
    pub session_guid: Option<String>,
    pub forwarded_from: Option<i64>,
}

/// The session a confirmed proposal becomes in the work in progress, not yet placed: its
/// title, abstract, kind and length from its type, its track (added to the edition when new)
/// and its speakers from their profiles (`speakers`, in the proposal's order). The session's
/// GUID follows from the proposal's code, so doing this twice adds it once. Returns the GUID.
pub fn add_to_schedule(
    schedule: &mut Schedule,
    cfp: &CallForPapers,
    proposal: &Submission,
    speakers: &[Profile],
) -> Result<Guid, String> {
    let guid = Guid::derive(&schedule.edition.slug, &format!("cfp-{}", proposal.code), 0);
    if schedule.sessions.iter().any(|x| x.guid == guid) {
        return Ok(guid);
    }
    let kind = cfp
        .session_type(&proposal.session_type)
        .ok_or_else(|| format!("the CFP has no session type {}", proposal.session_type))?;
    let session_type = kind
        .kind()
        .ok_or_else(|| format!("{} is not a kind of session", kind.slug))?;
    let track = cfp
        .track(&proposal.track)
        .ok_or_else(|| format!("the CFP has no track {}", proposal.track))?;
    if !schedule.events.iter().any(|e| e.slug == proposal.event) {
        return Err(format!("the schedule has no event {}", proposal.event));
    }
    if !schedule.tracks.iter().any(|t| t.slug == track.slug) {
        schedule.tracks.push(Track {
            slug: track.slug.clone(),
            name: track.name.clone(),
        });
    }
    let mut slugs = crate::ids::Slugs::default();
    for x in &schedule.speakers {
        slugs.reserve(&x.slug);
    }
    let mut on = Vec::new();
    for p in speakers {
        let affiliation = (!p.affiliation.trim().is_empty()).then(|| p.affiliation.clone());
        // The same person confirmed for a second talk is the same speaker, not a namesake.
        let known = schedule
            .speakers
            .iter()
            .find(|x| x.name == p.name && x.affiliation == affiliation);
        let slug = match known {
            Some(x) => x.slug.clone(),
            None => {
                let slug = slugs.claim(Slug::from_name(&p.name, "speaker"));
                schedule.speakers.push(Speaker {
                    slug: slug.clone(),
                    name: p.name.clone(),
                    affiliation,
                    role: (!p.job_role.trim().is_empty()).then(|| p.job_role.clone()),
                    bio: p.bio.clone(),
                });
                slug
            }
        };
        on.push(slug);
    }
    schedule.sessions.push(Session {
        guid,
        source_uid: Some(format!("cfp:{}", proposal.code)),
        event: proposal.event.clone(),
        title: proposal.title.clone(),
        subtitle: String::new(),
        abstract_text: proposal.abstract_.clone(),
        description: String::new(),
        language: None,
        do_not_record: false,
        session_type,
        track: Some(track.slug.clone()),
        speakers: on,
        duration_minutes: kind.minutes,
        url: None,
        slots: Vec::new(),
    });
    Ok(guid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    fn cfp() -> CallForPapers {
        CallForPapers {
            event: slug("main"),
            opens_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            closes_at: "2026-02-01T00:00:00Z".parse().unwrap(),
            per_speaker: 2,
            blind: true,
            reviews_per_proposal: 3,
            reviewer_cap: 40,
            description: String::new(),
            session_types: vec![ProposalType {
                slug: slug("talk"),
                name: "Talk".into(),
                minutes: 30,
            }],
            tracks: vec![CfpTrack {
                slug: slug("security"),
                name: "Security".into(),
            }],
            criteria: vec![],
            questions: vec![
                Question {
                    id: Some(1),
                    prompt: "Level".into(),
                    kind: QuestionKind::Choice(vec!["beginner".into(), "expert".into()]),
                    required: true,
                    session_types: vec![],
                    tracks: vec![],
                },
                Question {
                    id: Some(2),
                    prompt: "Demo?".into(),
                    kind: QuestionKind::Boolean,
                    required: false,
                    session_types: vec![],
                    tracks: vec![slug("security")],
                },
            ],
        }
    }

    fn text() -> ProposalText {
        ProposalText {
            title: "Zero trust".into(),
            abstract_: "How.".into(),
            notes: String::new(),
            session_type: slug("talk"),
            track: slug("security"),
            answers: vec![(1, "expert".into()), (2, "on".into())],
        }
    }

    #[test]
    fn a_complete_proposal_passes_with_answers_normalised() {
        assert_eq!(
            cfp().check_proposal(&text()).unwrap(),
            vec![(1, "expert".to_owned()), (2, "yes".to_owned())]
        );
    }

    #[test]
    fn every_problem_is_named_by_field() {
        let mut t = text();
        t.title = "x".repeat(MAX_TITLE + 1);
        t.track = slug("ai");
        t.answers = vec![];
        let Invalid(errors) = cfp().check_proposal(&t).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "track", "answers.1"]);
        assert!(errors[0].message.contains("at most 200"));
    }

    #[test]
    fn wrong_answers_are_refused() {
        let q = &cfp().questions[0];
        assert!(q.answer("novice").is_err());
        let n = Question {
            kind: QuestionKind::Number,
            ..q.clone()
        };
        assert_eq!(n.answer("3").unwrap(), "3");
        assert!(n.answer("NaN").is_err());
    }

    #[test]
    fn open_between_its_times() {
        let c = cfp();
        assert!(c.is_open("2026-01-15T00:00:00Z".parse().unwrap()));
        assert!(!c.is_open(c.closes_at));
        assert!(!c.is_open("2025-12-31T23:59:59Z".parse().unwrap()));
    }

    #[test]
    fn settings_are_checked() {
        let mut c = cfp();
        c.closes_at = c.opens_at;
        c.tracks.clear();
        c.questions[1].tracks = vec![slug("gone")];
        let Invalid(errors) = c.check().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["closes_at", "tracks", "questions.2"]);
    }

    #[test]
    fn profiles_take_https_photos_only() {
        let p = Profile {
            name: "Ada".into(),
            photo_url: "http://x/y.png".into(),
            ..Profile::default()
        };
        assert!(p.check().is_err());
    }
}
