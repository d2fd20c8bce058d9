//! The report's derived figures and its files: the capacity series split by revision, the
//! timing metrics, which charts each platform gets, and that the charts carry their text
//! (title, axis labels, legend) both in SVG and rasterised into PNG with the bundled font.

use std::path::Path;

use cdsim::chart::{Chart, LineChart, Series, palette};
use cdsim::report::{Report, charts, files};

use crate::common;

fn example(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    common::run(&std::fs::read_to_string(path).unwrap(), 1)
}

#[test]
fn on_new_revision_never_exceeds_in_service_and_ends_as_the_outcome_says() {
    for name in [
        "one-at-a-time.yaml",
        "half-at-a-time.yaml",
        "zonal.yaml",
        "no-load-balancer.yaml",
    ] {
        let r = example(name);
        assert!(r.capacity.iter().all(|p| p.on_new_revision <= p.in_service), "{name}");
        let last = r.capacity.last().unwrap();
        if r.deployments[0].status == "Succeeded" && r.deployments[0].deployment_overview.failed == 0 {
            assert_eq!(
                last.on_new_revision, last.in_service,
                "{name}: all in service run the new revision"
            );
        }
        assert!(r.capacity.iter().any(|p| p.on_new_revision > 0), "{name}");
    }
    // §8: after a rollback every in-service instance runs the last good revision again.
    let r = example("in-place-rollback.yaml");
    assert_eq!(r.deployments.len(), 2);
    assert_eq!(r.capacity.last().unwrap().on_new_revision, 0);
    assert!(r.capacity.iter().any(|p| p.on_new_revision > 0));
}

#[test]
fn timing_metrics_follow_the_alarm_and_the_rollback() {
    let r = example("lambda-alarm-rollback.yaml");
    let t = &r.metrics.timing;
    // Canary traffic from 10 s; the alarm enters ALARM at 120 s; the alias goes back at once.
    assert_eq!(t.detection_seconds, Some(110.0));
    assert_eq!(t.alarm_to_rollback_complete_seconds, Some(0.0));
    let phases: Vec<&str> = t.phase_seconds.iter().map(|p| p.phase).collect();
    assert_eq!(phases, ["shifting", "rollback"]);
    // No alarm, no detection; ECS counts the replacement's extra task-minutes.
    let r = example("ecs-canary.yaml");
    assert_eq!(r.metrics.timing.detection_seconds, None);
    assert!(r.metrics.timing.extra_task_minutes.is_some_and(|m| m > 0.0));
    let r = example("in-place-rollback.yaml");
    let c = r.metrics.capacity.as_ref().unwrap();
    let first = r.capacity.iter().find(|p| p.on_new_revision > 0).unwrap();
    assert_eq!(c.time_to_first_new_traffic_seconds, Some(first.time));
    assert_eq!(r.metrics.timing.phase_seconds.len(), 2, "install, rollback");
}

#[test]
fn each_platform_gets_the_charts_it_has_data_for() {
    let names = |file: &str| -> Vec<&'static str> { charts::charts(&example(file)).iter().map(|c| c.name).collect() };
    assert_eq!(names("one-at-a-time.yaml"), ["capacity", "traffic", "timeline"]);
    assert_eq!(
        names("ecs-latency-rollback.yaml"),
        ["capacity", "traffic", "alarm-metric", "timeline"]
    );
    assert_eq!(
        names("lambda-alarm-rollback.yaml"),
        ["traffic", "alarm-metric", "timeline"]
    );
    // No alarm, no alarm-metric chart.
    assert_eq!(names("ecs-canary.yaml"), ["capacity", "traffic", "timeline"]);
    // More than 30 instances: a density strip instead of a row per instance.
    let fleet = charts::charts(&example("fleet-percent.yaml"));
    assert!(matches!(fleet.last().unwrap().chart, Chart::Strip(_)));
    let small = charts::charts(&example("one-at-a-time.yaml"));
    assert!(matches!(small.last().unwrap().chart, Chart::Gantt(_)));
}

/// An in-place history's capacity and traffic charts give each user deployment's revision
/// its own line, named by revision and deployment and ending where the next deployment
/// starts; the rest is "other revisions", never "new" or "original".
#[test]
fn an_in_place_historys_charts_name_each_deployments_revision() {
    let report = example("release-train.yaml");
    let line = |name: &str| -> LineChart {
        match charts::charts(&report)
            .into_iter()
            .find(|c| c.name == name)
            .map(|c| c.chart)
        {
            Some(Chart::Line(l)) => l,
            _ => panic!("no {name} line chart"),
        }
    };
    for (chart, prefix, other) in [
        ("capacity", "on", "on other revisions"),
        ("traffic", "revision", "other revisions"),
    ] {
        let l = line(chart);
        let labels: Vec<&str> = l.series.iter().map(|s| s.label.as_str()).collect();
        for revision in ["v1 (d-SIMULATED1)", "v2 (d-SIMULATED2)", "v3 (d-SIMULATED3)"] {
            assert!(
                labels.contains(&format!("{prefix} {revision}").as_str()),
                "{chart}: {labels:?}"
            );
        }
        assert!(labels.contains(&other), "{chart}: {labels:?}");
        assert!(
            !labels
                .iter()
                .any(|l| l.contains("new") || l.contains("original") || l.contains("both")),
            "{chart}: {labels:?}"
        );
        // v1's line ends at v2's creation (300 s); v3's, the last, runs to the end.
        let of = |label: &str| l.series.iter().find(|s| s.label == label).unwrap();
        let v1 = of(&format!("{prefix} v1 (d-SIMULATED1)"));
        assert_eq!(v1.points.last().map(|p| p.0), Some(300.0), "{chart}");
        assert!(!v1.step, "{chart}: a step line would run to the chart's end");
        assert!(of(&format!("{prefix} v3 (d-SIMULATED3)")).step, "{chart}");
    }
    // A single deployment keeps its new and original revisions.
    let single = charts::charts(&example("one-at-a-time.yaml"));
    let Some(Chart::Line(traffic)) = single.iter().find(|c| c.name == "traffic").map(|c| &c.chart) else {
        panic!("a traffic chart");
    };
    assert_eq!(traffic.series[0].label, "new version");
}

/// A history's markers say which deployment a refused request concerned, a Lambda
/// function's revisions read as versions (§11), and an ECS history's task sets are each
/// deployment's.
#[test]
fn a_historys_markers_and_task_sets_say_which_deployment() {
    let markers = |file: &str| -> Vec<String> {
        match charts::charts(&example(file))
            .into_iter()
            .find(|c| c.name == "traffic")
            .map(|c| c.chart)
        {
            Some(Chart::Line(l)) => l.markers.into_iter().map(|m| m.label).collect(),
            _ => panic!("{file}: no traffic chart"),
        }
    };
    let ecs = markers("ecs-release-train.yaml");
    assert!(ecs.iter().any(|m| m == "ContinueDeployment on v1 refused"), "{ecs:?}");
    assert!(
        ecs.iter().any(|m| m == "d-SIMULATED4 starts: rollback to v2"),
        "{ecs:?}"
    );
    // An ECS history's task sets change from one deployment to the next.
    let Some(Chart::Line(capacity)) = charts::charts(&example("ecs-release-train.yaml"))
        .into_iter()
        .find(|c| c.name == "capacity")
        .map(|c| c.chart)
    else {
        panic!("an ECS capacity chart");
    };
    let labels: Vec<&str> = capacity.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "each deployment's original task set (healthy tasks)",
            "each deployment's replacement task set (healthy tasks)"
        ]
    );
    let lambda = markers("lambda-release-train.yaml");
    for label in [
        "d-SIMULATED1 starts: version 3",
        "request for version 4 refused",
        "d-SIMULATED3 starts: rollback to version 3",
    ] {
        assert!(lambda.iter().any(|m| m == label), "{label}: {lambda:?}");
    }
}

#[test]
fn every_example_with_out_gets_every_file() {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let sc = cdsim::scenario::load_file(&path).unwrap();
        let report = cdsim::simulation::simulate(&sc, sc.seed);
        let names: Vec<String> = files::files(&report, None).unwrap().into_iter().map(|f| f.0).collect();
        for required in [
            "report.json",
            "summary.md",
            "report.html",
            "timeseries.csv",
            "timeline.svg",
            "timeline.png",
        ] {
            assert!(names.iter().any(|n| n == required), "{}: no {required}", path.display());
        }
        assert!(names.iter().any(|n| n == "traffic.png"), "{}", path.display());
    }
}

fn sample_chart() -> Chart {
    Chart::Line(LineChart {
        title: "Sample title".into(),
        x_label: "time (s)".into(),
        y_label: "instances".into(),
        x_range: (0.0, 10.0),
        y_range: (0.0, 5.0),
        series: vec![Series {
            label: "legend entry".into(),
            color: palette::BLUE,
            points: vec![(0.0, 1.0), (5.0, 4.0)],
            step: true,
            dashed: false,
            width: 2,
            offset: 0,
        }],
        ..LineChart::default()
    })
}

#[test]
fn svg_charts_carry_their_title_axis_labels_and_legend() {
    let svg = sample_chart().svg().unwrap();
    for text in ["Sample title", "time (s)", "instances", "legend entry"] {
        assert!(
            svg.contains(&format!(">{text}<")) || svg.contains(text),
            "SVG lacks {text:?}"
        );
    }
}

/// Counts dark pixels (text, lines) in rows `rows` of an RGB image.
fn dark_pixels(png: &[u8], rows: std::ops::Range<u32>) -> usize {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .unwrap()
        .to_rgb8();
    assert_eq!(img.dimensions(), (cdsim::chart::WIDTH, cdsim::chart::HEIGHT));
    rows.flat_map(|y| (0..img.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 100))
        .count()
}

#[test]
fn png_charts_rasterise_their_text_with_the_bundled_font() {
    let png = sample_chart().png().unwrap();
    // The title is the only thing drawn in the top 30 rows: its glyphs must be there.
    assert!(dark_pixels(&png, 0..30) > 200, "the title is not rasterised");
    // Same data, same bytes.
    assert!(png == sample_chart().png().unwrap());
}

/// An in-place fleet of `n` with a failure and a rollback (two deployments of `n` targets).
fn rolled_back_fleet(n: u32) -> Report {
    common::run(
        &format!(
            "name: fleet-{n}\ndeploymentConfigName: CodeDeployDefault.OneAtATime\nfleet: {{instances: {n}}}\n\
             hooks:\n  ValidateService:\n    - {{location: scripts/validate.sh, timeout: 120, duration: 10s}}\n\
             faults:\n  - hookFails: {{target: 2, event: ValidateService}}\n\
             autoRollbackConfiguration: {{events: [DEPLOYMENT_FAILURE]}}\n"
        ),
        1,
    )
}

fn builds(r: &Report) -> Vec<usize> {
    r.deployments.iter().map(|d| d.targets.builds()).collect()
}

/// Linear in the fleet: the charts (the timeline's density strip) read each target once
/// per deployment, the summary only the failed and skipped ones, the JSON each once; ten
/// times the fleet builds ten times the targets, where a scan of every target per target
/// built a hundred times as many.
#[test]
fn the_files_of_a_large_fleet_read_each_target_once() {
    for n in [100, 1000] {
        let r = rolled_back_fleet(n);
        assert_eq!(r.deployments.len(), 2, "a rollback");
        assert_eq!(builds(&r), [0, 0], "nothing is built before it is read");
        let charts = charts::charts(&r);
        assert!(
            charts.iter().any(|c| matches!(c.chart, Chart::Strip(_))),
            "a density strip"
        );
        assert_eq!(builds(&r), [n as usize; 2], "the charts read each target once");
        let _ = cdsim::report::text::summary(&r);
        let unsuccessful = |k: usize| {
            let o = &r.deployments[k].deployment_overview;
            (o.failed + o.skipped) as usize
        };
        let after_summary = [n as usize + unsuccessful(0), n as usize + unsuccessful(1)];
        assert_eq!(
            builds(&r),
            after_summary,
            "the summary reads failed and skipped targets"
        );
        let json = cdsim::report::json::to_string(&r);
        assert_eq!(json.matches("\"targetId\"").count(), 2 * n as usize);
        let after_json = after_summary.map(|b| b + n as usize);
        assert_eq!(builds(&r), after_json, "the JSON builds each target once");
    }
}

/// report.html shows the scenario's description and its configuration, alarm and rollback
/// sections as the file has them (comments and flow style kept), and no other section.
/// The report, and report.html with the scenario as written, of `scenarios/NAME.yaml`.
fn page_as_written(name: &str) -> (Report, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let sc = cdsim::scenario::load_str(&text, &format!("{name}.yaml")).unwrap();
    let report = cdsim::simulation::simulate(&sc, sc.seed);
    let written = cdsim::report::written::Written::of(&sc, &text);
    let page = cdsim::report::html::page(&report, Some(&written), &[]);
    (report, page)
}

#[test]
fn report_html_shows_the_scenario_as_written() {
    let (report, page) = page_as_written("lambda-alarm-rollback");
    for shown in [
        "version 13 fails 8 % of its requests",
        "deploymentConfigName: CodeDeployDefault.LambdaCanary10Percent10Minutes\n",
        "alarmConfiguration:\n  alarms:\n    - name: checkout-new-version-errors\n",
        "autoRollbackConfiguration:\n  events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]",
    ] {
        assert!(page.contains(shown), "{shown:?} not on the page");
    }
    assert!(!page.contains("lambdaFunction:"), "a section the page does not show");
    assert!(!cdsim::report::html::page(&report, None, &[]).contains("As the scenario sets it"));
}

/// A history's requests are shown as written too, after the rollback configuration.
#[test]
fn report_html_shows_a_history_as_written() {
    let (_, page) = page_as_written("ecs-release-train");
    let history = "history:\n  - revision: v1\n    continueDeployment:\n      - {at: 1m}\n      - {at: 5m}\n  \
- revision: v2\n    at: 30m\n";
    let (Some(h), Some(r)) = (page.find(history), page.find("autoRollbackConfiguration:\n")) else {
        panic!("the history or the rollback is not on the page");
    };
    assert!(r < h, "the history comes after the rollback configuration");
    assert!(
        page.contains(
            "AfterAllowTraffic: {function: CodeDeployHook_post_traffic, duration: 30s, failureProbability: 1}"
        ),
        "v3's hooks as written"
    );
}

/// A history's tables say when in words (seconds kept past an hour), which request was
/// refused, and which deployment and revision each lifecycle table is of.
#[test]
fn report_html_tells_a_historys_times_refusals_and_revisions() {
    let (_, page) = page_as_written("ecs-release-train");
    for shown in [
        // d-SIMULATED3 (v3) from 1h to its failure at 1h 9m 30s (§8).
        "<td>v3</td><td>user</td><td>1h</td><td>1h 9m 30s</td><td>Failed</td>",
        "<h3>Refused requests</h3>",
        "<td>1m</td><td>ContinueDeployment</td><td>v1</td><td>DeploymentIsNotInReadyStateException</td>",
        "<summary>Lifecycle events per target in d-SIMULATED1, revision v1 (1 target)</summary>",
        "<summary>Lifecycle events per target in d-SIMULATED4, the rollback to revision v2 (1 target)</summary>",
    ] {
        assert!(page.contains(shown), "{shown:?} not on the page");
    }
    assert!(!page.contains(" s</td><td>"), "times in seconds");
    let (_, page) = page_as_written("redeploy-refused");
    assert!(
        page.contains("<td>3m</td><td>CreateDeployment</td><td>v2</td><td>DeploymentLimitExceededException</td>"),
        "the refused redeploy (§11)"
    );
    let (_, page) = page_as_written("lambda-release-train");
    for shown in [
        "<th>deployment</th><th>version</th><th>creator</th>",
        "<summary>Lifecycle events per target in d-SIMULATED3, the rollback to version 3 (1 target)</summary>",
        "<td>history duration (to the last deployment's end)</td>",
    ] {
        assert!(page.contains(shown), "{shown:?} not on the page");
    }
    // A single deployment: one table, of its only deployment, as before.
    let (_, page) = page_as_written("one-at-a-time");
    assert_eq!(page.matches("<details>").count(), 1);
    assert!(page.contains("<summary>Lifecycle events per target (8 targets)</summary>"));
}

/// The JSON writer (each deployment's targets and the capacity series written element by
/// element, an in-place fleet's straight from its records) gives serde's pretty printing
/// of the report, byte for byte: every scenario in `scenarios/` on two seeds, and a fleet
/// with script failures, time-outs and Availability Zones.
#[test]
fn the_json_is_serdes_pretty_printing_of_the_report() {
    let same = |r: &Report, what: &str| {
        let written = cdsim::report::json::to_string(r);
        let serde = serde_json::to_string_pretty(r).unwrap() + "\n";
        assert!(written == serde, "{what}: the written JSON differs from serde's");
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let yaml = std::fs::read_to_string(path).unwrap();
        for seed in [1, 2] {
            same(&common::run(&yaml, seed), &format!("{} seed {seed}", path.display()));
        }
    }
    let faulty = "name: faulty\ndeploymentConfigName: CodeDeployDefault.AllAtOnce\n\
                  fleet: {instances: 12, availabilityZones: [\"eu-west-1a\", \"eu-\\\"west\\\"-1b\"]}\n\
                  hooks:\n  ApplicationStart:\n    - {location: \"scripts/st\\\"art.sh\", timeout: 2, duration: 1s}\n\
                  faults:\n  - hookHangs: {target: 1, event: ApplicationStart}\n\
                  \x20 - hookFails: {target: 3, event: ApplicationStart}\n\
                  autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}\n";
    same(&common::run(faulty, 1), "a fleet with failures, time-outs and zones");
    same(&rolled_back_fleet(1200), "a fleet of 1,200 with a rollback");
}
