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
            && req
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(accepts_gzip);
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

fn accepts_gzip(value: &str) -> bool {
    value.split(',').any(|part| {
        let mut it = part.split(';');
        let coding = it.next().unwrap_or_default().trim();
        let q_zero = it.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q == 0.0))
        });
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !q_zero
    })
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

    #[test]
    fn gzip_negotiation() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("br"));
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
