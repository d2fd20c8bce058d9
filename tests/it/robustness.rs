//! No input makes a parser panic: mutated versions of the fixtures (AWS files in
//! `tests/fixtures/aws/` and the example scenarios) — truncations, byte flips, inserted
//! structure characters, duplicated and deleted lines, deep nesting — are fed to every
//! reader (YAML, JSON, format detection, the whole import, the scenario loader, and the
//! readers of recorded CloudWatch data in `tests/fixtures/cloudwatch/`, with a replay of what
//! they read). Each must return a value or an error.
//!
//! The default case count keeps the suite fast. The long run:
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release --test it robustness -- --nocapture
//! ```

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use cdsim::alarm::AlarmState;
use cdsim::alarm::replay;
use cdsim::input::{self, Options, Source, cloudwatch, document};
use cdsim::scenario;

fn fixtures() -> &'static [(String, String)] {
    static ALL: OnceLock<Vec<(String, String)>> = OnceLock::new();
    ALL.get_or_init(read_fixtures)
}

fn read_fixtures() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "tests/fixtures/aws",
        "tests/fixtures/aws/invalid",
        "tests/fixtures/cloudwatch",
        "scenarios",
    ] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("a fixture directory")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_none_or(|x| x != "md"))
            .collect();
        names.sort();
        for p in names {
            let text = std::fs::read_to_string(&p).expect("a UTF-8 fixture");
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), text));
        }
    }
    out
}

#[derive(Clone, Debug)]
enum Mutation {
    Truncate(usize),
    FlipByte(usize, u8),
    Insert(usize, &'static str),
    DeleteLine(usize),
    DuplicateLine(usize),
    Nest(usize, bool),
}

/// Structure-breaking insertions: the fuzzer's (`examples/fuzz/engine.rs`).
use crate::fuzz_engine::TOKENS as INSERTS;

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        (any::<usize>(), proptest::sample::select(INSERTS)).prop_map(|(i, s)| Mutation::Insert(i, s)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (1usize..5000, any::<bool>()).prop_map(|(n, json)| Mutation::Nest(n, json)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let len = bytes.len().max(1);
    match m {
        Mutation::Truncate(i) => bytes.truncate(i % len),
        Mutation::FlipByte(i, b) => {
            if !bytes.is_empty() {
                bytes[i % len] = *b;
            }
        }
        Mutation::Insert(i, s) => {
            let at = i % (bytes.len() + 1);
            bytes.splice(at..at, s.bytes());
        }
        Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let k = i % lines.len();
                if matches!(m, Mutation::DeleteLine(_)) {
                    lines.remove(k);
                } else {
                    lines.insert(k, lines[k]);
                }
            }
            return lines.join("\n");
        }
        Mutation::Nest(n, json) => {
            let (open, close) = if *json { ("[", "]") } else { ("- ", "") };
            return format!("{}{text}{}", open.repeat(*n), close.repeat(*n));
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn every_parser(name: &str, text: &str) {
    let _ = document::read_yaml(text);
    let _ = document::read_json(text);
    let _ = input::detect(name, text);
    let _ = input::import(&[Source { path: name, text }], "mutant", &Options::default());
    let two = [
        Source { path: name, text },
        Source {
            path: "appspec.yml",
            text: "version: 0.0\nos: linux\n",
        },
    ];
    let _ = input::import(&two, "mutant", &Options::default());
    let _ = scenario::load_str(text, name);
    recorded_cloudwatch(name, text);
}

/// The readers of recorded CloudWatch data, and a replay and dry-run placement of what
/// they read.
fn recorded_cloudwatch(name: &str, text: &str) {
    let source = Source { path: name, text };
    let alarms = cloudwatch::read_alarms(source).unwrap_or_default();
    let series = cloudwatch::read_metrics(source).unwrap_or_default();
    let checkout = "tests/fixtures/cloudwatch/checkout-alarms.json";
    let fixed = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(checkout)).expect("fixture");
    let fixed = cloudwatch::read_alarms(Source {
        path: checkout,
        text: &fixed,
    })
    .expect("fixture alarms");
    for a in alarms.iter().chain(&fixed) {
        if let Some(s) = cloudwatch::series_for(a, &series) {
            let (first, last) = (
                s.points.first().map_or(0, |d| d.time),
                s.points.last().map_or(0, |d| d.time),
            );
            let _ = replay::replay(
                a,
                &s.points,
                first,
                last.min(first + 86_400_000),
                AlarmState::InsufficientData,
            );
            let _ = cloudwatch::recorded_alarm::at_start(a, &s.points, first + (last - first) / 2);
        }
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(300);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Every case feeds one fixture, mutated one to three times, to every reader. Prints the
/// number of cases run (see it with `-- --nocapture`).
#[test]
fn mutated_fixtures_never_panic() {
    let cases = AtomicU64::new(0);
    let mut runner = TestRunner::new(config());
    let strategy = (any::<usize>(), proptest::collection::vec(mutation(), 1..4));
    let result = runner.run(&strategy, |(index, mutations)| {
        let all = fixtures();
        let (name, text) = &all[index % all.len()];
        let mut text = text.to_string();
        for m in &mutations {
            text = apply(&text, m);
        }
        every_parser(name, &text);
        cases.fetch_add(1, Ordering::Relaxed);
        Ok(())
    });
    if let Err(e) = result {
        panic!("a reader panicked or failed: {e}");
    }
    eprintln!(
        "robustness: {} mutated inputs, no reader panicked",
        cases.load(Ordering::Relaxed)
    );
}

#[test]
fn deep_nesting_is_an_error_in_every_reader() {
    for text in [
        "[".repeat(100_000),
        "{\"a\":".repeat(100_000),
        "- ".repeat(100_000),
        "a:\n".to_string() + &" b:\n".repeat(1000),
    ] {
        every_parser("deep.json", &text);
        every_parser("deep.yaml", &text);
    }
}
