//! From an open call for papers to a confirmed talk in the work in progress, as the people
//! involved do it over HTTP, on both backends, with every mail sent to a real SMTP server: an
//! organizer opens the CFP and names its b-side; three speakers submit (one with a co-speaker);
//! reviewers bid and are assigned, one kept off a proposal by the same organisation; two
//! review blind; the co-chair accepts one and rejects two; a rejected talk is forwarded to the
//! b-side and imported there; the accepted speaker confirms from the mail.

use hallway_store::{AccountStore, ReviewStore, SubmissionStore};
use hallway_testkit::domain::Email;
use hallway_testkit::domain::submission::Status;
use hallway_testkit::hallway_app::{App, MailWorker, SmtpSettings, Store};
use hallway_testkit::smtp::SmtpServer;
use hallway_testkit::{TestDb, TestServer, client};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

on_both_backends!(an_open_cfp_becomes_a_confirmed_talk_in_the_work_in_progress);

const PASSWORD: &str = "a long enough password";
const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// The server, the SMTP server its mail goes to, and the worker that sends it.
struct Site {
    server: TestServer,
    smtp: SmtpServer,
    worker: MailWorker,
    store: Store,
    app: App,
}

/// Someone's browser: their session cookie, if signed in.
struct Person {
    email: String,
    cookie: String,
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Site {
    async fn get(&self, cookie: &str, path: &str) -> (StatusCode, String) {
        let r = client()
            .get(self.server.url(path))
            .header(COOKIE, cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn post(&self, cookie: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut body = vec![format!("csrf={CSRF}")];
        body.extend(form.iter().map(|(k, v)| format!("{k}={}", encode(v))));
        client()
            .post(self.server.url(path))
            .header(COOKIE, cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.server.base)
            .header("sec-fetch-site", "same-origin")
            .body(body.join("&"))
            .send()
            .await
            .unwrap()
    }

    /// Sends what is due and returns every message the SMTP server got for `to` so far.
    async fn mail_for(&self, to: &str) -> Vec<String> {
        self.worker.send_due().await.unwrap();
        self.smtp
            .messages()
            .into_iter()
            .filter(|m| m.contains(&format!("To: {to}")))
            .collect()
    }

    /// The token of the newest link to `path` mailed to `to`.
    async fn link(&self, to: &str, path: &str) -> String {
        let mail = self.mail_for(to).await;
        let needle = format!("{path}?token=");
        let m = mail
            .iter()
            .rev()
            .find(|m| m.contains(&needle))
            .unwrap_or_else(|| panic!("no {path} link mailed to {to}: {mail:#?}"));
        let at = m.find(&needle).unwrap() + needle.len();
        m[at..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect()
    }

    /// Signs up, follows the mailed link, logs in: as a new visitor does, by the forms.
    async fn person(&self, email: &str) -> Person {
        let anonymous = format!("hallway_csrf={CSRF}");
        let r = self
            .post(
                &anonymous,
                "/account/signup",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert!(
            r.status().is_success() || r.status().is_redirection(),
            "{}",
            r.status()
        );
        let token = self.link(email, "/account/verify").await;
        let r = self
            .post(&anonymous, "/account/verify", &[("token", &token)])
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        self.log_in(email).await
    }

    async fn log_in(&self, email: &str) -> Person {
        let anonymous = format!("hallway_csrf={CSRF}");
        let r = self
            .post(
                &anonymous,
                "/account/login",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "log in {email}");
        let session = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("hallway_session="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned();
        Person {
            email: email.to_owned(),
            cookie: format!("hallway_session={session}; hallway_csrf={CSRF}"),
        }
    }

    async fn user(&self, email: &str) -> hallway_testkit::domain::UserId {
        self.store
            .user_by_email(&Email::parse(email).unwrap())
            .await
            .unwrap()
            .id
    }
}

fn settings(blind: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("opens", "2020-01-01T09:00"),
        ("closes", "2099-01-01T09:00"),
        ("per_speaker", "2"),
        ("blind", blind),
        ("reviews_per_proposal", "2"),
        ("reviewer_cap", "10"),
        ("description", "Tell us what you learned."),
        ("session_types", "talk | Talk | 30"),
        ("tracks", "security | Security"),
        ("criteria", "Relevance | 2 | 5\nClarity | 1 | 5"),
        ("questions", ""),
    ]
}

async fn an_open_cfp_becomes_a_confirmed_talk_in_the_work_in_progress(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let smtp = SmtpServer::start().await;
    let worker = MailWorker::new(
        app.clone(),
        SmtpSettings::new(&smtp.url(), "Hallway <cfp@hallway.test>"),
    )
    .unwrap();
    let server = TestServer::start(app.clone()).await;
    let site = Site {
        server,
        smtp,
        worker,
        store,
        app,
    };

    // The first organizer, made at the command line; the password set from the mailed link.
    let link = site
        .app
        .add_site_organizer(&hallway_testkit::operator(), "orga@example.org")
        .await
        .unwrap();
    let anonymous = format!("hallway_csrf={CSRF}");
    let token = link.rsplit('=').next().unwrap();
    let r = site
        .post(
            &anonymous,
            "/account/reset/confirm",
            &[("token", token), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let orga = site.log_in("orga@example.org").await;

    // An edition before any schedule, its conference and its b-side, a CFP on each.
    let r = site
        .post(
            &orga.cookie,
            "/orga/editions",
            &[
                ("slug", "kcna2026"),
                ("name", "KubeCon NA 2026"),
                ("venue", "Salt Lake City"),
                ("time_zone", "America/Denver"),
                ("start_date", "2026-11-09"),
                ("end_date", "2026-11-13"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for (slug, name, kind, start) in [
        ("main", "KubeCon + CloudNativeCon", "main", "2026-11-11"),
        ("b-side", "Cloud Native B-Side", "co-located", "2026-11-09"),
    ] {
        let r = site
            .post(
                &orga.cookie,
                "/orga/kcna2026/events",
                &[
                    ("slug", slug),
                    ("name", name),
                    ("kind", kind),
                    ("start_date", start),
                    ("end_date", "2026-11-13"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "event {slug}");
        let r = site
            .post(
                &orga.cookie,
                &format!("/orga/kcna2026/{slug}/cfp"),
                &settings("on"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "CFP of {slug}");
    }
    let r = site
        .post(
            &orga.cookie,
            "/orga/kcna2026/main/partners",
            &[("partners", "kcna2026/b-side")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The committee: three reviewers and a co-chair sign up and accept mailed invitations. The
    // first reviewer works for Google.
    let mut committee = Vec::new();
    for (email, role) in [
        ("rev-google@example.org", "reviewer"),
        ("rev-two@example.org", "reviewer"),
        ("rev-three@example.org", "reviewer"),
        ("chair@example.org", "co-chair"),
    ] {
        let p = site.person(email).await;
        let r = site
            .post(
                &orga.cookie,
                "/orga/kcna2026/team",
                &[
                    ("email", email),
                    ("role", role),
                    ("event", "main"),
                    ("tracks", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "invite {email}");
        let token = site.link(email, "/orga/invitations/accept").await;
        let (status, _) = site
            .get(
                &p.cookie,
                &format!("/orga/invitations/accept?token={token}"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let r = site
            .post(&p.cookie, "/orga/invitations/accept", &[("token", &token)])
            .await;
        assert_eq!(r.status(), StatusCode::OK, "accept {email}");
        committee.push(p);
    }
    let r = site
        .post(
            &committee[0].cookie,
            "/cfp/profile",
            &[("name", "Rae Viewer"), ("affiliation", "Google LLC")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Three speakers submit; the second brings a co-speaker, invited by mail.
    let mut speakers = Vec::new();
    let mut codes = Vec::new();
    for (email, name, affiliation, title) in [
        (
            "grace@example.org",
            "Grace Hopper",
            "Google",
            "Compilers for clusters",
        ),
        (
            "linus@example.org",
            "Linus Ops",
            "Acme",
            "Operating a thousand operators",
        ),
        (
            "ruth@example.org",
            "Ruth Scale",
            "Initech",
            "Scaling etcd past its limits",
        ),
    ] {
        let p = site.person(email).await;
        let r = site
            .post(
                &p.cookie,
                "/cfp/profile",
                &[("name", name), ("affiliation", affiliation)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = site
            .post(
                &p.cookie,
                "/cfp/kcna2026/main/submit",
                &[
                    ("title", title),
                    ("abstract", &format!("{title}: what we learned, and how.")),
                    ("session_type", "talk"),
                    ("track", "security"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{title}");
        let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
        codes.push(location.rsplit('/').next().unwrap().to_owned());
        speakers.push(p);
    }
    let co = site.person("ada@example.org").await;
    let r = site
        .post(
            &co.cookie,
            "/cfp/profile",
            &[("name", "Ada Cospeaker"), ("affiliation", "Acme")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = site
        .post(
            &speakers[1].cookie,
            &format!("/cfp/proposals/{}/invite", codes[1]),
            &[("email", "ada@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let token = site
        .link("ada@example.org", "/cfp/invitations/accept")
        .await;
    let r = site
        .post(&co.cookie, "/cfp/invitations/accept", &[("token", &token)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let both = site.store.submission(&codes[1]).await.unwrap().speakers;
    assert_eq!(both.len(), 2);

    // Reviewers bid; the Google reviewer never sees the Google speaker's proposal.
    let base = "/review/kcna2026/main";
    let (_, list) = site.get(&committee[0].cookie, &format!("{base}/")).await;
    assert!(!list.contains("Compilers for clusters"), "{list}");
    assert!(list.contains("Operating a thousand operators"), "{list}");
    for p in &committee[..3] {
        for code in &codes {
            let r = site
                .post(
                    &p.cookie,
                    &format!("{base}/bids"),
                    &[("code", code), ("bid", "willing")],
                )
                .await;
            let kept_off = p.email == "rev-google@example.org" && code == &codes[0];
            assert!(
                r.status() == StatusCode::SEE_OTHER || kept_off,
                "{} bids on {code}: {}",
                p.email,
                r.status()
            );
        }
    }
    let chair = &committee[3];
    let r = site
        .post(&chair.cookie, &format!("{base}/assign"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let google = site.user("rev-google@example.org").await;
    let proposal0 = site.store.submission(&codes[0]).await.unwrap().id;
    let assigned = site
        .store
        .board(&"kcna2026".parse().unwrap(), &"main".parse().unwrap(), None)
        .await
        .unwrap()
        .assignments;
    assert!(
        !assigned.iter().any(|a| a.0 == proposal0 && a.1 == google),
        "no reviewer is assigned a proposal of their own organisation: {assigned:?}"
    );
    assert_eq!(
        assigned.len(),
        6,
        "two reviews for each of the three: {assigned:?}"
    );

    // Two reviewers review blind: no speaker's name, address or affiliation on their pages or
    // in their mail.
    let identities = [
        "Grace Hopper",
        "grace@example.org",
        "Linus Ops",
        "linus@example.org",
        "Ruth Scale",
        "ruth@example.org",
        "Ada Cospeaker",
        "ada@example.org",
        "Initech",
    ];
    for p in &committee[1..3] {
        let me = site.user(&p.email).await;
        for code in &codes {
            let id = site.store.submission(code).await.unwrap().id;
            if !assigned.iter().any(|a| a.0 == id && a.1 == me) {
                continue;
            }
            let (status, page) = site
                .get(&p.cookie, &format!("{base}/proposals/{code}"))
                .await;
            assert_eq!(status, StatusCode::OK);
            for who in identities {
                assert!(!page.contains(who), "{who} on {}'s review page", p.email);
            }
            let score = if code == &codes[0] { "5" } else { "2" };
            let r = site
                .post(
                    &p.cookie,
                    &format!("{base}/proposals/{code}"),
                    &[
                        ("score0", score),
                        ("score1", score),
                        ("committee_comment", "Reviewed."),
                        ("speaker_comment", ""),
                    ],
                )
                .await;
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "{} scores {code}",
                p.email
            );
        }
        for m in site.mail_for(&p.email).await {
            for who in identities {
                assert!(!m.contains(who), "{who} in mail to {}", p.email);
            }
        }
    }

    // The co-chair accepts one and rejects two, from the ranking.
    let (status, ranking) = site.get(&chair.cookie, &format!("{base}/ranking")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ranking.contains(&codes[0]), "{ranking}");
    let accept = format!("pick.{}", codes[0]);
    let r = site
        .post(
            &chair.cookie,
            &format!("{base}/decisions"),
            &[(&accept, "on"), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (one, two) = (format!("pick.{}", codes[1]), format!("pick.{}", codes[2]));
    let r = site
        .post(
            &chair.cookie,
            &format!("{base}/decisions"),
            &[(&one, "on"), (&two, "on"), ("decision", "reject")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The mails arrive: the acceptance with its confirmation link, rejections to every speaker.
    let accepted = site.mail_for("grace@example.org").await;
    assert!(
        accepted
            .iter()
            .any(|m| m.contains("Subject: Accepted") && m.contains("/cfp/confirm?token=")),
        "{accepted:#?}"
    );
    for email in ["linus@example.org", "ada@example.org", "ruth@example.org"] {
        let mail = site.mail_for(email).await;
        let rejection = mail
            .iter()
            .find(|m| m.contains("could not accept this one"))
            .unwrap_or_else(|| panic!("{email}: {mail:#?}"));
        // The rejection offers the second chance.
        assert!(rejection.contains("Cloud Native B-Side"), "{rejection}");
    }

    // The rejected co-spoken talk goes to the b-side once both speakers agree; its organizers
    // import it.
    let forward = format!("/cfp/proposals/{}/forward", codes[1]);
    let (_, page) = site
        .get(&speakers[1].cookie, &format!("/cfp/proposals/{}", codes[1]))
        .await;
    assert!(
        page.contains("A second chance") && page.contains("kcna2026/b-side"),
        "{page}"
    );
    for p in [&speakers[1], &co] {
        let r = site
            .post(&p.cookie, &forward, &[("partner", "kcna2026/b-side")])
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{} forwards", p.email);
    }
    let (status, inbox) = site
        .get(&orga.cookie, "/orga/kcna2026/b-side/second-chance")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(inbox.contains("Operating a thousand operators"), "{inbox}");
    let r = site
        .post(
            &orga.cookie,
            &format!("/orga/kcna2026/b-side/forwarded/{}/import", codes[1]),
            &[("session_type", ""), ("track", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let there = site
        .store
        .submissions(&"kcna2026".parse().unwrap(), &"b-side".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(there.len(), 1);
    assert_eq!(there[0].title, "Operating a thousand operators");
    assert_eq!(there[0].status, Status::Submitted);
    assert_eq!(there[0].speakers, both);
    assert!(
        site.store
            .board(
                &"kcna2026".parse().unwrap(),
                &"b-side".parse().unwrap(),
                None
            )
            .await
            .unwrap()
            .reviews
            .is_empty(),
        "never its reviews"
    );

    // The accepted speaker confirms from the mail, and the talk joins the work in progress.
    let token = site.link("grace@example.org", "/cfp/confirm").await;
    let (status, page) = site
        .get(&anonymous, &format!("/cfp/confirm?token={token}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Confirm the talk"), "{page}");
    assert_eq!(
        site.store.submission(&codes[0]).await.unwrap().status,
        Status::Accepted,
        "opening the link changes nothing"
    );
    let r = site
        .post(&anonymous, "/cfp/confirm", &[("token", &token)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = site
        .post(&anonymous, "/cfp/confirm", &[("token", &token)])
        .await;
    assert_eq!(
        again.status(),
        StatusCode::BAD_REQUEST,
        "the link works once"
    );
    let confirmed = site.store.submission(&codes[0]).await.unwrap();
    assert_eq!(confirmed.status, Status::Confirmed);
    let wip = site
        .app
        .work_in_progress(&hallway_testkit::operator(), "kcna2026")
        .await
        .unwrap()
        .schedule;
    let session = wip
        .sessions
        .iter()
        .find(|x| x.title == "Compilers for clusters")
        .expect("the confirmed talk is a session of the work in progress");
    assert_eq!(Some(session.guid.to_string()), confirmed.session_guid);
    assert_eq!(session.duration_minutes, 30);
    assert_eq!(
        wip.speaker(&session.speakers[0]).unwrap().name,
        "Grace Hopper"
    );

    // The same through the JSON API.
    let (status, json) = site
        .get(
            &orga.cookie,
            "/api/v1/editions/kcna2026/events/b-side/forwarded",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let inbox_json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(inbox_json[0]["imported_as"], there[0].code.as_str());
    let (status, json) = site
        .get(
            &orga.cookie,
            "/api/v1/editions/kcna2026/events/main/transparency",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let report_json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (
            report_json["proposals"].as_u64(),
            report_json["accepted"].as_u64()
        ),
        (Some(3), Some(1))
    );
    let (status, _) = site
        .get(
            &speakers[0].cookie,
            "/api/v1/editions/kcna2026/events/main/transparency",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "for organizers only");

    // The organizers' report and outbox.
    let (status, report) = site
        .get(&orga.cookie, "/orga/kcna2026/main/transparency")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        report.contains("3 proposals, 1 accepted (33.3%)"),
        "{report}"
    );
    let (status, outbox) = site.get(&orga.cookie, "/orga/outbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(outbox.contains("grace@example.org"), "{outbox}");
    if db.url.starts_with("sqlite") {
        let stable = |page: &str| {
            let mut out = page.replace(CSRF, "[csrf]").replace(&token, "[token]");
            for code in &codes {
                out = out.replace(code.as_str(), "[code]");
            }
            out = out.replace(there[0].code.as_str(), "[imported]");
            let mut kept = String::new();
            let mut rest = out.as_str();
            while let Some((before, after)) = rest.split_once("/static/hallway.") {
                kept.push_str(before);
                kept.push_str("/static/hallway.[hash].");
                rest = after.split_once('.').map_or("", |(_, tail)| tail);
            }
            kept.push_str(rest);
            kept
        };
        insta::assert_snapshot!("orga_second_chance", crate::pages::stable(&stable(&inbox)));
        insta::assert_snapshot!("orga_transparency", crate::pages::stable(&stable(&report)));
        insta::assert_snapshot!("cfp_confirm", crate::pages::stable(&stable(&page)));
        // And each passes the Nu HTML Checker, as every page type does.
        let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "vnu.jar is missing: run `npm ci --prefix tests/browser` (./scripts/test.sh does)"
        );
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = [
            ("inbox", &inbox),
            ("report", &report),
            ("confirm", &page),
            ("outbox", &outbox),
        ]
        .iter()
        .map(|(name, html)| {
            let file = dir.path().join(format!("{name}.html"));
            std::fs::write(&file, html).unwrap();
            file
        })
        .collect();
        let errors = tokio::task::spawn_blocking(move || crate::checkers::nu_check(&jar, &files))
            .await
            .unwrap();
        assert!(
            errors.is_empty(),
            "the Nu HTML Checker:\n{}",
            errors.join("\n")
        );
    }
    site.server.stop().await;
}
