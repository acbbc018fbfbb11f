//! A rendered representation held in memory: bytes, their gzip form and strong ETags.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

pub const HTML: &str = "text/html; charset=utf-8";
pub const JSON: &str = "application/json";
pub const CSS: &str = "text/css; charset=utf-8";
pub const SVG: &str = "image/svg+xml";
pub const JS: &str = "text/javascript; charset=utf-8";

#[derive(Debug, Clone)]
pub struct Page {
    pub content_type: &'static str,
    pub body: Bytes,
    pub gzip: Option<Bytes>,
    etag: HeaderValue,
    etag_gzip: HeaderValue,
    cache_control: &'static str,
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut enc = GzEncoder::new(Vec::with_capacity(body.len() / 4), Compression::new(6));
    enc.write_all(body).ok()?;
    let out = enc.finish().ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

/// FNV-1a: the same bytes give the same ETag in every process and every build, so replicas agree.
pub fn fingerprint(body: &[u8]) -> u64 {
    body.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Page {
    pub fn new(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let body: Bytes = body.into();
        let h = fingerprint(&body);
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{h:016x}{suffix}\"")).expect("hex is a valid header")
        };
        Self {
            content_type,
            gzip: if body.len() > 512 { gzip(&body) } else { None },
            etag: etag(""),
            etag_gzip: etag("-gz"),
            body,
            // Revalidate every time: a new release must show at once, and a 304 costs little.
            cache_control: "public, no-cache",
        }
    }

    /// For assets whose URL changes when their bytes do.
    pub fn immutable(mut self) -> Self {
        self.cache_control = "public, max-age=31536000, immutable";
        self
    }

    pub fn etag(&self) -> &HeaderValue {
        &self.etag
    }

    /// The response for a GET with these request headers: 304, gzip or identity.
    pub fn respond(&self, req: &HeaderMap) -> Response {
        let wants_gzip = self.gzip.is_some()
            && wants_gzip(
                req.get_all(header::ACCEPT_ENCODING)
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            );
        let etag = if wants_gzip {
            &self.etag_gzip
        } else {
            &self.etag
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, etag.clone());
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if none_match(req, etag) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        match (&self.gzip, wants_gzip) {
            (Some(gz), true) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                (headers, gz.clone()).into_response()
            }
            _ => (headers, self.body.clone()).into_response(),
        }
    }
}

/// Whether to send gzip, by RFC 9110's Accept-Encoding rules: a coding's weight is its own
/// entry, else `*`'s; `q=0` means "not acceptable". Identity is acceptable unless refused
/// (`identity;q=0`, or `*;q=0` without an identity entry), but loses to any acceptable gzip
/// unless it is weighed higher. When neither is acceptable, identity is sent anyway, as RFC 9110
/// (12.5.3) allows, rather than a 406.
fn wants_gzip<'a>(values: impl Iterator<Item = &'a str>) -> bool {
    let (mut gzip, mut identity, mut any) = (None, None, None);
    for entry in values.flat_map(|v| v.split(',')) {
        let mut parts = entry.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let weight = parts
            .find_map(|p| {
                let p = p.trim();
                p.strip_prefix("q=").or_else(|| p.strip_prefix("Q="))
            })
            // A weight that does not parse counts as a refusal: never guess in favour of gzip.
            .map_or(Some(1.0), |q| {
                q.trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
            })
            .unwrap_or(0.0);
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(weight);
        } else if coding.eq_ignore_ascii_case("identity") {
            identity = Some(weight);
        } else if coding == "*" {
            any = Some(weight);
        }
    }
    let gzip = gzip.or(any).unwrap_or(0.0);
    match identity {
        Some(identity) => gzip > 0.0 && gzip >= identity,
        None => gzip > 0.0,
    }
}

fn none_match(req: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(ours) = etag.to_str() else {
        return false;
    };
    req.get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == ours)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(value: &str) -> bool {
        wants_gzip(std::iter::once(value))
    }

    #[test]
    fn gzip_negotiation() {
        assert!(gzip("gzip, deflate, br"));
        assert!(gzip("br;q=1.0, gzip;q=0.8"));
        assert!(gzip("*"));
        assert!(gzip("GZIP"));
        assert!(!gzip("gzip;q=0"));
        assert!(!gzip("gzip;q=0.000"));
        assert!(!gzip("br"));
        assert!(!gzip(""));
        assert!(!gzip("gzip;q=0, *"), "gzip's own entry wins over *");
        assert!(!gzip("*;q=0"));
        assert!(!gzip("*;q=0, identity"));
        assert!(gzip("*, identity;q=0"));
        assert!(!gzip("gzip;q=0.5, identity"), "identity weighs more");
        assert!(gzip("gzip;q=0.5, identity;q=0.5"));
        assert!(!gzip("gzip;q=banana"), "a broken weight is no consent");
        assert!(!gzip("gzip;q=2"));
    }

    #[test]
    fn several_header_lines_count_together() {
        assert!(!wants_gzip(["gzip;q=0", "*"].into_iter()));
        assert!(wants_gzip(["br", "gzip"].into_iter()));
    }

    #[test]
    fn conditional_get() {
        let page = Page::new(HTML, "x".repeat(2000));
        let mut req = HeaderMap::new();
        let first = page.respond(&req);
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()[header::ETAG].clone();
        req.insert(header::IF_NONE_MATCH, etag);
        assert_eq!(page.respond(&req).status(), StatusCode::NOT_MODIFIED);
        req.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        let gz = page.respond(&req);
        assert_eq!(
            gz.status(),
            StatusCode::OK,
            "the gzip variant has its own ETag"
        );
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
    }
}
