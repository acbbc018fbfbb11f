//! Configuration: defaults, then a TOML file, then `HALLWAY_*` variables and flags (clap reads
//! those two, flags first). Passed explicitly; nothing global.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

const DEFAULT_DATABASE: &str = "sqlite://hallway.db";
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database: Option<String>,
    listen: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
}

pub struct Config {
    pub database: String,
    /// The database named in the file, if any (the demo starts afresh only without one).
    pub file_database: Option<String>,
    file_listen: Option<String>,
    file_public_url: Option<String>,
    file_smtp_url: Option<String>,
    file_mail_from: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database",
                &hallway_app::redact_database_url(&self.database),
            )
            .field("listen", &self.file_listen)
            .field("public_url", &self.file_public_url)
            .field(
                "smtp_url",
                &self
                    .file_smtp_url
                    .as_deref()
                    .map(hallway_app::redact_database_url),
            )
            .field("mail_from", &self.file_mail_from)
            .finish()
    }
}

impl Config {
    pub fn load(file: Option<&Path>, database_flag: Option<String>) -> Result<Self> {
        let from_file: FileConfig = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("{}: cannot read the configuration", path.display())
                })?;
                toml::from_str(&text)
                    .with_context(|| format!("{}: invalid configuration", path.display()))?
            }
            None => FileConfig::default(),
        };
        Ok(Self {
            database: database_flag
                .or_else(|| from_file.database.clone())
                .unwrap_or_else(|| DEFAULT_DATABASE.to_owned()),
            file_database: from_file.database,
            file_listen: from_file.listen,
            file_public_url: from_file.public_url,
            file_smtp_url: from_file.smtp_url,
            file_mail_from: from_file.mail_from,
        })
    }

    pub fn listen(&self, flag: Option<String>) -> String {
        flag.or_else(|| self.file_listen.clone())
            .unwrap_or_else(|| DEFAULT_LISTEN.to_owned())
    }

    /// Where mail goes out (none: it waits in the outbox) and whom it is from. A server without
    /// a From address is refused: a made-up sender would be rejected or filtered as spam, and
    /// organizers would learn it only from failed mail.
    pub fn smtp(
        &self,
        url: Option<String>,
        from: Option<String>,
    ) -> Result<Option<(String, String)>> {
        let Some(url) = url.or_else(|| self.file_smtp_url.clone()) else {
            return Ok(None);
        };
        let from = from.or_else(|| self.file_mail_from.clone()).ok_or_else(|| {
            anyhow::anyhow!(
                "an SMTP server is given but no From address: add --mail-from \"Name <address>\" \
                 (or HALLWAY_MAIL_FROM, or mail_from in the config file)"
            )
        })?;
        Ok(Some((url, from)))
    }

    /// The address people reach the site at, for links in exports and feeds; by default the
    /// address the server listens on.
    pub fn public_url(&self, flag: Option<String>, listen: &str) -> Result<String> {
        let url = flag
            .or_else(|| self.file_public_url.clone())
            .unwrap_or_else(|| format!("http://{listen}"));
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            anyhow::bail!("public URL {url:?}: give an http:// or https:// address");
        }
        Ok(url.trim_end_matches('/').to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(smtp: Option<&str>, from: Option<&str>) -> Config {
        Config {
            database: "sqlite://hallway.db".into(),
            file_database: None,
            file_listen: None,
            file_public_url: None,
            file_smtp_url: smtp.map(str::to_owned),
            file_mail_from: from.map(str::to_owned),
        }
    }

    #[test]
    fn an_smtp_server_needs_a_from_address() {
        assert_eq!(config(None, None).smtp(None, None).unwrap(), None);
        let err = config(Some("smtp://mail:25"), None)
            .smtp(None, None)
            .unwrap_err();
        assert!(err.to_string().contains("--mail-from"), "{err}");
        let (url, from) = config(None, None)
            .smtp(
                Some("smtp://mail:25".into()),
                Some("Hallway <h@example.org>".into()),
            )
            .unwrap()
            .unwrap();
        assert_eq!(
            (url.as_str(), from.as_str()),
            ("smtp://mail:25", "Hallway <h@example.org>")
        );
    }
}
