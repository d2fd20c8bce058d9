//! `cdsim compare`, `merge` and `recommend`: determinism across thread counts, shard merges
//! equal to one run byte for byte, refused merges, fault-model validation and draws, and
//! the committed example outputs.

use std::path::Path;

use cdsim::compare::Plan;
use cdsim::fault::Fault;
use cdsim::scenario::{self, fault_model};

use crate::common::{TempDir, cdsim, example};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ok(args: &[&str]) -> String {
    let o = cdsim(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

#[test]
fn one_and_two_threads_give_identical_bytes() {
    for (file, runs) in [("compare-lambda.yaml", "60"), ("compare-in-place.yaml", "12")] {
        let f = example(file);
        let one = ok(&["compare", &f, "--runs", runs, "--threads", "1", "--json", "--quiet"]);
        let two = ok(&["compare", &f, "--runs", runs, "--threads", "2", "--json", "--quiet"]);
        assert_eq!(one, two, "{file}");
        assert!(one.contains("\"successRate\""), "{one}");
    }
}

#[test]
fn a_merge_of_three_shards_is_one_run_byte_for_byte() {
    let tmp = TempDir::new("shards");
    let f = example("compare-lambda.yaml");
    let common = ["--runs", "50", "--seed", "7", "--quiet"];
    let whole = tmp.path("whole");
    ok(&[&["compare", &f, "--out", &whole][..], &common].concat());
    let parts = tmp.path("parts");
    for k in ["2/3", "1/3", "3/3"] {
        ok(&[&["compare", &f, "--shard", k, "--out", &parts][..], &common].concat());
    }
    let merged = tmp.path("merged");
    let files: Vec<String> = (1..=3).map(|k| format!("{parts}/partial-{k}-of-3.json")).collect();
    let mut args = vec!["merge", "--out", &merged];
    args.extend(files.iter().map(String::as_str));
    ok(&args);
    let files = listing(Path::new(&whole));
    assert_eq!(files, listing(Path::new(&merged)), "the same files");
    for file in [
        "compare.json",
        "compare.md",
        "summary.txt",
        "compare.html",
        "rates.png",
        "duration.svg",
    ] {
        assert!(files.iter().any(|f| f == file), "{file} written: {files:?}");
    }
    for file in &files {
        assert!(
            bytes(&whole, file) == bytes(&merged, file),
            "{file} differs after a merge"
        );
    }
}

/// The names of the files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn bytes(dir: &str, file: &str) -> Vec<u8> {
    std::fs::read(Path::new(dir).join(file)).unwrap_or_else(|e| panic!("{dir}/{file}: {e}"))
}

#[test]
fn merge_refuses_shards_of_different_comparisons() {
    let tmp = TempDir::new("refuse");
    let f = example("compare-lambda.yaml");
    let a = tmp.path("a");
    let b = tmp.path("b");
    ok(&[
        "compare", &f, "--runs", "10", "--seed", "1", "--shard", "1/2", "--out", &a, "--quiet",
    ]);
    ok(&[
        "compare", &f, "--runs", "10", "--seed", "2", "--shard", "2/2", "--out", &b, "--quiet",
    ]);
    let o = cdsim(&[
        "merge",
        &format!("{a}/partial-1-of-2.json"),
        &format!("{b}/partial-2-of-2.json"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("another comparison") && err.contains("seed 1 ≠ 2"),
        "{err}"
    );
    // A missing shard.
    let o = cdsim(&["merge", &format!("{a}/partial-1-of-2.json")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("exactly once"));
    // Not a partial result at all.
    let o = cdsim(&["merge", &example("compare-lambda.yaml")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    let f = example("compare-lambda.yaml");
    for args in [
        vec!["compare", &f, "--shard", "4/3"],
        vec!["compare", &f, "--config", "CodeDeployDefault.HalfAtATime"],
        vec!["compare", &f, "--runs", "0"],
        vec!["compare", &example("half-at-a-time.yaml")],
        vec!["recommend", &f, "--runs", "5", "--min-capacity", "50", "--quiet"],
    ] {
        let o = cdsim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!o.stderr.is_empty());
    }
}

const IN_PLACE: &str = r#"
name: model
fleet: {instances: 20}
hooks:
  ValidateService: [{location: v.sh, duration: 5s}]
  ApplicationStart: [{location: s.sh, duration: 5s}]
faultModel:
  badRevision: {probability: 0.5, failingHooks: [ValidateService], hookFailureProbability: 0.5}
  hookFailures: {ApplicationStart: 0.1}
  instanceCrashes: {probability: 0.1, within: 10m}
  slowStarts: {probability: 0.2, extra: 1m}
"#;

#[test]
fn fault_draws_are_a_function_of_the_seed_and_follow_the_probabilities() {
    let sc = scenario::load_str(IN_PLACE, "model.yaml").unwrap_or_else(|p| panic!("{p}"));
    let a = fault_model::draw(&sc, 42);
    let b = fault_model::draw(&sc, 42);
    let faults = |d: &fault_model::DrawnRun| d.scenario.in_place().unwrap().faults.all().copied().collect::<Vec<_>>();
    assert_eq!(faults(&a), faults(&b));
    // Over many seeds, each kind of fault appears at about its rate.
    let (mut bad, mut crashes, mut slow, mut start_fails) = (0, 0, 0, 0);
    let seeds: u32 = 400;
    for seed in 0..u64::from(seeds) {
        let d = fault_model::draw(&sc, seed);
        bad += u32::from(d.bad_revision);
        for f in faults(&d) {
            match f {
                Fault::InstanceStops { at, .. } => {
                    assert!(at.as_millis() < 600_000);
                    crashes += 1
                }
                Fault::SlowHook { extra, .. } => {
                    assert_eq!(extra.as_millis(), 60_000);
                    slow += 1
                }
                Fault::HookFails { event, .. } if event.as_str() == "ApplicationStart" => start_fails += 1,
                _ => {}
            }
        }
    }
    let near = |n: u32, expected: f64| {
        (f64::from(n) - expected).abs() < 4.0 * (expected * (1.0 - expected / f64::from(seeds * 20))).sqrt().max(1.0)
    };
    assert!((f64::from(bad) - 200.0).abs() < 40.0, "bad revisions {bad}");
    assert!(near(crashes, 800.0), "crashes {crashes}");
    assert!(near(slow, 1600.0), "slow {slow}");
    assert!(near(start_fails, 800.0), "ApplicationStart failures {start_fails}");
}

#[test]
fn every_configuration_meets_the_same_faults_in_a_run() {
    let sc = scenario::load_str(IN_PLACE, "model.yaml").unwrap();
    let configs = ["CodeDeployDefault.OneAtATime", "CodeDeployDefault.AllAtOnce"]
        .map(|n| cdsim::config::predefined::find(n).unwrap())
        .to_vec();
    let plan = Plan {
        scenario: sc,
        configs,
        seed: 3,
        runs: 10,
    };
    for i in 0..10 {
        let recs = plan.run(i);
        assert_eq!(recs[0].seed, recs[1].seed);
        assert_eq!(recs[0].bad_revision, recs[1].bad_revision);
        assert_eq!(plan.run(i), recs, "a run is a function of its seed");
    }
    // Shards cover every run once, in order.
    let mut covered = Vec::new();
    for k in 1..=3 {
        covered.extend(plan.shard_range(k, 3));
    }
    assert_eq!(covered, (0..10).collect::<Vec<_>>());
}

#[test]
fn fault_model_problems_are_located() {
    let bad = r#"name: x
fleet: {instances: 4}
hooks:
  ValidateService: [{location: v.sh}]
faultModel:
  badRevision: {probability: 1.5, failingHooks: [AfterInstall]}
  instanceCrashes: {probability: 0.1, within: 0s}
candidateConfigs:
  - deploymentConfigName: CodeDeployDefault.LambdaAllAtOnce
"#;
    let p = scenario::load_str(bad, "x.yaml").unwrap_err().to_string();
    assert!(
        p.contains("x.yaml:6:30: badRevision.probability must be between 0 and 1, found 1.5"),
        "{p}"
    );
    assert!(p.contains("x.yaml:6:50: AfterInstall has no scripts"), "{p}");
    assert!(
        p.contains("x.yaml:7:47: instanceCrashes.within must be positive"),
        "{p}"
    );
    assert!(
        p.contains("x.yaml:9:5: candidate CodeDeployDefault.LambdaAllAtOnce is a Lambda configuration"),
        "{p}"
    );
    let lambda = r#"name: y
computePlatform: Lambda
deploymentConfigName: CodeDeployDefault.LambdaAllAtOnce
lambdaFunction: {functionName: f, alias: live, currentVersion: "1", targetVersion: "2"}
faultModel:
  slowStarts: {probability: 0.1, extra: 1m}
  hookFailures: {BeforeAllowTraffic: 0.1}
"#;
    let p = scenario::load_str(lambda, "y.yaml").unwrap_err().to_string();
    assert!(p.contains("y.yaml:6:15: slowStarts applies to Server"), "{p}");
    assert!(
        p.contains("y.yaml:7:38: \"BeforeAllowTraffic\" has no hook function"),
        "{p}"
    );
}

/// The committed outputs of `compare` and `recommend`, which `cdsim gallery` writes
/// (its `COMPARISONS` table; reports/README.md lists the commands; modest run counts keep
/// this test fast).
pub const COMMITTED: &[(&str, &str, &[&str])] = &[
    ("compare-ec2-blue-green", "compare", &["--runs", "100"]),
    (
        "compare-ec2-blue-green",
        "recommend",
        &["--runs", "100", "--min-capacity", "75", "--max-duration", "30m"],
    ),
    ("compare-in-place", "compare", &["--runs", "100"]),
    (
        "compare-in-place",
        "recommend",
        &["--runs", "60", "--min-capacity", "50", "--max-duration", "30m"],
    ),
    ("compare-lambda", "compare", &["--runs", "200"]),
    (
        "compare-lambda",
        "recommend",
        &[
            "--runs",
            "200",
            "--max-failed-requests",
            "100",
            "--max-exposed-requests",
            "500",
            "--max-duration",
            "20m",
        ],
    ),
];

#[test]
fn committed_compare_and_recommend_outputs_are_current() {
    let tmp = TempDir::new("committed");
    for &(name, command, args) in COMMITTED {
        let out = tmp.path(&format!("{name}-{command}"));
        let f = example(&format!("{name}.yaml"));
        ok(&[&[command, f.as_str(), "--quiet", "--out", &out][..], args].concat());
        let committed = root().join("reports").join(name).join(command);
        let files = listing(Path::new(&out));
        for file in [format!("{command}.html"), "rates.svg".into(), "duration.png".into()] {
            assert!(files.contains(&file), "{command} --out writes {file}: {files:?}");
        }
        // Blue/green runs a replacement beside the original: its cost is charted.
        let extra = files.contains(&"extra-cost.png".to_string());
        assert_eq!(extra, name == "compare-ec2-blue-green", "{name} {command}: {files:?}");
        assert_eq!(
            listing(&committed),
            files,
            "reports/{name}/{command}: the file list is stale: regenerate as reports/README.md says"
        );
        for file in &files {
            let c = std::fs::read(committed.join(file)).unwrap();
            assert!(
                c == bytes(&out, file),
                "reports/{name}/{command}/{file} is stale: regenerate as reports/README.md says"
            );
        }
    }
}

#[test]
fn the_schema_covers_the_fault_model_and_candidates() {
    let schema = ok(&["schema"]);
    for field in [
        "faultModel",
        "candidateConfigs",
        "badRevision",
        "hookFailureProbability",
        "hookFailures",
        "instanceCrashes",
        "slowStarts",
    ] {
        assert!(schema.contains(&format!("\"{field}\"")), "{field}");
    }
}

#[test]
fn no_progress_bar_when_standard_error_is_not_a_terminal() {
    let o = cdsim(&["compare", &example("compare-lambda.yaml"), "--runs", "5"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_recommend_grid_follows_the_platform() {
    use cdsim::compare::recommend::grid;
    let server = scenario::load_file(&root().join("scenarios/compare-in-place.yaml")).unwrap();
    let names: Vec<String> = grid(&server).into_iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "CodeDeployDefault.AllAtOnce",
            "CodeDeployDefault.HalfAtATime",
            "CodeDeployDefault.OneAtATime",
            "FleetPercent25",
            "FleetPercent75",
            "FleetPercent90",
            "ThreeQuartersHealthy"
        ]
    );
    // §2.3: behind a Network Load Balancer, ECS takes only all-at-once.
    let nlb = scenario::load_file(&root().join("scenarios/ecs-all-at-once.yaml")).unwrap();
    let names: Vec<String> = grid(&nlb).into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["CodeDeployDefault.ECSAllAtOnce"]);
}

#[test]
fn ecs_runs_count_the_replacement_task_sets_extra_capacity() {
    let json = ok(&[
        "compare",
        &example("ecs-canary.yaml"),
        "--config",
        "CodeDeployDefault.ECSAllAtOnce",
        "--config",
        "CodeDeployDefault.ECSCanary10Percent15Minutes",
        "--runs",
        "3",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let extra: Vec<f64> = v["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["extraCapacityHoursMean"].as_f64().unwrap())
        .collect();
    assert!(extra[0] > 0.0 && extra[1] > extra[0], "{extra:?}");
    assert!(v["configs"][0].get("minCapacityPercentP5").is_none());
}

#[test]
fn a_drawn_hook_failure_makes_the_hook_function_fail() {
    let yaml = r#"name: h
computePlatform: Lambda
deploymentConfigName: CodeDeployDefault.LambdaAllAtOnce
lambdaFunction: {functionName: f, alias: live, currentVersion: "1", targetVersion: "2"}
hookFunctions:
  BeforeAllowTraffic: {function: pre}
faultModel:
  hookFailures: {BeforeAllowTraffic: 1}
  badRevision: {probability: 1, replacement: {errorRate: 0.5}}
"#;
    let sc = scenario::load_str(yaml, "h.yaml").unwrap_or_else(|p| panic!("{p}"));
    let d = fault_model::draw(&sc, 9);
    assert!(d.bad_revision);
    let bg = d.scenario.blue_green().unwrap();
    assert_eq!(bg.traffic.replacement.error_rate, 0.5);
    let report = cdsim::simulation::simulate(&d.scenario, 9);
    assert_eq!(report.deployments[0].status, "Failed");
    assert_eq!(
        report.deployments[0].error_information.as_ref().map(|e| e.code),
        Some("HOOK_EXECUTION_FAILURE")
    );
}

#[test]
fn configurations_that_cannot_run_in_the_scenario_are_refused() {
    // §2.3: a Network Load Balancer takes only all-at-once.
    let o = cdsim(&[
        "compare",
        &example("ecs-all-at-once.yaml"),
        "--config",
        "CodeDeployDefault.ECSCanary10Percent5Minutes",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Network Load Balancer"));
}

#[test]
fn in_place_records_from_the_outcome_equal_records_from_the_report() {
    use cdsim::compare::RunRecord;
    use cdsim::simulation::{self, Outcome};
    for file in [
        "compare-in-place.yaml",
        "in-place-rollback.yaml",
        "instance-stops.yaml",
        "manual-stop.yaml",
    ] {
        let sc = scenario::load_file(&root().join("scenarios").join(file)).unwrap();
        for seed in 0..8 {
            let d = fault_model::draw(&sc, seed);
            let report = simulation::simulate(&d.scenario, seed);
            let Outcome::InPlace(o) = simulation::run(&d.scenario, seed).outcome else {
                panic!("in place")
            };
            assert_eq!(
                RunRecord::from_in_place(&d.scenario, seed, &o, d.bad_revision),
                RunRecord::from_report(&d.scenario, &report, d.bad_revision),
                "{file} seed {seed}"
            );
        }
    }
}

/// recommend's charts draw each constraint on the charts it applies to (and only there),
/// and the rates chart shows the bad-revision-shipped rate beside success and rollback.
#[test]
fn recommend_draws_each_constraint_on_its_charts() {
    let dir = TempDir::new("limits");
    let out = dir.path("r");
    let f = example("compare-lambda.yaml");
    ok(&[
        "recommend",
        &f,
        "--runs",
        "20",
        "--max-failed-requests",
        "100",
        "--max-duration",
        "20m",
        "--min-success-rate",
        "0.8",
        "--quiet",
        "--out",
        &out,
    ]);
    let svg = |name: &str| std::fs::read_to_string(dir.0.join("r").join(name)).expect("a chart");
    let expected = [
        ("rates.svg", "limit: at least 80 % succeeded"),
        ("duration.svg", "limit: at most 20 min in 95 % of runs"),
        ("duration-box.svg", "limit: at most 20 min in 95 % of runs"),
        ("failed-requests.svg", "limit: at most 100 in 95 % of runs"),
    ];
    for (chart, label) in expected {
        assert!(svg(chart).contains(label), "{chart}: no {label:?}");
    }
    assert!(
        !svg("exposed-requests.svg").contains("limit:"),
        "no constraint on exposed requests"
    );
    assert!(svg("rates.svg").contains("shipped a bad revision"));
}

/// Each run of a history is the whole history: the heading of every rendering says so (text,
/// Markdown, compare.html), compare.json carries `historyRequests`, and shards carry it to
/// their merge; a single deployment gets no such note.
#[test]
fn compare_says_what_a_run_of_a_history_is() {
    let history = example("release-train.yaml");
    let args = [
        "compare",
        history.as_str(),
        "--runs",
        "2",
        "--config",
        "CodeDeployDefault.OneAtATime",
    ];
    let note = "each run is the whole history (3 requests): a success when every user deployment\nsucceeded";
    let text = ok(&args);
    assert!(text.contains(note), "{text}");
    assert!(text.contains("from the history's start\nconfiguration"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&ok(&[&args[..], &["--json"]].concat())).unwrap();
    assert_eq!(json["historyRequests"], 3);
    let tmp = TempDir::new("compare-history");
    let out = tmp.path("out");
    ok(&[&args[..], &["--out", &out]].concat());
    let read = |name: &str| std::fs::read_to_string(Path::new(&out).join(name)).unwrap();
    assert!(read("compare.html").contains("each run is the whole history (3 requests)"));
    assert!(read("compare.md").contains("each run is the whole history (3 requests)"));
    // Shards carry the count to their merge: the same bytes as the whole.
    let parts: Vec<String> = (1..=2)
        .map(|k| {
            let part = tmp.path(&format!("part-{k}"));
            let shard = format!("{k}/2");
            ok(&[&args[..], &["--shard", &shard, "--out", &part]].concat());
            format!("{part}/partial-{k}-of-2.json")
        })
        .collect();
    let merged = ok(&["merge", &parts[0], &parts[1], "--json"]);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&merged).unwrap(), json);
    let single = example("one-at-a-time.yaml");
    let single = ok(&[
        "compare",
        single.as_str(),
        "--runs",
        "2",
        "--config",
        "CodeDeployDefault.OneAtATime",
        "--json",
    ]);
    assert!(!single.contains("history"), "{single}");
}
