//! One rule for names and values: the same "did you mean" for configuration names in
//! flags as in files (SAM's short names included), every unknown field named with its
//! nearest valid name, one duration grammar, `--output json|text` as the AWS CLI means it,
//! a plain message for a negative number given to a flag, and no Rust Debug text in any
//! message.

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

#[test]
fn every_unknown_field_is_named_with_its_nearest_valid_name() {
    let text = "name: x\nfleet:\n  instancs: 4\n  zzz: 3\nhookz:\n  BeforeInstall: []\nseeed: 3\n";
    let err = cdsim::scenario::load_str(text, "s.yaml")
        .expect_err("invalid")
        .to_string();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "s.yaml:3:3: unknown field instancs (did you mean instances?)",
            "s.yaml:4:3: unknown field zzz; the fields here are instances, availabilityZones, firstDeployment, firstDeploymentHealth, instanceHealth",
            "s.yaml:5:1: unknown field hookz (did you mean hooks?)",
            "s.yaml:7:1: unknown field seeed (did you mean seed?)",
        ],
        "{err}"
    );
    // Inside a list of hooks, each misspelt field of each script.
    let text = "name: x\nfleet:\n  instances: 2\nhooks:\n  BeforeInstall:\n    - location: a.sh\n      duraton: 5s\n      timeot: 3\n";
    let err = cdsim::scenario::load_str(text, "s.yaml")
        .expect_err("invalid")
        .to_string();
    assert!(
        err.contains("s.yaml:7:7: unknown field duraton (did you mean duration?)"),
        "{err}"
    );
    assert!(
        err.contains("s.yaml:8:7: unknown field timeot (did you mean timeout?)"),
        "{err}"
    );
    // A configuration file is read the same way.
    let config =
        "deploymentConfigName: Mine\nminimumHealthyHost: {type: HOST_COUNT, value: 1}\ncomputePlatfrom: Server\n";
    let err = cdsim::scenario::validate::load_config_str(config, "c.yaml")
        .expect_err("invalid")
        .to_string();
    assert!(
        err.contains("c.yaml:2:1: unknown field minimumHealthyHost (did you mean minimumHealthyHosts?)"),
        "{err}"
    );
    assert!(
        err.contains("c.yaml:3:1: unknown field computePlatfrom (did you mean computePlatform?)"),
        "{err}"
    );
}

#[test]
fn every_flag_refuses_a_negative_number_plainly_and_durations_share_one_grammar() {
    for args in [
        &[
            "alarms",
            "tune",
            "--scenario",
            "scenarios/compare-lambda.yaml",
            "--runs",
            "-3",
        ][..],
        &[
            "alarms",
            "tune",
            "--scenario",
            "scenarios/compare-lambda.yaml",
            "--lead",
            "-10m",
        ][..],
        &["run", "tests/fixtures/aws/appspec-ec2.yml", "--instances", "-3"][..],
        &["recommend", "scenarios/compare-lambda.yaml", "--max-duration", "-3m"][..],
        &["serve", "--seed", "-1"][..],
    ] {
        let err = refused(args);
        assert!(err.contains("must be 0 or more, found -"), "{args:?}: {err}");
        assert!(!err.contains("-- -"), "{err}");
    }
    for args in [
        &["recommend", "scenarios/compare-lambda.yaml", "--quantile", "-0.5"][..],
        &["compare", "scenarios/compare-lambda.yaml", "--confidence", "-1"][..],
    ] {
        let err = refused(args);
        assert!(err.contains("must be between 0 and 1, found -"), "{args:?}: {err}");
    }
    // The words scenario files accept are accepted by every duration flag, and the same
    // misspelling is refused by each.
    let err = refused(&[
        "alarms",
        "tune",
        "--scenario",
        "scenarios/compare-lambda.yaml",
        "--lead",
        "20 parsecs",
    ]);
    assert!(
        err.contains("must be a duration such as 90, 90s, 30m, 20 minutes or 1h 30m, found 20 parsecs"),
        "{err}"
    );
    let o = cdsim(&[
        "alarms",
        "tune",
        "--scenario",
        "scenarios/compare-lambda.yaml",
        "--runs",
        "2",
        "--lead",
        "1 hour",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn output_json_is_accepted_by_every_command_that_prints() {
    let o = cdsim(&["check", "scenarios/zonal.yaml", "--output", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("check prints JSON");
    assert_eq!(v["ok"], true);
    assert_eq!(v["deploysTo"], "12 instances in place behind a load balancer");
    let o = cdsim(&["explain", "scenarios/zonal.yaml", "--output", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("explain prints JSON");
    assert_eq!(v["instances"], 12);
    let o = cdsim(&["schema", "--output", "json"]);
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
    let f = "tests/fixtures/cloudwatch";
    let o = cdsim(&[
        "alarms",
        "replay",
        "--alarms",
        &format!("{f}/checkout-alarms.json"),
        "--metrics",
        &format!("{f}/checkout-metrics.json"),
        "--output",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
    let dir = std::env::temp_dir().join(format!("cdsim-it-output-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let out = dir.join("imported.yaml");
    let o = cdsim(&[
        "import",
        "tests/fixtures/aws/appspec-ec2.yml",
        "--out",
        out.to_str().expect("UTF-8"),
        "--output",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("import --out prints JSON");
    assert_eq!(v["computePlatform"], "Server");
    assert!(out.exists());
    let _ = std::fs::remove_dir_all(&dir);
    let err = refused(&["import", "tests/fixtures/aws/appspec-ec2.yml", "--output", "json"]);
    assert!(err.contains("give --out FILE"), "{err}");
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("json").exists());
}

/// Text that reads as Rust rather than as a message: Debug forms of options, structs,
/// tuple structs and escapes, and range syntax.
fn looks_like_rust(text: &str) -> Option<&'static str> {
    let patterns = [
        ("Some(", "Some("),
        ("None", "None"),
        ("..=", "..="),
        ("\\\"", "an escaped quote"),
        ("\\u{", "a Rust escape"),
        (" { ", "a struct's Debug form"),
        ("Id(", "a tuple struct's Debug form"),
        ("[\"", "a list's Debug form"),
    ];
    patterns.iter().find(|(p, _)| text.contains(p)).map(|(_, what)| *what)
}

#[test]
fn no_message_shows_rust_debug_text() {
    let dir = std::env::temp_dir().join(format!("cdsim-it-debug-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let scenarios = [
        "name: x\nfleet:\n  instancs: 4\n",
        "name: x\nfleet: {instances: 0}\n",
        "name: x\nfleet: {instances: 4, availabilityZones: [a, a]}\n",
        "name: x\nfleet: {instances: 4}\ndeploymentConfig: {deploymentConfigName: CodeDeployDefault.HalfAtOnce}\n",
        "name: x\nfleet: {instances: 4}\ndeploymentConfig: {deploymentConfigName: X, computePlatform: Servr}\n",
        "name: x\nfleet: {instances: 4}\nhooks:\n  BeforeInstall:\n    - {location: a.sh, duration: 5 parsecs}\n",
        "name: x\nfleet: {instances: 4}\nfaults:\n  - {target: 1, hookFails: {event: BeforeInstal}}\n",
        "name: x\nfleet: {instances: 4}\ninstanceScheduling: zigzag\n",
        "name: x\nfleet: {instances: 4}\nalarmConfiguration:\n  alarms:\n    - {name: a, metric: errorRate, threshold: 1}\n    - {name: a, metric: errorRate, threshold: 1}\n",
        "name: x\nfleet: {instances: 4\n",
        "name: x\nseed: -4\nfleet: {instances: 4}\n",
    ];
    let mut outputs: Vec<(String, String)> = Vec::new();
    for (i, text) in scenarios.iter().enumerate() {
        let file = dir.join(format!("s{i}.yaml"));
        std::fs::write(&file, text).expect("write a scenario");
        let path = file.to_str().expect("UTF-8").to_string();
        outputs.push((path.clone(), refused(&["check", &path])));
        outputs.push((path.clone(), refused(&["explain", &path])));
    }
    let invalid = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws/invalid");
    let mut fixtures: Vec<_> = std::fs::read_dir(&invalid)
        .expect("the invalid fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    fixtures.sort();
    for f in fixtures {
        let path = f.to_str().expect("UTF-8").to_string();
        let o = cdsim(&["check", &path]);
        outputs.push((path, String::from_utf8_lossy(&o.stderr).into_owned()));
    }
    for args in [
        &["explain", "HalfAtTime"][..],
        &["explain", "CodeDeployDefault.HalfAtATime"][..],
        &["compare", "scenarios/compare-lambda.yaml", "--shard", "3/2"][..],
        &[
            "compare",
            "scenarios/compare-lambda.yaml",
            "--config",
            "Linear10PercentEvery1Minutes",
        ][..],
        &["run", "tests/fixtures/aws/appspec-ec2.yml", "--parameter", "Stage"][..],
        &["serve", "--speed", "fast"][..],
        &[
            "recommend",
            "scenarios/compare-in-place.yaml",
            "--max-failed-requests",
            "3",
            "--runs",
            "2",
        ][..],
    ] {
        outputs.push((format!("{args:?}"), refused(args)));
    }
    let _ = std::fs::remove_dir_all(&dir);
    for (what, err) in &outputs {
        assert!(!err.trim().is_empty(), "{what}: no message");
        if let Some(kind) = looks_like_rust(err) {
            panic!("{what}: {kind} in {err}");
        }
    }
}

#[test]
fn a_misspelt_sam_deployment_preference_type_gets_did_you_mean() {
    let dir = std::env::temp_dir().join(format!("cdsim-it-sam-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("template.yaml");
    let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    \
                    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      AutoPublishAlias: live\n      \
                    DeploymentPreference:\n        Type: Linear10PercentEvery1Minutes\n";
    std::fs::write(&file, template).expect("write the fixture");
    let o = cdsim(&["check", file.to_str().expect("a UTF-8 path")]);
    let _ = std::fs::remove_dir_all(&dir);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "warning: Linear10PercentEvery1Minutes (did you mean CodeDeployDefault.LambdaLinear10PercentEvery10Minutes \
             or CodeDeployDefault.LambdaLinear10PercentEvery1Minute?)"
        ),
        "{err}"
    );
}
