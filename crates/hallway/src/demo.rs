//! The demo's venue: Sched publishes no room sizes, so the demo seats each RAI Amsterdam room
//! by its kind (the keynote hall, the auditorium, the halls split into rooms, meeting rooms,
//! the expo floor's theaters). These are the demo's assumptions, not the venue's figures;
//! organizers set real ones with `hallway schedule capacity`.
//!
//! The demo has no SMTP server either: what would be mailed (the link that confirms a new
//! account, a seat offered, a decision) is printed where the demo runs, so that someone trying
//! it can follow the links.

use hallway_app::App;
use std::time::Duration;

/// Prints each message as it falls due, until the process ends.
pub async fn print_mail(app: App) {
    loop {
        match app.take_due_mail().await {
            Ok(Some(mail)) => println!(
                "\n--- Mail to {} (the demo prints mail instead of sending it)\nSubject: {}\n\n{}\n---",
                mail.recipient,
                mail.subject,
                mail.body.trim_end()
            ),
            Ok(None) => tokio::time::sleep(Duration::from_secs(1)).await,
            Err(e) => {
                tracing::error!(error = %e, "reading the outbox failed");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// Seats the demo assumes for a room, by its name.
pub fn assumed_capacity(name: &str) -> u32 {
    let n = name.to_ascii_lowercase();
    let has = |w: &str| n.contains(w);
    if n == "hall 12" {
        10_000
    } else if n.starts_with("auditorium") {
        1_750
    } else if n.starts_with("forum") {
        900
    } else if n.starts_with("elicium 2") {
        700
    } else if has("hall 7 |") || has("hall 8 |") {
        600
    } else if n.starts_with("amtrium") || n.starts_with("elicium 1") {
        400
    } else if has("theater") || has("hub") || has("lounge") {
        200
    } else if has("pavilion") || has("showcase") || has("nook") {
        120
    } else if n.starts_with('e') || n.starts_with('f') || n.starts_with('g') || n.starts_with('l') {
        // Meeting rooms go by letter and number: E103-105, G106.
        if n.contains('-') { 350 } else { 120 }
    } else {
        300
    }
}

#[cfg(test)]
mod tests {
    use super::assumed_capacity;

    #[test]
    fn rooms_by_kind() {
        assert_eq!(assumed_capacity("Hall 12"), 10_000);
        assert_eq!(assumed_capacity("Hall 8 | Room E"), 600);
        assert_eq!(assumed_capacity("E106-108"), 350);
        assert_eq!(assumed_capacity("G107"), 120);
        assert_eq!(assumed_capacity("Hall 1-5 | Tram Zone | Demo Theater"), 200);
    }
}
