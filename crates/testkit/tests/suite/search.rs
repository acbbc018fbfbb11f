//! Search on the released KubeCon schedule forgives typos and hyphens, matches prefixes, ranks
//! titles first, shows each result's day and its matching speakers, linked, and filters like
//! the list.

use hallway_testkit::{TestDb, TestServer, client, released_kubecon};

async fn search(server: &TestServer, query: &str) -> String {
    client()
        .get(server.url(&format!("/kccnceu2026/search?q={query}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The titles of the results, in order.
fn titles(page: &str) -> Vec<String> {
    page.split("<li class=\"session")
        .skip(1)
        .filter_map(|li| {
            let a = li.split_once("\">")?.1;
            Some(a.split_once("</a>")?.0.to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_forgives_typos_hyphens_and_unfinished_words() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;

    let exact = titles(&search(&server, "kubernetes").await);
    let typo = titles(&search(&server, "kubernets").await);
    assert!(exact.len() > 50, "{}", exact.len());
    assert_eq!(typo.len(), exact.len(), "a typo finds what the word finds");
    assert!(
        typo[0].to_lowercase().contains("kubernetes"),
        "titles first: {typo:?}"
    );

    for (query, wanted) in [
        ("e-bpf", "ebpf"),
        ("obervability", "observability"),
        ("obser", "observ"),
    ] {
        let found = titles(&search(&server, query).await);
        assert!(!found.is_empty(), "{query}");
        assert!(
            found[0].to_lowercase().replace('-', "").contains(wanted),
            "{query}: {found:?}"
        );
    }

    // A speaker's name finds their sessions, says which day, and links to the speaker.
    let page = search(&server, "kat+cosgrove").await;
    assert!(titles(&page).len() >= 2, "{page}");
    assert!(
        page.contains("<a href=\"/kccnceu2026/speakers/kat-cosgrove\">Kat Cosgrove</a>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"day\">Wed 25 Mar</span>")
            || page.contains("<span class=\"day\">Thu 26 Mar</span>"),
        "{page}"
    );
    assert!(titles(&search(&server, "zzqqxx").await).is_empty());

    // Results filter like the list; the form keeps the query.
    let keynotes = search(&server, "kubernetes&type=keynote").await;
    let found = titles(&keynotes);
    assert!(
        !found.is_empty() && found.len() < exact.len() / 4,
        "{found:?}"
    );
    assert!(
        keynotes.contains("<option value=\"keynote\" selected>"),
        "the form shows the filter"
    );
    assert!(
        keynotes.contains("<input type=\"hidden\" name=\"q\" value=\"kubernetes\">"),
        "and keeps the query"
    );
    let r = client()
        .get(server.url("/kccnceu2026/search?q=kubernetes&type=nonsense"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::BAD_REQUEST);
    server.stop().await;
}
