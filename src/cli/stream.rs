//! Writing a report's JSON as it is produced: through a buffer into stdout or a file, with
//! no whole-report string, in the bytes `report::json::to_string` gives (serde_json's
//! pretty printing, two-space indent). The formatter writes each line break and its
//! indentation as one slice, not one write per level: at a million instances that is
//! billions of small writes fewer.
//!
//! Not here: the report's shape (`report`), which targets are built when (`report::targets`).

use std::io::{self, BufWriter, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use crate::report::Report;

/// The report's JSON and a final newline into `w`.
pub fn write_json(report: &Report, w: impl Write) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 16, w);
    let mut ser = serde_json::Serializer::with_formatter(&mut w, Indented::default());
    report.serialize(&mut ser)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// A line break and the indentation of up to 63 levels.
const BREAKS: &[u8; 127] = &{
    let mut b = [b' '; 127];
    b[0] = b'\n';
    b
};

/// serde_json's `PrettyFormatter` with a two-space indent, each line break written at once.
#[derive(Default)]
struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    fn line<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        match BREAKS.get(..1 + 2 * self.depth) {
            Some(b) => w.write_all(b),
            None => {
                w.write_all(BREAKS)?;
                (63..self.depth).try_for_each(|_| w.write_all(b"  "))
            }
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.line(w)
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    /// Deep nesting (beyond the 63 levels written at once) and empty containers come out
    /// as serde_json's pretty printer writes them.
    #[test]
    fn indented_is_serde_jsons_pretty_printing() {
        let mut deep = serde_json::json!({"a": [], "b": {}, "c": [1, {"d": null}]});
        for i in 0..70 {
            deep = serde_json::json!({ "level": i, "inner": [deep, "x\"y"] });
        }
        let mut ours = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut ours, super::Indented::default());
        serde::Serialize::serialize(&deep, &mut ser).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string_pretty(&deep).unwrap()
        );
    }
}
