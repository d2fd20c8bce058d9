//! Same scenario, same seed ⇒ the same bytes (design notes §1, §3). Also: the seed matters
//! (a scenario with random durations changes with it), and the random streams themselves
//! are pinned, so a crate upgrade that changes them is caught here rather than as a silent
//! change of every report.

use std::path::{Path, PathBuf};

use cdsim::report::json;
use cdsim::rng::{Stream, Streams};
use proptest::prelude::*;

use crate::common;
use crate::properties::{ANYTHING, arb_case};

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The JSON report of a run, as `cdsim run --json` prints it.
fn json_of(yaml: &str, seed: u64) -> String {
    json::to_string(&common::run(yaml, seed))
}

#[test]
fn every_example_scenario_gives_the_same_bytes_twice() {
    let files = scenario_files();
    assert!(!files.is_empty(), "no scenarios found");
    for path in files {
        let text = read(&path);
        let own_seed = common::scenario(&text).seed;
        for seed in [own_seed, 0, 7, u64::MAX] {
            let a = json_of(&text, seed);
            let b = json_of(&text, seed);
            assert!(a == b, "{} with seed {seed}: two runs differ", path.display());
            assert!(
                a.contains(&format!("\"seed\": {seed},")),
                "{} with seed {seed}: the report names its seed",
                path.display()
            );
        }
    }
}

/// Every report file (charts in SVG and PNG, HTML, Markdown, CSV) is the same twice, for
/// a seed other than the gallery's (which `scenarios::the_committed_gallery_is_current`
/// pins byte for byte).
#[test]
fn every_report_file_is_the_same_bytes_twice() {
    for name in [
        "in-place-rollback.yaml",
        "ecs-latency-rollback.yaml",
        "fleet-percent.yaml",
    ] {
        let text = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name));
        let a = cdsim::report::files::files(&common::run(&text, 11), None).unwrap();
        let b = cdsim::report::files::files(&common::run(&text, 11), None).unwrap();
        assert!(a == b, "{name}: two renderings differ");
    }
}

/// The part of a report that the seed may change (everything but the `seed` field).
fn outcome_json(yaml: &str, seed: u64) -> String {
    let r = common::run(yaml, seed);
    serde_json::to_string(&(&r.deployments, &r.metrics, &r.capacity)).expect("serializes")
}

#[test]
fn different_seeds_change_a_scenario_with_random_durations() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/half-at-a-time.yaml");
    let text = read(&path);
    let runs: Vec<String> = (1..=4).map(|seed| outcome_json(&text, seed)).collect();
    for i in 0..runs.len() {
        for j in i + 1..runs.len() {
            assert!(
                runs[i] != runs[j],
                "half-at-a-time.yaml: seeds {} and {} give the same deployment",
                i + 1,
                j + 1
            );
        }
    }
}

/// With fixed durations and no failure draws the seed has nothing to change.
#[test]
fn a_scenario_without_randomness_does_not_depend_on_the_seed() {
    let yaml = "name: fixed\ndeploymentConfigName: CodeDeployDefault.HalfAtATime\nfleet:\n  instances: 7\n\
                hooks:\n  BeforeInstall:\n    - {location: a.sh, duration: 12s, timeout: 60}\n";
    let a = outcome_json(yaml, 1);
    for seed in [2, 99, u64::MAX] {
        assert_eq!(
            a,
            outcome_json(yaml, seed),
            "seed {seed} changed a scenario without randomness"
        );
    }
}

/// rng.rs: a target's draws come from its own sub-stream, so its hook durations do not
/// depend on when it is scheduled. Two configurations run with one seed see the same
/// per-instance event durations (common random numbers).
#[test]
fn instance_behaviour_does_not_depend_on_the_configuration() {
    let body = "fleet:\n  instances: 9\nhooks:\n  BeforeInstall:\n    - {location: a.sh, duration: {lognormal: {median: 20s, sigma: 0.7}}, timeout: 600}\n\
                \x20 ValidateService:\n    - {location: v.sh, duration: {uniform: {min: 1s, max: 30s}}, timeout: 600}\n";
    let durations = |config: &str, seed: u64| -> Vec<Vec<i64>> {
        let r = common::run(&format!("name: crn\ndeploymentConfigName: {config}\n{body}"), seed);
        r.deployments[0]
            .targets
            .iter()
            .map(|t| {
                t.lifecycle_events
                    .iter()
                    .filter_map(|e| Some(crate::properties::ms(e.end_time? - e.start_time?)))
                    .collect()
            })
            .collect()
    };
    for seed in [1, 2, 3] {
        let all = durations("CodeDeployDefault.AllAtOnce", seed);
        let one = durations("CodeDeployDefault.OneAtATime", seed);
        let half = durations("CodeDeployDefault.HalfAtATime", seed);
        assert_eq!(
            all, one,
            "seed {seed}: AllAtOnce and OneAtATime instances behave differently"
        );
        assert_eq!(
            all, half,
            "seed {seed}: AllAtOnce and HalfAtATime instances behave differently"
        );
        assert_ne!(all[0], all[1], "seed {seed}: two instances drew the same durations");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Generated scenarios (faults, zones, load balancers…): two runs, the same bytes.
    #[test]
    fn generated_scenarios_give_the_same_bytes_twice(
        case in arb_case(ANYTHING)
    ) {
        let a = json_of(&case.yaml, case.seed);
        let b = json_of(&case.yaml, case.seed);
        prop_assert!(a == b, "seed {}: two runs differ", case.seed);
    }
}

// ----- the random streams, pinned ------------------------------------------------------
//
// Literal draws of `Streams::new(42)`. If these change, every report changes: that must be
// a deliberate decision (and a note in the changelog), never the side effect of a
// dependency upgrade. Compared bit for bit.

fn assert_bits(what: &str, got: &[f64], want: &[f64]) {
    let g: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
    let w: Vec<u64> = want.iter().map(|x| x.to_bits()).collect();
    assert_eq!(g, w, "{what}: got {got:?}, want {want:?} (seed 42)");
}

#[test]
fn hook_stream_draws_are_pinned() {
    let mut s = Streams::new(42).source(Stream::Hooks, 0);
    let uniform: Vec<f64> = (0..3).map(|_| s.uniform()).collect();
    assert_bits(
        "Hooks/0 uniform",
        &uniform,
        &[0.8128678257236431, 0.5038328598646259, 0.5805093105131875],
    );
    let lognormal: Vec<f64> = (0..3).map(|_| s.lognormal(10.0, 0.5)).collect();
    assert_bits(
        "Hooks/0 lognormal(10, 0.5)",
        &lognormal,
        &[9.14400796357604, 24.912775666728184, 32.78835535981711],
    );
}

#[test]
fn other_streams_are_pinned_and_independent() {
    let mut h1 = Streams::new(42).source(Stream::Hooks, 1);
    assert_bits(
        "Hooks/1 uniform, exponential(5)",
        &[h1.uniform(), h1.exponential(5.0)],
        &[0.9672848796255916, 7.61057680045681],
    );
    let mut f0 = Streams::new(42).source(Stream::Faults, 0);
    assert_bits("Faults/0 uniform", &[f0.uniform()], &[0.8818636490607802]);
    assert_eq!(f0.below(1000), 586, "Faults/0 below(1000) (seed 42)");
    // A fresh source of the same (seed, stream, index) repeats itself.
    let mut again = Streams::new(42).source(Stream::Hooks, 0);
    assert_bits("Hooks/0 again", &[again.uniform()], &[0.8128678257236431]);
}

/// `cdsim compare`'s run seeds (the `Runs` stream, README "Comparing configurations") are
/// part of the output's contract: a change in their derivation changes every comparison.
#[test]
fn compare_run_seeds_are_pinned() {
    let seeds: Vec<u64> = (0..3).map(|i| cdsim::compare::run_seed(1, i)).collect();
    assert_eq!(seeds, [4298127715768134320, 18008069545451178807, 11811011600957329233]);
    let mut m = Streams::new(42).source(Stream::FaultModel, 0);
    assert_bits("FaultModel/0 uniform", &[m.uniform()], &[0.05833067048729468]);
    assert_ne!(cdsim::compare::run_seed(2, 0), seeds[0]);
}
