//! The time zone a page shows times in: the venue's, or the one a viewer asks for with `?tz=`
//! (an IANA name, looked up in the tz database bundled with the binary).
//!
//! Days stay the venue's: a day's grid and list hold the sessions of the conference day as the
//! venue lives it. Times are written in the zone shown, and a time whose date there is not the
//! venue's date at that moment carries its date ("Tue 24 Mar 22:30–23:00" in Los Angeles for a
//! session at 06:30 on Wednesday in Amsterdam).

use crate::html::KeepZone;
use crate::released::query_escape;
use hallway_domain::Edition;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Longer than any IANA name: the lookup never sees more.
const LONGEST_NAME: usize = 64;

#[derive(Clone, Debug)]
pub struct Zone {
    tz: TimeZone,
    name: String,
    /// The venue's zone, to see where a date differs.
    venue: TimeZone,
    is_venue: bool,
}

impl Zone {
    /// The venue's zone: pages as they are rendered with the release.
    pub fn venue(e: &Edition) -> Self {
        let tz = e.tz();
        Self {
            name: e.time_zone.clone(),
            venue: tz.clone(),
            tz,
            is_venue: true,
        }
    }

    /// The zone `name` for the edition's pages; the venue's own zone is the venue's pages.
    pub fn for_viewer(name: &ViewerZone, e: &Edition) -> Self {
        let venue = Self::venue(e);
        if name.name == venue.name {
            return venue;
        }
        Self {
            tz: name.tz.clone(),
            name: name.name.clone(),
            venue: venue.tz,
            is_venue: false,
        }
    }

    pub fn is_venue(&self) -> bool {
        self.is_venue
    }

    /// The IANA name ("America/Los_Angeles").
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The first instant of `day` here. A release's dates are within 1980 to 2200
    /// (`domain::bounds`, checked before rendering), where every date has one.
    pub fn start_of(&self, day: Date) -> Timestamp {
        day.to_zoned(self.tz.clone())
            .expect("a date of a checked release is within jiff's range")
            .timestamp()
    }

    pub fn local(&self, t: Timestamp) -> Zoned {
        t.to_zoned(self.tz.clone())
    }

    /// Whether the date here at `t` is not the venue's date at `t`: the time then carries it.
    pub fn date_differs(&self, t: Timestamp) -> bool {
        !self.is_venue && self.local(t).date() != t.to_zoned(self.venue.clone()).date()
    }

    /// What links on a page for this zone add to their query: "tz=America/Los_Angeles", or
    /// nothing for the venue's zone.
    pub fn pair(&self) -> Option<String> {
        (!self.is_venue).then(|| format!("tz={}", zone_escape(&self.name)))
    }

    /// What a page's links and forms add to keep this zone: nothing for the venue's.
    pub fn keep(&self) -> KeepZone {
        if self.is_venue {
            KeepZone::default()
        } else {
            keep(&self.name)
        }
    }
}

/// A zone a viewer asked for, known to the tz database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewerZone {
    tz: TimeZone,
    /// As the database spells it, whatever case the request used.
    pub name: String,
}

impl ViewerZone {
    /// `name` as an IANA zone; an unknown one is an error that names it.
    pub fn parse(name: &str) -> Result<Self, String> {
        let unknown = || {
            let shown: String = name.chars().take(LONGEST_NAME).collect();
            format!(
                "tz: {shown:?} is not a time zone of the IANA database; give one like \
                 America/Los_Angeles or Europe/Amsterdam."
            )
        };
        if name.len() > LONGEST_NAME {
            return Err(unknown());
        }
        let tz = TimeZone::get(name).map_err(|_| unknown())?;
        let name = tz.iana_name().ok_or_else(unknown)?.to_owned();
        Ok(Self { tz, name })
    }
}

impl ViewerZone {
    /// What links add to keep this zone, on a page of no edition (the list of editions).
    pub fn keep(&self) -> KeepZone {
        keep(&self.name)
    }
}

fn keep(name: &str) -> KeepZone {
    let pair = format!("tz={}", zone_escape(name));
    KeepZone {
        tz: Some(name.to_owned()),
        query: format!("?{pair}"),
        and: format!("&{pair}"),
    }
}

/// Percent-encodes a zone name for a query, keeping its slashes readable.
fn zone_escape(name: &str) -> String {
    name.split('/')
        .map(query_escape)
        .collect::<Vec<_>>()
        .join("/")
}

/// An instant with its offset, as machines read it ("2026-03-25T10:30:00+01:00").
pub fn rfc3339(z: &Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition() -> Edition {
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
    fn only_names_of_the_iana_database_are_zones() {
        let la = ViewerZone::parse("America/Los_Angeles").unwrap();
        assert_eq!(la.name, "America/Los_Angeles");
        assert_eq!(ViewerZone::parse("UTC").unwrap().name, "UTC");
        for bad in [
            "Mars/Base",
            "",
            "PST8PDT/x",
            "../../etc/passwd",
            "+05:00",
            "America",
        ] {
            let e = ViewerZone::parse(bad).unwrap_err();
            assert!(e.contains(&format!("{bad:?}")), "{bad}: {e}");
        }
        let long = "A/".repeat(100);
        let e = ViewerZone::parse(&long).unwrap_err();
        assert!(e.len() < 300, "a long name is cut short in the message");
    }

    #[test]
    fn the_venues_zone_is_the_venues_pages() {
        let e = edition();
        let named = Zone::for_viewer(&ViewerZone::parse("Europe/Amsterdam").unwrap(), &e);
        assert!(named.is_venue());
        assert_eq!(
            named.keep().query,
            "",
            "links stay as rendered with the release"
        );
        let la = Zone::for_viewer(&ViewerZone::parse("America/Los_Angeles").unwrap(), &e);
        assert!(!la.is_venue());
        assert_eq!(la.keep().query, "?tz=America/Los_Angeles");
        assert_eq!(la.keep().and, "&tz=America/Los_Angeles");
        let plus = ViewerZone::parse("Etc/GMT+5").unwrap();
        assert_eq!(plus.keep().query, "?tz=Etc/GMT%2B5", "a plus is no space");
    }

    #[test]
    fn converts_across_daylight_saving_changes() {
        let e = edition();
        let la = Zone::for_viewer(&ViewerZone::parse("America/Los_Angeles").unwrap(), &e);
        let venue = Zone::venue(&e);
        // The United States moved to summer time on 8 March 2026, the European Union on 29
        // March: during KubeCon, Los Angeles is 8 hours behind Amsterdam, not 9.
        let keynote: Timestamp = "2026-03-25T09:00:00+01:00".parse().unwrap();
        assert_eq!(
            venue.local(keynote).strftime("%H:%M %Z").to_string(),
            "09:00 CET"
        );
        assert_eq!(
            la.local(keynote).strftime("%H:%M %Z").to_string(),
            "01:00 PDT"
        );
        let after: Timestamp = "2026-04-01T08:00:00+02:00".parse().unwrap();
        assert_eq!(
            la.local(after).strftime("%H:%M").to_string(),
            "23:00",
            "9 hours after 29 March"
        );
        assert!(!la.date_differs(keynote));
        assert!(
            la.date_differs(after),
            "Tuesday in Los Angeles, Wednesday at the venue"
        );
        assert!(!venue.date_differs(after));
        assert_eq!(
            la.start_of("2026-03-25".parse().unwrap()).to_string(),
            "2026-03-25T07:00:00Z"
        );
    }
}
