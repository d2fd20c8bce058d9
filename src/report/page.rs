//! The pieces every self-contained HTML page of cdsim shares (`report.html`,
//! `compare.html`, `recommend.html`): the head and style, tables, charts embedded as PNG
//! data (no network), and the inline chart check. Once the page has loaded, the check
//! makes sure each chart has a non-zero box and non-blank pixels and that the page does
//! not scroll sideways, and writes its verdict into the `data-verdict` attribute of the
//! hidden `#chart-check` (`OK n charts` or `FAIL …`) for automated checks; readers never
//! see it.
//!
//! Not here: what a page says (`html`, `compare::html`) or the charts' drawing (`chart`).

use std::fmt::Write;

use base64::Engine;

/// An embedded chart: its title and PNG bytes.
pub struct Figure<'a> {
    /// The chart's title, the image's alt text (the picture shows it too).
    pub title: &'a str,
    /// The chart as PNG bytes, embedded in the page as a base64 data URI.
    pub png: &'a [u8],
}

const STYLE: &str = "body{font-family:DejaVu Sans,Verdana,sans-serif;margin:1.5em 2em;\
color:#222}pre{background:#f5f5f5;padding:1em;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.9em}\
table{border-collapse:collapse;max-width:100%}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;overflow-wrap:break-word}table.fit td{overflow-wrap:anywhere}\
span.w{white-space:nowrap}\
.charts{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0;flex:1 1 560px;max-width:800px;min-width:0}\
img.chart{display:block;max-width:100%;height:auto;border:1px solid #ddd}";

const CHECK: &str = r#"window.addEventListener('load', function () {
  var problems = [], charts = document.querySelectorAll('img.chart');
  charts.forEach(function (img) {
    var box = img.getBoundingClientRect();
    if (!img.complete || img.naturalWidth === 0 || box.width === 0 || box.height === 0) {
      problems.push(img.alt + ': not visible'); return;
    }
    var c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    var g = c.getContext('2d'); g.drawImage(img, 0, 0);
    var d = g.getImageData(0, 0, c.width, c.height).data, ink = 0;
    for (var i = 0; i < d.length; i += 4) { if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) ink++; }
    if (ink < c.width * c.height / 100) problems.push(img.alt + ': blank');
  });
  if (charts.length === 0) problems.push('no charts');
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push('the page scrolls sideways');
  document.getElementById('chart-check').dataset.verdict =
    problems.length ? 'FAIL ' + problems.join('; ') : 'OK ' + charts.length + ' charts';
});"#;

/// The page up to and including its `<h1>` title.
pub fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    )
}

/// Preformatted text.
pub fn pre(out: &mut String, text: &str) {
    let _ = writeln!(out, "<pre>{}</pre>", escape(text));
}

/// A table with a header row; words stay whole: a short name with hyphens (`d-SIMULATED1`,
/// `i-0003–i-0005`) never breaks at them, a long dotted name
/// (`CodeDeployDefault.ECSCanary10Percent5Minutes`) may wrap after a dot, and any other
/// long word wraps only where it would overflow its cell.
pub fn table<S: AsRef<str>>(out: &mut String, header: &[S], rows: &[Vec<String>]) {
    table_of(out, header, rows, None, "");
}

/// A wide table made to fit the window: its cells may break anywhere (compare's and
/// recommend's many columns); row `highlighted` (0-based, if any) in bold on a green
/// ground: the answer among the rows, such as recommend's winner.
pub fn fitted_table<S: AsRef<str>>(out: &mut String, header: &[S], rows: &[Vec<String>], highlighted: Option<usize>) {
    table_of(out, header, rows, highlighted, " class=\"fit\"");
}

fn table_of<S: AsRef<str>>(
    out: &mut String,
    header: &[S],
    rows: &[Vec<String>],
    highlighted: Option<usize>,
    class: &str,
) {
    let text = |c: &str| if class.is_empty() { whole_words(c) } else { escape(c) };
    let cells = |tag: &str, row: &mut dyn Iterator<Item = &str>| -> String {
        row.map(|c| format!("<{tag}>{}</{tag}>", text(c))).collect()
    };
    let _ = writeln!(
        out,
        "<table{class}>\n<tr>{}</tr>",
        cells("th", &mut header.iter().map(AsRef::as_ref))
    );
    for (i, row) in rows.iter().enumerate() {
        let style = if highlighted == Some(i) {
            " style=\"font-weight:bold;background:#e3f2e1\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<tr{style}>{}</tr>",
            cells("td", &mut row.iter().map(String::as_str))
        );
    }
    let _ = writeln!(out, "</table>");
}

/// Each chart as an embedded PNG (its title is in the picture and its alt text), side by
/// side as the window's width allows.
pub fn figures(out: &mut String, figures: &[Figure]) {
    let engine = base64::engine::general_purpose::STANDARD;
    out.push_str("<div class=\"charts\">\n");
    for f in figures {
        let _ = writeln!(
            out,
            "<figure><img class=\"chart\" alt=\"{}\" width=\"{}\" height=\"{}\" src=\"data:image/png;base64,{}\"></figure>",
            escape(f.title),
            crate::chart::WIDTH,
            crate::chart::HEIGHT,
            engine.encode(f.png),
        );
    }
    out.push_str("</div>\n");
}

/// The chart check and the end of the page.
pub fn tail(out: &mut String) {
    let _ = write!(
        out,
        "<div id=\"chart-check\" data-verdict=\"pending\" hidden></div>\n<script>\n{CHECK}\n</script>\n</body>\n</html>\n"
    );
}

/// A word longer than this may wrap after its dots; a shorter one with a hyphen is kept whole.
const SHORT_WORD: usize = 24;

/// `text` escaped, each short word with a hyphen kept on one line and each long dotted
/// word given a place to wrap after its dots (see [`table`]).
fn whole_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (k, word) in text.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        let n = word.chars().count();
        if n <= SHORT_WORD && word.contains('-') {
            let _ = write!(out, "<span class=\"w\">{}</span>", escape(word));
        } else if n > SHORT_WORD && word.trim_end_matches('.').contains('.') {
            let (body, end) = word.split_at(word.trim_end_matches('.').len());
            out.push_str(&escape(body).replace('.', ".<wbr>"));
            out.push_str(end);
        } else {
            out.push_str(&escape(word));
        }
    }
    out
}

/// Text made safe for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_words_stay_whole_and_long_dotted_names_wrap_after_a_dot() {
        assert_eq!(
            super::whole_words("d-SIMULATED1 <rollback>"),
            "<span class=\"w\">d-SIMULATED1</span> &lt;rollback&gt;"
        );
        assert_eq!(
            super::whole_words("CodeDeployDefault.ECSCanary10Percent5Minutes."),
            "CodeDeployDefault.<wbr>ECSCanary10Percent5Minutes."
        );
        assert_eq!(super::whole_words("Custom.Half 1800.045"), "Custom.Half 1800.045");
        assert_eq!(
            super::whole_words("a-very-long-name-of-an-alarm-with-hyphens"),
            "a-very-long-name-of-an-alarm-with-hyphens"
        );
    }
}
