/// Proof that the caller may organize: only obtainable by passing a check.
///
/// The command line runs as the operator, who holds the database itself; web sign-in will
/// produce this value for organizers of an edition.
#[derive(Debug, Clone)]
pub struct OrgaCtx {
    _private: (),
}

impl OrgaCtx {
    /// The operator at the command line.
    pub fn operator() -> Self {
        Self { _private: () }
    }
}
