//! Static assets, served from memory at URLs that carry a hash of their bytes: browsers may keep
//! them for a year, and a changed file gets a new URL.

use crate::page::{CSS, JS, Page, SVG, fingerprint};
use std::sync::LazyLock;

const STYLESHEET: &str = include_str!("../static/hallway.css");
const ICON: &str = include_str!("../static/hallway.svg");
/// Progressive: every page works without it.
const SCRIPT: &str = include_str!("../static/hallway.js");
/// Live fill, presence and inbox news on pages that work without it.
const VENUE_SCRIPT: &str = include_str!("../static/venue.js");

fn hashed(name: &str, ext: &str, bytes: &str) -> String {
    format!(
        "/static/{name}.{:08x}.{ext}",
        fingerprint(bytes.as_bytes()) as u32
    )
}

static CSS_HREF: LazyLock<String> = LazyLock::new(|| hashed("hallway", "css", STYLESHEET));
static ICON_HREF: LazyLock<String> = LazyLock::new(|| hashed("hallway", "svg", ICON));
static SCRIPT_HREF: LazyLock<String> = LazyLock::new(|| hashed("hallway", "js", SCRIPT));
static VENUE_SCRIPT_HREF: LazyLock<String> = LazyLock::new(|| hashed("venue", "js", VENUE_SCRIPT));

pub fn css_href() -> &'static str {
    &CSS_HREF
}

pub fn icon_href() -> &'static str {
    &ICON_HREF
}

pub fn script_href() -> &'static str {
    &SCRIPT_HREF
}

pub fn venue_script_href() -> &'static str {
    &VENUE_SCRIPT_HREF
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
            venue_script_href().to_owned(),
            Page::new(JS, VENUE_SCRIPT).immutable(),
        ),
    ]
}
