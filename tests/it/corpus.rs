//! The shared corpus of real AWS files (`../shared/corpus`, or `CDSIM_CORPUS`): every file
//! imports into a validated scenario, or is rejected with located messages
//! (`path:line:column: …`), and none panics. Skipped, with a message, when the corpus is
//! absent (it is not part of this repository; its files are test inputs only).
//!
//! Expected rejections: every `INVALID-*` file; the two templates that cannot be parsed
//! until rendered (reported as unrendered placeholders); the skeletons whose every value is
//! empty; and the Step Functions template, whose DeploymentPreference is not CodeDeploy.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use cdsim::input::{self, Options, Source};

/// Files that are not named INVALID- but must be rejected, and a word the message must have.
const REJECTED: &[(&str, &str)] = &[
    (
        "evision-template-networkconfig-commented-hooks.yaml.tpl",
        "unrendered template placeholder",
    ),
    (
        "toluna-terraform-template-conditional-hooks.json.tpl",
        "unrendered template placeholder",
    ),
    ("assistant-ecs-template-advanced-empty-values.json", "is empty"),
    ("assistant-lambda-template-advanced-empty-values.json", "is empty"),
    ("assistant-lambda-template-commented-hooks.yml", "is empty"),
    (
        "sam-stepfunctions-statemachine-canary-NOT-CODEDEPLOY.yaml",
        "not CodeDeploy",
    ),
];

fn corpus() -> PathBuf {
    match std::env::var_os("CDSIM_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.parent() != Some(corpus().as_path()) || p.extension().is_none_or(|x| x != "md") {
            out.push(p);
        }
    }
}

/// Whether every line is `path:line:column: message`.
fn located(path: &str, message: &str) -> bool {
    !message.is_empty()
        && message.lines().all(|l| {
            l.strip_prefix(path)
                .and_then(|r| r.strip_prefix(':'))
                .and_then(|r| r.split_once(':'))
                .and_then(|(line, r)| r.split_once(": ").map(|(col, m)| (line, col, m)))
                .is_some_and(|(line, col, m)| {
                    line.parse::<u64>().is_ok_and(|n| n > 0) && col.parse::<u64>().is_ok_and(|n| n > 0) && !m.is_empty()
                })
        })
}

#[test]
fn every_corpus_file_imports_or_is_rejected_with_a_located_message() {
    let root = corpus();
    if !root.is_dir() {
        eprintln!(
            "corpus check skipped: no corpus at {} (set CDSIM_CORPUS)",
            root.display()
        );
        return;
    }
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    let (mut imported, mut invalid, mut other_rejected) = (0, 0, 0);
    let mut failures = Vec::new();
    for p in &paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let shown = p.strip_prefix(&root).unwrap_or(p).display().to_string();
        let text = String::from_utf8_lossy(&std::fs::read(p).expect("readable")).into_owned();
        let result = catch_unwind(AssertUnwindSafe(|| {
            input::import(
                &[Source {
                    path: &shown,
                    text: &text,
                }],
                "corpus",
                &Options::default(),
            )
        }));
        let expected_rejection = REJECTED.iter().find(|(n, _)| *n == name).map(|(_, w)| *w);
        match (result, name.starts_with("INVALID-"), expected_rejection) {
            (Err(_), ..) => failures.push(format!("{shown}: panicked")),
            (Ok(Ok(_)), false, None) => imported += 1,
            (Ok(Ok(i)), ..) => failures.push(format!("{shown}: should be rejected, but imported:\n{}", i.yaml)),
            (Ok(Err(e)), invalid_name, word) => {
                let message = e.to_string();
                if !located(&shown, &message) {
                    failures.push(format!("{shown}: a message without file:line:column:\n{message}"));
                } else if invalid_name {
                    invalid += 1;
                } else if let Some(w) = word.filter(|w| message.contains(w)) {
                    let _ = w;
                    other_rejected += 1;
                } else {
                    failures.push(format!("{shown}: should import, but:\n{message}"));
                }
            }
        }
    }
    eprintln!(
        "corpus check: {} files: {imported} imported, {invalid} INVALID rejected, {other_rejected} templates, skeletons and non-CodeDeploy files rejected",
        paths.len()
    );
    assert!(failures.is_empty(), "corpus failures:\n{}", failures.join("\n"));
    assert!(!paths.is_empty(), "the corpus at {} is empty", root.display());
}
