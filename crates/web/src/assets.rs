//! Static assets, served from memory at URLs that carry a hash of their bytes: browsers may keep
//! them for a year, and a changed file gets a new URL.

use crate::page::{CSS, JS, Page, SVG, fingerprint};
use std::sync::LazyLock;

const STYLESHEET: &str = include_str!("../static/hallway.css");
const ICON: &str = include_str!("../static/hallway.svg");
/// Progressive: every page works without it.
const SCRIPT: &str = include_str!("../static/hallway.js");
/// Live Q&A: follows the room's socket; the Q&A pages work without it.
const LIVE_SCRIPT: &str = include_str!("../static/live.js");

fn hashed(name: &str, ext: &str, bytes: &str) -> String {
    format!(
        "/static/{name}.{:08x}.{ext}",
        fingerprint(bytes.as_bytes()) as u32
    )
}

static CSS_HREF: LazyLock<String> = LazyLock::new(|| hashed("hallway", "css", STYLESHEET));
static ICON_HREF: LazyLock<String> = LazyLock::new(|| hashed("hallway", "svg", ICON));
static SCRIPT_HREF: LazyLock<String> = LazyLock::new(|| hashed("hallway", "js", SCRIPT));
static LIVE_HREF: LazyLock<String> = LazyLock::new(|| hashed("live", "js", LIVE_SCRIPT));

pub fn css_href() -> &'static str {
    &CSS_HREF
}

pub fn icon_href() -> &'static str {
    &ICON_HREF
}

pub fn script_href() -> &'static str {
    &SCRIPT_HREF
}

pub fn live_script_href() -> &'static str {
    &LIVE_HREF
}

pub fn pages() -> Vec<(String, Page)> {
    vec![
        (
            css_href().to_owned(),
            Page::new(CSS, STYLESHEET).immutable(),
        ),
        (icon_href().to_owned(), Page::new(SVG, ICON).immutable()),
        (script_href().to_owned(), Page::new(JS, SCRIPT).immutable()),
        (
            live_script_href().to_owned(),
            Page::new(JS, LIVE_SCRIPT).immutable(),
        ),
    ]
}
