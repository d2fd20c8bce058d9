//! The `cdsim` binary's contracts (design notes §6): exit codes (0 ran, whatever the
//! deployment's outcome; 2 bad input or usage), located errors on stderr one per line as
//! `path:line:column: message`, and the JSON shapes of `configs`, `explain`, `schema` and
//! `run`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cdsim");

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let k = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cdsim-it-{}-{k}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, contents).expect("write a temp file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A path as a command-line argument (the temp dir and the repository have UTF-8 paths).
fn arg(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn cdsim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run cdsim")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited with a code")
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)))
}

/// One located problem.
#[derive(Debug)]
struct Located {
    line: u64,
    column: u64,
    message: String,
}

/// Parses stderr as `path:line:column: message` lines, failing on any other line.
fn located(o: &Output, path: &Path) -> Vec<Located> {
    let err = stderr(o);
    let prefix = format!("{}:", path.display());
    let lines: Vec<&str> = err.lines().collect();
    assert!(!lines.is_empty(), "no error on stderr");
    lines
        .iter()
        .map(|l| {
            let rest = l
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("stderr line does not start with {prefix:?}: {l:?}"));
            let mut parts = rest.splitn(3, ':');
            let line = parts.next().and_then(|s| s.parse().ok());
            let column = parts.next().and_then(|s| s.parse().ok());
            let message = parts.next().and_then(|s| s.strip_prefix(' '));
            match (line, column, message) {
                (Some(line), Some(column), Some(m)) if line > 0 && column > 0 && !m.trim().is_empty() => Located {
                    line,
                    column,
                    message: m.to_string(),
                },
                _ => panic!("not `path:line:column: message`: {l:?}"),
            }
        })
        .collect()
}

/// Runs `check` and `run` on a bad scenario: both exit 2 with nothing on stdout, and the
/// single problem is at (line, column) and mentions every one of `needles`.
fn assert_bad(name: &str, yaml: &str, line: u64, column: u64, needles: &[&str]) {
    let dir = TempDir::new(name);
    let path = dir.file(&format!("{name}.yaml"), yaml);
    for sub in ["check", "run"] {
        let o = cdsim(&[sub, arg(&path)]);
        assert_eq!(code(&o), 2, "{name}: `cdsim {sub}` exit code; stderr:\n{}", stderr(&o));
        assert!(o.stdout.is_empty(), "{name}: `cdsim {sub}` printed to stdout");
        let problems = located(&o, &path);
        assert_eq!(problems.len(), 1, "{name}: one problem expected: {problems:?}");
        let p = &problems[0];
        assert_eq!(
            (p.line, p.column),
            (line, column),
            "{name}: location of {:?}",
            p.message
        );
        for n in needles {
            assert!(
                p.message.contains(n),
                "{name}: message {:?} does not mention {n:?}",
                p.message
            );
        }
    }
}

// ----- exit codes and located errors -----------------------------------------------------

#[test]
fn a_failed_deployment_is_still_exit_code_0() {
    let dir = TempDir::new("fails");
    let path = dir.file(
        "fails.yaml",
        "name: fails\nfleet:\n  instances: 3\nhooks:\n  ValidateService:\n    - {location: v.sh, duration: 1s}\n\
         faults:\n  - hookFails: {target: 0, event: ValidateService}\n",
    );
    let o = cdsim(&["run", arg(&path), "--json", "--seed", "5"]);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["seed"], 5);
    assert_eq!(r["deployments"][0]["status"], "Failed");
    assert_eq!(r["deployments"][0]["errorInformation"]["code"], "HEALTH_CONSTRAINTS");
    assert_eq!(r["deployments"][0]["creator"], "user");
    // The text summary too.
    let o = cdsim(&["run", arg(&path)]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("Failed"), "summary:\n{}", stdout(&o));
}

#[test]
fn unknown_configuration_name_with_a_suggestion() {
    assert_bad(
        "name",
        "name: x\ndeploymentConfigName: CodeDeployDefault.HalfAtATme\nfleet:\n  instances: 3\n",
        2,
        23,
        &[
            "CodeDeployDefault.HalfAtATme",
            "did you mean CodeDeployDefault.HalfAtATime",
        ],
    );
}

#[test]
fn fleet_percent_above_99() {
    assert_bad(
        "percent",
        "name: x\ndeploymentConfig:\n  minimumHealthyHosts: {type: FLEET_PERCENT, value: 120}\nfleet:\n  instances: 3\n",
        3,
        53,
        &["FLEET_PERCENT", "120"],
    );
}

#[test]
fn script_timeout_zero() {
    assert_bad(
        "timeout0",
        "name: x\nfleet:\n  instances: 3\nhooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: 0\n",
        7,
        16,
        &["timeout", "0"],
    );
}

#[test]
fn timeouts_of_one_event_above_3600() {
    assert_bad(
        "sum",
        "name: x\nfleet:\n  instances: 3\nhooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: 2000\n\
         \x20   - location: b.sh\n      timeout: 1601\n",
        6,
        17,
        &["BeforeInstall", "3601", "3600"],
    );
}

#[test]
fn unknown_field() {
    assert_bad(
        "field",
        "name: x\nfleet:\n  instances: 3\n  colour: blue\n",
        4,
        3,
        &["colour"],
    );
}

#[test]
fn yaml_syntax_error() {
    assert_bad("syntax", "name: x\nfleet: {instances: 3\n", 2, 8, &["unclosed"]);
}

#[test]
fn fault_target_out_of_range() {
    assert_bad(
        "target",
        "name: x\nfleet:\n  instances: 3\nfaults:\n  - instanceStops: {target: 3, at: 10s}\n",
        5,
        29,
        &["target", "0 and 2", "3"],
    );
}

/// Every problem of a file, each on its own line, in file order.
#[test]
fn several_problems_are_all_reported() {
    let dir = TempDir::new("several");
    let path = dir.file(
        "several.yaml",
        "name: x\nfleet:\n  instances: 3\nhooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: 0\n\
         deploymentConfig:\n  minimumHealthyHosts: {type: FLEET_PERCENT, value: 120}\n",
    );
    let o = cdsim(&["check", arg(&path)]);
    assert_eq!(code(&o), 2);
    let problems = located(&o, &path);
    let at: Vec<(u64, u64)> = problems.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(at, vec![(7, 16), (9, 53)], "{problems:?}");
}

/// The location is given once, in front: the message does not repeat it (the YAML crate
/// appends "at line L, column C" to its messages).
#[test]
fn parse_errors_do_not_repeat_the_location() {
    let dir = TempDir::new("repeat");
    for (name, yaml) in [
        ("field", "name: x\nfleet:\n  instances: 3\n  colour: blue\n"),
        ("syntax", "name: x\nfleet: {instances: 3\n"),
    ] {
        let path = dir.file(&format!("{name}.yaml"), yaml);
        let o = cdsim(&["check", arg(&path)]);
        for p in located(&o, &path) {
            assert!(
                !p.message.contains(" at line ") && !p.message.contains("column"),
                "{name}: the message repeats its location: {:?}",
                p.message
            );
        }
    }
}

#[test]
fn a_missing_file_is_exit_code_2_at_1_1() {
    let dir = TempDir::new("missing");
    let path = dir.0.join("nope.yaml");
    let o = cdsim(&["run", arg(&path)]);
    assert_eq!(code(&o), 2);
    let p = located(&o, &path);
    assert_eq!((p[0].line, p[0].column), (1, 1));
}

#[test]
fn usage_errors_are_exit_code_2() {
    let cases: &[&[&str]] = &[
        &[],
        &["bogus"],
        &["run"],
        &["run", "x.yaml", "--seed", "minus-one"],
        &["run", "x.yaml", "--no-such-flag"],
        &["explain"],
        // A Server configuration needs a fleet size.
        &["explain", "CodeDeployDefault.HalfAtATime"],
        &["explain", "CodeDeployDefault.HalfAtATime", "--instances", "0"],
        &["explain", "CodeDeployDefault.NoSuchThing", "--instances", "3"],
        &["configs", "extra"],
    ];
    for args in cases {
        let o = cdsim(args);
        assert_eq!(code(&o), 2, "cdsim {args:?}: stderr:\n{}", stderr(&o));
        assert!(!stderr(&o).trim().is_empty(), "cdsim {args:?}: says nothing on stderr");
        assert!(o.stdout.is_empty(), "cdsim {args:?}: printed to stdout");
    }
}

// ----- configs, explain, schema ----------------------------------------------------------

#[test]
fn configs_json_lists_the_17_predefined_configurations() {
    let o = cdsim(&["configs", "--json"]);
    assert_eq!(code(&o), 0);
    let v = json(&o);
    let all = v.as_array().expect("a JSON array");
    assert_eq!(all.len(), 17, "§2.4: 3 Server + 5 ECS + 9 Lambda");
    let mut names = Vec::new();
    for c in all {
        let name = c["deploymentConfigName"].as_str().expect("deploymentConfigName");
        assert!(name.starts_with("CodeDeployDefault."), "{name}");
        names.push(name);
        let platform = c["computePlatform"].as_str().expect("computePlatform");
        match platform {
            "Server" => {
                let m = &c["minimumHealthyHosts"];
                assert!(m["type"].is_string() && m["value"].is_u64(), "{name}: {m}");
                assert!(c.get("trafficRoutingConfig").is_none(), "{name}");
            }
            "ECS" | "Lambda" => {
                let t = &c["trafficRoutingConfig"];
                let kind = t["type"].as_str().expect("type");
                match kind {
                    "AllAtOnce" => {}
                    "TimeBasedCanary" => {
                        let p = &t["timeBasedCanary"];
                        assert!(p["canaryPercentage"].is_u64() && p["canaryInterval"].is_u64(), "{name}");
                    }
                    "TimeBasedLinear" => {
                        let p = &t["timeBasedLinear"];
                        assert!(p["linearPercentage"].is_u64() && p["linearInterval"].is_u64(), "{name}");
                    }
                    other => panic!("{name}: type {other}"),
                }
                assert!(c.get("minimumHealthyHosts").is_none(), "{name}");
            }
            other => panic!("{name}: computePlatform {other}"),
        }
    }
    let count = |p: &str| all.iter().filter(|c| c["computePlatform"] == p).count();
    assert_eq!((count("Server"), count("ECS"), count("Lambda")), (3, 5, 9));
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 17, "names are unique");
    // §2.2 as the API returns them.
    let one = all
        .iter()
        .find(|c| c["deploymentConfigName"] == "CodeDeployDefault.OneAtATime")
        .expect("OneAtATime");
    assert_eq!(one["minimumHealthyHosts"]["type"], "MOST_CONCURRENCY");
    assert_eq!(one["minimumHealthyHosts"]["value"], 1);
    let half = all
        .iter()
        .find(|c| c["deploymentConfigName"] == "CodeDeployDefault.HalfAtATime")
        .expect("HalfAtATime");
    assert_eq!(half["minimumHealthyHosts"]["type"], "FLEET_PERCENT");
    assert_eq!(half["minimumHealthyHosts"]["value"], 50);
}

#[test]
fn explain_half_at_a_time_on_nine_instances() {
    // §2.2: 9 instances, up to 4 at a time, at least 5 successes.
    let o = cdsim(&["explain", "CodeDeployDefault.HalfAtATime", "--instances", "9", "--json"]);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["deploymentConfigName"], "CodeDeployDefault.HalfAtATime");
    assert_eq!(v["instances"], 9);
    assert_eq!(v["minimumHealthyHosts"], 5);
    assert_eq!(v["maxInFlight"], 4);
    assert_eq!(v["minSuccesses"], 5);
    assert_eq!(v["waves"], serde_json::json!([4, 4, 1]));
}

#[test]
fn explain_a_create_deployment_config_file() {
    // §3.1 worked example: 9 instances, FLEET_PERCENT 40 ⇒ up to 5 at a time, ≥ 4 successes.
    let dir = TempDir::new("explain");
    let path = dir.file(
        "forty.json",
        r#"{
  "deploymentConfigName": "Forty",
  "computePlatform": "Server",
  "minimumHealthyHosts": {"type": "FLEET_PERCENT", "value": 40}
}
"#,
    );
    let o = cdsim(&["explain", arg(&path), "--instances", "9", "--json"]);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["deploymentConfigName"], "Forty");
    assert_eq!(v["minimumHealthyHosts"], 4);
    assert_eq!(v["maxInFlight"], 5);
    assert_eq!(v["minSuccesses"], 4);
    assert_eq!(v["waves"], serde_json::json!([5, 4]));

    // A traffic-routing file: canary 25 % then the rest after 45 minutes (§2.5).
    let canary = dir.file(
        "canary.json",
        r#"{"deploymentConfigName": "Canary25Percent45Minutes", "computePlatform": "Lambda",
  "trafficRoutingConfig": {"type": "TimeBasedCanary", "timeBasedCanary": {"canaryPercentage": 25, "canaryInterval": 45}}}
"#,
    );
    let o = cdsim(&["explain", arg(&canary), "--json"]);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        v["shifts"],
        serde_json::json!([{"atMinute": 0, "percent": 25}, {"atMinute": 45, "percent": 100}])
    );

    // A bad file is located like a bad scenario.
    let bad = dir.file(
        "bad.json",
        "{\"deploymentConfigName\": \"Bad\",\n \"minimumHealthyHosts\": {\"type\": \"FLEET_PERCENT\", \"value\": 100}}\n",
    );
    let o = cdsim(&["explain", arg(&bad), "--instances", "3"]);
    assert_eq!(code(&o), 2);
    let p = located(&o, &bad);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, 2, "{p:?}");
    assert!(p[0].message.contains("100"), "{p:?}");
}

#[test]
fn schema_is_json_with_the_fleet_property() {
    let o = cdsim(&["schema"]);
    assert_eq!(code(&o), 0);
    let v = json(&o);
    let props = v["properties"].as_object().expect("a properties object");
    for key in ["name", "fleet", "deploymentConfigName", "hooks", "faults"] {
        assert!(props.contains_key(key), "schema properties lack {key}");
    }
    assert!(props["fleet"].is_object(), "fleet has a schema: {}", props["fleet"]);
}

// ----- run --out, check ------------------------------------------------------------------

#[test]
fn run_out_writes_every_report_file_and_nothing_else() {
    let dir = TempDir::new("out");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/half-at-a-time.yaml");
    let out = dir.0.join("results/nested");
    let o = cdsim(&["run", arg(&scenario), "--seed", "3", "--json", "--out", arg(&out)]);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("the output directory exists")
        .map(|e| e.expect("entry").file_name().into_string().expect("UTF-8 name"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "capacity.png",
            "capacity.svg",
            "report.html",
            "report.json",
            "summary.md",
            "timeline.png",
            "timeline.svg",
            "timeseries.csv",
            "traffic.png",
            "traffic.svg"
        ],
        "no temporary files are left"
    );
    let report = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    assert_eq!(report, stdout(&o), "report.json is what --json prints");
    let v: Value = serde_json::from_str(&report).expect("report.json is JSON");
    assert_eq!(v["seed"], 3);
    let summary = std::fs::read_to_string(out.join("summary.md")).expect("summary.md");
    let text = cdsim(&["run", arg(&scenario), "--seed", "3"]);
    assert!(
        summary.contains(&stdout(&text)),
        "summary.md holds what the text run prints"
    );
    assert!(
        summary.contains("| deployment duration |"),
        "summary.md has the metrics table"
    );
    let png = std::fs::read(out.join("capacity.png")).expect("capacity.png");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let svg = std::fs::read_to_string(out.join("capacity.svg")).expect("capacity.svg");
    assert!(
        svg.starts_with("<svg") && svg.contains("In-service capacity"),
        "an SVG with its title"
    );
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).expect("timeseries.csv");
    assert!(csv.starts_with("time_s,in_service,on_new_revision\n"), "{csv}");

    // A second run replaces the files, still leaving nothing else behind.
    let o = cdsim(&["run", arg(&scenario), "--seed", "4", "--out", arg(&out)]);
    assert_eq!(code(&o), 0);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 10);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(v["seed"], 4);
}

/// The JSON the command line streams (stdout and `--out`) is the committed report's bytes,
/// for an in-place rollback (targets built on demand in two deployments) and EC2
/// blue/green (targets listed).
#[test]
fn streamed_json_is_the_committed_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["in-place-rollback", "zonal", "ec2-blue-green-rollback"] {
        let dir = TempDir::new("streamed");
        let scenario = root.join(format!("scenarios/{name}.yaml"));
        let o = cdsim(&["run", arg(&scenario), "--json", "--out", arg(&dir.0)]);
        assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
        let committed = std::fs::read_to_string(root.join(format!("reports/{name}/report.json"))).unwrap();
        assert!(
            stdout(&o) == committed,
            "{name}: run --json differs from the committed report"
        );
        let written = std::fs::read_to_string(dir.0.join("report.json")).unwrap();
        assert!(
            written == committed,
            "{name}: --out's report.json differs from the committed report"
        );
    }
}

/// A fleet that cannot fit in the memory the process may use is refused before it starts,
/// with a message, not aborted on a failed allocation.
#[cfg(target_os = "linux")]
#[test]
fn a_fleet_too_large_for_the_memory_limit_is_refused_up_front() {
    let dir = TempDir::new("memory");
    let scenario = dir.file(
        "big.yaml",
        "name: big\ndeploymentConfigName: CodeDeployDefault.AllAtOnce\nfleet: {instances: 2000000}\n",
    );
    // 300 MiB of address space: the program fits, two million instances do not.
    let limited = |args: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v 307200 && exec {BIN} {args} {}", arg(&scenario)))
            .output()
            .expect("run sh")
    };
    let o = limited("run");
    assert_eq!(code(&o), 2, "stderr:\n{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("this fleet needs about") && err.contains("ulimit -v"),
        "{err}"
    );
    let o = limited("compare --runs 2 --threads 2 --quiet --config CodeDeployDefault.AllAtOnce");
    assert_eq!(code(&o), 2, "stderr:\n{}", stderr(&o));
    assert!(stderr(&o).contains("2 runs of this fleet at once"), "{}", stderr(&o));
}

#[test]
fn check_accepts_every_example_scenario() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if !path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            continue;
        }
        n += 1;
        let o = cdsim(&["check", arg(&path)]);
        assert_eq!(code(&o), 0, "{}: {}", path.display(), stderr(&o));
        assert!(stdout(&o).contains("ok"), "{}: {}", path.display(), stdout(&o));
    }
    assert!(n > 0, "no scenarios in {}", dir.display());
}

#[test]
fn explain_plot_draws_the_schedule_as_svg_or_png_and_rejects_other_names() {
    let dir = TempDir::new("plot");
    let svg = dir.0.join("canary.svg");
    let o = cdsim(&[
        "explain",
        "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        "--plot",
        arg(&svg),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).expect("the SVG");
    assert!(text.starts_with("<svg") && text.contains("share of production traffic (%)"));
    let png = dir.0.join("waves.png");
    let o = cdsim(&[
        "explain",
        "CodeDeployDefault.HalfAtATime",
        "--instances",
        "10",
        "--plot",
        arg(&png),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::read(&png).expect("the PNG").starts_with(b"\x89PNG"));
    let o = cdsim(&[
        "explain",
        "CodeDeployDefault.HalfAtATime",
        "--instances",
        "10",
        "--plot",
        "waves.gif",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(".svg or .png"), "{}", stderr(&o));
}
