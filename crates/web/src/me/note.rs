//! A private note as HTML: Markdown, with raw HTML shown as text, images as links and links
//! only to the web, mail or this site, so that a note pasted from anywhere runs nothing.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Safe to put in a page unescaped.
pub fn to_html(markdown: &str) -> String {
    let events = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    )
    .map(|event| match event {
        // Shown as written, escaped by the HTML writer like any text.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        // An image would load from anywhere: it becomes a link to it.
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains('/') && !s.contains('?') && !s.contains('#'));
    match scheme {
        None | Some("http" | "https" | "mailto") => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_renders_and_html_does_not() {
        assert_eq!(
            to_html("**Ask** about *SPIFFE*"),
            "<p><strong>Ask</strong> about <em>SPIFFE</em></p>\n"
        );
        let raw = to_html("<script>alert(1)</script> and <b onclick=x>b</b>");
        assert!(!raw.contains("<script") && !raw.contains("<b "), "{raw}");
        assert!(raw.contains("&lt;script&gt;"), "{raw}");
        let block = to_html("<div>\n<img src=x onerror=alert(1)>\n</div>");
        assert!(
            !block.contains("<img") && !block.contains("<div"),
            "{block}"
        );
    }

    #[test]
    fn links_go_only_to_safe_places() {
        assert!(to_html("[x](javascript:alert(1))").contains("href=\"#\""));
        assert!(to_html("[x](JavaScript:alert(1))").contains("href=\"#\""));
        assert!(to_html("[x](data:text/html,hi)").contains("href=\"#\""));
        assert!(to_html("[x](https://kubernetes.io/)").contains("href=\"https://kubernetes.io/\""));
        assert!(to_html("[x](/kubecon/sessions/1)").contains("href=\"/kubecon/sessions/1\""));
        let img = to_html("![slides](https://example.org/a.png)");
        assert!(
            !img.contains("<img") && img.contains("<a href=\"https://example.org/a.png\""),
            "{img}"
        );
    }
}
