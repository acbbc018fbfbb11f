//! The CFP settings form: lists are typed one item a line, columns split by `|`, so the form
//! needs no script. Reading a line that does not parse is a refusal naming its list and line.

use hallway_app::domain::Slug;
use hallway_app::domain::cfp::{CfpTrack, ProposalType, Question, QuestionKind};
use hallway_app::domain::review::scores::Criterion;
use hallway_app::{AppError, CfpPage};

/// The settings as the form shows them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SettingsForm {
    pub opens: String,
    pub closes: String,
    pub per_speaker: String,
    pub blind: bool,
    pub reviews_per_proposal: String,
    pub reviewer_cap: String,
    pub description: String,
    /// `slug | Name | minutes`
    pub session_types: String,
    /// `slug | Name`
    pub tracks: String,
    /// `Name | weight | top score`
    pub criteria: String,
    /// `id | prompt | kind | required | choices;… | types,… | tracks,…` (id empty when new)
    pub questions: String,
}

impl SettingsForm {
    pub fn defaults() -> Self {
        Self {
            per_speaker: "2".into(),
            blind: true,
            reviews_per_proposal: "3".into(),
            reviewer_cap: "40".into(),
            session_types: "talk | Talk | 30\nlightning | Lightning talk | 5".into(),
            tracks: "general | General".into(),
            criteria: "Relevance | 1 | 5\nClarity | 1 | 5".into(),
            ..Self::default()
        }
    }

    pub fn of(p: &CfpPage) -> Self {
        let c = &p.cfp;
        let join = |s: &[Slug]| s.iter().map(Slug::as_str).collect::<Vec<_>>().join(",");
        Self {
            opens: p.opens_local.clone(),
            closes: p.closes_local.clone(),
            per_speaker: c.per_speaker.to_string(),
            blind: c.blind,
            reviews_per_proposal: c.reviews_per_proposal.to_string(),
            reviewer_cap: c.reviewer_cap.to_string(),
            description: c.description.clone(),
            session_types: c
                .session_types
                .iter()
                .map(|t| format!("{} | {} | {}", t.slug, t.name, t.minutes))
                .collect::<Vec<_>>()
                .join("\n"),
            tracks: c
                .tracks
                .iter()
                .map(|t| format!("{} | {}", t.slug, t.name))
                .collect::<Vec<_>>()
                .join("\n"),
            criteria: c
                .criteria
                .iter()
                .map(|k| format!("{} | {} | {}", k.name, k.weight, k.max))
                .collect::<Vec<_>>()
                .join("\n"),
            questions: c
                .questions
                .iter()
                .map(|q| {
                    format!(
                        "{} | {} | {} | {} | {} | {} | {}",
                        q.id.map(|i| i.to_string()).unwrap_or_default(),
                        q.prompt,
                        q.kind.as_str(),
                        if q.required { "required" } else { "optional" },
                        q.kind.choices_stored().replace('\n', "; "),
                        join(&q.session_types),
                        join(&q.tracks)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The settings the form says, for `App::put_cfp`.
    pub fn parse(&self, event: &str) -> Result<hallway_app::CfpSettings, AppError> {
        Ok(hallway_app::CfpSettings {
            event: event.to_owned(),
            opens: self.opens.clone(),
            closes: self.closes.clone(),
            per_speaker: number("per_speaker", &self.per_speaker)?,
            blind: self.blind,
            reviews_per_proposal: number("reviews_per_proposal", &self.reviews_per_proposal)?,
            reviewer_cap: number("reviewer_cap", &self.reviewer_cap)?,
            description: self.description.trim().to_owned(),
            session_types: lines(&self.session_types, "session_types", 3, |c| {
                Ok(ProposalType {
                    slug: slug(c[0])?,
                    name: c[1].to_owned(),
                    minutes: c[2]
                        .parse()
                        .map_err(|_| format!("{:?} is not minutes", c[2]))?,
                })
            })?,
            tracks: lines(&self.tracks, "tracks", 2, |c| {
                Ok(CfpTrack {
                    slug: slug(c[0])?,
                    name: c[1].to_owned(),
                })
            })?,
            criteria: lines(&self.criteria, "criteria", 3, |c| {
                Ok(Criterion {
                    name: c[0].to_owned(),
                    weight: c[1]
                        .parse()
                        .map_err(|_| format!("{:?} is not a weight", c[1]))?,
                    max: c[2]
                        .parse()
                        .map_err(|_| format!("{:?} is not a top score", c[2]))?,
                })
            })?,
            questions: lines(&self.questions, "questions", 7, |c| {
                let id = if c[0].is_empty() {
                    None
                } else {
                    Some(
                        c[0].trim_start_matches('#')
                            .parse()
                            .map_err(|_| format!("{:?} is not a question's id", c[0]))?,
                    )
                };
                let choices = c[4]
                    .split(';')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                let kind = QuestionKind::from_stored(c[2], &choices)?;
                let required = match c[3] {
                    "required" | "yes" => true,
                    "optional" | "no" | "" => false,
                    other => return Err(format!("{other:?}: write required or optional")),
                };
                Ok(Question {
                    id,
                    prompt: c[1].to_owned(),
                    kind,
                    required,
                    session_types: slugs(c[5])?,
                    tracks: slugs(c[6])?,
                })
            })?,
        })
    }
}

fn number(field: &str, value: &str) -> Result<u32, AppError> {
    value
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid(format!("{field}: {value:?} is not a whole number")))
}

fn slug(s: &str) -> Result<Slug, String> {
    Slug::parse(s).map_err(|e| e.to_string())
}

fn slugs(s: &str) -> Result<Vec<Slug>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(slug)
        .collect()
}

/// Each non-blank line split on `|` into at least `min` columns (missing trailing ones empty).
fn lines<T>(
    text: &str,
    field: &str,
    columns: usize,
    read: impl Fn(&[&str]) -> Result<T, String>,
) -> Result<Vec<T>, AppError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let mut c: Vec<&str> = l.split('|').map(str::trim).collect();
            if c.len() > columns {
                return Err(AppError::Invalid(format!(
                    "{field}, line {}: {} columns, at most {columns}",
                    i + 1,
                    c.len()
                )));
            }
            if c.len() < 2.min(columns) {
                return Err(AppError::Invalid(format!(
                    "{field}, line {}: separate the columns with |",
                    i + 1
                )));
            }
            c.resize(columns, "");
            read(&c).map_err(|e| AppError::Invalid(format!("{field}, line {}: {e}", i + 1)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_back() {
        let mut f = SettingsForm::defaults();
        f.questions = "| Level | choice | required | beginner; expert | talk | \n7 | Demo? | boolean | optional | | | general".into();
        let s = f.parse("main").unwrap();
        assert_eq!(s.session_types.len(), 2);
        assert_eq!(s.criteria[0].max, 5);
        assert_eq!(s.questions[0].id, None);
        assert_eq!(
            s.questions[0].kind,
            QuestionKind::Choice(vec!["beginner".into(), "expert".into()])
        );
        assert_eq!(s.questions[1].id, Some(7));
        assert_eq!(s.questions[1].tracks.len(), 1);
    }

    #[test]
    fn a_bad_line_is_named() {
        let mut f = SettingsForm::defaults();
        f.session_types = "talk | Talk | thirty".into();
        let e = f.parse("main").unwrap_err().to_string();
        assert!(e.contains("session_types, line 1"), "{e}");
    }
}
