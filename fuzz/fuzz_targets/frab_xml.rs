//! Any bytes given to the frab_xml reader end in a schedule or a located error, never a panic.
#![no_main]

use hallway_formats::{Format, ImportOptions, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let opts = ImportOptions {
        time_zone: Some("Europe/Berlin".into()),
        edition: Some(hallway_domain::Slug::parse("fuzz").unwrap()),
        ..ImportOptions::default()
    };
    if let Err(e) = read(Format::FrabXml, bytes, &opts) {
        assert!(!e.message.is_empty());
    }
    // Detection reads the same bytes on every import.
    let _ = Format::detect(bytes);
});
