//! Time zones as pages show them.

use jiff::Zoned;

/// An instant with its offset, as machines read it ("2026-03-25T10:30:00+01:00").
pub fn rfc3339(z: &Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}
