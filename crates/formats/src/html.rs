//! HTML entities in text fields: producers such as Sched put them in plain-text properties.

/// Decodes named and numeric character references; unknown ones are left as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(|c: char| c == ';' || c == '&' || c.is_whitespace());
        let decoded = match end {
            Some(e) if rest.as_bytes().get(e + 1) == Some(&b';') => {
                entity(&rest[1..=e]).map(|c| (c, e + 2))
            }
            _ => None,
        };
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text for reading from a field that may hold HTML (FOSDEM's abstracts do): block elements
/// become paragraph breaks, list items bullets, other tags go and entities are decoded. Text
/// without tags passes through unchanged.
pub fn to_plain_text(s: &str) -> String {
    const BLOCKS: [&str; 12] = [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "pre",
    ];
    let tag_name = |t: &str| {
        t.trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let has_markup = s.match_indices('<').any(|(i, _)| {
        let name = tag_name(&s[i + 1..]);
        BLOCKS.contains(&name.as_str()) || matches!(name.as_str(), "a" | "em" | "strong" | "code")
    });
    if !has_markup {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('>') else {
            out.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let tag = &rest[at + 1..at + end];
        match tag_name(tag).as_str() {
            "li" if !tag.starts_with('/') => out.push_str("\n• "),
            "li" => {}
            "br" => out.push('\n'),
            name if BLOCKS.contains(&name) => out.push_str("\n\n"),
            _ => {}
        }
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    // At most one blank line between paragraphs, none at the ends.
    let mut text = String::with_capacity(decoded.len());
    let mut newlines = 0;
    for c in decoded.trim().chars() {
        if c == '\n' {
            newlines += 1;
            if newlines <= 2 {
                text.push(c);
            }
        } else {
            newlines = 0;
            text.push(c);
        }
    }
    text
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "auml" => 'ä',
        "szlig" => 'ß',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::decode_entities;

    #[test]
    fn html_becomes_paragraphs() {
        assert_eq!(
            super::to_plain_text(
                "<p>One &amp; two.</p>\n<p>Three <a href=\"x\">link</a>:</p><ul><li>a</li><li>b</li></ul>"
            ),
            "One & two.\n\nThree link:\n\n• a\n• b"
        );
        assert_eq!(super::to_plain_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(
            super::to_plain_text("<script>x</script>"),
            "<script>x</script>"
        );
    }

    #[test]
    fn decodes_named_and_numeric() {
        assert_eq!(
            decode_entities("a&nbsp;b &amp; c&#39;s &#x1F600;"),
            "a\u{a0}b & c's 😀"
        );
        assert_eq!(decode_entities("AT&T &unknown; & ;"), "AT&T &unknown; & ;");
    }
}
