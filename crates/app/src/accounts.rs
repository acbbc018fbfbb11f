//! Accounts and sessions: sign-up, e-mail verification, login and logout, password reset,
//! API tokens, and the roles behind every permission value.
//!
//! Secrets (session ids, links, API tokens) are 32 random bytes shown once and stored as their
//! SHA-256; passwords as argon2id. No answer here says whether an e-mail address has an
//! account: sign-up and reset requests succeed alike, a failed login is one message.

use crate::mail::MailKind;
use crate::permissions::{MemberCtx, ReviewCtx, TokenScope, Viewer};
use crate::{App, AppError, OrgaCtx, Result, parse_slug};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use hallway_domain::{Access, Email, Password, Role, Slug, Tracks, UserId};
use hallway_store::{AccountStore, ApiToken, LinkPurpose, StoreError, User};
use sha2::{Digest, Sha256};
use std::fmt;
use std::net::IpAddr;

/// How long a session lasts after login.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;
const VERIFY_SECONDS: i64 = 48 * 3600;
const RESET_SECONDS: i64 = 3600;
/// Failed logins allowed per account, and per address, within the window.
pub const ACCOUNT_FAILURES: u64 = 5;
pub const ADDRESS_FAILURES: u64 = 30;
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;

/// A secret to hand to its owner once (a cookie, a link, a token). `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// 32 bytes from the OS, as 64 hex digits.
    pub fn random() -> Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| AppError::Internal(format!("the OS gave no random bytes: {e}")))?;
        Ok(Self(hex(&bytes)))
    }

    /// A secret as it came back from a client.
    pub fn from_client(s: &str) -> Self {
        Self(s.trim().to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database keeps instead of the secret.
    pub(crate) fn stored(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

/// A secret as we make them: 64 lower-case hex digits. Anything else is not looked up.
pub(crate) fn well_formed_secret(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn invalid(e: impl fmt::Display) -> AppError {
    AppError::Invalid(e.to_string())
}

/// The reason a login is refused, the same whether or not the account exists.
const BAD_LOGIN: &str = "wrong e-mail address or password";
const BAD_LINK: &str = "this link is unknown, used already or expired: ask for a new one";

/// A PHC string to verify against when there is no account, so that a login for an unknown
/// address takes as long as one with a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Yi7G7W0nYrLDu9OE6w5gLqAg1PI0Cc9O2EoIzQ4dCQ8";

async fn hash_password(password: Password) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.expose().as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("the hashing task stopped: {e}")))?
}

async fn password_matches(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        match Argon2::default().verify_password(password.as_bytes(), hash.as_str()) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            // A stored hash that does not parse is a fault, never a wrong password.
            Err(e) => Err(AppError::Internal(format!(
                "checking a stored password: {e}"
            ))),
        }
    })
    .await
    .map_err(|e| AppError::Internal(format!("the hashing task stopped: {e}")))?
}

/// A new session: the secret goes into the cookie.
#[derive(Debug)]
pub struct Login {
    pub session: Secret,
    pub viewer: Viewer,
}

/// An API token as its owner sees it listed.
pub use hallway_store::ApiToken as ApiTokenInfo;

impl App {
    /// Signs up `email` with `password`: the account waits for its address to be verified by
    /// the link mailed to it. An address that has an account gets a mail saying so instead,
    /// and the caller gets the same answer either way.
    pub async fn sign_up(&self, email: &str, password: &str) -> Result<()> {
        let email = Email::parse(email).map_err(invalid)?;
        let password = Password::parse(password).map_err(invalid)?;
        let hash = hash_password(password).await?;
        let now = now();
        match self
            .store
            .create_user(&email, &hash, false, None, now)
            .await
        {
            Ok(user) => self.send_verify_link(user, &email, now).await,
            Err(StoreError::Conflict(_)) => {
                let user = self.store.user_by_email(&email).await?;
                // One such mail an hour at most, whoever asks how often.
                let key = format!("exists:{}:{}", user.id, now / 3600);
                self.queue_mail(
                    &key,
                    &email,
                    MailKind::AccountExists {
                        login_url: self.link("/account/login"),
                        reset_url: self.link("/account/reset"),
                    },
                )
                .await
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn send_verify_link(&self, user: UserId, email: &Email, now: i64) -> Result<()> {
        let secret = Secret::random()?;
        self.store
            .add_link(
                user,
                LinkPurpose::Verify,
                &secret.stored(),
                now,
                now + VERIFY_SECONDS,
            )
            .await?;
        // One verification mail per ten minutes and account, however often it is asked for.
        let key = format!("verify:{}:{}", user, now / 600);
        let url = self.link(&format!("/account/verify?token={}", secret.expose()));
        self.queue_mail(&key, email, MailKind::Verify { url }).await
    }

    /// Uses the link mailed at sign-up.
    pub async fn verify_email(&self, token: &str) -> Result<()> {
        match self
            .store
            .use_verify_link(&Secret::from_client(token).stored(), now())
            .await
        {
            Ok(_) => Ok(()),
            Err(StoreError::NotFound(_)) => Err(invalid(BAD_LINK)),
            Err(e) => Err(e.into()),
        }
    }

    /// Logs in: a new session, or a refusal that says nothing of whether the account exists.
    /// After too many failures for the account or from the address, even the right password
    /// is refused until the window passes.
    pub async fn log_in(&self, email: &str, password: &str, from: Option<IpAddr>) -> Result<Login> {
        let email = Email::parse(email).map_err(invalid)?;
        let now = now();
        let since = now - FAILURE_WINDOW_SECONDS;
        let account_key = format!("account:{email}");
        let address_key = from.map(|ip| format!("address:{}", address_bucket(ip)));
        // The attempt counts before the slow check, so that a burst of parallel guesses
        // cannot pass the limit while the first ones are still hashing.
        let mut limits = vec![(account_key.as_str(), ACCOUNT_FAILURES)];
        if let Some(key) = &address_key {
            limits.push((key.as_str(), ADDRESS_FAILURES));
        }
        let Some(attempt) = self.store.count_login_attempt(&limits, since, now).await? else {
            return Err(AppError::RateLimited {
                retry_after: FAILURE_WINDOW_SECONDS as u64,
            });
        };
        let user = match self.store.user_by_email(&email).await {
            Ok(u) => Some(u),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let hash = user
            .as_ref()
            .map_or(DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
        let matches = password_matches(password.to_owned(), hash).await?;
        let Some(user) = user.filter(|_| matches) else {
            return Err(AppError::BadCredentials(BAD_LOGIN.into()));
        };
        // The right password: this attempt was no failure.
        self.store.forget_login_attempts(&attempt).await?;
        if !user.verified {
            // Only someone with the password learns this; a fresh link goes out.
            self.send_verify_link(user.id, &user.email, now).await?;
            return Err(AppError::Forbidden(
                "verify your e-mail address first: we sent you a new link".into(),
            ));
        }
        self.store.clear_login_failures(&account_key, since).await?;
        let session = Secret::random()?;
        self.store
            .create_session(&session.stored(), user.id, now, now + SESSION_SECONDS)
            .await?;
        Ok(Login {
            session,
            viewer: viewer(user, None),
        })
    }

    /// Ends a session (unknown ones too: logging out twice is fine).
    pub async fn log_out(&self, session: &Secret) -> Result<()> {
        Ok(self.store.delete_session(&session.stored()).await?)
    }

    /// Ends every session of the viewer's account.
    pub async fn log_out_everywhere(&self, viewer: &Viewer) -> Result<u64> {
        Ok(self.store.delete_sessions_of(viewer.user).await?)
    }

    /// Who holds this session; `Unauthenticated` when it is unknown, ended or expired.
    pub async fn session_viewer(&self, session: &Secret) -> Result<Viewer> {
        match self.store.session_user(&session.stored(), now()).await {
            Ok(user) => Ok(viewer(user, None)),
            Err(StoreError::NotFound(_)) => Err(AppError::Unauthenticated),
            Err(e) => Err(e.into()),
        }
    }

    /// Who holds this API token, limited to its scope.
    pub async fn token_viewer(&self, token: &Secret) -> Result<Viewer> {
        match self.store.api_token(&token.stored()).await {
            Ok((user, token)) => Ok(viewer(
                user,
                Some(TokenScope {
                    edition: token.edition,
                    event: token.event,
                    access: token.access,
                }),
            )),
            Err(StoreError::NotFound(_)) => Err(AppError::Unauthenticated),
            Err(e) => Err(e.into()),
        }
    }

    /// Mails a reset link if the address has an account; says the same either way.
    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        let email = Email::parse(email).map_err(invalid)?;
        let user = match self.store.user_by_email(&email).await {
            Ok(u) => u,
            Err(StoreError::NotFound(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        self.send_reset_link(&user, now()).await.map(|_| ())
    }

    async fn send_reset_link(&self, user: &User, now: i64) -> Result<String> {
        let secret = Secret::random()?;
        self.store
            .add_link(
                user.id,
                LinkPurpose::Reset,
                &secret.stored(),
                now,
                now + RESET_SECONDS,
            )
            .await?;
        let url = self.link(&format!("/account/reset?token={}", secret.expose()));
        // At most one reset mail a minute per account, however often it is asked for.
        let key = format!("reset:{}:{}", user.id, now / 60);
        self.queue_mail(&key, &user.email, MailKind::Reset { url: url.clone() })
            .await?;
        Ok(url)
    }

    /// Sets a new password with a mailed link. The link works once; every session of the
    /// account ends.
    pub async fn reset_password(&self, token: &str, password: &str) -> Result<()> {
        let password = Password::parse(password).map_err(invalid)?;
        let hash = hash_password(password).await?;
        match self
            .store
            .use_reset_link(&Secret::from_client(token).stored(), &hash, now())
            .await
        {
            Ok(_) => Ok(()),
            Err(StoreError::NotFound(_)) => Err(invalid(BAD_LINK)),
            Err(e) => Err(e.into()),
        }
    }

    /// Makes `email` a site organizer (who may create and organize every edition), creating
    /// the account when there is none. Returns a link to set the password, also mailed.
    pub async fn add_site_organizer(&self, orga: &OrgaCtx, email: &str) -> Result<String> {
        orga.may_create_editions()?;
        let email = Email::parse(email).map_err(invalid)?;
        let now = now();
        let user = match self.store.user_by_email(&email).await {
            Ok(u) => u,
            Err(StoreError::NotFound(_)) => {
                // No password anyone knows: the first login goes through the reset link.
                let unusable =
                    hash_password(Password::parse(Secret::random()?.expose()).map_err(invalid)?)
                        .await?;
                let id = self
                    .store
                    .create_user(&email, &unusable, true, Some(now), now)
                    .await?;
                self.store.user(id).await?
            }
            Err(e) => return Err(e.into()),
        };
        self.store.set_site_organizer(user.id, true).await?;
        self.send_reset_link(&user, now).await
    }

    /// Gives the account of `email` a role in an edition or one of its events.
    pub async fn grant_role(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: Option<&str>,
        email: &str,
        role: Role,
    ) -> Result<()> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        let event = event.map(parse_slug).transpose()?;
        let email = Email::parse(email).map_err(invalid)?;
        let user = match self.store.user_by_email(&email).await {
            Ok(u) => u,
            Err(StoreError::NotFound(_)) => {
                return Err(AppError::NotFound(format!("an account for {email}")));
            }
            Err(e) => return Err(e.into()),
        };
        Ok(self
            .store
            .grant(user.id, &edition, event.as_ref(), &role)
            .await?)
    }

    /// The viewer's roles in an edition (an event's and the whole edition's).
    pub async fn roles(&self, viewer: &Viewer, edition: &str) -> Result<Vec<(Option<Slug>, Role)>> {
        let edition = parse_slug(edition)?;
        // A token for one event still lists the edition's roles; one for another edition none.
        if let Some(t) = &viewer.token
            && t.edition != edition
        {
            return Err(AppError::Forbidden(format!(
                "this token is for {}, not {edition}",
                t.edition
            )));
        }
        Ok(self
            .store
            .memberships(viewer.user, &edition)
            .await?
            .into_iter()
            .map(|m| (m.event, m.role))
            .collect())
    }

    /// Permission to organize an edition: site organizers and the edition's organizers.
    pub async fn orga_ctx(&self, viewer: &Viewer, edition: &str) -> Result<OrgaCtx> {
        let edition = parse_slug(edition)?;
        let access = viewer.access_in(&edition, None)?;
        if viewer.site_organizer && viewer.token.is_none() {
            return Ok(OrgaCtx::site(access));
        }
        let organizes = viewer.site_organizer
            || self
                .store
                .memberships(viewer.user, &edition)
                .await?
                .iter()
                .any(|m| m.event.is_none() && m.role == Role::Organizer);
        if organizes {
            Ok(OrgaCtx::edition(edition, access))
        } else {
            Err(AppError::Forbidden(format!(
                "you do not organize {edition}"
            )))
        }
    }

    /// Permission to review an event's proposals: its reviewers and co-chairs for their
    /// tracks; organizers of the edition or the event for all tracks, deciding.
    pub async fn review_ctx(
        &self,
        viewer: &Viewer,
        edition: &str,
        event: &str,
    ) -> Result<ReviewCtx> {
        let (edition, event) = (parse_slug(edition)?, parse_slug(event)?);
        let access = viewer.access_in(&edition, Some(&event))?;
        let mut best: Option<(Tracks, bool)> = viewer.site_organizer.then_some((Tracks::All, true));
        let mut organizer = viewer.site_organizer;
        for m in self.store.memberships(viewer.user, &edition).await? {
            if m.event.as_ref().is_some_and(|e| e != &event) {
                continue;
            }
            let found = match m.role {
                Role::Organizer => {
                    organizer = true;
                    (Tracks::All, true)
                }
                Role::CoChair(t) => (t, true),
                Role::Reviewer(t) => (t, false),
                Role::Speaker | Role::Attendee => continue,
            };
            best = Some(match best {
                None => found,
                Some(b) => widest(b, found),
            });
        }
        let (tracks, decides) = best.ok_or_else(|| {
            AppError::Forbidden(format!("you do not review for {edition}/{event}"))
        })?;
        Ok(ReviewCtx {
            user: viewer.user,
            edition,
            event,
            tracks,
            decides,
            organizer,
            access,
        })
    }

    /// Permission to act as a speaker, or as an attendee, of an edition (`event` where the
    /// role is per event): the viewer's own things only.
    pub async fn member_ctx(
        &self,
        viewer: &Viewer,
        edition: &str,
        event: Option<&str>,
        role: &str,
    ) -> Result<MemberCtx> {
        let edition = parse_slug(edition)?;
        let event = event.map(parse_slug).transpose()?;
        let access = viewer.access_in(&edition, event.as_ref())?;
        let wanted = Role::from_stored(role, "").map_err(invalid)?;
        if !matches!(wanted, Role::Speaker | Role::Attendee) {
            return Err(invalid(format!(
                "{role} is not a member role: use speaker or attendee"
            )));
        }
        let holds = self
            .store
            .memberships(viewer.user, &edition)
            .await?
            .into_iter()
            .any(|m| m.role == wanted && (m.event.is_none() || m.event.as_ref() == event.as_ref()));
        if !holds {
            return Err(AppError::Forbidden(format!(
                "you are not a {role} of {edition}"
            )));
        }
        Ok(MemberCtx {
            user: viewer.user,
            edition,
            event,
            role: wanted,
            access,
        })
    }

    /// A token for scripts, limited to one edition (or one of its events) and to reading or
    /// writing. The secret is returned once and never stored.
    pub async fn create_api_token(
        &self,
        viewer: &Viewer,
        edition: &str,
        event: Option<&str>,
        access: &str,
        label: &str,
    ) -> Result<(ApiToken, Secret)> {
        if viewer.token.is_some() {
            return Err(AppError::Forbidden(
                "a token cannot make tokens: sign in to make one".into(),
            ));
        }
        let edition = parse_slug(edition)?;
        let event = event
            .filter(|e| !e.is_empty())
            .map(parse_slug)
            .transpose()?;
        let access = Access::parse(access).map_err(invalid)?;
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(invalid("label: give 1 to 100 characters"));
        }
        let roles = self.store.memberships(viewer.user, &edition).await?;
        let organizes = viewer.site_organizer
            || roles
                .iter()
                .any(|m| m.role == Role::Organizer && m.event.is_none());
        let member = organizes
            || roles
                .iter()
                .any(|m| m.event.is_none() || m.event.as_ref() == event.as_ref());
        if !member {
            return Err(AppError::Forbidden(format!(
                "you have no role in {edition}{}",
                event.as_ref().map(|e| format!("/{e}")).unwrap_or_default()
            )));
        }
        let secret = Secret::random()?;
        let now = now();
        let id = self
            .store
            .create_api_token(
                &secret.stored(),
                viewer.user,
                &edition,
                event.as_ref(),
                access,
                label,
                now,
            )
            .await?;
        Ok((
            ApiToken {
                id,
                edition,
                event,
                access,
                label: label.to_owned(),
                created_at: now,
            },
            secret,
        ))
    }

    pub async fn api_tokens(&self, viewer: &Viewer) -> Result<Vec<ApiToken>> {
        Ok(self.store.api_tokens_of(viewer.user).await?)
    }

    pub async fn revoke_api_token(&self, viewer: &Viewer, id: i64) -> Result<()> {
        if viewer.token.is_some() {
            return Err(AppError::Forbidden("sign in to revoke a token".into()));
        }
        Ok(self.store.revoke_api_token(viewer.user, id, now()).await?)
    }
}

/// A role from its name (`organizer`, `co-chair`, `reviewer`, `speaker`, `attendee`) and, for
/// co-chairs and reviewers, their tracks (none: all tracks).
pub fn role(kind: &str, tracks: &[String]) -> Result<Role> {
    let tracks = if tracks.is_empty() {
        Tracks::All
    } else {
        Tracks::Only(
            tracks
                .iter()
                .map(|t| parse_slug(t).map_err(|e| invalid(format!("track {t:?}: {e}"))))
                .collect::<Result<_>>()?,
        )
    };
    let role = match kind {
        "co-chair" => Role::CoChair(tracks),
        "reviewer" => Role::Reviewer(tracks),
        other => {
            let role = Role::from_stored(other, "").map_err(|_| {
                invalid(format!(
                    "role {other:?}: use organizer, co-chair, reviewer, speaker or attendee"
                ))
            })?;
            if tracks != Tracks::All {
                return Err(invalid(format!(
                    "tracks are for co-chairs and reviewers, not for the {other} role"
                )));
            }
            role
        }
    };
    Ok(role)
}

fn viewer(user: User, token: Option<TokenScope>) -> Viewer {
    Viewer {
        user: user.id,
        email: user.email,
        site_organizer: user.site_organizer,
        token,
    }
}

/// Of two review roles in the same event, the one that reaches further.
fn widest(a: (Tracks, bool), b: (Tracks, bool)) -> (Tracks, bool) {
    let decides = a.1 || b.1;
    let tracks = match (a.0, b.0) {
        (Tracks::All, _) | (_, Tracks::All) => Tracks::All,
        (Tracks::Only(mut x), Tracks::Only(y)) => {
            for t in y {
                if !x.contains(&t) {
                    x.push(t);
                }
            }
            Tracks::Only(x)
        }
    };
    (tracks, decides)
}

/// Failed logins are counted per IPv4 address and per IPv6 /64 (one client's usual share).
pub(crate) fn address_bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_hex_and_stored_hashed() {
        let a = Secret::random().unwrap();
        let b = Secret::random().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 64);
        assert_eq!(a.stored().len(), 64);
        assert_ne!(a.stored(), a.expose());
        assert_eq!(format!("{a:?}"), "Secret(***)");
    }

    #[test]
    fn the_dummy_hash_parses() {
        // A dummy that failed to parse would make unknown accounts answer differently.
        assert!(matches!(
            Argon2::default().verify_password(b"x", DUMMY_HASH),
            Err(argon2::password_hash::Error::PasswordInvalid)
        ));
    }

    #[test]
    fn roles_are_named_with_tracks_only_where_they_mean_something() {
        assert_eq!(role("co-chair", &[]).unwrap(), Role::CoChair(Tracks::All));
        let ai = vec!["ai".to_owned()];
        assert!(
            matches!(role("reviewer", &ai).unwrap(), Role::Reviewer(Tracks::Only(t)) if t.len() == 1)
        );
        assert_eq!(role("organizer", &[]).unwrap(), Role::Organizer);
        assert!(
            matches!(role("attendee", &ai), Err(AppError::Invalid(m)) if m.contains("tracks are for"))
        );
        assert!(
            matches!(role("admin", &[]), Err(AppError::Invalid(m)) if m.contains("use organizer"))
        );
        let bad = vec!["Not A Slug!".to_owned()];
        assert!(
            matches!(role("reviewer", &bad), Err(AppError::Invalid(m)) if m.contains("Not A Slug!"))
        );
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(address_bucket(a), address_bucket(b));
        let v4: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(address_bucket(v4), "10.0.0.1");
    }
}
