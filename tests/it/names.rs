//! One rule for names and values on the command line: the same "did you mean" for
//! configuration names in flags as in files (SAM's short names included), one duration
//! grammar, `--output json|text` as the AWS CLI means it, and a plain message for a
//! negative number given to a flag.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_cdsim");

fn cdsim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .output()
        .expect("run cdsim")
}

/// Exit code 2, and standard error.
fn refused(args: &[&str]) -> String {
    let o = cdsim(args);
    let err = String::from_utf8(o.stderr).expect("UTF-8 stderr");
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    err
}

#[test]
fn sam_short_names_and_misspellings_get_did_you_mean_in_explain_and_compare() {
    let err = refused(&["explain", "HalfAtATime", "--instances", "4"]);
    assert!(err.contains("did you mean CodeDeployDefault.HalfAtATime?"), "{err}");
    let err = refused(&["explain", "CodeDeployDefault.OneAtTime"]);
    assert!(err.contains("did you mean CodeDeployDefault.OneAtATime?"), "{err}");
    let err = refused(&[
        "compare",
        "scenarios/compare-lambda.yaml",
        "--config",
        "Canary10Percent5Minutes",
        "--runs",
        "2",
    ]);
    assert!(
        err.contains("(did you mean CodeDeployDefault.LambdaCanary10Percent5Minutes?)") && !err.contains("os error"),
        "{err}"
    );
}

#[test]
fn a_negative_number_given_to_a_flag_gets_a_plain_message() {
    for args in [
        &["explain", "CodeDeployDefault.HalfAtATime", "--instances", "-3"][..],
        &["compare", "scenarios/compare-lambda.yaml", "--runs", "-5"][..],
        &[
            "recommend",
            "scenarios/compare-lambda.yaml",
            "--max-failed-requests",
            "-1",
        ][..],
    ] {
        let err = refused(args);
        assert!(err.contains("must be 0 or more, found -"), "{err}");
        assert!(!err.contains("-- -"), "{err}");
    }
}

#[test]
fn output_json_prints_json_and_writes_no_directory() {
    let o = cdsim(&[
        "compare",
        "scenarios/compare-lambda.yaml",
        "--runs",
        "3",
        "--quiet",
        "--output",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["runs"], 3);
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("json").exists());
    let o = cdsim(&["configs", "--output", "text"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("CodeDeployDefault."));
    let err = refused(&["configs", "--output", "yaml"]);
    assert!(err.contains("json") && err.contains("text"), "{err}");
}

#[test]
fn durations_in_words_are_accepted_by_flags() {
    let o = cdsim(&[
        "recommend",
        "scenarios/compare-lambda.yaml",
        "--runs",
        "5",
        "--quiet",
        "--max-duration",
        "20 minutes",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("duration ≤ 20m 00s"), "{out}");
    let err = refused(&[
        "recommend",
        "scenarios/compare-lambda.yaml",
        "--max-duration",
        "20 parsecs",
    ]);
    assert!(err.contains("--max-duration"), "{err}");
}

#[test]
fn messages_count_in_the_singular_and_use_the_right_article() {
    let o = cdsim(&["explain", "CodeDeployDefault.OneAtATime", "--instances", "1"]);
    let out = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "on 1 instance\n",
        "at most 1 instance at a time",
        "at least 1 instance succeeds",
        "(1 wave)",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    assert!(!out.contains("1 instances") && !out.contains("1 waves"), "{out}");
    let err = refused(&[
        "compare",
        "scenarios/compare-lambda.yaml",
        "--config",
        "CodeDeployDefault.ECSAllAtOnce",
        "--runs",
        "2",
    ]);
    assert!(
        err.contains("is an ECS configuration, and this is a Lambda scenario"),
        "{err}"
    );
}

#[test]
fn a_misspelt_hook_gets_did_you_mean() {
    let dir = std::env::temp_dir().join(format!("cdsim-it-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("appspec.yaml");
    let appspec = "version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties:\n        \
                   Name: orders\n        Alias: live\n        CurrentVersion: \"1\"\n        TargetVersion: \"2\"\n\
                   Hooks:\n  - BeforeAllowTrafic: CheckOrders\n";
    std::fs::write(&file, appspec).expect("write the fixture");
    let err = refused(&["check", file.to_str().expect("a UTF-8 path")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        err.contains(":11:5: BeforeAllowTrafic is not a Lambda hook (did you mean BeforeAllowTraffic?)"),
        "{err}"
    );
}

#[test]
fn an_unknown_field_gets_its_nearest_valid_name_in_plain_words() {
    let near = cdsim::scenario::load_str("name: x\nfleet:\n  instancs: 4\n", "s.yaml").expect_err("invalid");
    let near = near.to_string();
    assert!(
        near.contains("s.yaml:3:3: unknown field instancs (did you mean instances?)"),
        "{near}"
    );
    assert!(!near.contains('`') && !near.contains("firstDeployment"), "{near}");
    let far = cdsim::scenario::load_str("name: x\nzzzz: 1\n", "s.yaml")
        .expect_err("invalid")
        .to_string();
    assert!(far.contains("unknown field zzzz; the fields here are name,"), "{far}");
}
