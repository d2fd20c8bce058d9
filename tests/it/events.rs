//! What `explain` and `run` tell people: `explain` reads the files `run` reads (cdsim
//! scenarios included) with the fleet they state and a zonal configuration's zones and
//! waits; `run --events` tells every event in simulated-time order in plain words, bounded
//! for a large fleet; the `debug` log is in simulated-time order without Rust's Debug text.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_cdsim");

fn cdsim(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run cdsim")
}

fn stdout(args: &[&str]) -> String {
    let o = cdsim(args, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// `1m 30s`, `56.5s`, `2h 3m` → seconds (the event log's time column).
fn seconds(text: &str) -> f64 {
    cdsim::scenario::text::parse_duration_text(text).unwrap_or_else(|| panic!("a time: {text}"))
}

/// The event log's lines (before the summary), with their times.
fn log_lines(out: &str) -> Vec<(f64, &str)> {
    out.lines()
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let (time, text) = l.trim_start().split_once("  ").expect("time, then the event");
            (seconds(time), text)
        })
        .collect()
}

fn assert_in_time_order(lines: &[(f64, &str)]) {
    for w in lines.windows(2) {
        assert!(w[0].0 <= w[1].0, "out of order: {:?} then {:?}", w[0], w[1]);
    }
}

#[test]
fn explain_reads_a_scenario_with_its_fleet_zones_and_waits() {
    let out = stdout(&["explain", "scenarios/zonal.yaml"]);
    for needle in [
        "ZonalSixHealthy on 12 instances",
        "zonal: one Availability Zone at a time, at least 50 % of each zone healthy",
        "us-east-1a: 4 instances, at least 2 healthy, at most 2 at a time; then a 15m wait",
        "us-east-1b: 4 instances, at least 2 healthy, at most 2 at a time; then a 5m wait",
        "us-east-1c: 4 instances, at least 2 healthy, at most 2 at a time; the last zone: no wait",
        "waves when every instance succeeds: 2 × 6 (6 waves)",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    // --instances still overrides what the file states.
    let out = stdout(&["explain", "scenarios/half-at-a-time.yaml", "--instances", "3"]);
    assert!(out.contains("on 3 instances"), "{out}");
    // AWS files: the count a CloudFormation group's Auto Scaling group states; none stated
    // (an AppSpec alone), --instances is asked for.
    let out = stdout(&["explain", "tests/fixtures/aws/cloudformation-group.yaml"]);
    assert!(out.starts_with("ThreeQuartersHealthy on 8 instances\n"), "{out}");
    let o = cdsim(&["explain", "tests/fixtures/aws/appspec-ec2.yml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give --instances N"));
    let out = stdout(&["explain", "scenarios/lambda-canary.yaml"]);
    assert!(out.contains("minute  new version"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["explain", "scenarios/zonal.yaml", "--json"])).expect("JSON");
    assert_eq!(json["zonalConfig"]["firstZoneMonitorSeconds"], 900);
    assert_eq!(json["zonalConfig"]["zones"][2]["name"], "us-east-1c");
}

#[test]
fn a_zonal_run_names_its_zones_and_waits() {
    let out = stdout(&["run", "scenarios/zonal.yaml"]);
    assert!(
        out.contains(
            "zones: us-east-1a, us-east-1b, us-east-1c one at a time, up to 2 at a time in a zone; \
             monitor waits: 15m after us-east-1a, 5m after us-east-1b"
        ),
        "{out}"
    );
    let out = stdout(&["run", "scenarios/zonal.yaml", "--events"]);
    let lines = log_lines(&out);
    assert_in_time_order(&lines);
    let zone_a = lines
        .iter()
        .find(|(_, l)| l.starts_with("zone us-east-1a finished"))
        .expect("zone a");
    assert!(
        zone_a.1.ends_with("monitoring it for 15m before the next zone"),
        "{zone_a:?}"
    );
    let next = lines
        .iter()
        .find(|(_, l)| l.starts_with("i-0001 started"))
        .expect("zone b starts");
    assert_eq!(
        next.0,
        zone_a.0 + 900.0,
        "the second zone starts after the 15-minute wait"
    );
}

#[test]
fn the_event_log_tells_an_alarm_and_its_rollback_in_time_order() {
    let out = stdout(&["run", "scenarios/lambda-alarm-rollback.yaml", "--events"]);
    let lines = log_lines(&out);
    assert_in_time_order(&lines);
    let texts: Vec<&str> = lines.iter().map(|(_, l)| *l).collect();
    let position = |prefix: &str| {
        texts
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}: {out}"))
    };
    let alarm = position("alarm checkout-new-version-errors: OK → ALARM: error rate of the new version ");
    assert!(
        texts[alarm].contains(" > 2 % in 2 of 3 periods, 2 needed (datapoints "),
        "{}",
        texts[alarm]
    );
    let shifted = position("traffic: 10 % on the new version");
    let back = position("traffic moved back: 0 % on the new version");
    let stopped = position("deployment d-SIMULATED1 Stopped (ALARM_ACTIVE)");
    let rollback = position("rollback deployment d-SIMULATED2 created by CodeDeploy");
    assert!(
        shifted < alarm && alarm < back && back < stopped && stopped < rollback,
        "{out}"
    );
    assert!(
        texts.contains(&"checkout:live BeforeAllowTraffic Succeeded (10s)"),
        "{out}"
    );
    // The summary follows the log.
    assert!(out.contains("\nscenario lambda-alarm-rollback  seed 1\n"), "{out}");
    let err = String::from_utf8(
        cdsim(
            &["run", "scenarios/lambda-canary.yaml", "--events", "--output", "json"],
            &[],
        )
        .stderr,
    )
    .expect("UTF-8");
    assert!(err.contains("--events prints text"), "{err}");
}

#[test]
fn the_event_log_tells_failed_scripts_and_a_large_fleet_in_aggregate() {
    let out = stdout(&["run", "scenarios/health-constraints.yaml", "--events"]);
    let lines = log_lines(&out);
    assert!(
        lines
            .iter()
            .any(|(_, l)| *l == "i-0004 ValidateService Failed: ScriptFailed scripts/validate.sh (20s)"),
        "{out}"
    );
    let dir = std::env::temp_dir().join(format!("cdsim-it-events-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let scenario = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fleet-percent.yaml"))
        .expect("the example")
        .replace("instances: 40", "instances: 2000");
    let file = dir.join("large.yaml");
    std::fs::write(&file, scenario).expect("write the scenario");
    let out = stdout(&["run", file.to_str().expect("UTF-8 path"), "--events"]);
    let _ = std::fs::remove_dir_all(&dir);
    let lines = log_lines(&out);
    assert_in_time_order(&lines);
    assert!(lines.len() < 50, "{} lines: {out}", lines.len());
    let progress: Vec<&str> = lines
        .iter()
        .map(|(_, l)| *l)
        .filter(|l| l.contains(" of 2000 targets finished: "))
        .collect();
    assert_eq!(progress.len(), 10, "{out}");
    assert!(progress[9].starts_with("2000 of 2000 targets finished"), "{out}");
    let failed = lines
        .iter()
        .filter(|(_, l)| l.contains(" Failed: ScriptFailed "))
        .count();
    assert!(failed <= 20, "{out}");
}

#[test]
fn the_debug_log_is_in_time_order_without_debug_text() {
    for scenario in [
        "scenarios/half-at-a-time.yaml",
        "scenarios/ec2-blue-green-rollback.yaml",
        "scenarios/lambda-alarm-rollback.yaml",
        "scenarios/ecs-canary.yaml",
    ] {
        let o = cdsim(&["run", scenario], &[("RUST_LOG", "cdsim=debug")]);
        let log = String::from_utf8(o.stderr).expect("UTF-8");
        assert!(log.lines().count() > 3, "{scenario}: {log}");
        let mut last = 0.0;
        for line in log.lines() {
            assert!(
                !line.contains('"') && !line.contains('{') && !line.contains("Some("),
                "{scenario}: Debug text in {line}"
            );
            let t = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix("t="))
                .unwrap_or_else(|| panic!("{scenario}: no time in {line}"));
            let parts: Vec<f64> = t.split(':').map(|p| p.parse().expect("a time part")).collect();
            let now = parts[0] * 3600.0 + parts[1] * 60.0 + parts[2];
            assert!(now >= last, "{scenario}: {line} after t={last}");
            last = now;
        }
    }
}

/// The log's line starting with `prefix`, and its time.
fn line_at<'a>(lines: &[(f64, &'a str)], prefix: &str, out: &str) -> (f64, &'a str) {
    *lines
        .iter()
        .find(|(_, l)| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("{prefix}: {out}"))
}

#[test]
fn s11_the_event_log_tells_refused_requests_of_a_history_at_their_time() {
    // In place: the redeploy at 3m, while d-SIMULATED1 runs, is refused; each deployment
    // names the revision it deploys.
    let out = stdout(&["run", "scenarios/redeploy-refused.yaml", "--events"]);
    let lines = log_lines(&out);
    assert_in_time_order(&lines);
    let (at, text) = line_at(&lines, "request for revision v2 refused: ", &out);
    assert_eq!(at, 180.0, "{text}");
    assert!(
        text.ends_with(
            "DeploymentLimitExceededException: The Deployment Group 'redeploy-refused' already has an active Deployment 'd-SIMULATED1'"
        ),
        "{text}"
    );
    assert_eq!(
        line_at(&lines, "deployment d-SIMULATED2 of revision v2 created: ", &out).0,
        1200.0
    );
    // ECS: v1's first ContinueDeployment comes before the replacement task set is Ready
    // (API:ContinueDeployment); v3's rollback names the revision it goes back to (§8).
    let out = stdout(&["run", "scenarios/ecs-release-train.yaml", "--events"]);
    let lines = log_lines(&out);
    assert_in_time_order(&lines);
    let (at, text) = line_at(
        &lines,
        "ContinueDeployment on the deployment of revision v1 refused: ",
        &out,
    );
    assert_eq!(at, 60.0, "{text}");
    assert!(
        text.ends_with("DeploymentIsNotInReadyStateException: The deployment d-SIMULATED1 is not in the Ready state"),
        "{text}"
    );
    line_at(
        &lines,
        "rollback deployment d-SIMULATED4 of revision v2 created by CodeDeploy",
        &out,
    );
    // Traffic shifts name the revision they move to, and back from.
    assert_eq!(line_at(&lines, "traffic: 10 % on revision v3", &out).0, 3840.0);
    line_at(&lines, "traffic moved back: 0 % on revision v3", &out);
    // Lambda: version 4 requested while 3 is still shifting; a function's revisions are
    // its versions.
    let out = stdout(&["run", "scenarios/lambda-release-train.yaml", "--events"]);
    let lines = log_lines(&out);
    let (at, text) = line_at(
        &lines,
        "request for version 4 refused: DeploymentLimitExceededException: ",
        &out,
    );
    assert_eq!(at, 300.0, "{text}");
    line_at(&lines, "deployment d-SIMULATED2 of version 4 created: ", &out);
    assert_eq!(line_at(&lines, "traffic: 10 % on version 4", &out).0, 1220.0);
    // A single deployment names no revision and has nothing refused.
    let out = stdout(&["run", "scenarios/one-at-a-time.yaml", "--events"]);
    assert!(out.starts_with("       0s  deployment d-SIMULATED1 created: "), "{out}");
    assert!(!out.contains("refused"), "{out}");
}

#[test]
fn s11_explain_lists_a_historys_requests_after_the_configuration() {
    let out = stdout(&["explain", "scenarios/release-train.yaml"]);
    assert!(
        out.starts_with("CodeDeployDefault.HalfAtATime on 6 instances\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "\nhistory: 3 requests, each deployed as above: revision v1 at 0s, revision v2 at 5m, revision v3 at 10m\n"
        ),
        "{out}"
    );
    assert!(out.contains("is refused (DeploymentLimitExceededException)"), "{out}");
    let out = stdout(&["explain", "scenarios/lambda-release-train.yaml"]);
    assert!(
        out.contains("version 3 at 0s, version 4 at 5m, version 4 at 20m\n"),
        "{out}"
    );
    // One deployment, or the JSON form: no history line.
    assert!(!stdout(&["explain", "scenarios/one-at-a-time.yaml"]).contains("history"));
    assert!(!stdout(&["explain", "scenarios/release-train.yaml", "--json"]).contains("history"));
}
