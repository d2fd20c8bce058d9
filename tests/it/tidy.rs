//! Tidy checks on the source tree (design notes §2, §3; rust-analyzer runs such checks as
//! ordinary tests):
//! - the core and the domain do no I/O, read no clock, touch no environment, spawn no thread,
//!   use no unseeded RNG and no hash containers (whose iteration order could leak into
//!   results); only the edge — `src/cli/`, `src/main.rs`, `src/simulation.rs`,
//!   `src/serve/http.rs`, and the one file read in `scenario::validate::load_file` — may;
//! - each external crate is named only in its home module.
//!
//! Comments and the contents of string literals are blanked before matching, so prose may
//! name what code may not use.

use std::path::{Path, PathBuf};

/// Names the core and the domain must not use.
const FORBIDDEN: &[&str] = &[
    "std::fs",
    "std::io",
    "std::time",
    "SystemTime",
    "Instant::now",
    "thread_rng",
    "rand::rng(",
    "HashMap",
    "HashSet",
    "std::env",
    "println!",
    "eprintln!",
    "tokio",
    "std::thread",
];

/// Files and directories (relative to the crate root) that form the edge.
/// In `serve`, only the HTTP edge (`http.rs`) does I/O or reads the clock; the service
/// beside it is held to the core's rules.
const EDGE: &[&str] = &["src/cli/", "src/main.rs", "src/simulation.rs", "src/serve/http.rs"];

/// External crates and the only places that may name them.
const HOMES: &[(&str, &[&str])] = &[
    ("rand", &["src/rng.rs"]),
    ("rand_distr", &["src/rng.rs"]),
    // The scenario mirror, and the located value tree the AWS formats are read into.
    ("serde_saphyr", &["src/scenario/raw.rs", "src/input/document.rs"]),
    ("clap", &["src/cli/"]),
    ("schemars", &["src/scenario/raw.rs", "src/cli/schema.rs"]),
    // Declared homes beyond the design notes' list: stats.rs and cli/mod.rs say so.
    ("statrs", &["src/stats.rs"]),
    ("tracing_subscriber", &["src/cli/"]),
    // Many runs on many threads, with a progress bar.
    ("rayon", &["src/cli/sweep.rs"]),
    ("indicatif", &["src/cli/sweep.rs"]),
    // The property-testing kit (feature `testkit`).
    ("proptest", &["src/testkit/"]),
    // Report files: charts (drawing, the bundled font, PNG encoding), the CSV series and
    // the HTML page's embedded images.
    ("plotters", &["src/chart/"]),
    ("dejavu", &["src/chart/"]),
    ("image", &["src/chart/"]),
    ("csv", &["src/report/timeseries.rs"]),
    ("base64", &["src/report/page.rs"]),
    // `cdsim serve`: asynchronous I/O, HTTP, and request bodies, at the edge only.
    ("tokio", &["src/serve/http.rs"]),
    ("hyper", &["src/serve/http.rs"]),
    ("hyper_util", &["src/serve/http.rs"]),
    ("http_body_util", &["src/serve/http.rs"]),
];

/// The one narrow exception: `load_file`, in the scenario validator (`validate.rs` or
/// `validate/mod.rs`), reads the scenario file with exactly this call.
const LOAD_FILE: (&[&str], &str, &str) = (
    &["src/scenario/validate.rs", "src/scenario/validate/mod.rs"],
    "pub fn load_file",
    "std::fs::read_to_string(",
);

struct Source {
    /// Relative to the crate root, with `/` separators.
    path: String,
    /// The file's lines with comments and string contents blanked.
    code: Vec<String>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    let sources: Vec<Source> = files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(root()).expect("under the crate root");
            let path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            Source {
                path,
                code: strip(&text).lines().map(str::to_string).collect(),
            }
        })
        .collect();
    // The scan must see the core, or it proves nothing.
    for must in [
        "src/engine/queue.rs",
        "src/platform/server/mod.rs",
        "src/rng.rs",
        "src/scenario/raw.rs",
    ] {
        assert!(sources.iter().any(|s| s.path == must), "tidy did not find {must}");
    }
    sources
}

fn under(path: &str, place: &str) -> bool {
    if place.ends_with('/') {
        path.starts_with(place)
    } else {
        path == place
    }
}

/// Blanks comments and the contents of string and character literals with spaces, keeping
/// line breaks, so that line numbers are unchanged.
fn strip(text: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        LineComment,
        BlockComment(u32),
        Str,
        RawStr(usize),
    }
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    let is_ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut state = State::Code;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        match state {
            State::Code => {
                if ch == '/' && next == Some('/') {
                    state = State::LineComment;
                    out.push_str("  ");
                    i += 2;
                    continue;
                }
                if ch == '/' && next == Some('*') {
                    state = State::BlockComment(1);
                    out.push_str("  ");
                    i += 2;
                    continue;
                }
                // Raw strings: r"…", r#"…"#, br"…".
                let starts_word = i == 0 || !is_ident(c[i - 1]) || (c[i - 1] == 'b' && (i < 2 || !is_ident(c[i - 2])));
                if ch == 'r' && starts_word {
                    let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
                    if c.get(i + 1 + hashes) == Some(&'"') {
                        state = State::RawStr(hashes);
                        out.push('r');
                        out.extend(std::iter::repeat_n('#', hashes));
                        out.push('"');
                        i += 2 + hashes;
                        continue;
                    }
                }
                if ch == '"' {
                    state = State::Str;
                    out.push('"');
                    i += 1;
                    continue;
                }
                if ch == '\'' {
                    // A character literal ('x', '\n', '\u{1F600}'), or a lifetime.
                    if next == Some('\\') {
                        let end = c[i + 2..]
                            .iter()
                            .position(|&x| x == '\'')
                            .map_or(c.len(), |p| i + 2 + p);
                        out.push_str(&" ".repeat(end + 1 - i));
                        i = end + 1;
                        continue;
                    }
                    if c.get(i + 2) == Some(&'\'') {
                        out.push_str("   ");
                        i += 3;
                        continue;
                    }
                }
                out.push(ch);
                i += 1;
            }
            State::LineComment => {
                if ch == '\n' {
                    state = State::Code;
                }
                out.push(blank(ch));
                i += 1;
            }
            State::BlockComment(depth) => {
                if ch == '/' && next == Some('*') {
                    state = State::BlockComment(depth + 1);
                    out.push_str("  ");
                    i += 2;
                } else if ch == '*' && next == Some('/') {
                    state = if depth == 1 {
                        State::Code
                    } else {
                        State::BlockComment(depth - 1)
                    };
                    out.push_str("  ");
                    i += 2;
                } else {
                    out.push(blank(ch));
                    i += 1;
                }
            }
            State::Str => {
                if ch == '\\' {
                    out.push(' ');
                    if let Some(n) = next {
                        out.push(blank(n));
                    }
                    i += 2;
                } else if ch == '"' {
                    state = State::Code;
                    out.push('"');
                    i += 1;
                } else {
                    out.push(blank(ch));
                    i += 1;
                }
            }
            State::RawStr(hashes) => {
                if ch == '"' && c[i + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes {
                    state = State::Code;
                    out.push('"');
                    out.extend(std::iter::repeat_n('#', hashes));
                    i += 1 + hashes;
                } else {
                    out.push(blank(ch));
                    i += 1;
                }
            }
        }
    }
    out
}

/// `use std::{fs, io::Write}` names std::fs and std::io without writing them: expands
/// every `std::{…}` group into full paths, with the line of the group.
fn std_groups(code: &[String]) -> Vec<(usize, String)> {
    let text = code.join("\n");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find("std::{") {
        let start = from + p;
        let line = text[..start].matches('\n').count();
        let open = start + "std::".len();
        let Some(close) = matching_brace(&text, open) else {
            break;
        };
        for path in expand("std", &text[open + 1..close]) {
            out.push((line, path));
        }
        from = close;
    }
    out
}

fn matching_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, ch) in text[open..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `prefix::{a, b::{c, d}}` → prefix::a, prefix::b::c, prefix::b::d.
fn expand(prefix: &str, group: &str) -> Vec<String> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in group.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    let mut out = Vec::new();
    for item in items.into_iter().map(|s| s.split_whitespace().collect::<String>()) {
        if item.is_empty() {
            continue;
        }
        match item.find("::{") {
            Some(k) => {
                let inner = &item[k + 3..item.len() - 1];
                out.extend(expand(&format!("{prefix}::{}", &item[..k]), inner));
            }
            None => out.push(format!("{prefix}::{item}")),
        }
    }
    out
}

/// Every forbidden name in the core and the domain, as `path:line: name`.
fn forbidden_uses(sources: &[Source]) -> Vec<String> {
    let mut found = Vec::new();
    for s in sources {
        if EDGE.iter().any(|e| under(&s.path, e)) {
            continue;
        }
        let load_file = LOAD_FILE
            .0
            .contains(&s.path.as_str())
            .then(|| function_span(&s.code, LOAD_FILE.1))
            .flatten();
        let allowed = |line: usize, name: &str| {
            name == "std::fs"
                && load_file.is_some_and(|(a, b)| a <= line && line <= b)
                && s.code[line].contains(LOAD_FILE.2)
                && s.code[line].matches("std::fs").count() == 1
        };
        let mut hits: Vec<(usize, String)> = Vec::new();
        for (i, line) in s.code.iter().enumerate() {
            for name in FORBIDDEN {
                if line.contains(name) {
                    hits.push((i, (*name).to_string()));
                }
            }
        }
        for (i, path) in std_groups(&s.code) {
            for name in FORBIDDEN.iter().filter(|n| n.starts_with("std::")) {
                if path == *name || path.starts_with(&format!("{name}::")) {
                    hits.push((i, format!("{name} (as {path})")));
                }
            }
        }
        for (i, name) in hits {
            if !allowed(i, &name) {
                found.push(format!("{}:{}: {name}", s.path, i + 1));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Lines (0-based, inclusive) of the top-level function whose signature contains `sig`:
/// from that line to the next line that is a lone `}`.
fn function_span(code: &[String], sig: &str) -> Option<(usize, usize)> {
    let start = code.iter().position(|l| l.contains(sig))?;
    let end = code[start..].iter().position(|l| l.trim_end() == "}")? + start;
    Some((start, end))
}

fn identifiers(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// Every mention of an external crate outside its home, as `path:line: crate`.
fn crates_outside_their_homes(sources: &[Source]) -> Vec<String> {
    let mut found = Vec::new();
    for s in sources {
        for (i, line) in s.code.iter().enumerate() {
            for (krate, homes) in HOMES {
                if identifiers(line).any(|w| w == *krate) && !homes.iter().any(|h| under(&s.path, h)) {
                    found.push(format!("{}:{}: {krate} (home: {})", s.path, i + 1, homes.join(", ")));
                }
            }
        }
    }
    found
}

#[test]
fn the_core_and_the_domain_do_no_io_read_no_clock_and_use_no_hash_containers() {
    let found = forbidden_uses(&sources());
    assert!(
        found.is_empty(),
        "forbidden names outside the edge ({}):\n{}",
        EDGE.join(", "),
        found.join("\n")
    );
}

#[test]
fn the_load_file_exception_is_narrow() {
    let sources = sources();
    let homes: Vec<&Source> = sources
        .iter()
        .filter(|s| LOAD_FILE.0.contains(&s.path.as_str()))
        .collect();
    assert_eq!(homes.len(), 1, "one scenario validator, one of {:?}", LOAD_FILE.0);
    let s = homes[0];
    let (a, b) = function_span(&s.code, LOAD_FILE.1).expect("load_file exists");
    let reads: Vec<usize> = s
        .code
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("std::fs"))
        .map(|(i, _)| i)
        .collect();
    assert!(
        reads.iter().all(|&i| a <= i && i <= b),
        "std::fs outside load_file in {}: lines {reads:?}",
        s.path
    );
    assert!(reads.len() <= 1, "load_file should read one file once: lines {reads:?}");
}

#[test]
fn each_external_crate_is_named_only_in_its_home_module() {
    let found = crates_outside_their_homes(&sources());
    assert!(
        found.is_empty(),
        "crates named outside their homes:\n{}",
        found.join("\n")
    );
}

// ----- the checker checks ------------------------------------------------------------------

fn source(path: &str, text: &str) -> Source {
    Source {
        path: path.to_string(),
        code: strip(text).lines().map(str::to_string).collect(),
    }
}

#[test]
fn the_checker_finds_what_it_should_and_only_that() {
    let bad = source(
        "src/engine/bad.rs",
        "use std::collections::HashMap;\nuse std::{fs, io::{self, Write}};\nfn f() { println!(\"x\"); let t = std::time::Instant::now(); }\n",
    );
    assert_eq!(
        forbidden_uses(&[bad]),
        vec![
            "src/engine/bad.rs:1: HashMap",
            "src/engine/bad.rs:2: std::fs (as std::fs)",
            "src/engine/bad.rs:2: std::io (as std::io::Write)",
            "src/engine/bad.rs:2: std::io (as std::io::self)",
            "src/engine/bad.rs:3: Instant::now",
            "src/engine/bad.rs:3: println!",
            "src/engine/bad.rs:3: std::time",
        ]
    );
    let prose = source(
        "src/engine/fine.rs",
        "//! Never a HashMap, never std::fs.\n/* println! in a /* nested */ block */\nconst S: &str = \"std::env and \\\"HashSet\\\"\";\nconst R: &str = r#\"tokio \"quoted\" \"#;\nconst C: char = '\"'; fn g<'a>(x: &'a str) -> &'a str { x }\n",
    );
    assert_eq!(forbidden_uses(&[prose]), Vec::<String>::new());
    let edge = source("src/cli/run.rs", "use std::fs;\n");
    assert_eq!(forbidden_uses(&[edge]), Vec::<String>::new());
    let load = source(
        "src/scenario/validate.rs",
        "pub fn load_file(path: &Path) {\n    let t = std::fs::read_to_string(path);\n}\n\nfn other() {\n    let t = std::fs::read_to_string(p);\n}\n",
    );
    assert_eq!(forbidden_uses(&[load]), vec!["src/scenario/validate.rs:6: std::fs"]);
    let krates = source(
        "src/report/mod.rs",
        "use rand::Rng;\nuse clap::Parser; // rand\nlet brand = 1;\n",
    );
    assert_eq!(
        crates_outside_their_homes(&[krates]),
        vec![
            "src/report/mod.rs:1: rand (home: src/rng.rs)",
            "src/report/mod.rs:2: clap (home: src/cli/)",
        ]
    );
}
