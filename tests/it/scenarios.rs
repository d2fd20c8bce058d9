//! Every example scenario in `scenarios/` runs, and ends as its description says.

use std::path::Path;

use cdsim::scenario;
use cdsim::simulation;

/// (file, status, error code, succeeded, failed, skipped targets) with the scenario's own
/// seed. ECS and Lambda deployments have one target: the service or the function alias.
/// (file, status, error code, succeeded, failed, skipped).
type Expected = (&'static str, &'static str, Option<&'static str>, u32, u32, u32);

const EXPECTED: &[Expected] = &[
    ("all-at-once.yaml", "Succeeded", None, 11, 1, 0),
    ("compare-ec2-blue-green.yaml", "Succeeded", None, 24, 0, 0),
    ("compare-in-place.yaml", "Succeeded", None, 100, 0, 0),
    ("compare-lambda.yaml", "Succeeded", None, 1, 0, 0),
    ("ec2-blue-green-ready-wait.yaml", "Succeeded", None, 9, 1, 0),
    (
        "ec2-blue-green-rollback.yaml",
        "Stopped",
        Some("ALARM_ACTIVE"),
        12,
        0,
        0,
    ),
    ("ec2-blue-green.yaml", "Succeeded", None, 16, 0, 0),
    ("ec2-release-train.yaml", "Succeeded", None, 8, 0, 0),
    ("ecs-all-at-once.yaml", "Succeeded", None, 1, 0, 0),
    ("ecs-canary.yaml", "Succeeded", None, 1, 0, 0),
    ("ecs-latency-rollback.yaml", "Stopped", Some("ALARM_ACTIVE"), 0, 1, 0),
    ("ecs-linear.yaml", "Succeeded", None, 1, 0, 0),
    ("ecs-release-train.yaml", "Succeeded", None, 1, 0, 0),
    ("fleet-percent.yaml", "Succeeded", None, 40, 0, 0),
    ("half-at-a-time.yaml", "Succeeded", None, 10, 0, 0),
    ("health-constraints.yaml", "Failed", Some("HEALTH_CONSTRAINTS"), 0, 5, 5),
    ("host-count.yaml", "Succeeded", None, 9, 1, 0),
    ("in-place-rollback.yaml", "Failed", Some("HEALTH_CONSTRAINTS"), 2, 1, 3),
    ("instance-stops.yaml", "Succeeded", None, 3, 2, 0),
    ("lambda-alarm-history.yaml", "Stopped", Some("ALARM_ACTIVE"), 0, 1, 0),
    ("lambda-alarm-rollback.yaml", "Stopped", Some("ALARM_ACTIVE"), 0, 1, 0),
    ("lambda-canary.yaml", "Succeeded", None, 1, 0, 0),
    ("lambda-linear.yaml", "Succeeded", None, 1, 0, 0),
    (
        "lambda-pretraffic-failure.yaml",
        "Failed",
        Some("HOOK_EXECUTION_FAILURE"),
        0,
        1,
        0,
    ),
    ("lambda-release-train-alarm.yaml", "Succeeded", None, 1, 0, 0),
    ("lambda-release-train.yaml", "Succeeded", None, 1, 0, 0),
    ("manual-stop-no-rollback.yaml", "Stopped", Some("MANUAL_STOP"), 5, 5, 0),
    ("manual-stop.yaml", "Stopped", Some("MANUAL_STOP"), 5, 5, 0),
    ("no-load-balancer.yaml", "Succeeded", None, 6, 0, 0),
    ("one-at-a-time.yaml", "Succeeded", None, 7, 1, 0),
    ("redeploy-refused.yaml", "Succeeded", None, 4, 0, 0),
    ("release-train-alarm.yaml", "Succeeded", None, 6, 0, 0),
    ("release-train.yaml", "Succeeded", None, 6, 0, 0),
    ("zonal.yaml", "Succeeded", None, 12, 0, 0),
];

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
}

#[test]
fn every_example_scenario_runs_and_ends_as_described() {
    for &(file, status, code, succeeded, failed, skipped) in EXPECTED {
        let sc = scenario::load_file(&dir().join(file)).unwrap_or_else(|p| panic!("{p}"));
        let report = simulation::simulate(&sc, sc.seed);
        let d = &report.deployments[0];
        let o = &d.deployment_overview;
        assert_eq!(d.status, status, "{file} (seed {})", sc.seed);
        assert_eq!(d.error_information.as_ref().map(|e| e.code), code, "{file}");
        assert_eq!(
            (o.succeeded, o.failed, o.skipped),
            (succeeded, failed, skipped),
            "{file}"
        );
    }
}

#[test]
fn every_scenario_file_is_listed() {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(files, listed, "add new scenarios to EXPECTED");
}

#[test]
fn the_zonal_example_keeps_both_minimums() {
    let sc = scenario::load_file(&dir().join("zonal.yaml")).unwrap();
    let report = simulation::simulate(&sc, sc.seed);
    // HOST_COUNT 6 fleet-wide, 50 % of each 4-instance zone: at most 2 at a time.
    assert_eq!(report.metrics.capacity.as_ref().unwrap().max_in_flight_observed, 2);
    assert_eq!(report.metrics.capacity.as_ref().unwrap().min_in_service, 10);
}

/// The gallery (`cdsim gallery reports`, reports/README.md) is current: every scenario's
/// folder holds exactly the files `run --out` writes, byte for byte, and `configs/` a
/// schedule plot per predefined configuration.
#[test]
fn the_committed_gallery_is_current() {
    let reports = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/reports"));
    let stale = "is stale: regenerate with `cargo run --release -- gallery reports` (reports/README.md)";
    for &(file, ..) in EXPECTED {
        let name = file.trim_end_matches(".yaml");
        let text = std::fs::read_to_string(dir().join(file)).unwrap();
        let sc = scenario::load_str(&text, &dir().join(file).display().to_string()).unwrap();
        let report = simulation::simulate(&sc, sc.seed);
        let written = cdsim::report::written::Written::of(&sc, &text);
        let fresh = cdsim::report::files::files(&report, Some(&written)).expect("the charts draw");
        assert_same_files(&reports.join(name), &fresh, &format!("reports/{name}"), stale);
    }
    let plots = cdsim::report::schedule::gallery().expect("the plots draw");
    assert_same_files(&reports.join("configs"), &plots, "reports/configs", stale);
}

fn assert_same_files(dir: &Path, fresh: &[(String, Vec<u8>)], shown: &str, stale: &str) {
    let mut committed: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{shown}: {e}; {stale}"))
        .map(|e| e.unwrap())
        // Folders inside a scenario's are other commands' output (compare, recommend),
        // checked by their own tests.
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    committed.sort();
    let mut names: Vec<String> = fresh.iter().map(|f| f.0.clone()).collect();
    names.sort();
    assert_eq!(committed, names, "{shown}: the file list {stale}");
    for (name, bytes) in fresh {
        let on_disk = std::fs::read(dir.join(name)).unwrap();
        assert!(on_disk == *bytes, "{shown}/{name} {stale}");
    }
}
