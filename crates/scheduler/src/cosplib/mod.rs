//! CoSPLib, the conference scheduling benchmark library: its instances, its penalty function,
//! its solution layout, and an optimizer for it.

mod assign;
pub mod bound;
mod cells;
pub mod eval;
pub mod instance;
mod sheet;
pub mod solution;
pub mod solve;
mod xlsx;

pub use eval::{Breakdown, Timetable, all_scheduled, evaluate, valid, violations};
pub use instance::Instance;
