//! `cdsim alarms replay` at scale: a week of 10-second data (60,480 datapoints) through 50
//! alarms, the replay alone (reading the files is not timed).
//!
//! The series is a deterministic sawtooth with noise from SplitMix64 and one missing
//! datapoint in 97. The alarms vary the period (10 s, 30 s, 60 s, 300 s), N (1 to 5), M
//! and the threshold, and cycle through the four missing-data treatments, so every branch
//! of the rule is taken. Criterion reports throughput in datapoints per second (datapoints
//! × alarms per iteration). Replay reads each evaluation's N + 2 periods from a cursor
//! that only moves forward, so the time grows linearly with the datapoints: the
//! `one_day` row (8,640 datapoints) should take a seventh of `one_week`.

use std::hint::black_box;

use cdsim::alarm::replay::{Datapoint, MetricAlarm, Statistic, replay};
use cdsim::alarm::{AlarmRule, AlarmState, Comparison, TreatMissingData};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// 2026-03-02T00:00:00Z.
const START: i64 = 1_772_409_600_000;
const STEP: i64 = 10_000;

fn series(points: usize) -> Vec<Datapoint> {
    let mut state = 0x5EED_u64;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..points)
        .filter(|i| i % 97 != 0)
        .map(|i| Datapoint {
            time: START + i as i64 * STEP,
            value: (i % 360) as f64 / 36.0 + (next() % 1000) as f64 / 500.0,
        })
        .collect()
}

fn alarms() -> Vec<MetricAlarm> {
    let treatments = [
        TreatMissingData::Missing,
        TreatMissingData::Ignore,
        TreatMissingData::Breaching,
        TreatMissingData::NotBreaching,
    ];
    (0..50u32)
        .map(|i| {
            let n = 1 + i % 5;
            MetricAlarm {
                name: format!("alarm-{i}"),
                namespace: "Bench".into(),
                metric_name: "Load".into(),
                dimensions: Vec::new(),
                statistic: if i % 2 == 0 {
                    Statistic::Average
                } else {
                    Statistic::Maximum
                },
                period: [10_000, 30_000, 60_000, 300_000][(i % 4) as usize],
                rule: AlarmRule {
                    evaluation_periods: n,
                    datapoints_to_alarm: 1 + (i / 5) % n,
                    threshold: 6.0 + f64::from(i % 7),
                    comparison: Comparison::GreaterThanThreshold,
                    treat_missing_data: treatments[(i % 4) as usize],
                },
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let alarms = alarms();
    let mut group = c.benchmark_group("replay_50_alarms");
    group.sample_size(10);
    for (label, points) in [("one_day", 8_640usize), ("one_week", 60_480)] {
        let data = series(points);
        let end = START + points as i64 * STEP;
        group.throughput(Throughput::Elements((data.len() * alarms.len()) as u64));
        group.bench_with_input(BenchmarkId::from_parameter(label), &data, |b, data| {
            b.iter(|| {
                let mut transitions = 0;
                for a in &alarms {
                    let r = replay(a, black_box(data), START, end, AlarmState::InsufficientData);
                    transitions += r.transitions.len();
                }
                black_box(transitions)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
