//! Permissions are values. Each one is made in this crate only, by a check of who is asking
//! (a session or API token) against their roles; use cases take it as an argument, so a front
//! end that did not pass the check cannot even call them.

use crate::{AppError, Result};
use hallway_domain::{Access, Email, Role, Slug, Tracks, UserId};

/// Proof that the caller may organize an edition (or, at the command line, every edition).
#[derive(Debug, Clone)]
pub struct OrgaCtx {
    scope: Scope,
    access: Access,
}

#[derive(Debug, Clone)]
enum Scope {
    /// The operator holding the database, or a site organizer: every edition, new ones too.
    Site,
    Edition(Slug),
}

impl OrgaCtx {
    pub(crate) fn site(access: Access) -> Self {
        Self {
            scope: Scope::Site,
            access,
        }
    }

    pub(crate) fn edition(edition: Slug, access: Access) -> Self {
        Self {
            scope: Scope::Edition(edition),
            access,
        }
    }

    /// Reading an edition's work in progress, exports, proposals.
    pub(crate) fn covers(&self, edition: &Slug) -> Result<()> {
        match &self.scope {
            Scope::Site => Ok(()),
            Scope::Edition(e) if e == edition => Ok(()),
            Scope::Edition(_) => Err(AppError::Forbidden(format!(
                "you do not organize {edition}"
            ))),
        }
    }

    /// Changing an edition: the scope, and write access (a read-only token has none).
    pub(crate) fn writes(&self, edition: &Slug) -> Result<()> {
        self.covers(edition)?;
        match self.access {
            Access::Write => Ok(()),
            Access::Read => Err(AppError::Forbidden("this token may only read".into())),
        }
    }

    /// Creating an edition is for the operator and site organizers only.
    pub(crate) fn may_create_editions(&self) -> Result<()> {
        match (&self.scope, self.access) {
            (Scope::Site, Access::Write) => Ok(()),
            _ => Err(AppError::Forbidden(
                "only a site organizer may create an edition".into(),
            )),
        }
    }
}

/// Someone signed in, by a session or an API token. Made by the app when the secret checks
/// out; the roles it carries are read again for every permission asked of it.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub(crate) user: UserId,
    pub(crate) email: Email,
    pub(crate) site_organizer: bool,
    pub(crate) token: Option<TokenScope>,
}

/// What an API token is limited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenScope {
    pub edition: Slug,
    pub event: Option<Slug>,
    pub access: Access,
}

impl Viewer {
    pub fn user(&self) -> UserId {
        self.user
    }

    pub fn email(&self) -> &Email {
        &self.email
    }

    pub fn is_site_organizer(&self) -> bool {
        self.site_organizer
    }

    /// `Some` when signed in by an API token.
    pub fn token_scope(&self) -> Option<&TokenScope> {
        self.token.as_ref()
    }

    /// The most a token allows in `edition` (`event` where it names one); a session allows all.
    pub(crate) fn access_in(&self, edition: &Slug, event: Option<&Slug>) -> Result<Access> {
        match &self.token {
            None => Ok(Access::Write),
            Some(t) if &t.edition != edition => Err(AppError::Forbidden(format!(
                "this token is for {}, not {edition}",
                t.edition
            ))),
            Some(t) => match (&t.event, event) {
                (None, _) => Ok(t.access),
                (Some(mine), Some(asked)) if mine == asked => Ok(t.access),
                (Some(mine), _) => Err(AppError::Forbidden(format!(
                    "this token is for the event {mine} only"
                ))),
            },
        }
    }
}

impl Viewer {
    /// Changing one's own things in `edition` (`event`): a read-only token may not.
    pub(crate) fn writes_in(&self, edition: &Slug, event: Option<&Slug>) -> Result<()> {
        match self.access_in(edition, event)? {
            Access::Write => Ok(()),
            Access::Read => Err(AppError::Forbidden("this token may only read".into())),
        }
    }
}

/// Proof that the caller reviews (or, as co-chair, decides on) proposals of an event's tracks.
#[derive(Debug, Clone)]
pub struct ReviewCtx {
    pub(crate) user: UserId,
    pub(crate) edition: Slug,
    pub(crate) event: Slug,
    pub(crate) tracks: Tracks,
    pub(crate) decides: bool,
    /// Organizers see who the speakers are even when the review is blind.
    pub(crate) organizer: bool,
    pub(crate) access: Access,
}

impl ReviewCtx {
    pub fn user(&self) -> UserId {
        self.user
    }
    pub fn edition(&self) -> &Slug {
        &self.edition
    }
    pub fn event(&self) -> &Slug {
        &self.event
    }
    pub fn tracks(&self) -> &Tracks {
        &self.tracks
    }
    /// Co-chairs and organizers decide; reviewers only score.
    pub fn decides(&self) -> bool {
        self.decides
    }
    pub fn access(&self) -> Access {
        self.access
    }
    pub fn organizer(&self) -> bool {
        self.organizer
    }
    /// Changing anything: a read-only token may not.
    pub(crate) fn writes(&self) -> Result<()> {
        match self.access {
            Access::Write => Ok(()),
            Access::Read => Err(AppError::Forbidden("this token may only read".into())),
        }
    }
    /// Deciding, assigning, ranking: co-chairs and organizers.
    pub(crate) fn must_decide(&self) -> Result<()> {
        if self.decides {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "only a co-chair or an organizer of {}/{} may do this",
                self.edition, self.event
            )))
        }
    }
}

/// Proof that the caller acts as a speaker or an attendee of an event: their own things only.
#[derive(Debug, Clone)]
pub struct MemberCtx {
    pub(crate) user: UserId,
    pub(crate) edition: Slug,
    pub(crate) event: Option<Slug>,
    pub(crate) role: Role,
    pub(crate) access: Access,
}

impl MemberCtx {
    pub fn user(&self) -> UserId {
        self.user
    }
    pub fn edition(&self) -> &Slug {
        &self.edition
    }
    pub fn event(&self) -> Option<&Slug> {
        self.event.as_ref()
    }
    pub fn role(&self) -> &Role {
        &self.role
    }
    pub fn access(&self) -> Access {
        self.access
    }
}
