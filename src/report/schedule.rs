//! Charts of a deployment configuration's schedule, for teaching (`cdsim explain --plot`,
//! the gallery): a traffic-routing configuration's steps of production traffic, or a
//! Server configuration's waves for a fleet size, when every instance succeeds and takes
//! the same time.
//!
//! Not here: simulation; these charts show the configuration's rule, not a run.

use super::config::{ServerExplanation, TrafficExplanation};
use super::text::count;
use crate::chart::{Chart, Gantt, GanttRow, LineChart, Series, Span, palette};
use crate::config::DeploymentConfig;

/// The schedule chart of `config`; Server configurations need a fleet size.
pub fn chart(config: &DeploymentConfig, instances: u32) -> Chart {
    match TrafficExplanation::new(config) {
        Some(t) => traffic(&t),
        None => waves(&ServerExplanation::new(config, instances).expect("a Server configuration")),
    }
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

fn traffic(e: &TrafficExplanation) -> Chart {
    // Show the state before the first shift and, for a while, the end state after the last.
    let margin = (f64::from(e.shifting_minutes) * 0.15).max(1.0);
    let (start, end) = (-margin / 3.0, f64::from(e.shifting_minutes) + margin);
    let mut new = vec![(start, 0.0)];
    new.extend(e.shifts.iter().map(|s| (f64::from(s.at_minute), f64::from(s.percent))));
    let original = new.iter().map(|&(t, p)| (t, 100.0 - p)).collect();
    Chart::Line(LineChart {
        title: e.deployment_config_name.clone(),
        x_label: "minutes after the replacement is ready".into(),
        y_label: "share of production traffic (%)".into(),
        x_range: (start, end),
        y_range: (0.0, 100.0),
        // Dashed over solid: where the shares meet (50 %), both stay visible.
        series: vec![
            step("new version", palette::GREEN, new),
            Series {
                dashed: true,
                ..step("original version", palette::BLUE, original)
            },
        ],
        ..LineChart::default()
    })
}

/// One row per instance: the wave it is deployed in, in service on the original revision
/// before it and on the new revision after it; the axis counts whole waves.
fn waves(e: &ServerExplanation) -> Chart {
    let n = e.waves.len();
    let mut rows = Vec::with_capacity(e.instances as usize);
    for (k, &w) in e.waves.iter().enumerate() {
        for _ in 0..w {
            let k = k as f64;
            let mut spans = vec![Span {
                start: k,
                end: k + 1.0,
                category: 0,
            }];
            if k > 0.0 {
                spans.push(Span {
                    start: 0.0,
                    end: k,
                    category: 1,
                });
            }
            if k + 1.0 < n as f64 {
                spans.push(Span {
                    start: k + 1.0,
                    end: n as f64,
                    category: 2,
                });
            }
            rows.push(GanttRow {
                label: format!("i-{:04}", rows.len()),
                spans,
            });
        }
    }
    let title = match e.error_code {
        Some(code) => format!(
            "{} on {}: fails at start ({code})",
            e.deployment_config_name,
            count(e.instances, "instance")
        ),
        None => format!(
            "{} on {}: {}",
            e.deployment_config_name,
            count(e.instances, "instance"),
            count(n as u64, "wave")
        ),
    };
    Chart::Gantt(Gantt {
        title,
        x_label: format!(
            "wave (one unit per instance; minimum healthy hosts {}, at most {} at a time)",
            e.minimum_healthy_hosts, e.max_in_flight
        ),
        x_range: (0.0, n.max(1) as f64),
        rows,
        categories: vec![
            ("being deployed to (out of service)".into(), palette::ORANGE),
            ("in service, original revision".into(), palette::BLUE),
            ("in service, new revision".into(), palette::GREEN),
        ],
        whole_ticks: true,
        ..Gantt::default()
    })
}

/// The gallery's fleet size for Server configurations.
pub const GALLERY_INSTANCES: u32 = 10;

/// The gallery's configuration plots: `(file name, contents)`, SVG and PNG per
/// predefined configuration.
pub fn gallery() -> Result<Vec<(String, Vec<u8>)>, crate::chart::DrawError> {
    let mut out = Vec::new();
    for config in crate::config::predefined::all() {
        let c = chart(&config, GALLERY_INSTANCES);
        out.push((format!("{}.svg", config.name), c.svg()?.into_bytes()));
        out.push((format!("{}.png", config.name), c.png()?));
    }
    Ok(out)
}
