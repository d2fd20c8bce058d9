//! Tidy checks on the source tree (design notes §2, §3; rust-analyzer runs such checks as
//! ordinary tests):
//! - dependencies point down only: every `crate::` path in `src/` names a module of the same
//!   layer or a lower one, by the layer table of ARCHITECTURE.md (read from the document, so
//!   the document and the check cannot drift apart), and no two modules, nor two sibling
//!   files, import each other;
//! - everything below the edge does no I/O, reads no clock, touches no environment, spawns no
//!   thread, uses no unseeded RNG and no hash containers (whose iteration order could leak
//!   into results); only the edge row of the table — and the one file read in
//!   `scenario::validate::load_file` — may;
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
    // Ctrl-C while result files are written.
    ("ctrlc", &["src/cli/interrupt.rs"]),
    // The property-testing kit (feature `testkit`).
    ("proptest", &["src/testkit/"]),
    // Report files: charts (drawing, the bundled font, PNG encoding), the CSV series and
    // the HTML page's embedded images.
    ("plotters", &["src/chart/"]),
    ("dejavu", &["src/chart/"]),
    ("image", &["src/chart/"]),
    ("csv", &["src/report/timeseries.rs"]),
    ("base64", &["src/report/page.rs"]),
    // Integers in the report's JSON, written without a formatter.
    ("itoa", &["src/report/json.rs"]),
    // Timestamps of recorded CloudWatch data (ISO 8601).
    ("jiff", &["src/calendar.rs"]),
    // `cdsim serve`: asynchronous I/O and HTTP, in its HTTP edge only.
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

/// Every forbidden name below the edge (`edge`: its files and directories, relative to the
/// crate root), as `path:line: name`.
fn forbidden_uses(sources: &[Source], edge: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for s in sources {
        if edge.iter().any(|e| under(&s.path, e)) {
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

// ----- layers ------------------------------------------------------------------------------

/// The layer table of ARCHITECTURE.md, the edge (top row) first: each row's name and the
/// files and directories (relative to `src/`) it holds.
struct Layers {
    rows: Vec<(String, Vec<String>)>,
}

fn layers() -> Layers {
    let path = root().join("ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Layers::parse(&text)
}

/// The text between backticks in `cell`: `` `a/`, `b.rs` `` → a/, b.rs.
fn backticked(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The top-level module a table entry names: `cli/` → cli, `main.rs` → main.
fn entry_module(entry: &str) -> &str {
    entry.trim_end_matches('/').trim_end_matches(".rs")
}

impl Layers {
    /// Reads the table under `## Layers`: rows `| name | `a/`, `b.rs` | what it may do |`.
    fn parse(markdown: &str) -> Layers {
        let section = markdown
            .split("\n## Layers")
            .nth(1)
            .expect("ARCHITECTURE.md has a `## Layers` section");
        let section = section.split("\n## ").next().unwrap_or(section);
        let rows: Vec<(String, Vec<String>)> = section
            .lines()
            .filter(|l| l.starts_with('|'))
            .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
            .filter(|cells| cells.len() >= 4 && cells[1] != "Layer" && !cells[1].starts_with("---"))
            .map(|cells| (cells[1].to_string(), backticked(cells[2])))
            .collect();
        assert!(rows.len() >= 3, "the layer table has too few rows: {rows:?}");
        assert_eq!(rows[0].0, "edge", "the layer table's top row is the edge");
        Layers { rows }
    }

    /// The row of a top-level module (`report`, `main`), 0 being the top.
    fn rank(&self, module: &str) -> Option<usize> {
        self.rows
            .iter()
            .position(|(_, entries)| entries.iter().any(|e| entry_module(e) == module))
    }

    /// The edge's files and directories, from the crate root.
    fn edge(&self) -> Vec<String> {
        self.rows[0].1.iter().map(|e| format!("src/{e}")).collect()
    }
}

/// A source file's module path: `src/input/sam.rs` → input, sam; `src/input/mod.rs` →
/// input; `src/main.rs` → main; `src/lib.rs` → (nothing: the crate root).
fn module_path(path: &str) -> Vec<String> {
    let rel = path.strip_prefix("src/").unwrap_or(path).trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Every module path a file names, with its line: `crate::a::b` (and `crate::{a, b::c}`),
/// `cdsim::a` (the binary), `super::x` and `self::x`, resolved from the file's own module.
fn named_paths(s: &Source) -> Vec<(usize, Vec<String>)> {
    let own = module_path(&s.path);
    let text = s.code.join("\n");
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for prefix in ["crate::", "cdsim::", "super::", "self::"] {
        let mut from = 0;
        while let Some(p) = text[from..].find(prefix) {
            let start = from + p;
            from = start + prefix.len();
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| is_ident(c) || c == ':' || c == '$') {
                continue;
            }
            let line = text[..start].matches('\n').count();
            // The base a relative path starts from.
            let mut base: Vec<String> = match prefix {
                "super::" => {
                    let mut b = if s.path.ends_with("/mod.rs") || s.path == "src/lib.rs" {
                        own.clone()
                    } else {
                        own[..own.len().saturating_sub(1)].to_vec()
                    };
                    // `super::super::x`
                    let mut rest = &text[from..];
                    while let Some(r) = rest.strip_prefix("super::") {
                        b.pop();
                        rest = r;
                    }
                    b
                }
                "self::" if s.path.ends_with("/mod.rs") => own.clone(),
                "self::" => own.clone(),
                _ => Vec::new(),
            };
            let mut rest = &text[from..];
            while let Some(r) = rest.strip_prefix("super::") {
                rest = r;
            }
            if rest.starts_with('{') {
                let open = text.len() - rest.len();
                let Some(close) = matching_brace(&text, open) else {
                    continue;
                };
                for path in expand("x", &text[open + 1..close]) {
                    let mut full = base.clone();
                    full.extend(path.split("::").skip(1).map(str::to_string));
                    out.push((line, full));
                }
                continue;
            }
            let path: String = rest.chars().take_while(|&c| is_ident(c) || c == ':').collect();
            base.extend(path.split("::").filter(|x| !x.is_empty()).map(str::to_string));
            out.push((line, base));
        }
    }
    out
}

/// Every `crate::` path that names a module of a higher layer than its file's, as
/// `path:line: module (layer) uses module (layer)`; and every module of `src/` missing
/// from the table.
fn upward_imports(sources: &[Source], layers: &Layers) -> Vec<String> {
    let mut found = Vec::new();
    for s in sources {
        let own = module_path(&s.path);
        let Some(top) = own.first() else { continue };
        let Some(rank) = layers.rank(top) else {
            found.push(format!("{}: module {top} is in no row of the layer table", s.path));
            continue;
        };
        for (line, path) in named_paths(s) {
            let Some(target) = path.first() else { continue };
            let Some(target_rank) = layers.rank(target) else {
                continue;
            };
            if target_rank < rank {
                found.push(format!(
                    "{}:{}: {top} ({}) uses {target} ({})",
                    s.path,
                    line + 1,
                    layers.rows[rank].0,
                    layers.rows[target_rank].0
                ));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Modules that import each other: for every use of one module by another, the two
/// children of their nearest common parent (two files of one folder, two top-level
/// modules) are recorded; a pair recorded both ways is a loop. A parent and its own child
/// may use each other (`mod.rs` re-exports, a child uses its parent's types).
fn import_loops(sources: &[Source]) -> Vec<String> {
    let modules: std::collections::BTreeSet<Vec<String>> = sources.iter().map(|s| module_path(&s.path)).collect();
    let mut uses: std::collections::BTreeMap<(Vec<String>, Vec<String>), String> = std::collections::BTreeMap::new();
    for s in sources {
        let own = module_path(&s.path);
        for (line, path) in named_paths(s) {
            // The longest prefix of the path that is a module.
            let Some(target) = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| modules.contains(p))
            else {
                continue;
            };
            let common = own.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == own.len() || common == target.len() {
                continue;
            }
            let key = (own[..=common].to_vec(), target[..=common].to_vec());
            uses.entry(key).or_insert_with(|| format!("{}:{}", s.path, line + 1));
        }
    }
    let mut found = Vec::new();
    for ((a, b), at) in &uses {
        if a < b
            && let Some(back) = uses.get(&(b.clone(), a.clone()))
        {
            found.push(format!(
                "{} and {} import each other ({at}; {back})",
                a.join("::"),
                b.join("::")
            ));
        }
    }
    found
}

#[test]
fn dependencies_point_down_only_by_the_layer_table_of_architecture_md() {
    let layers = layers();
    let found = upward_imports(&sources(), &layers);
    assert!(
        found.is_empty(),
        "imports against the layer table of ARCHITECTURE.md (top row first: {}):\n{}",
        layers
            .rows
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        found.join("\n")
    );
}

#[test]
fn no_two_modules_import_each_other() {
    let found = import_loops(&sources());
    assert!(found.is_empty(), "import loops:\n{}", found.join("\n"));
}

#[test]
fn nothing_below_the_edge_does_io_reads_a_clock_or_uses_hash_containers() {
    let edge = layers().edge();
    let found = forbidden_uses(&sources(), &edge);
    assert!(
        found.is_empty(),
        "forbidden names outside the edge ({}):\n{}",
        edge.join(", "),
        found.join("\n")
    );
}

#[test]
fn serve_does_io_only_in_its_http_edge() {
    let service: Vec<Source> = sources()
        .into_iter()
        .filter(|s| s.path.starts_with("src/serve/") && s.path != "src/serve/http.rs")
        .collect();
    assert!(
        service.iter().any(|s| s.path == "src/serve/service.rs"),
        "tidy did not find the service"
    );
    let found = forbidden_uses(&service, &[]);
    assert!(
        found.is_empty(),
        "forbidden names in serve outside http.rs:\n{}",
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
    let edge = ["src/cli/".to_string()];
    assert_eq!(
        forbidden_uses(&[bad], &edge),
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
    assert_eq!(forbidden_uses(&[prose], &edge), Vec::<String>::new());
    let edge_file = source("src/cli/run.rs", "use std::fs;\n");
    assert_eq!(forbidden_uses(&[edge_file], &edge), Vec::<String>::new());
    let load = source(
        "src/scenario/validate.rs",
        "pub fn load_file(path: &Path) {\n    let t = std::fs::read_to_string(path);\n}\n\nfn other() {\n    let t = std::fs::read_to_string(p);\n}\n",
    );
    assert_eq!(
        forbidden_uses(&[load], &edge),
        vec!["src/scenario/validate.rs:6: std::fs"]
    );
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

#[test]
fn the_layer_check_finds_upward_imports_and_loops() {
    let table = "# A\n\n## Layers\n\n| Layer | Modules | What |\n|---|---|---|\n| edge | `cli/`, `main.rs` | all |\n| runs | `simulation.rs` | pure |\n| domain | `config/`, `time.rs` | pure |\n\n## Next\n\n| x | `report/` | y |\n";
    let layers = Layers::parse(table);
    assert_eq!(layers.edge(), vec!["src/cli/", "src/main.rs"]);
    assert_eq!(layers.rank("config"), Some(2));
    assert_eq!(layers.rank("report"), None);
    let up = source(
        "src/config/mod.rs",
        "use crate::time::SimTime;\nuse crate::{time, simulation::run};\n// crate::cli::main\nfn f() { crate::cli::main(); }\n",
    );
    let down = source("src/simulation.rs", "use crate::config::Config;\nuse super::time;\n");
    let unknown = source("src/report/mod.rs", "use crate::time;\n");
    assert_eq!(
        upward_imports(&[up, down, unknown], &layers),
        vec![
            "src/config/mod.rs:2: config (domain) uses simulation (runs)",
            "src/config/mod.rs:4: config (domain) uses cli (edge)",
            "src/report/mod.rs: module report is in no row of the layer table",
        ]
    );
    let sam = source("src/input/sam.rs", "use super::cloudformation::resources;\n");
    let cfn = source(
        "src/input/cloudformation.rs",
        "use super::sam;\nuse super::document::Node;\n",
    );
    let doc = source("src/input/document.rs", "");
    let parent = source("src/input/mod.rs", "pub use document::Node;\nuse self::sam::read;\n");
    let child = source("src/input/appspec.rs", "use super::Options;\n");
    let a = source("src/report/mod.rs", "use crate::chart::Chart;\n");
    let b = source("src/chart/line.rs", "use crate::report::Report;\n");
    let c = source("src/chart/mod.rs", "");
    assert_eq!(
        import_loops(&[sam, cfn, doc, parent, child, a, b, c]),
        vec![
            "chart and report import each other (src/chart/line.rs:1; src/report/mod.rs:1)",
            "input::cloudformation and input::sam import each other (src/input/cloudformation.rs:1; src/input/sam.rs:1)",
        ]
    );
}
