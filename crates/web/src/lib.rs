//! The web layer: thin axum handlers over the app, HTML by typed templates, JSON under /api/v1.
//! A folder per surface (`agenda/`, `api/`), each page or resource its own module; see
//! docs/architecture.md for the map.

pub mod account;
mod agenda;
pub mod api;
mod assets;
mod catalogue;
mod cfp;
mod error;
mod exports;
mod extract;
mod guard;
mod html;
mod icon;
mod limits;
mod live;
mod me;
mod ops;
mod orga;
mod page;
mod per_ip;
mod presence;
mod released;
mod review;
mod served;
mod server;
mod shed;
mod site;
mod stall;
mod unconference;
mod venue;
mod zone;

pub use error::WebError;
pub use limits::{Limits, raise_open_file_limit};
pub use live::{Hub, LiveSettings};
pub use server::run as serve_router;
pub use site::Site;

use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use axum::{Router, middleware};
use hallway_app::App;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub site: Arc<Site>,
    /// Cookies (`Secure` when the public URL is https) and the site's origin for forms.
    pub accounts: account::Settings,
    metrics: Arc<ops::Metrics>,
    /// Live sockets of this process and the fan-out to them.
    pub live: Arc<live::Hub>,
}

impl AppState {
    /// `public_url` is where people reach the site; exports, feeds and mail link to it.
    pub fn new(app: App, public_url: &str) -> Self {
        Self::with_live(app, public_url, LiveSettings::default())
    }

    /// With live connections behaving as `live` says.
    pub fn with_live(app: App, public_url: &str, live: LiveSettings) -> Self {
        let app = app.with_public_url(public_url);
        Self {
            live: live::Hub::new(app.clone(), live),
            app,
            site: Arc::new(Site::new(public_url)),
            accounts: account::Settings::for_url(public_url),
            metrics: Arc::new(ops::Metrics::new(&route_paths())),
        }
    }
}

/// The routes, listed as they are added, so that the authorization test can try each one.
pub struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    pub(crate) fn route(
        mut self,
        path: &'static str,
        method_router: axum::routing::MethodRouter<AppState>,
    ) -> Self {
        self.paths.push(path);
        self.router = self.router.route(path, method_router);
        self
    }
}

/// Every path the router has (the fallback, which serves released pages, is not one).
pub fn route_paths() -> Vec<&'static str> {
    routes().paths
}

fn routes() -> Routes {
    let routes = Routes::new()
        .route("/api/v1/editions", get(api::editions))
        .route("/api/v1/editions/{edition}", get(api::edition))
        .route("/api/v1/editions/{edition}/sessions", get(api::sessions))
        .route(
            "/api/v1/editions/{edition}/sessions/{guid}",
            get(api::session),
        )
        .route("/api/v1/editions/{edition}/speakers", get(api::speakers))
        .route("/api/v1/editions/{edition}/releases", get(api::releases))
        .route("/{edition}/schedule/", get(agenda::list::schedule))
        .route("/{edition}/schedule/{date}/", get(agenda::day_grid::day))
        .route("/{edition}/schedule/{date}/list", get(agenda::list::day))
        .route("/{edition}/now", get(agenda::now::page))
        .route("/{edition}/search", get(agenda::search::page))
        .route("/{edition}/sessions.ics", get(exports::sessions_feed));
    let routes = api::cfp_routes(routes);
    let routes = orga::routes(cfp::routes(review::routes(routes)));
    let routes = venue::routes(presence::routes(routes));
    let routes = unconference::routes(routes);
    ops::routes(account::routes(live::routes(me::routes(routes))))
}

/// Every route, under the per-request limits in `limits`.
pub fn router(state: AppState, limits: &Limits) -> Router {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    routes()
        .router
        .fallback(get(served::released))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::until_rendered,
        ))
        .layer(middleware::from_fn_with_state(
            limits.request_timeout,
            guard::time_limit,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(tokio::sync::Semaphore::new(limits.max_in_flight.max(1))),
            guard::in_flight_limit,
        ))
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
        // A state-changing request from another site is refused before any handler runs.
        .layer(account::csrf_layer(&state.accounts))
        .layer(header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' https: http:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        // Outermost, so that every answer (refusals and time-outs too) is counted and named.
        .layer(middleware::from_fn_with_state(state.clone(), ops::observe))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then waits at most `limits.shutdown_grace` for open
/// connections. The server answers at once: released pages are rendered beside it and served
/// once a whole release is in memory (503 until then).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    public_url: String,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = AppState::new(app.clone(), &public_url);
    // The watcher's first tick renders what is released now.
    let watcher = state
        .site
        .clone()
        .watch(app, std::time::Duration::from_secs(2));
    let live = state.live.clone();
    let grace = limits.shutdown_grace;
    let routes = router(state, &limits);
    let result = server::run(listener, routes, limits, shutdown).await;
    // In-flight requests are done: live sockets are told to reconnect (elsewhere or soon).
    live.shut_down(grace.min(std::time::Duration::from_secs(2)))
        .await;
    watcher.abort();
    result
}
