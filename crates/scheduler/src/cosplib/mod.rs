//! CoSPLib, the conference scheduling benchmark library: its instances, its penalty function,
//! its solution layout, and an optimizer for it.

pub mod eval;
pub mod instance;
mod sheet;
pub mod solution;
pub mod solve;
mod xlsx;

pub use eval::{Breakdown, Objective, Timetable, evaluate, violations};
pub use instance::Instance;
