//! The form that filters a list or a grid by event, track, type and room.

use crate::html::KeepZone;
use crate::released::{Filter, Released};
use hallway_domain::SessionType;

pub struct FilterForm {
    pub action: String,
    /// The viewer's zone, kept by a hidden field.
    pub tz: Option<String>,
    /// The search the filters narrow, kept by a hidden field on the search page.
    pub search: Option<String>,
    pub event_options: Vec<Choice>,
    pub track_options: Vec<Choice>,
    pub type_options: Vec<Choice>,
    pub room_options: Vec<Choice>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl FilterForm {
    /// The form with what `filter` chose selected; it submits to `action`.
    pub fn new(r: &Released, filter: &Filter, action: String, keep: KeepZone) -> Self {
        let s = &r.schedule;
        let choice = |value: String, label: String, selected: bool| Choice {
            value,
            label,
            selected,
        };
        let used_types: Vec<SessionType> = SessionType::ALL
            .into_iter()
            .filter(|t| s.sessions.iter().any(|x| x.session_type == *t))
            .collect();
        Self {
            action,
            tz: keep.tz,
            search: None,
            event_options: if s.events.len() > 1 {
                s.events
                    .iter()
                    .map(|e| {
                        choice(
                            e.slug.to_string(),
                            e.name.clone(),
                            filter.event.as_deref() == Some(e.slug.as_str()),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
            track_options: s
                .tracks
                .iter()
                .map(|t| {
                    choice(
                        t.slug.to_string(),
                        t.name.clone(),
                        filter.track.as_deref() == Some(t.slug.as_str()),
                    )
                })
                .collect(),
            type_options: used_types
                .into_iter()
                .map(|t| {
                    choice(
                        t.as_str().to_owned(),
                        t.label().to_owned(),
                        filter.session_type == Some(t),
                    )
                })
                .collect(),
            room_options: s
                .rooms
                .iter()
                .map(|r| {
                    choice(
                        r.slug.to_string(),
                        r.name.clone(),
                        filter.room.as_deref() == Some(r.slug.as_str()),
                    )
                })
                .collect(),
        }
    }
}
