//! The people Sched packs into a session's title: "Title - Name, Role, Company & Name, Company;
//! Name and Name, Company". Commas separate a person from their roles and company and also list
//! people, "&" and "and" join people but also sit inside job titles ("Founder & CEO") and names of
//! institutions ("School of Science and Mathematics"). What a part is follows from its shape, its
//! place, and what the same file says elsewhere: a part that starts a group in some title is a
//! person, one that follows a lone person is a company.

use std::collections::{BTreeMap, HashSet};

/// A person as Sched prints them after the title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Byline {
    pub name: String,
    pub role: Option<String>,
    pub affiliation: Option<String>,
}

/// Words that make a part a job title, never a name or a company.
const ROLE_WORDS: [&str; 44] = [
    "advocate",
    "ambassador",
    "analyst",
    "architect",
    "board",
    "ceo",
    "cfo",
    "chair",
    "chief",
    "cio",
    "co-founder",
    "cofounder",
    "consultant",
    "contributor",
    "coo",
    "cpo",
    "cto",
    "developer",
    "director",
    "editor",
    "engineer",
    "engineering",
    "evangelist",
    "executive",
    "fellow",
    "founder",
    "head",
    "lead",
    "leader",
    "maintainer",
    "manager",
    "member",
    "officer",
    "owner",
    "partner",
    "president",
    "principal",
    "professor",
    "researcher",
    "scientist",
    "specialist",
    "sr.",
    "student",
    "technologist",
];

/// Lowercase words names are written with ("Leonardo da Mata", "Mark van Cuijk").
const PARTICLES: [&str; 12] = [
    "da", "de", "del", "der", "di", "do", "dos", "du", "la", "le", "van", "von",
];

fn is_role(part: &str) -> bool {
    // "The Platform Engineering Company" is a company, whatever words it uses.
    !part.starts_with("The ")
        && part.split_whitespace().any(|w| {
            let w = w
                .trim_matches(|c: char| c == ',' || c == '(' || c == ')')
                .to_lowercase();
            ROLE_WORDS.contains(&w.as_str()) || w == "vp" || w == "svp" || w == "evp" || w == "sre"
        })
}

/// Words that make a part a company or an institution.
const COMPANY_WORDS: [&str; 36] = [
    "ag",
    "agency",
    "bank",
    "cloud",
    "co.",
    "college",
    "company",
    "computing",
    "consulting",
    "corp",
    "corp.",
    "corporation",
    "data",
    "digital",
    "foundation",
    "gmbh",
    "group",
    "hub",
    "inc",
    "inc.",
    "innovation",
    "institute",
    "international",
    "labs",
    "llc",
    "ltd",
    "networks",
    "platform",
    "research",
    "school",
    "security",
    "services",
    "software",
    "solutions",
    "systems",
    "technologies",
];

/// Two to five words, each capitalized (or a particle, an initial, a nickname in quotes), none
/// of them an acronym or a word companies are named with.
fn name_shaped(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let company_word = |w: &&str| {
        COMPANY_WORDS.contains(&w.to_lowercase().as_str())
            || (w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase()))
    };
    (2..=5).contains(&words.len())
        && !is_role(part)
        && !words.iter().any(company_word)
        && !part.contains([':', '|', '?', '!', '(', ')', '/', '@'])
        && !part.chars().any(|c| c.is_ascii_digit())
        && words.iter().all(|w| {
            PARTICLES.contains(w)
                || w.starts_with(['"', '“', '\''])
                || w.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || !c.is_ascii())
        })
}

/// How a part is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joint {
    Start,
    Comma,
    /// "&" or "and" before a name.
    And,
}

/// A group (between ";") cut into parts: at commas, and at "&" / "and" where what follows is a
/// name ("Founder & CEO" stays one part).
fn parts(group: &str) -> Vec<(Joint, String)> {
    let mut out = Vec::new();
    for (i, segment) in group.split(',').enumerate() {
        let segment = segment.trim();
        // The "and" of a list ("A, B, and C") joins like "&".
        let (segment, listed) = match segment
            .strip_prefix("and ")
            .or_else(|| segment.strip_prefix("& "))
        {
            Some(rest) => (rest, true),
            None => (segment, false),
        };
        let mut joint = match (i, listed) {
            (0, _) => Joint::Start,
            (_, true) => Joint::And,
            _ => Joint::Comma,
        };
        let mut rest = segment;
        loop {
            let cut = [" & ", " and "]
                .iter()
                .filter_map(|sep| rest.find(sep).map(|at| (at, sep.len())))
                .filter(|&(at, len)| name_shaped(next_name(&rest[at + len..])))
                .min();
            match cut {
                Some((at, len)) => {
                    out.push((joint, rest[..at].trim().to_owned()));
                    joint = Joint::And;
                    rest = &rest[at + len..];
                }
                None => {
                    out.push((joint, rest.trim().to_owned()));
                    break;
                }
            }
        }
    }
    out.retain(|(_, p)| !p.is_empty());
    out
}

/// The words after a joint, up to the next joint.
fn next_name(text: &str) -> &str {
    let end = [" & ", " and "]
        .iter()
        .filter_map(|sep| text.find(sep))
        .min()
        .unwrap_or(text.len());
    text[..end].trim()
}

/// The rules that split a file's titles, counted for the import report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// A name alone.
    NameOnly,
    /// "Name, Company"
    NameCompany,
    /// "Name, Role, Company"
    JobTitle,
    /// "Name & Name, Company": people share the company printed after the last of them.
    SharedCompany,
    /// "Name, Company; Name, Company"
    Groups,
    /// "Name, Name, and Name, Company"
    NameList,
}

impl Rule {
    fn label(self) -> &'static str {
        match self {
            Self::NameCompany => "name, company",
            Self::JobTitle => "job title",
            Self::SharedCompany => "shared company",
            Self::Groups => "groups split at \";\"",
            Self::NameList => "list of names",
            Self::NameOnly => "name alone",
        }
    }
}

impl Byline {
    pub fn person(self) -> crate::build::Person {
        crate::build::Person {
            role: self.role,
            affiliation: self.affiliation,
            ..crate::build::Person::named(&self.name)
        }
    }
}

/// What a file says about its people, learnt from all its titles before any is split.
#[derive(Debug, Default)]
pub struct Bylines {
    names: HashSet<String>,
    companies: HashSet<String>,
    used: BTreeMap<Rule, usize>,
}

impl Bylines {
    /// Learns from every title of a file: parts that start a group are people, the part after a
    /// lone person is a company.
    pub fn learn<'a>(summaries: impl IntoIterator<Item = &'a str>) -> Self {
        let mut known = Self::default();
        for summary in summaries {
            let Some((_, tail)) = split_tail(summary) else {
                continue;
            };
            for group in tail.split(';') {
                let parts = parts(group);
                for (joint, part) in &parts {
                    if *joint != Joint::Comma && name_shaped(part) {
                        known.names.insert(part.clone());
                    }
                }
                if let [(_, name), (_, company)] = parts.as_slice()
                    && name_shaped(name)
                    && !is_role(company)
                {
                    known.companies.insert(company.clone());
                }
            }
        }
        known.names.retain(|n| !known.companies.contains(n));
        known
    }

    /// Splits "Title - people" into the title and its people; a title whose tail does not read
    /// as people is all title.
    pub fn split(&mut self, summary: &str) -> (String, Vec<Byline>) {
        let whole = || (summary.trim().to_owned(), Vec::new());
        let Some((title, tail)) = split_tail(summary) else {
            return whole();
        };
        let groups: Vec<&str> = tail.split(';').filter(|g| !g.trim().is_empty()).collect();
        let mut people = Vec::new();
        let mut rules = Vec::new();
        for group in &groups {
            match self.group(group) {
                Some((found, rule)) => {
                    people.extend(found);
                    rules.push(rule);
                }
                None => return whole(),
            }
        }
        if people.is_empty() {
            return whole();
        }
        if groups.len() > 1 {
            rules.push(Rule::Groups);
        }
        for r in rules {
            *self.used.entry(r).or_default() += 1;
        }
        (title.to_owned(), people)
    }

    /// The people of one group, and the rule that read it; `None` when it is not people.
    fn group(&self, group: &str) -> Option<(Vec<Byline>, Rule)> {
        let parts = parts(group);
        let mut people: Vec<Byline> = Vec::new();
        // People since the last company: a company printed after them is theirs too.
        let mut waiting = 0;
        let mut rule = Rule::NameOnly;
        let mut previous_was_name = false;
        for (i, (joint, part)) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let next_joint = parts.get(i + 1).map(|(j, _)| *j);
            let is_name = match joint {
                _ if is_role(part) => false,
                _ if self.companies.contains(part) => false,
                Joint::Start => self.names.contains(part) || name_shaped(part),
                Joint::And => name_shaped(part),
                // After a comma a name continues a list of names, and is never the last part.
                Joint::Comma => {
                    self.names.contains(part)
                        || (previous_was_name
                            && !last
                            && name_shaped(part)
                            && next_joint == Some(Joint::And))
                }
            };
            if is_name {
                if !looks_like_name(part) {
                    return None;
                }
                if *joint == Joint::Comma {
                    rule = Rule::NameList;
                }
                people.push(Byline {
                    name: part.clone(),
                    role: None,
                    affiliation: None,
                });
                waiting += 1;
                previous_was_name = true;
                continue;
            }
            previous_was_name = false;
            // A group that does not start with a person is not people ("- Part 2").
            let person = people.last_mut()?;
            if is_role(part) {
                person.role = Some(match person.role.take() {
                    Some(r) => format!("{r}, {part}"),
                    None => part.clone(),
                });
                rule = rule.max(Rule::JobTitle);
                continue;
            }
            // A second company for the same person: the first was part of their title
            // ("Executive Director, Cloud and Infrastructure, Linux Foundation").
            if let Some(earlier) = person.affiliation.take() {
                person.role = Some(match person.role.take() {
                    Some(r) => format!("{r}, {earlier}"),
                    None => earlier,
                });
            }
            let start = people.len() - waiting.max(1);
            for p in &mut people[start..] {
                if p.affiliation.is_none() {
                    p.affiliation = Some(part.clone());
                }
            }
            if waiting > 1 {
                rule = rule.max(Rule::SharedCompany);
            } else if rule == Rule::NameOnly {
                rule = Rule::NameCompany;
            }
            waiting = 0;
        }
        (!people.is_empty()).then_some((people, rule))
    }

    /// How many titles each rule split, for the import report ("412 name, company, ...").
    pub fn report(&self) -> Option<String> {
        if self.used.is_empty() {
            return None;
        }
        let counts: Vec<String> = self
            .used
            .iter()
            .map(|(rule, n)| format!("{n} {}", rule.label()))
            .collect();
        Some(format!(
            "speakers taken from session titles: {}",
            counts.join(", ")
        ))
    }
}

/// "Title - people" at the last " - "; none when the tail cannot be people.
fn split_tail(summary: &str) -> Option<(&str, &str)> {
    let at = summary.rfind(" - ")?;
    let (title, tail) = (summary[..at].trim(), summary[at + 3..].trim());
    (!title.is_empty() && !tail.is_empty() && !tail.contains('|')).then_some((title, tail))
}

fn looks_like_name(name: &str) -> bool {
    let words = name.split_whitespace().count();
    let starts_upper = name
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || !c.is_ascii());
    (1..=6).contains(&words) && starts_upper && !name.contains([':', '|', '?', '!'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(name: &str, role: Option<&str>, aff: Option<&str>) -> Byline {
        Byline {
            name: name.into(),
            role: role.map(Into::into),
            affiliation: aff.map(Into::into),
        }
    }

    fn split(summary: &str) -> Vec<Byline> {
        Bylines::learn([summary]).split(summary).1
    }

    #[test]
    fn job_titles_are_roles() {
        assert_eq!(
            split(
                "Welcome - Jonathan Bryce, Executive Director, Cloud and Infrastructure, Linux Foundation & Chris Aniszczyk, CTO, Linux Foundation"
            ),
            vec![
                by(
                    "Jonathan Bryce",
                    Some("Executive Director, Cloud and Infrastructure"),
                    Some("Linux Foundation")
                ),
                by("Chris Aniszczyk", Some("CTO"), Some("Linux Foundation")),
            ]
        );
        assert_eq!(
            split("X - Hristo Hristov, Maintainer"),
            vec![by("Hristo Hristov", Some("Maintainer"), None)]
        );
        assert_eq!(
            split(
                "X - Idit Levine, Founder & CEO, Solo.io & Keith Babo, Chief Product Officer, Solo.io"
            ),
            vec![
                by("Idit Levine", Some("Founder & CEO"), Some("Solo.io")),
                by("Keith Babo", Some("Chief Product Officer"), Some("Solo.io")),
            ]
        );
        let robert =
            split("Intro - Robert Sirchia, Community Manager, Kubewarden & Core Maintainer, Helm");
        assert_eq!(robert.len(), 1, "{robert:?}");
        assert_eq!(robert[0].name, "Robert Sirchia");
    }

    #[test]
    fn and_joins_people_but_not_institutions() {
        assert_eq!(
            split("Istio - Alfonso Ming and Jorge Turrado, SCRM Lidl International Hub"),
            vec![
                by("Alfonso Ming", None, Some("SCRM Lidl International Hub")),
                by("Jorge Turrado", None, Some("SCRM Lidl International Hub")),
            ]
        );
        assert_eq!(
            split("Poster - Avery Yang, North Carolina School of Science and Mathematics"),
            vec![by(
                "Avery Yang",
                None,
                Some("North Carolina School of Science and Mathematics")
            )]
        );
        assert_eq!(
            split(
                "Data - Victoriya Kalmanovich, Sr. Engineering Leader and Shahar Azulay, groundcover"
            ),
            vec![
                by(
                    "Victoriya Kalmanovich",
                    Some("Sr. Engineering Leader"),
                    Some("groundcover")
                ),
                by("Shahar Azulay", None, Some("groundcover")),
            ]
        );
    }

    #[test]
    fn groups_and_lists() {
        assert_eq!(
            split(
                "Docs - Kat Cosgrove, Minimus; Maciej Szulik, Defense Unicorns; Antonio Ojea, Google"
            ),
            vec![
                by("Kat Cosgrove", None, Some("Minimus")),
                by("Maciej Szulik", None, Some("Defense Unicorns")),
                by("Antonio Ojea", None, Some("Google")),
            ]
        );
        assert_eq!(
            split("GB200 - Fan Zhang, Kevin Klues, and Alay Patel, NVIDIA"),
            vec![
                by("Fan Zhang", None, Some("NVIDIA")),
                by("Kevin Klues", None, Some("NVIDIA")),
                by("Alay Patel", None, Some("NVIDIA")),
            ]
        );
        // Erica Hughberg follows a company: the file's other titles say she is a person.
        let envoy =
            "Envoy - Kateryna Nezdolii, Isovalent, Erica Hughberg, and Chris Mazur, Tetrate";
        let mut known = Bylines::learn([
            envoy,
            "Gateway - Yan Avlasov, Google & Erica Hughberg, Tetrate",
        ]);
        assert_eq!(
            known.split(envoy).1,
            vec![
                by("Kateryna Nezdolii", None, Some("Isovalent")),
                by("Erica Hughberg", None, Some("Tetrate")),
                by("Chris Mazur", None, Some("Tetrate")),
            ]
        );
    }

    #[test]
    fn the_file_says_who_is_a_company() {
        let titles = [
            "A - Jian Li, SK Telecom",
            "B - Jian Li, SK Telecom and Yves Weisser, NetApp",
        ];
        let mut known = Bylines::learn(titles);
        assert_eq!(
            known.split(titles[1]).1,
            vec![
                by("Jian Li", None, Some("SK Telecom")),
                by("Yves Weisser", None, Some("NetApp"))
            ]
        );
        assert_eq!(
            known.report().as_deref(),
            Some("speakers taken from session titles: 1 name, company")
        );
    }

    #[test]
    fn titles_without_people_stay_whole() {
        for s in [
            "Badge Pick-Up",
            "Workshop - AM SESSION | SEPARATE REGISTRATION REQUIRED",
            "Keynote: Closing Remarks",
            "Sponsored Demo: CSI WON’T SAVE YOU - Why “CSI Support” is not a storage strategy",
        ] {
            assert_eq!(Bylines::learn([s]).split(s), (s.to_owned(), vec![]), "{s}");
        }
    }
}
