//! A real SMTP server for mail tests: aiosmtpd, from the virtual environment that
//! `scripts/test.sh` installs in `tests/smtp/.venv`, writing what it receives to a maildir.
//! A test that needs it fails, never skips, when it is missing.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let python =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/smtp/.venv/bin/python");
        assert!(
            python.exists(),
            "aiosmtpd is needed for this test and is not installed at {}: run scripts/test.sh",
            python.display()
        );
        let dir = tempfile::tempdir().expect("a temporary directory");
        let port = free_port();
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: cannot start aiosmtpd: {e}", python.display()));
        let server = Self { port, dir, child };
        // The server is ready when it greets: wait for its socket, a bounded number of times.
        for _ in 0..500 {
            if let Ok(stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
                let mut greeting = [0u8; 3];
                stream.readable().await.ok();
                if stream.try_read(&mut greeting).is_ok_and(|n| n == 3) && &greeting == b"220" {
                    return server;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("aiosmtpd did not answer on port {port}");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, oldest first: headers as sent, a quoted-printable body
    /// decoded (links in mail are longer than its 76-character lines).
    pub fn messages(&self) -> Vec<String> {
        let new = self.dir.path().join("mail").join("new");
        let mut files: Vec<_> = match std::fs::read_dir(&new) {
            Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
            Err(_) => return Vec::new(),
        };
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|p| decode(&std::fs::read_to_string(p).expect("a received message")))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn decode(message: &str) -> String {
    let Some((head, body)) = message.split_once("\n\n") else {
        return message.to_owned();
    };
    if !head
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable")
    {
        return message.to_owned();
    }
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    format!("{head}\n\n{}", String::from_utf8_lossy(&out))
}
