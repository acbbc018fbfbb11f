use std::fmt;

/// Where in a spreadsheet a value was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub file: String,
    pub sheet: String,
    /// 1-based, as spreadsheets number rows.
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: sheet {:?}", self.file, self.sheet)?;
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchedError {
    /// A file that cannot be read, with where.
    #[error("{0}")]
    Located(Located),
    /// Input that cannot be scheduled or makes no sense as a whole.
    #[error("{0}")]
    Invalid(String),
    /// Constraints that cannot all hold, with the smallest set that clashes.
    #[error("{}", .0.join("; "))]
    Infeasible(Vec<String>),
}
