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
}

/// A page rendered once per release. Rendering typed templates only fails on a formatter
/// error, which writing to a String cannot.
pub fn page(t: &impl Template) -> Page {
    Page::new(HTML, t.render().unwrap_or_default())
}
