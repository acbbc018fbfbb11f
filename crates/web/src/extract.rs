//! Extractors that fail with Hallway's own error (the HTML page, or JSON under /api) instead of
//! the framework's plain-text message.

use crate::error::WebError;
use axum::extract::{FromRequestParts, Path, RawPathParams};
use axum::http::request::Parts;
use axum::response::Response;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// Path parameters. A parameter that decodes to a slash (`%2F`) is a 404: it must not address
/// a page of another route, as `/api/v1/editions/e%2Fsessions` would `/api/v1/editions/e/sessions`.
pub struct Segments<T>(pub T);

impl<S, T> FromRequestParts<S> for Segments<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let path = parts.uri.path().to_owned();
        let not_found = || WebError::NotFound.for_path(&path);
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        if raw.iter().any(|(_, value)| value.contains('/')) {
            return Err(not_found());
        }
        let Path(value) = Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        Ok(Self(value))
    }
}

/// The query string: each parameter at most once, in UTF-8; `+` is a space.
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(query: &str) -> Result<Self, WebError> {
        let mut params = HashMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(key).ok_or_else(|| {
                WebError::BadRequest("A query parameter's name is not UTF-8 text.".into())
            })?;
            let shown: String = key.chars().take(40).collect();
            let value = decode(value).ok_or_else(|| {
                WebError::BadRequest(format!("The query parameter {shown:?} is not UTF-8 text."))
            })?;
            if params.insert(key, value).is_some() {
                return Err(WebError::BadRequest(format!(
                    "The query parameter {shown:?} is given more than once."
                )));
            }
        }
        Ok(Self(params))
    }

    /// The parameter's value; None when absent or empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Every parameter whose name starts with `prefix`, by the rest of its name: checkboxes
    /// named `pick.CODE`.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.keys().filter_map(move |k| k.strip_prefix(prefix))
    }

    /// The parameter's value as given, empty included: for a parameter where empty is no
    /// answer (an API's date), not "any".
    pub fn given(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

fn decode(s: &str) -> Option<String> {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        Self::parse(parts.uri.query().unwrap_or_default()).map_err(|e| e.for_path(parts.uri.path()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_parameter_once() {
        let p = Params::parse("track=Security+%26+Identity&type=&q=caf%C3%A9").unwrap();
        assert_eq!(p.get("track"), Some("Security & Identity"));
        assert_eq!(p.get("type"), None, "empty is absent");
        assert_eq!(p.get("q"), Some("café"));
        assert_eq!(p.get("room"), None);
        assert!(Params::parse("").is_ok());
        assert!(Params::parse("&&flag").is_ok());
    }

    #[test]
    fn refuses_repeats_and_broken_text_naming_the_parameter() {
        let repeated = Params::parse("type=talk&type=keynote").unwrap_err();
        assert!(
            matches!(&repeated, WebError::BadRequest(m) if m.contains("\"type\"")),
            "{repeated:?}"
        );
        let broken = Params::parse("q=%FF").unwrap_err();
        assert!(
            matches!(&broken, WebError::BadRequest(m) if m.contains("\"q\"")),
            "{broken:?}"
        );
    }
}
