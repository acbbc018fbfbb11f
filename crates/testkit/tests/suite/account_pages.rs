//! The account pages over HTTP, as a browser uses them; and what forged or abusive requests get.

use hallway_store::OutboxStore;
use hallway_testkit::hallway_app::Store;
use hallway_testkit::{TestDb, TestServer, client};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

on_both_backends!(
    sign_up_confirm_log_in_and_out_over_http,
    api_tokens_are_made_shown_once_used_and_revoked_over_http,
);

/// A browser's cookies for the test server, by hand (the client keeps none).
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn take(&mut self, response: &reqwest::Response) {
        for v in response.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, _) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.0.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.0.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The hidden form token on a page.
fn form_token(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    html[at..at + 64].to_owned()
}

async fn page(server: &TestServer, jar: &mut Jar, path: &str) -> (StatusCode, String) {
    let r = client()
        .get(server.url(path))
        .header(COOKIE, jar.header())
        .send()
        .await
        .unwrap();
    jar.take(&r);
    (r.status(), r.text().await.unwrap())
}

async fn post(
    server: &TestServer,
    jar: &mut Jar,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let r = client()
        .post(server.url(path))
        .header(COOKIE, jar.header())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .unwrap();
    jar.take(&r);
    r
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn mail_link(store: &Store, to: &str) -> String {
    let now = jiff::Timestamp::now().as_second();
    let mut link = None;
    while let Some(m) = store.claim_due(now + 1, now + 600).await.unwrap() {
        store.mark_sent(m.id, now).await.unwrap();
        // The link with a token (a mail saying the account exists has links without).
        let with_token = m
            .body
            .split_whitespace()
            .find(|w| w.starts_with("http://hallway.test/") && w.contains("token="));
        if let (true, Some(url), None) = (m.recipient == to, with_token, &link) {
            link = Some(url.trim_start_matches("http://hallway.test").to_owned());
        }
    }
    link.unwrap_or_else(|| panic!("no mail to {to}"))
}

async fn sign_up_confirm_log_in_and_out_over_http(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let server = TestServer::start(app).await;
    let mut jar = Jar::default();

    let (status, html) = page(&server, &mut jar, "/account/signup").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = form_token(&html);
    assert_eq!(jar.get("hallway_csrf"), Some(csrf.as_str()));

    // A bad address: the form again, naming the field, nothing stored.
    let r = post(
        &server,
        &mut jar,
        "/account/signup",
        &[
            ("csrf", &csrf),
            ("email", "mo"),
            ("password", "mo's password"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("e-mail address: has no @"));

    let r = post(
        &server,
        &mut jar,
        "/account/signup",
        &[
            ("csrf", &csrf),
            ("email", "mo@example.org"),
            ("password", "mo's password"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let signed_up = r.text().await.unwrap();
    assert!(signed_up.contains("Check your mail"));
    // Signing up again with the same address looks exactly the same.
    let r = post(
        &server,
        &mut jar,
        "/account/signup",
        &[
            ("csrf", &csrf),
            ("email", "mo@example.org"),
            ("password", "another password"),
        ],
    )
    .await;
    assert_eq!(
        (r.status(), r.text().await.unwrap()),
        (StatusCode::OK, signed_up)
    );

    let verify = mail_link(&store, "mo@example.org").await;
    assert!(verify.starts_with("/account/verify?token="), "{verify}");
    let (status, html) = page(&server, &mut jar, &verify).await;
    assert_eq!(status, StatusCode::OK);
    let token = verify.rsplit('=').next().unwrap();
    let r = post(
        &server,
        &mut jar,
        "/account/verify",
        &[("csrf", &form_token(&html)), ("token", token)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Wrong password and unknown account: the same status and words.
    let wrong = post(
        &server,
        &mut jar,
        "/account/login",
        &[
            ("csrf", &csrf),
            ("email", "mo@example.org"),
            ("password", "not mo's password"),
        ],
    )
    .await;
    let unknown = post(
        &server,
        &mut jar,
        "/account/login",
        &[
            ("csrf", &csrf),
            ("email", "mx@example.org"),
            ("password", "not mo's password"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(
        wrong.replace("mo@example.org", ""),
        unknown.replace("mx@example.org", "")
    );

    let r = post(
        &server,
        &mut jar,
        "/account/login",
        &[
            ("csrf", &csrf),
            ("email", "mo@example.org"),
            ("password", "mo's password"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/account/");
    let cookie = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("hallway_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http: no Secure");
    let (status, home) = page(&server, &mut jar, "/account/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Signed in as mo@example.org"));

    // A form from another site is refused before anything happens, token or not.
    let forged = client()
        .post(server.url("/account/logout"))
        .header(COOKIE, jar.header())
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    // The public URL's origin is trusted even when a proxy rewrote Host.
    let proxied = client()
        .post(server.url("/account/login"))
        .header(COOKIE, jar.header())
        .header("host", "internal:8080")
        .header("origin", "http://hallway.test")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&email=nobody"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        proxied.status(),
        StatusCode::BAD_REQUEST,
        "refused by the form, not as forged"
    );
    // A form without its token is refused too.
    let r = post(&server, &mut jar, "/account/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        page(&server, &mut jar, "/account/").await.0,
        StatusCode::OK,
        "still signed in"
    );

    let r = post(&server, &mut jar, "/account/logout", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(jar.get("hallway_session"), None);
    let r = client()
        .get(server.url("/account/"))
        .header(COOKIE, jar.header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/account/login");

    // Reset requests answer alike for an account and for none.
    let known = post(
        &server,
        &mut jar,
        "/account/reset",
        &[("csrf", &csrf), ("email", "mo@example.org")],
    )
    .await;
    let none = post(
        &server,
        &mut jar,
        "/account/reset",
        &[("csrf", &csrf), ("email", "mx@example.org")],
    )
    .await;
    assert_eq!(known.status(), none.status());
    assert_eq!(
        known.text().await.unwrap().replace("mo@example.org", ""),
        none.text().await.unwrap().replace("mx@example.org", "")
    );
    let reset = mail_link(&store, "mo@example.org").await;
    let token = reset.rsplit('=').next().unwrap().to_owned();
    let (status, html) = page(&server, &mut jar, &reset).await;
    assert_eq!(status, StatusCode::OK);
    let form = [
        ("csrf", form_token(&html)),
        ("token", token.clone()),
        ("password", "mo's new password".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        post(&server, &mut jar, "/account/reset/confirm", &form)
            .await
            .status(),
        StatusCode::OK
    );
    // The same link again: refused, nothing changed.
    let again = post(&server, &mut jar, "/account/reset/confirm", &form).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.text().await.unwrap().contains("used already"));

    // Guessing passwords fast: refused with 429 and Retry-After, even for the right one.
    let mut refused = None;
    for i in 0..50 {
        let r = post(
            &server,
            &mut jar,
            "/account/login",
            &[
                ("csrf", &csrf),
                ("email", "mo@example.org"),
                ("password", &format!("guess number {i}")),
            ],
        )
        .await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers().contains_key("retry-after"));
            refused = Some(i);
            break;
        }
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        refused,
        Some(hallway_testkit::hallway_app::ACCOUNT_FAILURES as usize)
    );
    let r = post(
        &server,
        &mut jar,
        "/account/login",
        &[
            ("csrf", &csrf),
            ("email", "mo@example.org"),
            ("password", "mo's new password"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    server.stop().await;
}

async fn api_tokens_are_made_shown_once_used_and_revoked_over_http(db: TestDb) {
    let app = db.app().await.with_public_url("http://hallway.test");
    let store = db.store().await;
    let edition = hallway_testkit::released_kubecon(&app).await;
    app.sign_up("ola@example.org", "ola's password")
        .await
        .unwrap();
    let verify = mail_link(&store, "ola@example.org").await;
    app.verify_email(verify.rsplit('=').next().unwrap())
        .await
        .unwrap();
    app.grant_role(
        &hallway_testkit::operator(),
        &edition,
        None,
        "ola@example.org",
        hallway_testkit::domain::Role::Organizer,
    )
    .await
    .unwrap();
    let login = app
        .log_in("ola@example.org", "ola's password", None)
        .await
        .unwrap();
    let server = TestServer::start(app).await;
    let mut jar = Jar::default();
    jar.0
        .push(("hallway_session".into(), login.session.expose().to_owned()));
    let (_, home) = page(&server, &mut jar, "/account/").await;
    let csrf = form_token(&home);

    // An edition where the account has no role: the page again, saying so; no token.
    let r = post(
        &server,
        &mut jar,
        "/account/tokens",
        &[
            ("csrf", &csrf),
            ("label", "ci"),
            ("edition", "nope"),
            ("access", "read"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("you have no role in nope"));

    let r = post(
        &server,
        &mut jar,
        "/account/tokens",
        &[
            ("csrf", &csrf),
            ("label", "ci export"),
            ("edition", &edition),
            ("access", "read"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let at = html.find("shown this once: <code>").expect("the token") + 23;
    let token = html[at..at + 64].to_owned();
    // Listed afterwards, but never shown again.
    let (_, home) = page(&server, &mut jar, "/account/").await;
    assert!(home.contains("ci export") && !home.contains(&token));

    let me = |token: String| {
        let url = server.url("/api/v1/me");
        async move {
            client()
                .get(url)
                .header("authorization", format!("Bearer {token}"))
                .send()
                .await
                .unwrap()
        }
    };
    let r = me(token.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["email"], "ola@example.org");
    assert_eq!(body["token"]["edition"], edition.as_str());
    assert_eq!(body["token"]["access"], "read");
    // A wrong token is an error, not anonymity, and says nothing more.
    let r = me("f".repeat(64)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.json::<serde_json::Value>().await.unwrap()["error"].is_string());
    assert_eq!(
        me("garbage".into()).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let id = home
        .split("/account/tokens/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let r = post(
        &server,
        &mut jar,
        &format!("/account/tokens/{id}/revoke"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(token).await.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}
