/// Storage errors. A missing row is `NotFound`, never `None` standing in for a failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A write based on a version of the work in progress that is no longer the current one:
    /// refused whole, so that what was written since is not lost.
    #[error(
        "the work in progress is at version {current}; this save was based on version {based_on}"
    )]
    VersionConflict { current: u64, based_on: u64 },
    /// A proposal solved on an older version of the work in progress than the current one.
    #[error(
        "proposal {number} was solved on version {solved_on} of the work in progress, which is now at version {current}"
    )]
    ProposalConflict {
        number: u32,
        /// 0 for a proposal stored before versions were kept.
        solved_on: u64,
        current: u64,
    },
    /// A release was asked for, but release {0} already holds this schedule.
    #[error("release {0} already holds this schedule")]
    Unchanged(u32),
    #[error("storage failed: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => Self::NotFound("row".into()),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict(db.message().to_owned())
            }
            _ => Self::Other(Box::new(e)),
        }
    }
}

impl StoreError {
    pub(crate) fn invalid(what: impl Into<String>) -> Self {
        Self::Other(what.into().into())
    }
}
