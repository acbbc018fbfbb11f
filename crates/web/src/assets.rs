//! Static assets, served from memory at URLs that carry a hash of their bytes: browsers may keep
//! them for a year, and a changed file gets a new URL. The service worker and the web app
//! manifest are the exceptions: browsers look for them at one URL, so theirs never change.

use crate::page::{CSS, JS, Page, SVG, fingerprint};
use std::sync::LazyLock;

const STYLESHEET: &str = include_str!("../static/hallway.css");
const ICON: &str = include_str!("../static/hallway.svg");
/// Progressive: every page works without it.
const SCRIPT: &str = include_str!("../static/hallway.js");
/// Keeps the schedule and the attendee's pages for offline use (see the file).
const SERVICE_WORKER: &str = include_str!("../static/sw.js");
pub const SERVICE_WORKER_PATH: &str = "/sw.js";
pub const MANIFEST_PATH: &str = "/manifest.webmanifest";
const MANIFEST: &str = "application/manifest+json";
const PNG: &str = "image/png";
/// The icon sizes phones' home screens and app launchers ask for.
const ICON_SIZES: [u32; 2] = [192, 512];
/// Bookmarks and marks from the shared schedule pages; without it, their links lead to forms.
const MARKS: &str = include_str!("../static/marks.js");
/// Live fill, presence and inbox news on pages that work without it.
const VENUE_SCRIPT: &str = include_str!("../static/venue.js");
/// A Q&A room's and the projector's: live updates over the room's socket.
const LIVE_SCRIPT: &str = include_str!("../static/live.js");
/// The player's: resumes a recording and keeps the place.
const WATCH: &str = include_str!("../static/watch.js");
/// A session page's: suggestions that fit the signed-in viewer's agenda.
const DISCOVER: &str = include_str!("../static/discover.js");

fn hashed(name: &str, ext: &str, bytes: &[u8]) -> String {
    format!("/static/{name}.{:08x}.{ext}", fingerprint(bytes) as u32)
}

static CSS_HREF: LazyLock<String> =
    LazyLock::new(|| hashed("hallway", "css", STYLESHEET.as_bytes()));
static ICON_HREF: LazyLock<String> = LazyLock::new(|| hashed("hallway", "svg", ICON.as_bytes()));
static SCRIPT_HREF: LazyLock<String> = LazyLock::new(|| hashed("hallway", "js", SCRIPT.as_bytes()));
/// Each bitmap icon with its size and URL.
static PNG_ICONS: LazyLock<Vec<(u32, String, Vec<u8>)>> = LazyLock::new(|| {
    ICON_SIZES
        .iter()
        .map(|&size| {
            let png = crate::icon::png(size);
            (size, hashed(&format!("icon-{size}"), "png", &png), png)
        })
        .collect()
});
static MARKS_HREF: LazyLock<String> = LazyLock::new(|| hashed("marks", "js", MARKS.as_bytes()));
static VENUE_SCRIPT_HREF: LazyLock<String> =
    LazyLock::new(|| hashed("venue", "js", VENUE_SCRIPT.as_bytes()));
static LIVE_HREF: LazyLock<String> = LazyLock::new(|| hashed("live", "js", LIVE_SCRIPT.as_bytes()));
static WATCH_HREF: LazyLock<String> = LazyLock::new(|| hashed("watch", "js", WATCH.as_bytes()));
static DISCOVER_HREF: LazyLock<String> =
    LazyLock::new(|| hashed("discover", "js", DISCOVER.as_bytes()));

pub fn css_href() -> &'static str {
    &CSS_HREF
}

pub fn icon_href() -> &'static str {
    &ICON_HREF
}

pub fn script_href() -> &'static str {
    &SCRIPT_HREF
}

/// What makes the site installable as an app: its name, where it opens, its icons.
fn manifest() -> String {
    let mut icons = vec![serde_json::json!({
        "src": icon_href(), "type": SVG, "sizes": "any", "purpose": "any"
    })];
    for (size, href, _) in PNG_ICONS.iter() {
        icons.push(serde_json::json!({
            "src": href, "type": PNG, "sizes": format!("{size}x{size}"), "purpose": "any"
        }));
    }
    serde_json::json!({
        "name": "Hallway",
        "short_name": "Hallway",
        "description": "The conference schedule and your agenda, also offline.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": icons,
    })
    .to_string()
}

pub fn marks_href() -> &'static str {
    &MARKS_HREF
}

pub fn venue_script_href() -> &'static str {
    &VENUE_SCRIPT_HREF
}

pub fn live_script_href() -> &'static str {
    &LIVE_HREF
}

pub fn watch_href() -> &'static str {
    &WATCH_HREF
}

pub fn discover_href() -> &'static str {
    &DISCOVER_HREF
}

pub fn pages() -> Vec<(String, Page)> {
    let mut pages = vec![
        (
            css_href().to_owned(),
            Page::new(CSS, STYLESHEET).immutable(),
        ),
        (icon_href().to_owned(), Page::new(SVG, ICON).immutable()),
        (script_href().to_owned(), Page::new(JS, SCRIPT).immutable()),
        (
            SERVICE_WORKER_PATH.to_owned(),
            Page::new(JS, SERVICE_WORKER),
        ),
        (MANIFEST_PATH.to_owned(), Page::new(MANIFEST, manifest())),
        (marks_href().to_owned(), Page::new(JS, MARKS).immutable()),
        (
            venue_script_href().to_owned(),
            Page::new(JS, VENUE_SCRIPT).immutable(),
        ),
        (
            live_script_href().to_owned(),
            Page::new(JS, LIVE_SCRIPT).immutable(),
        ),
        (watch_href().to_owned(), Page::new(JS, WATCH).immutable()),
        (
            discover_href().to_owned(),
            Page::new(JS, DISCOVER).immutable(),
        ),
    ];
    for (_, href, png) in PNG_ICONS.iter() {
        pages.push((href.clone(), Page::new(PNG, png.clone()).immutable()));
    }
    pages
}
