//! Dates and times in words, as the pages write them.

use hallway_domain::{Schedule, Slot};
use jiff::civil::Date;

/// "Wednesday 25 March".
pub fn day_label(d: Date) -> String {
    d.strftime("%A %-d %B").to_string()
}

/// "Wed 25 Mar".
pub fn short_day(d: Date) -> String {
    d.strftime("%a %-d %b").to_string()
}

/// "Wed 25 Mar", or "Mon 23 Mar – Thu 26 Mar".
pub fn date_span(a: Date, b: Date) -> String {
    if a == b {
        short_day(a)
    } else {
        format!("{} – {}", short_day(a), short_day(b))
    }
}

/// "10:30–11:00".
pub fn time_range(schedule: &Schedule, slot: &Slot) -> String {
    let a = schedule.local(slot.start);
    let b = schedule.local(slot.end);
    format!("{}–{}", a.strftime("%H:%M"), b.strftime("%H:%M"))
}
