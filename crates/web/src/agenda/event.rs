//! An event of the edition (the main conference or a co-located one): the schedule list with
//! the event chosen, so its form filters the whole schedule from there.

use super::Agenda;
use super::list;
use super::when::date_span;
use crate::html;
use crate::page::Page;
use crate::released::Filter;
use hallway_domain::Event;

pub fn page(a: &Agenda, ev: &Event) -> Page {
    let filter = Filter {
        event: Some(ev.slug.to_string()),
        ..Filter::default()
    };
    let mut page = list::view(a, &filter, None);
    page.heading = format!("{} · {}", ev.name, date_span(ev.start_date, ev.end_date));
    html::page(&page)
}
