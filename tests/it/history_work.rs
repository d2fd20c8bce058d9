//! The up-front work budget (`scenario::work`, README.md "Limits") over histories: a run of
//! a history makes one deployment per request, so its estimate sums the deployments the
//! requests make, each with its revision and its ContinueDeployment calls, leaving out a
//! request the run refuses because the deployment before it is still active (§11).

use crate::common::{TempDir, cdsim, scenario};
use cdsim::scenario::work::{MAX_PERIODS, MAX_READS, MAX_REQUESTS, expected_span_s, per_request, periods};

/// An ECS service recording one-second metric periods, watched by `alarms` alarms of an
/// hour, whose deployments each wait for ContinueDeployment as long as `ready_call` (a
/// READY_WAIT call that long after the request) and then the longest termination wait (48
/// hours): `requests` requests, a week and a day apart, so each comes after the one before
/// has ended (a history spans at most a year: 46 such requests).
fn ecs_history(requests: usize, ready_call: &str, alarms: usize) -> String {
    let mut yaml = "name: long-train\ncomputePlatform: ECS\ndeploymentConfigName: CodeDeployDefault.ECSAllAtOnce\n\
        ecsService:\n  tasks: 2\n  taskStartup: 100s\n  \
        deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 7200}\n  \
        terminationWaitTimeInMinutes: 2880\ntraffic: {metricPeriod: 1s}\n"
        .to_string();
    if alarms > 0 {
        yaml += "alarmConfiguration:\n  alarms:\n";
        for i in 0..alarms {
            yaml += &format!("    - {{name: a{i}, metric: errorRate, period: 1h, threshold: 0.5}}\n");
        }
    }
    yaml += "history:\n";
    for i in 0..requests {
        yaml += &format!(
            "  - {{revision: v{i}, at: {}d, continueDeployment: [{{at: {ready_call}}}]}}\n",
            8 * i
        );
    }
    yaml
}

#[test]
fn an_ecs_history_is_estimated_as_each_of_its_deployments_and_refused_beyond_the_read_budget() {
    let estimate = |requests, call, alarms| periods(&scenario(&ecs_history(requests, call, alarms))).unwrap();
    // One deployment: the start-up, the wait until the call (five days) and the termination
    // wait, in one-second periods.
    let one = estimate(1, "120h", 2);
    assert_eq!(one.span_s, 100.0 + 432_000.0 + 172_800.0);
    assert_eq!(one.periods, one.span_s);
    // The wait ends at the request's READY_WAIT call, so an earlier call shortens it.
    assert_eq!(estimate(1, "1h", 2).span_s, 100.0 + 3_600.0 + 172_800.0);
    // n deployments are n times the work: their alarms' reads within the budget up to its
    // limit, not beyond (one deployment's are well within it).
    let n = (MAX_READS / one.reads).floor() as usize;
    assert!((2..46).contains(&n), "{n} {one:?}");
    let (under, over) = (estimate(n, "120h", 2), estimate(n + 1, "120h", 2));
    assert_eq!(under.span_s, n as f64 * one.span_s);
    assert!(under.reads <= MAX_READS && over.reads > MAX_READS, "{under:?} {over:?}");
    // A year of such deployments stays within the periods budget: a history's periods are
    // bounded by its year (its memory is not, below).
    assert!(estimate(46, "120h", 0).periods < MAX_PERIODS);
    // Refused before any work, naming the estimate and the limit.
    let tmp = TempDir::new("history-budget");
    let file = tmp.file("train.yaml", ecs_history(n + 1, "120h", 2));
    let started = std::time::Instant::now();
    let o = cdsim(&["run", &file]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("{file}: one run's alarm evaluations would make about"))
            && err.contains("the 5e8 a run may make"),
        "{err}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "refused up front"
    );
}

/// Every metric period of every deployment is kept for the report (about 1.2 KiB each):
/// three week-long deployments of one-second periods need about 2.1 GiB, refused up front
/// under a 2 GiB limit (one would need about 0.75 GiB: estimated as one deployment, as it
/// once was, the history ran until an allocation failed).
#[cfg(target_os = "linux")]
#[test]
fn a_history_whose_periods_cannot_fit_in_memory_is_refused_up_front() {
    let tmp = TempDir::new("history-memory");
    let run = |requests: usize| {
        let file = tmp.file(&format!("train-{requests}.yaml"), ecs_history(requests, "120h", 0));
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v 2097152 && exec {} run {file} --seed 1",
                env!("CARGO_BIN_EXE_cdsim")
            ))
            .output()
            .expect("run sh");
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (code, err) = run(3);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("this history's metric periods need about") && err.contains("ulimit -v"),
        "{err}"
    );
}

#[test]
fn a_request_made_while_a_deployment_is_expected_to_run_adds_no_work() {
    // Requests an hour apart: each deployment is expected to last about seven days, so the
    // run refuses every request after the first (§11) and does one deployment's work.
    let crowded = ecs_history(5, "120h", 0).replace("d, continueDeployment", "h, continueDeployment");
    let crowded = periods(&scenario(&crowded)).unwrap();
    assert_eq!(
        crowded.span_s,
        periods(&scenario(&ecs_history(1, "120h", 0))).unwrap().span_s
    );
    // So does the run: Lambda deployments of 90 minutes requested a minute apart.
    let crowded = lambda_history(4, 1_000, "m");
    let estimate = per_request(&scenario(&crowded)).unwrap();
    assert_eq!(estimate.span_s, 5_400.0);
    let report = cdsim::simulation::simulate(&scenario(&crowded.replace("perRequest", "aggregated")), 1);
    assert_eq!((report.deployments.len(), report.refused_requests.len()), (1, 3));
}

/// A Lambda alias taking `rate` requests per second drawn one by one, deployed `requests`
/// times with a linear configuration (90 minutes of shifting), one `unit` (`d`, `m`) apart.
fn lambda_history(requests: usize, rate: u32, unit: &str) -> String {
    let mut yaml = format!(
        "name: busy-alias\ncomputePlatform: Lambda\ndeploymentConfigName: CodeDeployDefault.LambdaLinear10PercentEvery10Minutes\n\
         lambdaFunction: {{functionName: checkout, alias: live, currentVersion: \"1\", targetVersion: \"2\"}}\n\
         traffic: {{requestRate: {rate}, mode: perRequest, metricPeriod: 1m}}\nhistory:\n"
    );
    for i in 0..requests {
        yaml += &format!("  - {{revision: \"{}\", at: {i}{unit}}}\n", i + 2);
    }
    yaml
}

#[test]
fn a_per_request_history_draws_each_deployments_requests() {
    let estimate = |requests| per_request(&scenario(&lambda_history(requests, 1_000, "d"))).unwrap();
    let one = estimate(1);
    assert_eq!(one.span_s, 5_400.0);
    assert_eq!(one.requests, 5.4e6);
    // 185 deployments draw 9.99e8 requests, 186 more than 10⁹.
    let (under, over) = (estimate(185), estimate(186));
    assert!(
        under.requests <= MAX_REQUESTS && over.requests > MAX_REQUESTS,
        "{under:?} {over:?}"
    );
    let tmp = TempDir::new("history-requests");
    let file = tmp.file("busy.yaml", lambda_history(186, 1_000, "d"));
    let o = cdsim(&["run", &file]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("1.0e9 requests") && err.contains("aggregated"), "{err}");
}

/// Every example scenario with no faults whose one deployment succeeds, made a history of
/// two requests 200 days apart: the estimate is near the time its two deployments took
/// together. (Examples with a setting a history gives per request, such as
/// `continueAfter`, a stop or a fault model, are left out: they do not load as a history.)
#[test]
fn the_expected_span_of_a_history_is_near_its_deployments_time() {
    let mut checked = 0;
    for entry in std::fs::read_dir(crate::common::example("")).expect("scenarios folder") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        if path.extension().is_none_or(|e| e != "yaml") || text.contains("\nfaults:") || text.contains("\nhistory:") {
            continue;
        }
        let alone = cdsim::scenario::load_file(&path).unwrap_or_else(|p| panic!("{p}"));
        let report = cdsim::simulation::simulate(&alone, alone.seed);
        if report.deployments.iter().any(|d| d.status != "Succeeded") {
            continue;
        }
        // Lambda: the first request deploys the scenario's targetVersion.
        let first = match alone.blue_green().map(|b| &b.target) {
            Some(cdsim::scenario::blue_green::ShiftTarget::Lambda(f)) => f.target_version.clone(),
            _ => "a".into(),
        };
        let text = text + &format!("\nhistory:\n  - {{revision: \"{first}\"}}\n  - {{revision: b, at: 200d}}\n");
        let Ok(s) = cdsim::scenario::load_str(&text, "history.yaml") else {
            continue;
        };
        let report = cdsim::simulation::simulate(&s, s.seed);
        let statuses: Vec<_> = report.deployments.iter().map(|d| d.status).collect();
        assert_eq!(statuses, ["Succeeded"; 2], "{}", path.display());
        let simulated: f64 = report.deployments.iter().map(|d| d.complete_time - d.create_time).sum();
        let expected = expected_span_s(&s, &s.deployment_config);
        assert!(
            (0.5..=2.0).contains(&(expected / simulated)),
            "{}: expected {expected} s, simulated {simulated} s",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 8, "{checked} histories checked");
}
