//! The geometry of every example scenario's charts, read from the chart data: every event
//! lies strictly inside the plotted time range, every ALARM band is wider than a few pixels,
//! no series is drawn exactly over another, value axes fit their quantity, and a timeline's
//! legend lists exactly the categories drawn; every legend's box, where the chart is drawn,
//! covers none of its plotted points; and the gallery README shows each example.

use std::path::Path;

use cdsim::chart::{Chart, Gantt, Geometry, LineChart};
use cdsim::report::{Report, charts};

/// Every example scenario's report, run with the scenario's own seed (as in the gallery).
fn examples() -> Vec<(String, Report)> {
    let mut out = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.extension().is_some_and(|x| x == "yaml") {
            let sc = cdsim::scenario::load_file(&path).unwrap();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((name, cdsim::simulation::simulate(&sc, sc.seed)));
        }
    }
    out
}

/// The times at which something happens, in seconds.
fn events(r: &Report) -> Vec<f64> {
    let mut t = vec![0.0];
    for d in &r.deployments {
        t.extend([d.create_time, d.complete_time]);
        t.extend(d.traffic_shifts.iter().flatten().map(|s| s.time));
    }
    t.extend(r.alarms.iter().flat_map(|a| a.states.iter().map(|s| s.time)));
    t.extend(r.capacity.iter().map(|p| p.time));
    t
}

fn divisor(x_label: &str) -> f64 {
    if x_label.ends_with("(min)") { 60.0 } else { 1.0 }
}

fn strictly_inside(name: &str, title: &str, (lo, hi): (f64, f64), x: f64) {
    assert!(
        lo < x && x < hi,
        "{name}: {title}: {x} is not strictly inside {lo}..{hi}"
    );
}

fn check_line(name: &str, r: &Report, c: &LineChart) {
    let d = divisor(&c.x_label);
    for t in events(r) {
        strictly_inside(name, &c.title, c.x_range, t / d);
    }
    let span = c.x_range.1 - c.x_range.0;
    for b in &c.bands {
        assert!(
            b.to - b.from >= span * 0.008,
            "{name}: {}: a band narrower than a few pixels",
            c.title
        );
    }
    for m in &c.markers {
        strictly_inside(name, &c.title, c.x_range, m.x);
    }
    for (i, a) in c.series.iter().enumerate() {
        for b in &c.series[i + 1..] {
            let same = a.points == b.points && a.offset == b.offset && a.dashed == b.dashed;
            assert!(!same, "{name}: {}: {:?} covers {:?}", c.title, b.label, a.label);
        }
    }
    let top = c.series.iter().flat_map(|s| &s.points).map(|p| p.1).fold(0.0, f64::max);
    assert!(c.y_range.1 >= top, "{name}: {}: a value above the axis", c.title);
    if c.y_label.contains('%') && !c.y_label.contains("error rate") {
        assert_eq!(c.y_range, (0.0, 100.0), "{name}: {}: a share runs 0–100 %", c.title);
    } else if c.y_label == "instances" {
        let fleet = r.metrics.capacity.as_ref().unwrap().instances;
        assert!(c.y_range.1 >= f64::from(fleet) && c.y_range.1 <= 2.5 * f64::from(fleet));
    }
}

fn check_gantt(name: &str, r: &Report, g: &Gantt) {
    let d = divisor(&g.x_label);
    for t in events(r) {
        strictly_inside(name, &g.title, g.x_range, t / d);
    }
    for span in g.rows.iter().flat_map(|r| &r.spans) {
        assert!(
            g.x_range.0 < span.start && span.end < g.x_range.1,
            "{name}: {}: a span on the frame",
            g.title
        );
    }
    for (k, (label, _)) in g.categories.iter().enumerate() {
        let used = g.rows.iter().flat_map(|r| &r.spans).any(|s| s.category == k);
        assert!(used, "{name}: {}: the legend lists {label:?}, never drawn", g.title);
    }
    // A history shades each deployment's span and marks where each starts.
    let history = r.deployments.iter().any(|d| d.revision_name.is_some());
    let alarmed = r.alarms.iter().any(|a| a.states.iter().any(|s| s.state == "ALARM"));
    assert_eq!(
        !g.bands.is_empty(),
        alarmed || history,
        "{name}: {}: ALARM bands",
        g.title
    );
    let rolled_back = r.deployments.iter().any(|d| d.creator == "codeDeployRollback");
    assert_eq!(
        !g.markers.is_empty(),
        rolled_back || history,
        "{name}: {}: the rollback mark",
        g.title
    );
}

/// A zoom of the busy phase shows several of the run's events, and is narrower than half
/// the run.
fn check_zoom(name: &str, r: &Report, c: &Chart) {
    let (label, range) = match c {
        Chart::Line(l) => (&l.x_label, l.x_range),
        Chart::Gantt(g) => (&g.x_label, g.x_range),
        _ => panic!("{name}: only line charts and timelines are zoomed"),
    };
    let d = divisor(label);
    let times = events(r);
    let inside = times.iter().filter(|&&t| range.0 < t / d && t / d < range.1).count();
    assert!(inside >= 3, "{name}: {}: a zoom showing {inside} events", c.title());
    let last = times.iter().fold(0.0, |a: f64, &b| a.max(b)) / d;
    assert!(range.1 - range.0 < last / 2.0, "{name}: {}: not a zoom", c.title());
}

#[test]
fn every_example_chart_shows_every_event_inside_its_frame() {
    for (name, r) in examples() {
        for c in charts::charts(&r) {
            if c.name.ends_with("-busy") {
                check_zoom(&name, &r, &c.chart);
                continue;
            }
            match &c.chart {
                Chart::Line(l) => check_line(&name, &r, l),
                Chart::Gantt(g) => check_gantt(&name, &r, g),
                Chart::Strip(s) => {
                    let d = divisor(&s.x_label);
                    let buckets = s.rows.iter().map(|r| r.values.len()).max().unwrap_or(0);
                    let range = (s.x0, s.x0 + s.bucket * buckets as f64);
                    for t in events(&r) {
                        strictly_inside(&name, &s.title, range, t / d);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The points a chart plots, in plot coordinates: series points and the corners between
/// them (steps), thresholds' and markers' ends, bands' and spans' corners, strip buckets.
fn plotted(c: &Chart) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    match c {
        Chart::Line(l) => {
            for s in &l.series {
                out.extend(&s.points);
                if s.step {
                    out.extend(s.points.windows(2).map(|w| (w[1].0, w[0].1)));
                }
            }
            let (y0, y1) = l.y_range;
            for b in &l.bands {
                out.extend([(b.from, y0), (b.from, y1), (b.to, y0), (b.to, y1)]);
            }
            out.extend(l.markers.iter().flat_map(|m| [(m.x, y0), (m.x, y1)]));
            out.extend(
                l.thresholds
                    .iter()
                    .flat_map(|t| [(l.x_range.0, t.y), (l.x_range.1, t.y)]),
            );
        }
        Chart::Gantt(g) => {
            let n = g.rows.len() as f64;
            for (i, row) in g.rows.iter().enumerate() {
                let (bottom, top) = (n - i as f64 - 0.9, n - i as f64 - 0.1);
                out.extend(row.spans.iter().flat_map(|s| [(s.start, bottom), (s.end, top)]));
            }
            for b in &g.bands {
                out.extend([(b.from, 0.0), (b.from, n), (b.to, 0.0), (b.to, n)]);
            }
            out.extend(g.markers.iter().flat_map(|m| [(m.x, 0.0), (m.x, n)]));
        }
        Chart::Strip(s) => {
            let n = s.rows.len() as f64;
            for (i, row) in s.rows.iter().enumerate() {
                let buckets = row.values.iter().enumerate().filter(|(_, v)| **v > 0.0);
                out.extend(buckets.map(|(b, _)| (s.x0 + s.bucket * b as f64, n - i as f64 - 0.1)));
            }
        }
        _ => {}
    }
    out
}

/// Every point a chart plots lies outside its legend's box, and the legend, where there
/// is one, lies inside the image.
fn check_legend(name: &str, title: &str, g: &Geometry, points: &[(f64, f64)]) {
    let Some(legend) = g.legend else {
        return;
    };
    assert!(
        legend.top >= 0 && legend.right <= 800,
        "{name}: {title}: the legend outside the image"
    );
    let drawn: Vec<(f64, f64)> = points.iter().filter_map(|&p| g.pixel(p)).collect();
    assert!(!drawn.is_empty(), "{name}: {title}: no plotted point");
    for p in drawn {
        assert!(
            !legend.contains(p),
            "{name}: {title}: the legend {legend:?} covers the point at pixel {p:?}"
        );
    }
}

#[test]
fn no_legend_covers_a_plotted_point() {
    for (name, r) in examples() {
        for c in charts::charts(&r) {
            let g = c.chart.geometry().unwrap();
            check_legend(&name, c.chart.title(), &g, &plotted(&c.chart));
        }
    }
}

#[test]
fn an_alarm_metric_chart_only_where_an_alarm_watches_a_metric() {
    for (name, r) in examples() {
        let has = charts::charts(&r).iter().any(|c| c.name == "alarm-metric");
        if has {
            assert!(!r.alarms.is_empty(), "{name}: an alarm-metric chart without an alarm");
        }
    }
}

/// reports/README.md shows a thumbnail of each example, linked to its folder, and every
/// picture it shows exists.
#[test]
fn the_gallery_readme_shows_every_example_as_a_linked_thumbnail() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name != "configs" {
            assert!(readme.contains(&format!("]({name}/)")), "{name}: no linked thumbnail");
        }
    }
    for src in readme.split("<img src=\"").skip(1) {
        let file = &src[..src.find('"').unwrap()];
        assert!(root.join(file).is_file(), "{file}: a thumbnail of a missing picture");
    }
}
