//! Accounts on the web: sign-up, e-mail verification, login, logout, password reset and API
//! tokens, plus what every other surface needs from them: who is asking (a session cookie or
//! an API token) and protection against forged requests.
//!
//! Forgery is refused twice: the CSRF layer refuses a state-changing request that a browser
//! marks as coming from another site (`Sec-Fetch-Site`, `Origin`), and every form carries a
//! token that must equal the one in its `SameSite=Strict` cookie.

pub(crate) mod pages;

pub(crate) use pages::{MeJson, TokenJson, csrf_of, text};

use crate::error::WebError;
use crate::extract::Params;
use crate::{AppState, Routes};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hallway_app::{AppError, SESSION_SECONDS, Secret, Viewer};
use tower_http::csrf::{CsrfLayer, ProtectionError};

const SESSION_COOKIE: &str = "hallway_session";
const CSRF_COOKIE: &str = "hallway_csrf";
const CSRF_FIELD: &str = "csrf";

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/account/", get(pages::home))
        .route(
            "/account/signup",
            get(pages::signup_form).post(pages::signup),
        )
        .route(
            "/account/verify",
            get(pages::verify_form).post(pages::verify),
        )
        .route("/account/login", get(pages::login_form).post(pages::login))
        .route("/account/logout", post(pages::logout))
        .route(
            "/account/reset",
            get(pages::reset_form).post(pages::reset_request),
        )
        .route("/account/reset/confirm", post(pages::reset_confirm))
        .route("/account/tokens", post(pages::create_token))
        .route("/account/tokens/{id}/revoke", post(pages::revoke_token))
        .route("/api/v1/me", get(pages::me))
}

/// Account pages work before any schedule is released.
pub(crate) fn needs_no_release(path: &str) -> bool {
    path.starts_with("/account/") || path == "/api/v1/me" || crate::cfp::needs_no_release(path)
}

pub(crate) type Csrf = CsrfLayer<fn(ProtectionError) -> Response>;

/// The public URL's origin is trusted as well as the request's own host, so that forms keep
/// working behind a reverse proxy that rewrites `Host`.
pub(crate) fn csrf_layer(settings: &Settings) -> Csrf {
    let layer = CsrfLayer::new();
    let layer = match layer.clone().add_trusted_origin(&settings.origin) {
        Ok(trusting) => trusting,
        Err(e) => {
            tracing::warn!(origin = %settings.origin, error = ?e, "the public URL is not an origin forms can come from");
            layer
        }
    };
    layer.with_rejection_response(refuse_cross_site as fn(ProtectionError) -> Response)
}

fn refuse_cross_site(_: ProtectionError) -> Response {
    WebError::Forbidden(
        "This request came from another site, so it was refused and nothing was changed.".into(),
    )
    .into_response()
}

/// What accounts need to know of the site: cookies are `Secure` when it is reached over
/// https, and forms may come from its public origin.
#[derive(Debug, Clone)]
pub struct Settings {
    secure: bool,
    origin: String,
}

impl Settings {
    pub fn for_url(public_url: &str) -> Self {
        // The origin is the scheme and authority: no path, no trailing slash.
        let origin = match public_url.split_once("://") {
            Some((scheme, rest)) => {
                format!("{scheme}://{}", rest.split('/').next().unwrap_or_default())
            }
            None => public_url.to_owned(),
        };
        Self {
            secure: public_url.starts_with("https://"),
            origin,
        }
    }

    /// Whether a request from `origin` comes from this site: its public origin, or the host the
    /// request was sent to.
    pub(crate) fn trusts_origin(&self, origin: &str, host: Option<&str>) -> bool {
        origin == self.origin
            || host.is_some_and(|h| origin.split_once("://").is_some_and(|(_, o)| o == h))
    }

    fn set(&self, name: &str, value: &str, same_site: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!(
            "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}"
        );
        // Values are hex secrets or empty, so the header is always valid; an empty Set-Cookie
        // instead would silently sign nobody in.
        HeaderValue::from_str(&cookie)
            .unwrap_or_else(|e| panic!("cookie {name} is not a valid header: {e}"))
    }

    /// Lax, so that following a link from a mail to the site keeps the session.
    fn session(&self, secret: &Secret) -> HeaderValue {
        self.set(SESSION_COOKIE, secret.expose(), "Lax", SESSION_SECONDS)
    }

    fn end_session(&self) -> HeaderValue {
        self.set(SESSION_COOKIE, "", "Lax", 0)
    }

    fn csrf(&self, token: &str) -> HeaderValue {
        self.set(CSRF_COOKIE, token, "Strict", SESSION_SECONDS)
    }
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// A secret as we make them: 64 lower-case hex digits. Anything else is not looked up.
fn well_formed(secret: &str) -> bool {
    secret.len() == 64
        && secret
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Who is asking: a session cookie, or an API token (`Authorization: Bearer ...`), or nobody.
pub struct Visitor {
    pub viewer: Option<Viewer>,
    session: Option<Secret>,
}

impl Visitor {
    /// The viewer, or the refusal to show instead: the login page for pages, 401 under /api.
    pub fn signed_in(&self) -> Result<&Viewer, WebError> {
        self.viewer.as_ref().ok_or(WebError::Unauthorized)
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let path = parts.uri.path().to_owned();
        let fail = |e: AppError| WebError::from(e).for_path(&path);
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            // A token that is wrong is an error, not anonymity: the script should know.
            if !well_formed(token.trim()) {
                return Err(WebError::Unauthorized.for_path(&path));
            }
            let viewer = state
                .app
                .token_viewer(&Secret::from_client(token))
                .await
                .map_err(fail)?;
            return Ok(Self {
                viewer: Some(viewer),
                session: None,
            });
        }
        let Some(session) = cookie(&parts.headers, SESSION_COOKIE).filter(|s| well_formed(s))
        else {
            return Ok(Self {
                viewer: None,
                session: None,
            });
        };
        let session = Secret::from_client(session);
        match state.app.session_viewer(&session).await {
            Ok(viewer) => {
                // A signed-in page is a sign of life for presence (shown only to those who
                // opted in); the app writes it at most every half minute.
                state.app.note_seen(&viewer).await.map_err(fail)?;
                Ok(Self {
                    viewer: Some(viewer),
                    session: Some(session),
                })
            }
            // An ended or expired session is simply nobody.
            Err(AppError::Unauthenticated) => Ok(Self {
                viewer: None,
                session: None,
            }),
            Err(e) => Err(fail(e)),
        }
    }
}

/// The client's address, as the server's accept loop recorded it (none when the router is
/// driven without one).
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// The form token of this browser: the cookie's, or a new one to set with the page.
pub(crate) struct FormToken {
    pub(crate) value: String,
    new: bool,
}

impl FormToken {
    pub(crate) fn of(headers: &HeaderMap) -> Result<Self, WebError> {
        match cookie(headers, CSRF_COOKIE).filter(|t| well_formed(t)) {
            Some(t) => Ok(Self {
                value: t.to_owned(),
                new: false,
            }),
            None => Ok(Self {
                value: Secret::random()
                    .map_err(|e| WebError::Internal(crate::error::cause_chain(&e)))?
                    .expose()
                    .to_owned(),
                new: true,
            }),
        }
    }

    /// The page, setting the cookie when the token is new.
    pub(crate) fn with(&self, cookies: &Settings, response: impl IntoResponse) -> Response {
        let mut response = response.into_response();
        if self.new {
            response
                .headers_mut()
                .append(SET_COOKIE, cookies.csrf(&self.value));
        }
        response
    }
}

/// A posted form whose token matched its cookie.
pub(crate) struct Form(pub(crate) Params);

impl Form {
    pub(crate) fn parse(headers: &HeaderMap, body: &str) -> Result<Self, WebError> {
        let params = Params::parse(body)?;
        let expected = cookie(headers, CSRF_COOKIE).unwrap_or_default();
        let given = params.get(CSRF_FIELD).unwrap_or_default();
        if expected.is_empty() || !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
            return Err(WebError::Forbidden(
                "This form has expired or did not come from this site: nothing was changed. Reload the page and send it again.".into(),
            ));
        }
        Ok(Self(params))
    }

    pub(crate) fn get(&self, key: &str) -> &str {
        self.0.get(key).unwrap_or_default()
    }
}

/// A script's request from one of our pages: its JSON carries the page's form token, which
/// must equal the cookie's as a form's field must.
pub(crate) fn check_script_token(headers: &HeaderMap, given: &str) -> Result<(), WebError> {
    let expected = cookie(headers, CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
        return Err(WebError::Forbidden(
            "This request did not carry the page's token: nothing was changed. Reload the page."
                .into(),
        ));
    }
    Ok(())
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; hallway_csrf=xyz; b="),
        );
        assert_eq!(cookie(&h, "hallway_csrf"), Some("xyz"));
        assert_eq!(cookie(&h, "b"), None);
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn session_cookies_are_httponly_lax_and_secure_behind_tls() {
        let secret = Secret::from_client(&"a".repeat(64));
        let tls = Settings::for_url("https://hallway.example.org/").session(&secret);
        let tls = tls.to_str().unwrap();
        assert!(
            tls.contains("HttpOnly") && tls.contains("SameSite=Lax") && tls.ends_with("; Secure")
        );
        let plain = Settings::for_url("http://127.0.0.1:8080").session(&secret);
        assert!(!plain.to_str().unwrap().contains("Secure"));
        assert_eq!(
            Settings::for_url("https://hallway.example.org/kubecon").origin,
            "https://hallway.example.org"
        );
    }

    #[test]
    fn only_our_secrets_are_looked_up() {
        assert!(well_formed(&"0f".repeat(32)));
        assert!(!well_formed(&"0F".repeat(32)));
        assert!(!well_formed("abc"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
