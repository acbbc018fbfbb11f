//! iCalendar (RFC 5545) content lines and components, read leniently.
//!
//! Lines are unfolded on bytes before decoding, because producers fold in the middle of a
//! multi-byte UTF-8 character. LF-only endings and unfolded long lines are accepted.

use crate::error::FormatError;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub name: String,
    pub params: Vec<(String, String)>,
    pub value: String,
    /// 1-based line where the property starts in the file.
    pub line: usize,
}

impl Property {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value as TEXT: backslash escapes undone.
    pub fn text(&self) -> String {
        unescape_text(&self.value)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Component {
    pub name: String,
    pub line: usize,
    pub properties: Vec<Property>,
    pub components: Vec<Component>,
}

impl Component {
    pub fn get(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.properties.iter().filter(move |p| p.name == name)
    }

    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Component> + 'a {
        self.components.iter().filter(move |c| c.name == name)
    }
}

/// Logical lines with the line number each starts on; folds removed byte-wise.
fn unfold(bytes: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let mut lines: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut line_no = 0;
    for raw in bytes.split(|&b| b == b'\n') {
        line_no += 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match (raw.first(), lines.last_mut()) {
            (Some(b' ' | b'\t'), Some((_, last))) => last.extend_from_slice(&raw[1..]),
            _ => lines.push((line_no, raw.to_vec())),
        }
    }
    while lines.last().is_some_and(|(_, l)| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Parses a whole iCalendar stream into its top-level VCALENDAR component.
pub fn parse(bytes: &[u8]) -> Result<Component, FormatError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FormatError::whole("the file is empty"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut stack: Vec<Component> = Vec::new();
    let mut done: Option<Component> = None;
    for (line, raw) in unfold(bytes) {
        if raw.is_empty() {
            continue;
        }
        let text = String::from_utf8(raw).map_err(|e| {
            FormatError::line(
                line,
                format!(
                    "not UTF-8 text (byte {} of the line)",
                    e.utf8_error().valid_up_to() + 1
                ),
            )
        })?;
        let prop = content_line(&text, line)?;
        if done.is_some() {
            return Err(FormatError::line(line, "content after END:VCALENDAR"));
        }
        match prop.name.as_str() {
            "BEGIN" => {
                let name = prop.value.trim().to_ascii_uppercase();
                if stack.is_empty() && name != "VCALENDAR" {
                    return Err(FormatError::line(line, "expected BEGIN:VCALENDAR"));
                }
                stack.push(Component {
                    name,
                    line,
                    ..Component::default()
                });
            }
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                let Some(open) = stack.pop() else {
                    return Err(FormatError::line(line, format!("END:{name} without BEGIN")));
                };
                if open.name != name {
                    return Err(FormatError::line(
                        line,
                        format!(
                            "END:{name} closes BEGIN:{} of line {}",
                            open.name, open.line
                        ),
                    ));
                }
                match stack.last_mut() {
                    Some(parent) => parent.components.push(open),
                    None => done = Some(open),
                }
            }
            _ => match stack.last_mut() {
                Some(c) => c.properties.push(prop),
                None => return Err(FormatError::line(line, "expected BEGIN:VCALENDAR")),
            },
        }
    }
    if let Some(open) = stack.last() {
        return Err(FormatError::line(
            open.line,
            format!(
                "the file ends inside {} (no END:{}): is it truncated?",
                open.name, open.name
            ),
        ));
    }
    done.ok_or_else(|| FormatError::whole("no VCALENDAR in the file"))
}

/// `NAME;PARAM=value;PARAM="quoted":value`
fn content_line(text: &str, line: usize) -> Result<Property, FormatError> {
    let mut params = Vec::new();
    let mut in_quotes = false;
    let mut colon = None;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(colon) = colon else {
        let shown: String = text.chars().take(40).collect();
        return Err(FormatError::line(
            line,
            format!("not an iCalendar content line: {shown:?}"),
        ));
    };
    let (head, value) = (&text[..colon], &text[colon + 1..]);
    let mut parts = split_unquoted(head, ';').into_iter();
    let name = parts.next().unwrap_or_default().trim().to_ascii_uppercase();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        let shown: String = text.chars().take(40).collect();
        return Err(FormatError::line(
            line,
            format!("not an iCalendar content line: {shown:?}"),
        ));
    }
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            params.push((
                k.trim().to_ascii_uppercase(),
                v.trim_matches('"').to_owned(),
            ));
        }
    }
    Ok(Property {
        name,
        params,
        value: value.to_owned(),
        line,
    })
}

fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == '"' {
            in_quotes = !in_quotes;
        } else if c == sep && !in_quotes {
            out.push(&s[start..i]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    out
}

pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Splits a TEXT list value (CATEGORIES) on unescaped commas.
pub fn text_list(s: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            items.push(unescape_text(&std::mem::take(&mut current)));
        } else {
            current.push(c);
        }
    }
    items.push(unescape_text(&current));
    items
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A DATE-TIME or DATE property resolved to an instant: UTC (`Z`), with a TZID, or floating
/// (read in `floating`, the venue's zone). The `bool` says whether the TZID was unknown.
/// A DATE value: the event takes whole days.
pub fn is_date(prop: &Property) -> bool {
    prop.value.trim().len() == 8 || prop.param("VALUE") == Some("DATE")
}

pub fn instant(prop: &Property, floating: &TimeZone) -> Result<(Timestamp, bool), FormatError> {
    let bad = |what: &str| FormatError::at(prop.line, prop.name.clone(), what.to_owned());
    let v = prop.value.trim();
    if is_date(prop) {
        let date = parse_date(v).ok_or_else(|| bad(&format!("invalid date {v:?}")))?;
        let ts = floating
            .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|e| bad(&format!("date {v:?}: {e}")))?;
        return Ok((ts, false));
    }
    let (body, utc) = match v.strip_suffix(['Z', 'z']) {
        Some(b) => (b, true),
        None => (v, false),
    };
    let dt = parse_datetime(body).ok_or_else(|| bad(&format!("invalid date-time {v:?}")))?;
    if utc {
        let ts = TimeZone::UTC
            .to_timestamp(dt)
            .map_err(|e| bad(&e.to_string()))?;
        return Ok((ts, false));
    }
    let (tz, unknown) = match prop.param("TZID") {
        Some(id) => match TimeZone::get(id.trim_start_matches('/')) {
            Ok(tz) => (tz, false),
            Err(_) => (floating.clone(), true),
        },
        None => (floating.clone(), false),
    };
    let ts = tz
        .to_timestamp(dt)
        .map_err(|e| bad(&format!("date-time {v:?}: {e}")))?;
    Ok((ts, unknown))
}

fn parse_date(v: &str) -> Option<Date> {
    if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y = v[0..4].parse().ok()?;
    let m = v[4..6].parse().ok()?;
    let d = v[6..8].parse().ok()?;
    Date::new(y, m, d).ok()
}

fn parse_datetime(v: &str) -> Option<DateTime> {
    let (date, time) = v.split_once(['T', 't'])?;
    let date = parse_date(date)?;
    if time.len() != 6 || !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h = time[0..2].parse().ok()?;
    let mi = time[2..4].parse().ok()?;
    let s: i8 = time[4..6].parse().ok()?;
    // A leap second (60) is folded into the minute's last second.
    let t = jiff::civil::Time::new(h, mi, s.min(59), 0).ok()?;
    Some(date.to_datetime(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_bytes_before_decoding() {
        // "é" is C3 A9: a producer folded between the two bytes.
        let ics = b"BEGIN:VCALENDAR\r\nX-A:caf\xC3\r\n \xA9 au lait\r\nEND:VCALENDAR\r\n";
        let cal = parse(ics).unwrap();
        assert_eq!(cal.get("X-A").unwrap().value, "café au lait");
    }

    #[test]
    fn accepts_lf_and_long_lines() {
        let long = "x".repeat(500);
        let ics = format!(
            "BEGIN:VCALENDAR\nX-LONG:{long}\nBEGIN:VEVENT\nSUMMARY:a\\, b\nEND:VEVENT\nEND:VCALENDAR\n"
        );
        let cal = parse(ics.as_bytes()).unwrap();
        assert_eq!(cal.get("X-LONG").unwrap().value.len(), 500);
        let ev = cal.children("VEVENT").next().unwrap();
        assert_eq!(ev.get("SUMMARY").unwrap().text(), "a, b");
        assert_eq!(ev.line, 3);
    }

    #[test]
    fn truncated_and_foreign_files_are_located_errors() {
        let err = parse(b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("truncated"), "{err}");
        let err = parse(b"<?xml version=\"1.0\"?>\n<schedule/>").unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(parse(b"").unwrap_err().to_string().contains("empty"));
        let err = parse(b"BEGIN:VCALENDAR\nX:\xFF\xFE\nEND:VCALENDAR").unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn instants() {
        let ams = TimeZone::get("Europe/Amsterdam").unwrap();
        let p = |v: &str, params: Vec<(String, String)>| Property {
            name: "DTSTART".into(),
            params,
            value: v.into(),
            line: 7,
        };
        let (utc, _) = instant(&p("20260322T070000Z", vec![]), &ams).unwrap();
        assert_eq!(utc.to_string(), "2026-03-22T07:00:00Z");
        let (floating, _) = instant(&p("20260322T080000", vec![]), &ams).unwrap();
        assert_eq!(floating, utc);
        let tzid = vec![("TZID".to_string(), "Europe/London".to_string())];
        let (london, unknown) = instant(&p("20260322T070000", tzid), &ams).unwrap();
        assert_eq!((london, unknown), (utc, false));
        let err = instant(&p("20261322T070000Z", vec![]), &ams).unwrap_err();
        assert_eq!((err.line, err.field.as_deref()), (Some(7), Some("DTSTART")));
    }

    #[test]
    fn categories_split_on_unescaped_commas() {
        assert_eq!(
            text_list("AI + ML,SECURITY\\, TOO"),
            vec!["AI + ML", "SECURITY, TOO"]
        );
    }
}
