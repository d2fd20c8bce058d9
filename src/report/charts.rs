//! Which charts a report gets, and their data: in-service capacity by revision, traffic
//! weight by version, the alarm's metric with its threshold and ALARM periods, and the
//! lifecycle timeline (a Gantt chart per target for small fleets, a density strip for
//! large ones). Drawing is `chart`'s.
//!
//! Each chart is present when the report has its data: capacity for in-place fleets
//! (and ECS task sets), traffic for every platform, the metric chart where an alarm watches
//! a modelled metric (ECS, Lambda) or, without traffic, an injected one, the timeline always.
//!
//! Every time chart shares one [`TimeAxis`]: from a little before the deployment changes
//! anything (the fleet and traffic as they were) to a little after the last thing that
//! happens, so no event, band or line lies on the frame; each carries the ALARM intervals
//! and the rollback's start.
//!
//! Not here: drawing, file names, HTML.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::{DeploymentInfo, Report, TargetInfo, Targets};
use crate::chart::{
    Band, Chart, Gantt, GanttRow, LineChart, Marker, Rgb, Series, Span, Strip, StripRow, Threshold, palette,
};
use crate::scenario::history::INITIAL_REVISION;

/// Fleets up to this size get one Gantt row per target; larger ones a density strip.
pub const GANTT_MAX_TARGETS: usize = 30;
const STRIP_BUCKETS: usize = 120;

/// A chart with the file stem it is written under.
pub struct NamedChart {
    /// The file stem, e.g. `capacity` for `capacity.svg`.
    pub name: &'static str,
    /// The chart to draw.
    pub chart: Chart,
}

/// The report's charts, in reading order.
pub fn charts(report: &Report) -> Vec<NamedChart> {
    let axis = TimeAxis::for_report(report);
    let mut failed = Vec::new();
    let timeline = timeline(report, &axis, &mut failed);
    let mut out = Vec::new();
    let mut push = |name: &'static str, chart: Option<Chart>| {
        if let Some(chart) = chart {
            out.push(NamedChart { name, chart });
        }
    };
    let capacity = capacity(report, &axis, &failed).map(Chart::Line);
    let busy = axis.busy(report);
    let zoomed = |c: &Chart| busy.map(|range| zoom(c.clone(), range));
    let capacity_busy = capacity.as_ref().and_then(zoomed);
    let timeline_busy = zoomed(&timeline);
    push("capacity", capacity);
    push("capacity-busy", capacity_busy);
    push("traffic", traffic(report, &axis).map(Chart::Line));
    push("alarm-metric", alarm_metric(report, &axis).map(Chart::Line));
    push("timeline", Some(timeline));
    push("timeline-busy", timeline_busy);
    out
}

/// The chart over a narrower time range, titled as a zoom of the busy phase.
fn zoom(chart: Chart, range: (f64, f64)) -> Chart {
    let title = |t: &str| format!("{t} (the busy phase, zoomed)");
    match chart {
        Chart::Line(mut c) => {
            // A step series holds its last value shown to the zoom's edge.
            for s in &mut c.series {
                s.points.retain(|p| p.0 <= range.1);
            }
            c.markers.retain(|m| m.x <= range.1);
            Chart::Line(LineChart {
                title: title(&c.title),
                x_range: range,
                ..c
            })
        }
        Chart::Gantt(c) => Chart::Gantt(Gantt {
            title: title(&c.title),
            x_range: range,
            ..c
        }),
        other => other,
    }
}

/// Seconds, or minutes for runs longer than 15 minutes; `start` and `end` (in the
/// axis's unit) leave a margin before the creation and after the last event.
pub struct TimeAxis {
    /// Seconds per axis unit: 1 (seconds) or 60 (minutes).
    pub divisor: f64,
    /// The axis title, naming the unit.
    pub label: &'static str,
    /// The left end of the axis, in the axis's unit (negative: a margin before creation).
    pub start: f64,
    /// The right end of the axis, in the axis's unit.
    pub end: f64,
}

/// The share of the last event's time left blank before the creation and after the end.
const MARGIN: f64 = 0.05;

impl TimeAxis {
    /// An axis that shows `[0, last_seconds]` with margins on both sides.
    pub fn new(last_seconds: f64) -> TimeAxis {
        let (divisor, label) = if last_seconds > 900.0 {
            (60.0, "time since the deployment was created (min)")
        } else {
            (1.0, "time since the deployment was created (s)")
        };
        let last = last_seconds.max(1.0) / divisor;
        TimeAxis {
            divisor,
            label,
            start: -last * MARGIN,
            end: last * (1.0 + MARGIN),
        }
    }

    /// The last thing that happens: a deployment's end (rollback complete, termination),
    /// an alarm's change of state, a capacity change, a traffic period's end.
    fn for_report(report: &Report) -> TimeAxis {
        let ends = report.deployments.iter().map(|d| d.complete_time);
        let alarms = report.alarms.iter().flat_map(|a| a.states.iter().map(|s| s.time));
        let capacity = report.capacity.iter().map(|p| p.time);
        let periods = report.traffic.iter().flat_map(|t| t.periods.iter().map(|p| p.end));
        let mut axis = TimeAxis::new(ends.chain(alarms).chain(capacity).chain(periods).fold(0.0, f64::max));
        if is_history(report) {
            axis.label = if axis.divisor > 1.0 {
                "time since the history began (min)"
            } else {
                "time since the history began (s)"
            };
        }
        axis
    }

    /// The busy phase before a long wait (EC2 blue/green's termination wait, a long bake),
    /// with margins: where the longest quiet interval between changes of capacity or
    /// traffic is most of the run, something happens before it, and no alarm or rollback
    /// after it. `None` when the whole axis reads well.
    fn busy(&self, report: &Report) -> Option<(f64, f64)> {
        // Where an alarm or a rollback ends the wait, the end is the story: no zoom.
        let alarmed = report
            .alarms
            .iter()
            .any(|a| a.states.iter().any(|s| s.state == "ALARM"));
        // A history's quiet stretches are the gaps between its deployments (or one
        // deployment's wait among several): a zoom on what comes before the longest would
        // hide the deployments after it, so a history is drawn whole.
        if alarmed || rollback(report).is_some() || is_history(report) {
            return None;
        }
        let mut times: Vec<f64> = report.capacity.iter().map(|p| self.at(p.time)).collect();
        for d in &report.deployments {
            times.extend(d.traffic_shifts.iter().flatten().map(|s| self.at(s.time)));
        }
        times.sort_by(f64::total_cmp);
        let last = self.end / (1.0 + MARGIN);
        let (before, gap) = times
            .windows(2)
            .map(|w| (w[0], w[1] - w[0]))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        (gap > 0.6 * last && before > 0.03 * last).then(|| (-before * MARGIN, before * (1.0 + 2.0 * MARGIN)))
    }

    /// The plotted range.
    pub fn range(&self) -> (f64, f64) {
        (self.start, self.end)
    }

    /// The plotted span, in the axis's unit.
    fn span(&self) -> f64 {
        self.end - self.start
    }

    /// `seconds` since the deployment was created, in the axis's unit.
    pub fn at(&self, seconds: f64) -> f64 {
        seconds / self.divisor
    }
}

fn rollback(report: &Report) -> Option<&DeploymentInfo> {
    report.deployments.iter().find(|d| d.creator == "codeDeployRollback")
}

/// Whether the report is a group's history (its deployments name their revisions).
fn is_history(report: &Report) -> bool {
    report.is_history()
}

/// The most deployments of a history whose creations each get a labelled marker; beyond,
/// their spans alone mark them.
const LABELLED_DEPLOYMENTS: usize = 8;

/// Where the rollback deployment starts; in a history, where each deployment starts, each
/// labelled with its id and revision, and where a request was refused (§11).
fn rollback_marker(report: &Report, axis: &TimeAxis) -> Vec<Marker> {
    if is_history(report) {
        if report.deployments.len() > LABELLED_DEPLOYMENTS {
            return Vec::new();
        }
        return report
            .deployments
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let revision = short_revision(report, d.revision_name.as_deref().unwrap_or(""));
                let rollback = d.creator == "codeDeployRollback";
                Marker {
                    label: if rollback {
                        format!("{} starts: rollback to {revision}", d.deployment_id)
                    } else {
                        format!("{} starts: {revision}", d.deployment_id)
                    },
                    color: if rollback { palette::RED } else { palette::series(k) },
                    x: axis.at(d.create_time),
                }
            })
            .chain(report.refused_requests.iter().map(|r| Marker {
                label: match r.operation {
                    Some(op) => format!("{op} on {} refused", short_revision(report, &r.revision_name)),
                    None => format!("request for {} refused", short_revision(report, &r.revision_name)),
                },
                color: palette::GREY,
                x: axis.at(r.time),
            }))
            .collect();
    }
    rollback(report)
        .map(|r| Marker {
            label: "rollback deployment starts".into(),
            color: palette::RED,
            x: axis.at(r.create_time),
        })
        .into_iter()
        .collect()
}

/// A history's revision `name` as a legend gives it: the name (`v2`), or a Lambda
/// function's `version 3`, a bare number being no name a reader recognises.
fn short_revision(report: &Report, name: &str) -> String {
    if report.platform() == "Lambda" {
        super::revision_words("Lambda", name)
    } else {
        name.to_string()
    }
}

/// Every interval an alarm spent in ALARM, shaded; in a history, each deployment's span.
fn alarm_bands(report: &Report, axis: &TimeAxis) -> Vec<Band> {
    let mut bands = Vec::new();
    if is_history(report) {
        // An ECS or Lambda rollback takes no time: its marker shows it.
        for d in report.deployments.iter().filter(|d| d.complete_time > d.create_time) {
            let rollback = d.creator == "codeDeployRollback";
            bands.push(Band {
                label: if rollback {
                    "a rollback deployment in progress".into()
                } else {
                    "a deployment in progress".into()
                },
                color: if rollback {
                    Rgb(250, 215, 200)
                } else {
                    Rgb(220, 235, 245)
                },
                from: axis.at(d.create_time),
                to: axis.at(d.complete_time),
            });
        }
    }
    for a in &report.alarms {
        for (i, s) in a.states.iter().enumerate() {
            if s.state == "ALARM" {
                let from = axis.at(s.time);
                let to = a.states.get(i + 1).map_or(axis.end, |n| axis.at(n.time));
                // A short ALARM stays visible: at least 1 % of the axis wide.
                bands.push(Band {
                    label: "an alarm in ALARM".into(),
                    color: palette::VERMILION,
                    from,
                    to: to.max(from + axis.span() * 0.01),
                });
            }
        }
    }
    bands
}

fn step(label: &str, color: crate::chart::Rgb, points: Vec<(f64, f64)>) -> Series {
    Series {
        label: label.into(),
        color,
        points,
        step: true,
        dashed: false,
        width: 2,
        offset: 0,
    }
}

fn capacity(report: &Report, axis: &TimeAxis, failed: &[f64]) -> Option<LineChart> {
    let (series, top, unit, thresholds) = if !report.capacity.is_empty() {
        in_place_capacity(report, axis, failed)
    } else {
        task_capacity(report, axis)?
    };
    Some(LineChart {
        title: format!("In-service capacity by revision: {}", report.scenario),
        x_label: axis.label.into(),
        y_label: unit.into(),
        x_range: axis.range(),
        y_range: (0.0, top.max(1.0)),
        series,
        bands: alarm_bands(report, axis),
        markers: rollback_marker(report, axis),
        thresholds,
    })
}

type CapacitySeries = (Vec<Series>, f64, &'static str, Vec<Threshold>);

/// Pixels between series that may coincide, so each stays visible beside the others.
const DODGE: i32 = 3;

fn in_place_capacity(report: &Report, axis: &TimeAxis, failed: &[f64]) -> CapacitySeries {
    let instances = report.metrics.capacity.as_ref().map_or(0, |c| c.instances);
    // Before the creation: the whole fleet in service on the original revision.
    let before = super::CapacityPoint {
        time: axis.start * axis.divisor,
        in_service: instances,
        on_new_revision: 0,
        original_running: report.capacity[0].original_running.map(|_| instances),
        replacement_running: report.capacity[0].replacement_running.map(|_| 0),
    };
    let points: Vec<&super::CapacityPoint> = std::iter::once(&before).chain(&report.capacity).collect();
    let at = |f: &dyn Fn(&super::CapacityPoint) -> u32| -> Vec<(f64, f64)> {
        points.iter().map(|p| (axis.at(p.time), f64::from(f(p)))).collect()
    };
    let (in_service_label, new_label, original_label) = if is_history(report) {
        (
            "in service (every revision)",
            "on the latest user deployment's revision",
            "on other revisions",
        )
    } else {
        (
            "in service (both revisions)",
            "on the new revision",
            "on the original revision",
        )
    };
    let new = Series {
        offset: DODGE,
        ..step(new_label, palette::GREEN, at(&|p| p.on_new_revision))
    };
    let mut series = vec![Series {
        width: 9,
        ..step(in_service_label, Rgb(205, 205, 205), at(&|p| p.in_service))
    }];
    series.extend(per_user_deployment(report, axis, "on", &new).unwrap_or_else(|| vec![new]));
    // In a history the other revisions change from one deployment to the next: grey.
    let other = if is_history(report) {
        palette::GREY
    } else {
        palette::BLUE
    };
    series.push(Series {
        offset: -DODGE,
        dashed: true,
        ..step(original_label, other, at(&|p| p.in_service - p.on_new_revision))
    });
    let mut top = points.iter().map(|p| p.in_service).max().unwrap_or(0);
    if report.capacity.iter().any(|p| p.original_running.is_some()) {
        // In a history each deployment's originals are the group's fleet, its replacements
        // a fleet of its own.
        let (original, replacement) = if is_history(report) {
            ("the group's fleet running", "a deployment's replacement fleet running")
        } else {
            ("original fleet running", "replacement fleet running")
        };
        for (label, color, offset, f) in [
            (
                original,
                palette::SKY,
                -2 * DODGE,
                (|p: &super::CapacityPoint| p.original_running) as fn(&_) -> Option<u32>,
            ),
            (replacement, palette::ORANGE, 2 * DODGE, |p: &super::CapacityPoint| {
                p.replacement_running
            }),
        ] {
            let points: Vec<(f64, f64)> = points
                .iter()
                .filter_map(|p| f(p).map(|v| (axis.at(p.time), f64::from(v))))
                .collect();
            top = top.max(points.iter().map(|&(_, v)| v as u32).max().unwrap_or(0));
            series.push(Series {
                dashed: true,
                offset,
                ..step(label, color, points)
            });
        }
    } else if report.capacity.iter().any(|p| p.in_service < instances) {
        series.push(Series {
            offset: 2 * DODGE,
            dashed: true,
            ..step(
                "out of service (being deployed to, or failed)",
                palette::ORANGE,
                at(&|p| instances.saturating_sub(p.in_service)),
            )
        });
    }
    if !failed.is_empty() {
        let mut points = vec![(axis.start, 0.0)];
        points.extend(failed.iter().enumerate().map(|(k, &t)| (t, (k + 1) as f64)));
        series.push(Series {
            offset: -2 * DODGE,
            ..step("instances failed so far", palette::RED, points)
        });
    }
    let minimum = report
        .deployments
        .first()
        .and_then(|d| d.health_plan.as_ref())
        .map(|h| Threshold {
            label: format!("minimum healthy hosts ({})", h.minimum_healthy_instances),
            color: palette::PURPLE,
            y: f64::from(h.minimum_healthy_instances),
        });
    // An alarm on the instances in service reads this very series: its threshold too.
    let alarms = report
        .alarms
        .iter()
        .filter(|a| a.metric == "healthyCount")
        .map(|a| Threshold {
            label: format!("alarm threshold ({})", a.alarm_name),
            color: palette::VERMILION,
            y: a.threshold,
        });
    let thresholds = minimum.into_iter().chain(alarms).collect();
    (series, f64::from(top.max(instances)), "instances", thresholds)
}

fn task_capacity(report: &Report, axis: &TimeAxis) -> Option<CapacitySeries> {
    let periods = &report.traffic.as_ref()?.periods;
    let healthy: Vec<_> = periods
        .iter()
        .filter_map(|p| p.healthy_tasks.map(|h| (axis.at(p.end), h)))
        .collect();
    if healthy.is_empty() {
        return None;
    }
    let top = healthy
        .iter()
        .map(|(_, h)| h.original.max(h.replacement))
        .max()
        .unwrap_or(0);
    // Before the creation: the original task set alone.
    let before = |v: f64| std::iter::once((axis.start, v));
    // In a history each deployment has its own pair of task sets: the replacement of one
    // is the original of the next.
    let (original, replacement) = if is_history(report) {
        (
            "each deployment's original task set (healthy tasks)",
            "each deployment's replacement task set (healthy tasks)",
        )
    } else {
        (
            "original task set (healthy tasks)",
            "replacement task set (healthy tasks)",
        )
    };
    let series = vec![
        Series {
            offset: -DODGE,
            dashed: true,
            ..step(
                original,
                palette::BLUE,
                before(f64::from(healthy[0].1.original))
                    .chain(healthy.iter().map(|&(t, h)| (t, f64::from(h.original))))
                    .collect(),
            )
        },
        Series {
            offset: DODGE,
            ..step(
                replacement,
                palette::GREEN,
                before(0.0)
                    .chain(healthy.iter().map(|&(t, h)| (t, f64::from(h.replacement))))
                    .collect(),
            )
        },
    ];
    Some((series, f64::from(top), "healthy tasks at each period's end", Vec::new()))
}

/// (time, new %, original %) points: the shifts (ECS, Lambda), or the in-service
/// instances' revisions (in-place; both 0 while no instance is in service).
fn traffic(report: &Report, axis: &TimeAxis) -> Option<LineChart> {
    let shares: Vec<(f64, f64, f64)> = if report.traffic.is_some() {
        let mut points = vec![(axis.start, 0.0, 100.0)];
        for d in &report.deployments {
            for s in d.traffic_shifts.iter().flatten() {
                let p = f64::from(s.percent);
                points.push((axis.at(s.time), p, 100.0 - p));
            }
        }
        points
    } else {
        std::iter::once((axis.start, 0.0, 100.0))
            .chain(report.capacity.iter().map(|p| {
                let t = axis.at(p.time);
                if p.in_service == 0 {
                    (t, 0.0, 0.0)
                } else {
                    let new = 100.0 * f64::from(p.on_new_revision) / f64::from(p.in_service);
                    (t, new, 100.0 - new)
                }
            }))
            .collect()
    };
    if shares.is_empty() {
        return None;
    }
    let new: Vec<(f64, f64)> = shares.iter().map(|&(t, n, _)| (t, n)).collect();
    let original = shares.iter().map(|&(t, _, o)| (t, o)).collect();
    let series = if report.traffic.is_some() && is_history(report) {
        revision_traffic(report, axis)
    } else if let Some(mut lines) =
        per_user_deployment(report, axis, "revision", &step("", palette::GREEN, new.clone()))
    {
        // An in-place history: the latest user deployment's revision, then the others.
        lines.push(Series {
            dashed: true,
            ..step("other revisions", palette::GREY, original)
        });
        lines
    } else {
        vec![
            // Dashed over solid: where the shares meet (50 %), both stay visible.
            step("new version", palette::GREEN, new),
            Series {
                dashed: true,
                ..step("original version", palette::BLUE, original)
            },
        ]
    };
    let mut bands = alarm_bands(report, axis);
    bands.extend(out_of_service(report, axis));
    let y_label = if report.traffic.is_some() {
        "share of production traffic (%)"
    } else {
        "share of in-service instances (%)"
    };
    Some(LineChart {
        title: format!("Traffic weight by version: {}", report.scenario),
        x_label: axis.label.into(),
        y_label: y_label.into(),
        x_range: axis.range(),
        y_range: (0.0, 100.0),
        series,
        bands,
        markers: rollback_marker(report, axis),
        thresholds: Vec::new(),
    })
}

/// In an in-place history, `latest` (a series of the latest user deployment's revision) cut
/// at each user deployment's creation: one line for each, labelled `{prefix} v2
/// (d-SIMULATED2)` in the colour of that deployment's marker. `None` for a single deployment
/// or a history of more than [`LABELLED_DEPLOYMENTS`] user deployments (`latest` stays one
/// line).
fn per_user_deployment(report: &Report, axis: &TimeAxis, prefix: &str, latest: &Series) -> Option<Vec<Series>> {
    let users: Vec<(usize, &DeploymentInfo)> = report
        .deployments
        .iter()
        .enumerate()
        .filter(|(_, d)| d.creator == "user")
        .collect();
    if !is_history(report) || users.len() > LABELLED_DEPLOYMENTS {
        return None;
    }
    let starts: Vec<f64> = users.iter().map(|(_, d)| axis.at(d.create_time)).collect();
    let lines = users.iter().enumerate().map(|(j, &(k, d))| {
        let from = if j == 0 { f64::NEG_INFINITY } else { starts[j] };
        let to = starts.get(j + 1).copied();
        let held = latest.points.iter().rev().find(|p| p.0 < from).map(|p| (from, p.1));
        let mut points: Vec<(f64, f64)> = held
            .into_iter()
            .chain(
                latest
                    .points
                    .iter()
                    .copied()
                    .filter(|p| p.0 >= from && to.is_none_or(|to| p.0 < to)),
            )
            .collect();
        // A step series holds its last value to the chart's end: a line that ends at the
        // next deployment is drawn through its corners instead.
        let step = to.is_none();
        if let (Some(to), Some(&(_, v))) = (to, points.last()) {
            points.push((to, v));
            points = crate::chart::steps(&points, to);
        }
        let revision = d.revision_name.as_deref().unwrap_or("");
        Series {
            label: format!("{prefix} {revision} ({})", d.deployment_id),
            color: palette::series(k),
            points,
            step,
            ..latest.clone()
        }
    });
    Some(lines.collect())
}

/// An ECS or Lambda history: each revision's share of production traffic. Each user
/// deployment shifts traffic from the revision serving (the one the history began with,
/// then the last to which all traffic moved) to its own; its shifts include the move back
/// of a rollback.
fn revision_traffic(report: &Report, axis: &TimeAxis) -> Vec<Series> {
    let lambda = report
        .deployments
        .first()
        .and_then(|d| d.targets.first())
        .and_then(|t| t.lambda_function_info.as_ref());
    let first = lambda.map_or(INITIAL_REVISION.to_string(), |f| f.current_version.clone());
    // Each revision in the colour of the marker of the first deployment of it; the first,
    // which no deployment of the history made, in grey.
    let mut names = vec![first];
    let mut colors = vec![palette::GREY];
    let mut points = vec![vec![(axis.start, 100.0)]];
    let mut serving = 0;
    for (k, d) in report
        .deployments
        .iter()
        .enumerate()
        .filter(|(_, d)| d.creator == "user")
    {
        let name = d.revision_name.clone().unwrap_or_default();
        let to = names.iter().position(|n| *n == name).unwrap_or_else(|| {
            names.push(name);
            colors.push(palette::series(k));
            points.push(Vec::new());
            names.len() - 1
        });
        if to == serving {
            continue; // the serving revision again: it keeps all the traffic
        }
        if points[to].is_empty() {
            points[to].push((axis.at(d.create_time), 0.0));
        }
        let mut last = 0;
        for s in d.traffic_shifts.iter().flatten() {
            let p = f64::from(s.percent);
            points[to].push((axis.at(s.time), p));
            points[serving].push((axis.at(s.time), 100.0 - p));
            last = s.percent;
        }
        if last == 100 {
            serving = to;
        }
    }
    let noun = if lambda.is_some() { "version" } else { "revision" };
    names
        .iter()
        .zip(colors)
        .zip(points)
        .map(|((name, color), p)| step(&format!("{noun} {name}"), color, p))
        .collect()
}

/// The intervals with no instance in service (in-place), shaded: nothing serves traffic.
fn out_of_service(report: &Report, axis: &TimeAxis) -> Vec<Band> {
    let points = &report.capacity;
    let mut bands = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let to = points.get(i + 1).map_or(axis.end, |n| axis.at(n.time));
        if p.in_service == 0 && to > axis.at(p.time) {
            bands.push(Band {
                label: "no instance in service".into(),
                color: palette::GREY,
                from: axis.at(p.time),
                to,
            });
        }
    }
    bands
}

/// Reads one figure of a version's period.
type ValueOf = fn(&super::blue_green::VersionInfo) -> Option<f64>;

/// The first alarm's metric (latency in ms, or the error rate in %) per version and
/// period, with the alarm's threshold; none without such an alarm.
fn alarm_metric(report: &Report, axis: &TimeAxis) -> Option<LineChart> {
    let Some(traffic) = report.traffic.as_ref() else {
        return injected_metric(report, axis);
    };
    let alarm = report
        .alarms
        .iter()
        .find(|a| a.metric.starts_with("latency") || a.metric == "errorRate");
    let metric = alarm.map_or("errorRate", |a| a.metric);
    let (value, y_label, scale): (ValueOf, &str, f64) = match metric {
        "latencyP50" => (|v| v.latency_p50_ms, "p50 latency (ms)", 1.0),
        "latencyP90" => (|v| v.latency_p90_ms, "p90 latency (ms)", 1.0),
        "latencyP99" => (|v| v.latency_p99_ms, "p99 latency (ms)", 1.0),
        _ => (|v| v.error_rate, "error rate (% of requests)", 100.0),
    };
    let series_of = |f: fn(&super::blue_green::PeriodInfo) -> &super::blue_green::VersionInfo| -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> = Vec::new();
        let mut last_end: Option<f64> = None;
        for p in &traffic.periods {
            // A history's periods stop between deployments: no line across the gap.
            if last_end.is_some_and(|end| end < p.start) && !points.is_empty() {
                points.push((axis.at(p.start), f64::NAN));
            }
            last_end = Some(p.end);
            if let Some(v) = value(f(p)) {
                points.push((axis.at(p.start), v * scale));
                points.push((axis.at(p.end), v * scale));
            }
        }
        points
    };
    alarm?;
    let original = series_of(|p| &p.original);
    let replacement = series_of(|p| &p.replacement);
    let threshold = alarm.map(|a| Threshold {
        label: format!("alarm threshold ({})", a.alarm_name),
        color: palette::VERMILION,
        y: a.threshold * scale,
    });
    let top = original
        .iter()
        .chain(&replacement)
        .map(|&(_, v)| v)
        .chain(threshold.iter().map(|t| t.y))
        .fold(0.0, f64::max);
    let per = |s: &str| format!("{s}, per {} s period", traffic.period_seconds);
    Some(LineChart {
        title: format!(
            "{} by version: {}",
            if metric == "errorRate" { "Error rate" } else { "Latency" },
            report.scenario
        ),
        x_label: axis.label.into(),
        y_label: y_label.into(),
        x_range: axis.range(),
        y_range: (0.0, if top > 0.0 { top * 1.1 } else { 1.0 }),
        series: vec![
            Series {
                label: per("original version"),
                color: palette::BLUE,
                points: original,
                step: false,
                dashed: true,
                width: 2,
                offset: -DODGE,
            },
            Series {
                label: per("new version"),
                color: palette::GREEN,
                points: replacement,
                step: false,
                dashed: false,
                width: 2,
                offset: DODGE,
            },
        ],
        bands: alarm_bands(report, axis),
        markers: rollback_marker(report, axis),
        thresholds: threshold.into_iter().collect(),
    })
}

/// Without traffic (EC2/on-premises): the first alarm on an injected metric, as injected
/// (a step per value, on the run's time axis, a history's included), with its threshold;
/// none when no alarm has one or its metric has missing stretches.
fn injected_metric(report: &Report, axis: &TimeAxis) -> Option<LineChart> {
    let alarm = report.alarms.iter().find(|a| !a.injected.is_empty())?;
    let steps: Vec<(f64, f64)> = alarm
        .injected
        .iter()
        .map(|&(t, v)| v.map(|v| (axis.at(t), v)))
        .collect::<Option<_>>()?;
    let last = steps.last().map_or(0.0, |s| s.1);
    let mut points = steps;
    points.push((axis.end, last));
    let top = points.iter().map(|p| p.1).fold(alarm.threshold, f64::max);
    Some(LineChart {
        title: format!("Alarm metric {}: {}", alarm.alarm_name, report.scenario),
        x_label: axis.label.into(),
        y_label: "the injected metric (the scenario's unit)".into(),
        x_range: axis.range(),
        y_range: (0.0, if top > 0.0 { top * 1.1 } else { 1.0 }),
        series: vec![step(
            &format!("{}'s metric, as injected", alarm.alarm_name),
            palette::BLACK,
            points,
        )],
        bands: alarm_bands(report, axis),
        markers: rollback_marker(report, axis),
        thresholds: vec![Threshold {
            label: format!("alarm threshold ({})", alarm.alarm_name),
            color: palette::VERMILION,
            y: alarm.threshold,
        }],
    })
}

/// Lifecycle event groups, the timeline's colours.
const GROUPS: &[(&str, crate::chart::Rgb)] = &[
    ("block traffic", palette::SKY),
    ("stop, download", palette::GREY),
    ("install", palette::ORANGE),
    ("start, validate", palette::PURPLE),
    ("allow traffic", palette::GREEN),
    ("failed (at the red end)", palette::RED),
    ("rollback deployment's events", palette::VERMILION),
    ("waiting to be terminated", Rgb(225, 225, 225)),
];
const FAILED: usize = 5;
const ROLLBACK: usize = 6;
const WAITING: usize = 7;

fn group(event: &str) -> usize {
    match event {
        "BeforeBlockTraffic" | "BlockTraffic" | "AfterBlockTraffic" => 0,
        "ApplicationStop" | "DownloadBundle" => 1,
        "BeforeInstall" | "Install" | "AfterInstall" => 2,
        "ApplicationStart" | "ValidateService" => 3,
        _ => 4,
    }
}

/// The timeline; `failed` gets the time each failed target failed, in order.
fn timeline(report: &Report, axis: &TimeAxis, failed: &mut Vec<f64>) -> Chart {
    let mut targets = report.deployments.first().map_or(0, |d| d.targets.len());
    let blue_green = report
        .deployments
        .first()
        .is_some_and(|d| d.blue_green_deployment_configuration.is_some());
    if blue_green && is_history(report) {
        // Each user deployment of an EC2 blue/green history launches a fleet of its own.
        let ids: BTreeSet<String> = report
            .deployments
            .iter()
            .flat_map(|d| d.targets.each().map(|t| t.into_owned().target_id))
            .collect();
        targets = ids.len();
    }
    if targets > GANTT_MAX_TARGETS {
        Chart::Strip(strip(report, axis, failed))
    } else if targets == 1 {
        Chart::Gantt(event_gantt(report, axis))
    } else {
        Chart::Gantt(target_gantt(report, axis, failed))
    }
}

/// (event, status, start, end, deployment index) of a target's started lifecycle events.
type Started<'t> = (&'t str, &'t str, f64, f64, usize);

/// Visits each target of the first deployment in order with its started lifecycle events
/// in every deployment of the report (a rollback deployment's targets are the first's);
/// in a history, then each target a later deployment brings (an EC2 blue/green
/// replacement fleet), in the order they first appear. `visit` gets the index of the
/// deployment where the target first appears.
/// Each deployment's targets are read once, built one at a time: a later deployment's
/// target is found at the same position or, failing that, through an index by id built
/// once, never by scanning the targets.
fn each_target(report: &Report, mut visit: impl FnMut(&TargetInfo, usize, &mut dyn Iterator<Item = Started<'_>>)) {
    let Some(first) = report.deployments.first() else {
        return;
    };
    let mut by_id: Vec<Option<BTreeMap<String, usize>>> = vec![None; report.deployments.len()];
    let mut visit_from = |j: usize, i: usize, t: &TargetInfo, by_id: &mut [Option<BTreeMap<String, usize>>]| {
        let mut others: Vec<(usize, Cow<'_, TargetInfo>)> = Vec::new();
        for (k, (d, index)) in report.deployments.iter().zip(by_id.iter_mut()).enumerate().skip(j + 1) {
            if let Some(o) = find(&d.targets, i, &t.target_id, index) {
                others.push((k, o));
            }
        }
        let mut events = std::iter::once((j, t))
            .chain(others.iter().map(|(k, o)| (*k, o.as_ref())))
            .flat_map(|(k, t)| t.lifecycle_events.iter().map(move |e| (k, e)))
            .filter_map(|(k, e)| Some((e.lifecycle_event_name, e.status, e.start_time?, e.end_time?, k)));
        visit(t, j, &mut events);
    };
    for (i, t) in first.targets.each().enumerate() {
        visit_from(0, i, &t, &mut by_id);
    }
    if !is_history(report) {
        return;
    }
    let mut seen: BTreeSet<String> = first.targets.each().map(|t| t.into_owned().target_id).collect();
    for (j, d) in report.deployments.iter().enumerate().skip(1) {
        for (i, t) in d.targets.each().enumerate() {
            if seen.insert(t.target_id.clone()) {
                visit_from(j, i, &t, &mut by_id);
            }
        }
    }
}

/// The target of `targets` with `id`: the one at `position` if it has that id, else
/// through `index` (built on the first miss).
fn find<'t>(
    targets: &'t Targets,
    position: usize,
    id: &str,
    index: &mut Option<BTreeMap<String, usize>>,
) -> Option<Cow<'t, TargetInfo>> {
    if position < targets.len() {
        let t = targets.get(position);
        if t.target_id == id {
            return Some(t);
        }
    }
    let index = index.get_or_insert_with(|| {
        targets
            .each()
            .enumerate()
            .map(|(i, t)| (t.into_owned().target_id, i))
            .collect()
    });
    index.get(id).map(|&i| targets.get(i))
}

/// A target's spans: each event in its group's colour (a rollback deployment's in one
/// colour of its own), a failed event red only at its end, when it failed. Records the
/// failure's time in `failed`.
/// `rollbacks`: which deployments of the report are rollback deployments.
fn spans(
    axis: &TimeAxis,
    rollbacks: &[bool],
    events: &mut dyn Iterator<Item = Started<'_>>,
    failed: &mut Vec<f64>,
) -> Vec<Span> {
    let mut out = Vec::new();
    let mut failed_at: Option<f64> = None;
    for (name, status, start, end, k) in events {
        let (start, end) = (axis.at(start), axis.at(end));
        let category = if rollbacks.get(k).copied().unwrap_or(k > 0) {
            ROLLBACK
        } else {
            group(name)
        };
        out.push(Span { start, end, category });
        if status == "Failed" {
            let mark = axis.span() * 0.006;
            out.push(Span {
                start: (end - mark).max(start),
                end: end + mark,
                category: FAILED,
            });
            failed_at.get_or_insert(end);
        }
    }
    failed.extend(failed_at);
    out
}

/// Per deployment of the report, whether CodeDeploy created it as a rollback.
fn rollback_deployments(report: &Report) -> Vec<bool> {
    report
        .deployments
        .iter()
        .map(|d| d.creator == "codeDeployRollback")
        .collect()
}

fn target_gantt(report: &Report, axis: &TimeAxis, failed: &mut Vec<f64>) -> Gantt {
    let first = &report.deployments[0];
    // EC2 blue/green: the original instances wait out the termination wait once traffic is off them.
    let terminated = first
        .instance_termination_wait_time_started
        .unwrap_or(false)
        .then(|| axis.at(first.complete_time));
    let mut rows = Vec::new();
    let rollbacks = rollback_deployments(report);
    let history = is_history(report);
    each_target(report, |t, j, events| {
        if history && t.instance_label.is_some() {
            // EC2 blue/green: an instance is a replacement in one deployment, an original in
            // the next; each deployment's originals wait out its termination wait.
            let events: Vec<Started<'_>> = events.collect();
            let mut spans = spans(axis, &rollbacks, &mut events.iter().copied(), failed);
            spans.extend(termination_waits(report, axis, &events));
            let label = match (t.instance_label, &report.deployments[j].revision_name) {
                (Some("Green"), Some(revision)) => format!("{} (launched for {revision})", t.target_id),
                _ => format!("{} (the group's first fleet)", t.target_id),
            };
            rows.push(GanttRow { label, spans });
            return;
        }
        let mut spans = spans(axis, &rollbacks, events, failed);
        let label = match t.instance_label {
            Some("Blue") => format!("{} (Blue: original)", t.target_id),
            Some("Green") => format!("{} (Green: replacement)", t.target_id),
            _ => t.target_id.clone(),
        };
        if let (Some(end), Some("Blue"), Some(last)) = (terminated, t.instance_label, spans.last().map(|s| s.end)) {
            spans.push(Span {
                start: last,
                end,
                category: WAITING,
            });
        }
        rows.push(GanttRow { label, spans });
    });
    failed.sort_by(f64::total_cmp);
    only_drawn(Gantt {
        title: format!("Lifecycle events per instance: {}", report.scenario),
        x_label: axis.label.into(),
        x_range: axis.range(),
        rows,
        categories: GROUPS.iter().map(|&(l, c)| (l.to_string(), c)).collect(),
        bands: alarm_bands(report, axis),
        markers: rollback_marker(report, axis),
        whole_ticks: false,
    })
}

/// In an EC2 blue/green history, the waits of an instance that was an original: from its
/// AfterBlockTraffic to the end of the deployment's termination wait.
fn termination_waits(report: &Report, axis: &TimeAxis, events: &[Started<'_>]) -> Vec<Span> {
    events
        .iter()
        .filter(|e| e.0 == "AfterBlockTraffic" && e.1 == "Succeeded")
        .filter_map(|&(_, _, _, end, k)| {
            let d = &report.deployments[k];
            d.instance_termination_wait_time_started.unwrap_or(false).then(|| Span {
                start: axis.at(end),
                end: axis.at(d.complete_time),
                category: WAITING,
            })
        })
        .collect()
}

/// The Gantt with only the categories some span uses, so its legend lists exactly what is
/// drawn.
fn only_drawn(mut g: Gantt) -> Gantt {
    let used: Vec<bool> = (0..g.categories.len())
        .map(|c| g.rows.iter().any(|r| r.spans.iter().any(|s| s.category == c)))
        .collect();
    let mut new_index = Vec::with_capacity(used.len());
    let mut next = 0;
    for &u in &used {
        new_index.push(next);
        next += usize::from(u);
    }
    for span in g.rows.iter_mut().flat_map(|r| r.spans.iter_mut()) {
        span.category = new_index[span.category];
    }
    let mut keep = used.iter();
    g.categories.retain(|_| *keep.next().unwrap_or(&false));
    g
}

/// One target (an ECS service, a Lambda alias): one row per phase, then one per event.
fn event_gantt(report: &Report, axis: &TimeAxis) -> Gantt {
    let categories = vec![
        ("phase".to_string(), palette::SKY),
        ("lifecycle event".to_string(), palette::GREEN),
        ("failed (at the red end)".to_string(), palette::RED),
        ("rollback deployment's events".to_string(), palette::VERMILION),
    ];
    let mut rows: Vec<GanttRow> = Vec::new();
    let add =
        |rows: &mut Vec<GanttRow>, label: String, spans: Vec<Span>| match rows.iter_mut().find(|r| r.label == label) {
            Some(r) => r.spans.extend(spans),
            None => rows.push(GanttRow { label, spans }),
        };
    // A history's user deployments share one row per phase and per event.
    for d in report.deployments.iter().filter(|d| d.creator == "user") {
        for p in &d.phases {
            let span = Span {
                start: axis.at(p.start_time),
                end: axis.at(p.end_time),
                category: 0,
            };
            add(&mut rows, format!("phase: {}", p.name), vec![span]);
        }
    }
    for d in &report.deployments {
        let rollback = d.creator == "codeDeployRollback";
        for e in d.targets.iter().flat_map(|t| &t.lifecycle_events) {
            let (Some(start), Some(end)) = (e.start_time, e.end_time) else {
                continue;
            };
            let (start, end) = (axis.at(start), axis.at(end));
            let mut spans = vec![Span {
                start,
                end,
                category: if rollback { 3 } else { 1 },
            }];
            if e.status == "Failed" {
                let mark = axis.span() * 0.006;
                spans.push(Span {
                    start: (end - mark).max(start),
                    end: end + mark,
                    category: 2,
                });
            }
            let label = if rollback {
                format!("{} (rollback)", e.lifecycle_event_name)
            } else {
                e.lifecycle_event_name.to_string()
            };
            add(&mut rows, label, spans);
        }
    }
    only_drawn(Gantt {
        title: format!("Phases and lifecycle events: {}", report.scenario),
        x_label: axis.label.into(),
        x_range: axis.range(),
        rows,
        categories,
        bands: alarm_bands(report, axis),
        markers: rollback_marker(report, axis),
        whole_ticks: false,
    })
}

fn strip(report: &Report, axis: &TimeAxis, failed: &mut Vec<f64>) -> Strip {
    let bucket = axis.span() / STRIP_BUCKETS as f64;
    let mut values = vec![vec![0.0; STRIP_BUCKETS]; GROUPS.len()];
    let first = &report.deployments[0];
    let rollbacks = rollback_deployments(report);
    each_target(report, |_, _, events| {
        for s in spans(axis, &rollbacks, events, failed) {
            add_span(
                &mut values[s.category],
                s.start - axis.start,
                s.end - axis.start,
                bucket,
            );
        }
    });
    failed.sort_by(f64::total_cmp);
    let n = first.targets.len().max(1) as f64;
    Strip {
        title: format!(
            "Lifecycle events across {} instances: {}",
            first.targets.len(),
            report.scenario
        ),
        x_label: axis.label.into(),
        x0: axis.start,
        bucket,
        rows: GROUPS
            .iter()
            .zip(values)
            .filter(|(_, v)| v.iter().any(|&x| x > 0.0))
            .map(|(&(label, color), v)| StripRow {
                label: label.into(),
                color,
                values: v.into_iter().map(|x| (x / n).min(1.0)).collect(),
            })
            .collect(),
        scale_label: "shade: share of the fleet in the state".into(),
    }
}

/// Adds `[start, end)`'s overlap with each bucket, as a fraction of the bucket.
fn add_span(values: &mut [f64], start: f64, end: f64, bucket: f64) {
    if end <= start || bucket <= 0.0 {
        return;
    }
    let first = (start / bucket).floor() as usize;
    let last = ((end / bucket).ceil() as usize).min(values.len());
    for (b, v) in values.iter_mut().enumerate().take(last).skip(first) {
        let (lo, hi) = (b as f64 * bucket, (b + 1) as f64 * bucket);
        *v += (end.min(hi) - start.max(lo)).max(0.0) / bucket;
    }
}
