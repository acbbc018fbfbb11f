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
    #[error(transparent)]
    Store(StoreError),
}
