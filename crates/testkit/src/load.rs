//! Pieces the load drivers in examples/ share: a real `hallway serve` that stops with the
//! driver, and latencies summed up as `name value` lines for the bench scripts to read.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `hallway serve` on a database, as an operator runs it behind a proxy (no per-address
/// connection limit); stopped when dropped, however the driver ends.
pub struct Server(Child);

impl Server {
    /// Starts the binary and waits until `ready` (a path) answers 2xx: the released site is
    /// loaded a moment after the server listens, and answers 503 until then.
    pub async fn start(binary: &str, database: &str, port: &str, ready: &str) -> Self {
        let base = format!("http://127.0.0.1:{port}");
        let server = Self(
            Command::new(binary)
                .args([
                    "--database",
                    database,
                    "--public-url",
                    &base,
                    "serve",
                    "--listen",
                    &format!("127.0.0.1:{port}"),
                    "--max-connections-per-ip",
                    "0",
                    "--request-timeout",
                    "120s",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start hallway serve"),
        );
        let probe = reqwest::Client::new();
        for _ in 0..600 {
            let answer = probe.get(format!("{base}{ready}")).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("hallway serve did not answer {ready} on {base}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `q` quantile of sorted values (nearest rank).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64) * q).ceil() as usize;
    sorted[at.clamp(1, sorted.len()) - 1]
}

/// Prints `{name}_requests`, `_not_2xx`, `_p50_ms`, `_p99_ms`, `_max_ms` and `_rps` for
/// requests given as (milliseconds, status) over `wall`.
pub fn report(name: &str, answers: &[(f64, u16)], wall: Duration) {
    let mut ms: Vec<f64> = answers.iter().map(|a| a.0).collect();
    ms.sort_by(f64::total_cmp);
    println!("{name}_requests {}", answers.len());
    println!(
        "{name}_not_2xx {}",
        answers
            .iter()
            .filter(|a| !(200..300).contains(&a.1))
            .count()
    );
    println!("{name}_p50_ms {:.1}", quantile(&ms, 0.50));
    println!("{name}_p99_ms {:.1}", quantile(&ms, 0.99));
    println!("{name}_max_ms {:.1}", ms.last().copied().unwrap_or(0.0));
    println!(
        "{name}_rps {:.0}",
        answers.len() as f64 / wall.as_secs_f64().max(1e-9)
    );
}
