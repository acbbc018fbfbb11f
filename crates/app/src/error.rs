use hallway_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// A file that could not be imported: `{file}: line 12, DTSTART: ...`.
    #[error("{file}: {error}")]
    BadFile {
        file: String,
        error: hallway_formats::FormatError,
    },
    #[error("conflict: {0}")]
    Conflict(String),
    /// Nobody is signed in, or the session or token is unknown, ended or expired.
    #[error("sign in first")]
    Unauthenticated,
    /// Signed in, but this is not theirs to do.
    #[error("{0}")]
    Forbidden(String),
    /// A login refused; the message says nothing of whether the account exists.
    #[error("{0}")]
    BadCredentials(String),
    /// Too many failed logins for the account or from the address.
    #[error("too many failed logins: try again in {} minutes", retry_after.div_ceil(60))]
    RateLimited { retry_after: u64 },
    /// Too many of an action (questions, votes, contact requests) for the account or from the
    /// address: refused, not counted.
    #[error(
        "too many {what} {whose}: at most {most} in {window}; try again in {retry_after} seconds"
    )]
    Throttled {
        what: &'static str,
        /// "from your account" or "from your address".
        whose: &'static str,
        most: u32,
        window: String,
        retry_after: u64,
    },
    /// A fault of ours (the OS, a template): logged, never shown.
    #[error("{0}")]
    Internal(String),
    /// An update that would cancel most of a schedule: refused until asked for.
    #[error(
        "{file}: this import would cancel {removed} of the {of} sessions of {edition} (and add {added}); nothing was changed. Check the file, or import it again allowing removals (--allow-removals)"
    )]
    TooManyRemovals {
        file: String,
        edition: String,
        removed: usize,
        of: usize,
        added: usize,
    },
    /// A release with nothing new in it: none is made unless forced.
    #[error("nothing changed since release {0}: no release made (--force makes one anyway)")]
    Unchanged(u32),
    /// The work in progress is not something a schedule can be (see `domain::bounds`).
    #[error("{edition} cannot be released: {reason}")]
    OutOfBounds { edition: String, reason: String },
    #[error(transparent)]
    Store(StoreError),
}
