//! Reading and writing the schedule formats conferences publish. No server and no database here:
//! every reader turns bytes into a domain `Schedule` plus a report of what it had to work around.

pub mod error;
pub mod html;
pub mod ical;
pub mod sched;

pub use error::{FormatError, Warning};

use hallway_domain::Schedule;

/// What the caller knows that the file may not say.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The venue's IANA zone, when the file does not tell it.
    pub time_zone: Option<String>,
}

/// A schedule read from a file, with the warnings that reading it raised.
#[derive(Debug, Clone)]
pub struct Imported {
    pub schedule: Schedule,
    pub warnings: Vec<Warning>,
}
