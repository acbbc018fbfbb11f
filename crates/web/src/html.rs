//! What every HTML page shares: the header's navigation and rendering a typed template.

use crate::page::{HTML, Page};
use askama::Template;

/// The header of an edition's pages, and its footer line.
pub struct Nav {
    pub slug: String,
    pub name: String,
    /// What the search box shows: the query of a search page.
    pub query: String,
    pub footer: String,
    /// The zone times are shown in, and the venue's.
    pub zone: String,
    pub venue_zone: String,
    pub keep: KeepZone,
}

/// What a page's links add to keep the viewer's zone; nothing in the venue's zone.
#[derive(Debug, Clone, Default)]
pub struct KeepZone {
    /// The zone's name, for a form's hidden field.
    pub tz: Option<String>,
    /// "?tz=America/Los_Angeles", for a link without a query.
    pub query: String,
    /// "&tz=America/Los_Angeles", for a link with a query.
    pub and: String,
}

/// A page rendered once per release. Rendering typed templates only fails on a formatter
/// error, which writing to a String cannot.
pub fn page(t: &impl Template) -> Page {
    Page::new(HTML, t.render().unwrap_or_default())
}
