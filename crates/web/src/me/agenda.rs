//! My agenda: per day, my bookmarked sessions in time order, overlapping ones side by side with
//! what could replace them, free time between, hours of talks per day, sessions likely full;
//! a read-only link to share it (with its QR code), revocable. The layout is `domain::plan`'s;
//! this module turns it into words and links.

use super::qr;
use crate::AppState;
use crate::account::{Form, FormToken, Visitor, text};
use crate::agenda::{SessionItem, day_label, time_range};
use crate::cfp::{render, see_other};
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::{KeepZone, Nav};
use crate::released::Released;
use crate::zone::Zone;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallway_app::domain::agenda::Priority;
use hallway_app::domain::plan::{self, Alternative, Block, Entry, Plan};
use hallway_app::{AgendaData, MyChanges, Since};
use jiff::Timestamp;

/// The agenda page, the owner's or a shared one. Sections are fields: what the page gains
/// (a banner of schedule changes at the top, say) is a field and a block of the template.
#[derive(Template)]
#[template(path = "me/agenda.html")]
pub struct AgendaPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    edition_name: String,
    /// The owner sees notes' links, the share section and the forms; a shared view does not.
    owner: bool,
    days: Vec<DayView>,
    unscheduled: Vec<EntryView>,
    clashes: usize,
    share: Option<ShareView>,
    /// The owner's: what releases they have not seen yet changed among their bookmarks.
    changes: Option<MyChanges>,
}

pub struct DayView {
    pub label: String,
    /// "2026-03-25", for the link to the day's review.
    pub date: String,
    /// "11 hours of talks on Wednesday".
    pub total: String,
    pub blocks: Vec<BlockView>,
}

pub struct BlockView {
    /// "12:30–14:00".
    pub time: String,
    /// Free time: how long, in words; empty for sessions.
    pub free: String,
    pub entries: Vec<EntryView>,
    /// For overlapping sessions: per entry, what could replace it.
    pub clash: Option<Vec<ClashLine>>,
}

pub struct ClashLine {
    pub title: String,
    pub alternatives: Vec<AltView>,
}

pub struct AltView {
    /// "another time", "a similar session"; recordings add theirs.
    pub kind: &'static str,
    pub href: String,
    pub title: String,
    pub when: String,
}

pub struct EntryView {
    pub item: SessionItem,
    pub marks_href: String,
    /// "first choice", "backup" or "".
    pub priority: &'static str,
    pub likely_full: bool,
}

pub struct ShareView {
    pub url: String,
    /// An inline SVG image of the URL as a QR code.
    pub qr: String,
}

/// "11 hours", "1 hour 30 minutes", "45 minutes".
fn duration(seconds: i64) -> String {
    let minutes = seconds / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    let hours = match h {
        0 => String::new(),
        1 => "1 hour".to_owned(),
        h => format!("{h} hours"),
    };
    match (h, m) {
        (_, 0) if h > 0 => hours,
        (0, m) => format!("{m} minutes"),
        (_, m) => format!("{hours} {m} minutes"),
    }
}

fn entry_view(r: &Released, zone: &Zone, e: &Entry, owner: bool) -> EntryView {
    let s = &r.schedule;
    let x = &s.sessions[e.session];
    let edition = r.slug();
    EntryView {
        item: SessionItem::new(s, x, Some(e.slot), zone),
        marks_href: if owner {
            format!(
                "/me/{edition}/sessions/{}?back=/me/{edition}/agenda",
                x.guid
            )
        } else {
            String::new()
        },
        priority: match e.priority {
            Priority::First => "first choice",
            Priority::Backup => "backup",
            Priority::None => "",
        },
        likely_full: e.likely_full,
    }
}

fn alt_view(r: &Released, zone: &Zone, a: &Alternative) -> AltView {
    let s = &r.schedule;
    let (kind, session, slot) = match *a {
        Alternative::OtherSlot { session, slot } => ("another time", session, slot),
        Alternative::Similar { session, slot } => ("a similar session", session, slot),
    };
    let x = &s.sessions[session];
    let sl = &x.slots[slot];
    let room = s
        .room_name(sl)
        .map(|n| format!(", {n}"))
        .unwrap_or_default();
    AltView {
        kind,
        href: crate::agenda::session_href(r.slug(), x),
        title: x.title.clone(),
        when: format!(
            "{} {}{room}",
            zone.local(sl.start).strftime("%a %-d %b"),
            time_range(zone, sl.start, sl.end)
        ),
    }
}

/// The page's view of `data` over the release `r`.
pub fn view(
    r: &Released,
    data: &AgendaData,
    owner: bool,
    csrf: String,
    share: Option<ShareView>,
) -> AgendaPage {
    let s = &r.schedule;
    let zone = Zone::venue(&s.edition);
    let laid: Plan = plan::plan(s, &data.marks, &r.similar.by_text, &data.bookmarks);
    let at = |t: Timestamp| zone.local(t);
    let days = laid
        .days
        .iter()
        .map(|d| DayView {
            label: day_label(d.date),
            date: d.date.to_string(),
            total: format!(
                "{} of talks on {}",
                duration(d.busy_seconds),
                d.date.strftime("%A")
            ),
            blocks: d
                .blocks
                .iter()
                .map(|b| match b {
                    Block::Free { start, end } => BlockView {
                        time: format!(
                            "{}–{}",
                            at(*start).strftime("%H:%M"),
                            at(*end).strftime("%H:%M")
                        ),
                        free: duration(end.as_second() - start.as_second()),
                        entries: Vec::new(),
                        clash: None,
                    },
                    Block::Sessions {
                        start,
                        end,
                        entries,
                        clash,
                    } => BlockView {
                        time: time_range(&zone, *start, *end),
                        free: String::new(),
                        entries: entries
                            .iter()
                            .map(|e| entry_view(r, &zone, e, owner))
                            .collect(),
                        clash: clash.as_ref().map(|c| {
                            entries
                                .iter()
                                .zip(&c.alternatives)
                                .map(|(e, alts)| {
                                    let session = &s.sessions[e.session];
                                    let mut alternatives: Vec<AltView> =
                                        alts.iter().map(|a| alt_view(r, &zone, a)).collect();
                                    alternatives.extend(recording_alternative(r, session));
                                    ClashLine {
                                        title: session.title.clone(),
                                        alternatives,
                                    }
                                })
                                .collect()
                        }),
                    },
                })
                .collect(),
        })
        .collect();
    let e = &s.edition;
    AgendaPage {
        nav: Some(Nav {
            slug: e.slug.to_string(),
            name: e.name.clone(),
            query: String::new(),
            footer: format!(
                "{} · release {} · times in {}",
                e.name, r.release, e.time_zone
            ),
            zone: e.time_zone.clone(),
            venue_zone: e.time_zone.clone(),
            keep: KeepZone::default(),
        }),
        csrf,
        edition: e.slug.to_string(),
        edition_name: e.name.clone(),
        owner,
        clashes: laid.clashes(),
        unscheduled: laid
            .unscheduled
            .iter()
            .map(|&i| EntryView {
                item: SessionItem::new(s, &s.sessions[i], None, &zone),
                marks_href: String::new(),
                priority: "",
                likely_full: false,
            })
            .collect(),
        days,
        share,
        changes: None,
    }
}

/// Watching later instead: the recording when it is published, or the promise of one for a
/// session that is recorded.
fn recording_alternative(r: &Released, session: &hallway_app::domain::Session) -> Option<AltView> {
    let published = r
        .recordings
        .get(&session.guid)
        .is_some_and(|rec| rec.url.is_some());
    if published {
        Some(AltView {
            kind: "the recording",
            href: format!("/me/{}/watch/{}", r.schedule.edition.slug, session.guid),
            title: session.title.clone(),
            when: "any time".into(),
        })
    } else if !session.do_not_record {
        Some(AltView {
            kind: "the recording, once published",
            href: format!("/{}/sessions/{}", r.schedule.edition.slug, session.guid),
            title: session.title.clone(),
            when: "after the session".into(),
        })
    } else {
        None
    }
}

fn released(state: &AppState, edition: &str) -> Result<std::sync::Arc<Released>, WebError> {
    state.site.released(edition).ok_or(WebError::NotFound)
}

/// Personal: kept by no cache but the person's own browser (its offline copy, checked again
/// each time), never sent on as a referrer (a shared link's token).
fn private(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    r.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

pub async fn mine(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let r = released(&state, &edition)?;
    let data = state.app.my_agenda(viewer, &edition).await?;
    let share = match &data.share {
        Some(token) => {
            let url = format!(
                "{}/me/{edition}/shared/{token}",
                r.public_url.trim_end_matches('/')
            );
            Some(ShareView {
                qr: qr::svg_of(&url, "QR code of the link to this agenda")?,
                url,
            })
        }
        None => None,
    };
    let unseen = state
        .app
        .my_schedule_changes(viewer, &edition, Since::Unseen)
        .await?;
    let token = FormToken::of(&headers)?;
    let mut page = view(&r, &data, true, token.value.clone(), share);
    page.changes = (!unseen.releases.is_empty()).then_some(unseen);
    Ok(private(
        token.with(&state.accounts, render(&page, StatusCode::OK)?),
    ))
}

/// Someone's agenda through the link they shared: bookmarks and priorities, no notes.
pub async fn shared(
    State(state): State<AppState>,
    Segments((edition, token)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let r = released(&state, &edition)?;
    let data = state.app.shared_agenda(&edition, &token).await?;
    let page = view(&r, &data, false, String::new(), None);
    Ok(private(render(&page, StatusCode::OK)?.into_response()))
}

/// Makes a new link (the old one stops working).
pub async fn share(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    state.app.share_agenda(viewer, &edition).await?;
    see_other(&format!("/me/{edition}/agenda#share"))
}

pub async fn revoke(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    state.app.revoke_agenda_share(viewer, &edition).await?;
    see_other(&format!("/me/{edition}/agenda#share"))
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(11 * 3600), "11 hours");
        assert_eq!(duration(3600), "1 hour");
        assert_eq!(duration(5400), "1 hour 30 minutes");
        assert_eq!(duration(45 * 60), "45 minutes");
    }
}
