//! Writing a report's JSON as it is produced: rendered in chunks (`report::json::render`,
//! the bytes `report::json::to_string` gives) and each chunk written to stdout or a file
//! as soon as it is full, so no whole-report string is ever held.
//!
//! Not here: the JSON itself (`report::json`), which targets are built when
//! (`report::targets`).

use std::io::{self, Write};

use crate::report::{Report, json};

/// The report's JSON and a final newline into `w`.
pub fn write_json(report: &Report, mut w: impl Write) -> io::Result<()> {
    let mut chunk = Vec::with_capacity(2 * json::CHUNK);
    json::render(report, &mut chunk, |b| {
        let written = w.write_all(b);
        b.clear();
        written
    })?;
    w.flush()
}
