//! Building timetables: a conference's model, an evaluator with incremental updates, a seeded
//! anytime optimizer, lower bounds, the CoSPLib benchmark's instances, and the assignment of
//! reviewers to proposals and of unconference topics to slots and rooms. No server in here.

pub mod anneal;
pub mod bound;
pub mod cosplib;
pub mod error;
pub mod eval;
mod flow;
pub mod model;
pub mod reviewers;
pub mod rng;
pub mod solve;
pub mod synthetic;
pub mod unconference;

pub use error::{Located, SchedError};
