//! A small element tree read leniently from XML, with the line each element starts on.
//!
//! Schedule files are a few megabytes at most, so the readers walk a tree instead of a stream;
//! the tree keeps the line numbers that errors name.

use crate::error::{ErrorKind, FormatError};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Deeper nesting than any schedule format has is refused, so walking the tree cannot overflow.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The qualified name as written (`event`, `pentabarf:title`).
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The text directly inside the element, entities resolved.
    pub text: String,
    pub line: usize,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of a child element; `None` when it is missing or empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
}

/// Maps byte offsets to 1-based line numbers.
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(bytes: &[u8]) -> Self {
        Self(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    pub fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}

/// Checks that `bytes` is UTF-8 and names the line where it is not.
pub fn utf8(bytes: &[u8]) -> Result<&str, FormatError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        FormatError::line(
            Lines::new(bytes).line_of(at),
            format!("not UTF-8 text (byte {} of the file)", at + 1),
        )
        .kind(ErrorKind::Encoding)
    })
}

fn open(e: &BytesStart<'_>, line: usize) -> Result<Element, FormatError> {
    let name = e.name().as_ref().to_owned();
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| {
            FormatError::at(line, name.clone(), format!("malformed attribute: {err}"))
                .kind(ErrorKind::Syntax)
        })?;
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| crate::html::decode_entities(&a.value));
        attrs.push((a.key.as_ref().to_owned(), value));
    }
    Ok(Element {
        name,
        attrs,
        line,
        ..Element::default()
    })
}

/// Parses a whole document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, FormatError> {
    let text = utf8(bytes)?;
    if text.trim().is_empty() {
        return Err(FormatError::whole("the file is empty").kind(ErrorKind::Empty));
    }
    let lines = Lines::new(text.as_bytes());
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.allow_dangling_amp = true;
    config.check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = reader.buffer_position() as usize;
        let line = lines.line_of(at);
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize;
            let open = stack
                .last()
                .map(|o| format!(" (inside <{}> of line {})", o.name, o.line));
            FormatError::line(
                lines.line_of(at),
                format!("not well-formed XML: {e}{}", open.unwrap_or_default()),
            )
            .kind(ErrorKind::Syntax)
        })?;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(FormatError::line(
                        line,
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    )
                    .kind(ErrorKind::Syntax));
                }
                if root.is_some() {
                    return Err(FormatError::line(line, "content after the root element")
                        .kind(ErrorKind::Syntax));
                }
                stack.push(open(&e, line)?);
            }
            Event::Empty(e) => {
                let el = open(&e, line)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => {
                        return Err(FormatError::line(line, "content after the root element")
                            .kind(ErrorKind::Syntax));
                    }
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(|| {
                    FormatError::line(line, "closing tag without an opening one")
                        .kind(ErrorKind::Syntax)
                })?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(el) = stack.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => el.text.push(c),
                        _ => {
                            let name = r.xml_content(XmlVersion::Implicit1_0);
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => el.text.push_str(s),
                                // HTML names such as &nbsp; turn up in real files.
                                None => el
                                    .text
                                    .push_str(&crate::html::decode_entities(&format!("&{name};"))),
                            }
                        }
                    }
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) | Event::Comment(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(FormatError::line(
            open.line,
            format!(
                "the file ends inside <{}> (no </{}>): is it truncated?",
                open.name, open.name
            ),
        )
        .kind(ErrorKind::Truncated));
    }
    root.ok_or_else(|| FormatError::whole("no XML element in the file").kind(ErrorKind::Syntax))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entities_attributes_and_lines() {
        let doc = parse(
            b"<?xml version='1.0'?>\n<a x='1 &amp; 2'>\n  <b>AT&amp;T &#x1F600; &nbsp;x</b>\n  <c/><![CDATA[<raw>]]>\n</a>",
        )
        .unwrap();
        assert_eq!(doc.attr("x"), Some("1 & 2"));
        let b = doc.child("b").unwrap();
        assert_eq!(b.text, "AT&T 😀 \u{a0}x");
        assert_eq!(b.line, 3);
        assert_eq!(doc.child("c").unwrap().line, 4);
        assert!(doc.text.contains("<raw>"));
    }

    #[test]
    fn malformed_documents_are_located() {
        let err = parse(b"<a>\n<b>\n</a>").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Syntax);
        assert_eq!(err.line, Some(3), "{err}");
        let err = parse(b"<a>\n<b>text").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Truncated, "{err}");
        assert_eq!(err.line, Some(2));
        let err = parse(b"<a>\n\xff</a>").unwrap_err();
        assert_eq!((err.kind, err.line), (ErrorKind::Encoding, Some(2)));
        assert_eq!(parse(b"  ").unwrap_err().kind, ErrorKind::Empty);
        let deep = "<a>".repeat(100);
        assert!(parse(deep.as_bytes()).is_err());
    }
}
