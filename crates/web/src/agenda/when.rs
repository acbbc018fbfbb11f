//! Dates and times in words, as the pages write them. Times are in the zone shown; one whose
//! date there is not the venue's date carries it (see `crate::zone`).

use crate::zone::Zone;
use jiff::Timestamp;
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

/// "10:30", or "Tue 24 Mar 22:30" where the date in `zone` is not the venue's.
pub fn clock(zone: &Zone, t: Timestamp) -> String {
    let z = zone.local(t);
    if zone.date_differs(t) {
        format!("{} {}", short_day(z.date()), z.strftime("%H:%M"))
    } else {
        z.strftime("%H:%M").to_string()
    }
}

/// A time mark of the day grid: "10:30", or "Tue 22:30" where the date in `zone` is not the
/// venue's; the time column is narrow, and the day's heading names the date.
pub fn mark(zone: &Zone, t: Timestamp) -> String {
    let z = zone.local(t);
    if zone.date_differs(t) {
        z.strftime("%a %H:%M").to_string()
    } else {
        z.strftime("%H:%M").to_string()
    }
}

/// "10:30–11:00", or "Tue 24 Mar 22:30–23:00" where the start's date in `zone` is not the
/// venue's.
pub fn time_range(zone: &Zone, start: Timestamp, end: Timestamp) -> String {
    format!(
        "{}–{}",
        clock(zone, start),
        zone.local(end).strftime("%H:%M")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::ViewerZone;
    use hallway_domain::Edition;

    fn amsterdam() -> Edition {
        Edition {
            slug: "kccnceu2026".parse().unwrap(),
            name: "KubeCon EU 2026".into(),
            venue: "Amsterdam".into(),
            time_zone: "Europe/Amsterdam".into(),
            start_date: "2026-03-23".parse().unwrap(),
            end_date: "2026-03-26".parse().unwrap(),
            day_change: jiff::civil::Time::midnight(),
        }
    }

    #[test]
    fn a_time_carries_its_date_where_the_viewers_date_is_not_the_venues() {
        let e = amsterdam();
        let venue = Zone::venue(&e);
        let la = Zone::for_viewer(&ViewerZone::parse("America/Los_Angeles").unwrap(), &e);
        let tokyo = Zone::for_viewer(&ViewerZone::parse("Asia/Tokyo").unwrap(), &e);
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let morning = t("2026-03-25T06:30:00+01:00");
        let noon = t("2026-03-25T12:00:00+01:00");
        assert_eq!(time_range(&venue, morning, noon), "06:30–12:00");
        assert_eq!(time_range(&la, morning, noon), "Tue 24 Mar 22:30–04:00");
        assert_eq!(time_range(&la, noon, noon), "04:00–04:00");
        let evening = t("2026-03-25T18:00:00+01:00");
        assert_eq!(clock(&tokyo, evening), "Thu 26 Mar 02:00");
        assert_eq!(clock(&venue, evening), "18:00");
        assert_eq!(mark(&la, morning), "Tue 22:30");
        assert_eq!(mark(&venue, morning), "06:30");
    }
}
