//! A session's recording (often a stretch of a day-long livestream), its slides and captions,
//! and how far an attendee has watched it.

use crate::model::is_web_url;
use serde::{Deserialize, Serialize};

/// What is published of a session after it ran. Every link is http(s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Recording {
    /// The video; none for a session that is not recorded but has slides.
    pub url: Option<String>,
    /// Where the talk starts in the video, in seconds (a talk inside a livestream).
    pub offset: u32,
    pub slides: Option<String>,
    pub captions: Option<String>,
}

/// The longest a link may be.
pub const MAX_URL: usize = 2048;

/// How a recording is played.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Player {
    /// A media file (video, or audio of a talk) the browser plays itself, so the page can
    /// follow the position.
    Media,
    /// A page of a video site: linked, starting at a given second.
    Link,
}

impl Recording {
    /// Checks a recording as given, before it is stored: links are http(s) and not too long,
    /// something is given, and a session whose speakers asked not to be recorded gets no video.
    pub fn check(&self, do_not_record: bool) -> Result<(), String> {
        for (what, link) in [
            ("recording URL", &self.url),
            ("slides link", &self.slides),
            ("captions link", &self.captions),
        ] {
            if let Some(link) = link {
                if !is_web_url(link) {
                    return Err(format!(
                        "the {what} {link:?} is not an http:// or https:// address"
                    ));
                }
                if link.len() > MAX_URL {
                    return Err(format!(
                        "the {what} is {} characters long; at most {MAX_URL}",
                        link.len()
                    ));
                }
                if link.chars().any(char::is_whitespace) {
                    return Err(format!("the {what} {link:?} contains a space"));
                }
            }
        }
        if self.url.is_some() && do_not_record {
            return Err(
                "the session is marked do-not-record: its speakers asked not to be recorded, so it takes no recording URL"
                    .into(),
            );
        }
        if self.url.is_none() && self.slides.is_none() && self.captions.is_none() {
            return Err("no recording URL, slides or captions link is given".into());
        }
        if self.url.is_none() && self.offset > 0 {
            return Err("an offset is given without a recording URL".into());
        }
        Ok(())
    }

    /// How the video plays, if there is one.
    pub fn player(&self) -> Option<Player> {
        let url = self.url.as_deref()?;
        let path = url.split(['?', '#']).next().unwrap_or(url).to_lowercase();
        let media = [
            ".mp4", ".webm", ".ogv", ".m4v", ".ogg", ".mp3", ".m4a", ".oga", ".opus", ".wav",
        ];
        Some(if media.iter().any(|ext| path.ends_with(ext)) {
            Player::Media
        } else {
            Player::Link
        })
    }

    /// The video's address starting `position` seconds into the talk: the offset plus the
    /// position, in the form the site understands (YouTube's `t=`, a media fragment `#t=`
    /// elsewhere, which Vimeo and browsers' own players follow).
    pub fn url_at(&self, position: u32) -> Option<String> {
        let url = self.url.as_deref()?;
        let at = self.offset.saturating_add(position);
        let (base, _) = url.split_once('#').unwrap_or((url, ""));
        let host = host_of(base);
        if host.ends_with("youtube.com") || host == "youtu.be" {
            let (path, query) = base.split_once('?').unwrap_or((base, ""));
            let mut params: Vec<&str> = query
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with("t=") && !p.starts_with("start="))
                .collect();
            let t = format!("t={at}");
            if at > 0 {
                params.push(&t);
            }
            return Some(if params.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", params.join("&"))
            });
        }
        Some(if at > 0 {
            format!("{base}#t={at}")
        } else {
            base.to_owned()
        })
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    host.split(':').next().unwrap_or("").to_lowercase()
}

/// Seconds as "1:02:03" or "2:03".
pub fn clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Reads "1:02:03", "2:03" or "123" as seconds.
pub fn parse_clock(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(':').collect();
    if text.is_empty() || parts.len() > 3 {
        return Err(format!("{text:?} is not a time like 1:02:03, 12:30 or 90"));
    }
    let mut total: u32 = 0;
    for (i, p) in parts.iter().enumerate() {
        let n: u32 = p
            .parse()
            .map_err(|_| format!("{text:?} is not a time like 1:02:03, 12:30 or 90"))?;
        if i > 0 && n >= 60 {
            return Err(format!("{text:?}: minutes and seconds go up to 59"));
        }
        total = total
            .checked_mul(60)
            .and_then(|t| t.checked_add(n))
            .ok_or_else(|| format!("{text:?} is too long a time"))?;
    }
    Ok(total)
}

/// How far into a talk's recording an attendee got, as a device last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Seconds into the talk (after the recording's offset).
    pub position: u32,
    /// The talk's length in seconds, when the player knows it.
    pub duration: Option<u32>,
    /// Said to be watched to the end.
    pub finished: bool,
    /// When the device said so, in milliseconds since the epoch: the latest saying wins.
    pub at: i64,
}

/// The longest a recording may be: a day-long livestream with room to spare.
pub const MAX_SECONDS: u32 = 48 * 3600;

/// Within this many seconds of the end (or the last twentieth of a short recording), a talk
/// counts as watched: the closing applause.
const NEAR_END: u32 = 30;

impl Progress {
    /// Checks what a device sent.
    pub fn check(&self) -> Result<(), String> {
        if self.position > MAX_SECONDS {
            return Err(format!(
                "position {} s is past {MAX_SECONDS} s (48 hours)",
                self.position
            ));
        }
        if let Some(d) = self.duration
            && d > MAX_SECONDS
        {
            return Err(format!("duration {d} s is past {MAX_SECONDS} s (48 hours)"));
        }
        if self.at <= 0 {
            return Err("the time the position was taken is missing".into());
        }
        Ok(())
    }

    /// Watched to the end, or close enough to it.
    pub fn is_finished(&self) -> bool {
        self.finished
            || self
                .duration
                .is_some_and(|d| d > 0 && self.position.saturating_add(NEAR_END.min(d / 20)) >= d)
    }

    /// Whether `self`, arriving now, replaces `stored`: the later device time wins, and the
    /// same time again is the same saying (idempotent).
    pub fn replaces(&self, stored: &Progress) -> bool {
        self.at >= stored.at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(url: &str, offset: u32) -> Recording {
        Recording {
            url: Some(url.into()),
            offset,
            ..Recording::default()
        }
    }

    #[test]
    fn a_talk_in_a_livestream_starts_at_its_offset_plus_the_position() {
        let r = rec("https://www.youtube.com/watch?v=abc&t=10", 14_609);
        assert_eq!(
            r.url_at(0).unwrap(),
            "https://www.youtube.com/watch?v=abc&t=14609"
        );
        assert_eq!(
            r.url_at(61).unwrap(),
            "https://www.youtube.com/watch?v=abc&t=14670"
        );
        assert_eq!(r.player(), Some(Player::Link));
        let short = rec("https://youtu.be/xyz", 0);
        assert_eq!(short.url_at(0).unwrap(), "https://youtu.be/xyz");
        assert_eq!(short.url_at(5).unwrap(), "https://youtu.be/xyz?t=5");
        let file = rec("https://cdn.example.org/talks/t1.MP4?sig=1", 30);
        assert_eq!(file.player(), Some(Player::Media));
        assert_eq!(
            file.url_at(10).unwrap(),
            "https://cdn.example.org/talks/t1.MP4?sig=1#t=40"
        );
    }

    #[test]
    fn do_not_record_refuses_a_video_but_not_slides() {
        let r = rec("https://example.org/v.mp4", 0);
        assert!(r.check(false).is_ok());
        assert!(r.check(true).unwrap_err().contains("do-not-record"));
        let slides = Recording {
            slides: Some("https://example.org/s.pdf".into()),
            ..Recording::default()
        };
        assert!(slides.check(true).is_ok());
        assert!(
            Recording::default()
                .check(false)
                .unwrap_err()
                .contains("no recording")
        );
        assert!(
            rec("javascript:alert(1)", 0)
                .check(false)
                .unwrap_err()
                .contains("http")
        );
    }

    #[test]
    fn clocks_read_and_write() {
        assert_eq!(clock(3723), "1:02:03");
        assert_eq!(clock(61), "1:01");
        assert_eq!(parse_clock("1:02:03"), Ok(3723));
        assert_eq!(parse_clock("90"), Ok(90));
        assert!(parse_clock("1:75").is_err());
        assert!(parse_clock("x").is_err());
    }

    #[test]
    fn the_latest_position_wins_and_the_end_finishes() {
        let p = |position, at| Progress {
            position,
            duration: Some(600),
            finished: false,
            at,
        };
        assert!(p(100, 20).replaces(&p(300, 10)));
        assert!(!p(300, 10).replaces(&p(100, 20)));
        assert!(p(100, 20).replaces(&p(100, 20)), "the same saying again");
        assert!(!p(500, 1).is_finished());
        assert!(p(580, 1).is_finished());
        let short = Progress {
            duration: Some(20),
            ..p(12, 1)
        };
        assert!(
            !short.is_finished(),
            "a short clip is not done 8 s before its end"
        );
        assert!(
            Progress {
                position: 0,
                duration: None,
                finished: false,
                at: 0
            }
            .check()
            .is_err()
        );
    }
}
