//! The fuzzer's engine: seeds, mutations, readers and the loop. Shared by
//! `examples/fuzz/main.rs` (the long runs) and `tests/it/main.rs` (a short run in
//! `cargo test`).
//!
//! Every reader cdsim has gets mutated versions of seeds from the repository: the example
//! scenarios (as YAML and as JSON), the AWS fixtures (AppSpec, SAM, CloudFormation, AWS CLI
//! JSON), partial results and configuration files in `tests/fixtures/fuzz/`, and recorded
//! CloudWatch data and alarm definitions (`tests/fixtures/cloudwatch/`: get-metric-data,
//! get-metric-statistics and CSV exports; describe-alarms JSON and templates). Mutations
//! respect structure (a value of the parsed document replaced by an extreme or mistyped
//! one, a key renamed, a list element repeated or removed, re-emitted as JSON or YAML) or
//! break it (bytes flipped, text truncated, tokens inserted, lines deleted or repeated,
//! nesting opened). A reader must return a value or an error: a panic is a finding (caught
//! with `catch_unwind`), and so is an input that takes longer than [`HANG`]. Scenarios that
//! validate and are small are also simulated, and their report built; recorded metrics
//! that read are replayed through an alarm, and alarms that read replay recorded metrics.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cdsim::alarm::replay::{self, Datapoint, MetricAlarm};
use cdsim::compare::{partial_file, shard};
use cdsim::input::cloudwatch::{self, recorded_alarm};
use cdsim::input::{self, Options, Source};
use cdsim::scenario::{self, Scenario, Workload};
use cdsim::traffic::TrafficMode;

/// An input that takes longer than this is a hang.
pub const HANG: Duration = Duration::from_secs(10);

/// A reader under test: its name and the file name its inputs are given under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    ScenarioYaml,
    ScenarioJson,
    AppSpec,
    Sam,
    CloudFormation,
    CliJson,
    Partial,
    Config,
    CloudWatchMetrics,
    CloudWatchAlarms,
}

pub const READERS: [Reader; 10] = [
    Reader::ScenarioYaml,
    Reader::ScenarioJson,
    Reader::AppSpec,
    Reader::Sam,
    Reader::CloudFormation,
    Reader::CliJson,
    Reader::Partial,
    Reader::Config,
    Reader::CloudWatchMetrics,
    Reader::CloudWatchAlarms,
];

impl Reader {
    pub fn name(self) -> &'static str {
        match self {
            Reader::ScenarioYaml => "scenario-yaml",
            Reader::ScenarioJson => "scenario-json",
            Reader::AppSpec => "appspec",
            Reader::Sam => "sam",
            Reader::CloudFormation => "cloudformation",
            Reader::CliJson => "cli-json",
            Reader::Partial => "partial",
            Reader::Config => "config",
            Reader::CloudWatchMetrics => "cloudwatch-metrics",
            Reader::CloudWatchAlarms => "cloudwatch-alarms",
        }
    }

    pub fn by_name(name: &str) -> Option<Reader> {
        READERS.into_iter().find(|r| r.name() == name)
    }

    /// The file name inputs are given under (format detection looks at the extension).
    fn file_name(self, seed_name: &str) -> String {
        match self {
            Reader::ScenarioJson | Reader::Partial | Reader::Config => "fuzz.json".to_string(),
            _ => format!("fuzz-{seed_name}"),
        }
    }

    /// Reads one input the way cdsim does; `Ok` or `Err` both pass.
    fn read(self, seed_name: &str, text: &str) {
        let path = self.file_name(seed_name);
        match self {
            Reader::ScenarioYaml | Reader::ScenarioJson => {
                if let Ok(s) = scenario::load_str(text, &path) {
                    simulate_if_small(&s);
                }
            }
            Reader::AppSpec | Reader::Sam | Reader::CloudFormation | Reader::CliJson => {
                let sources = [Source { path: &path, text }];
                if let Ok(i) = input::import(&sources, "fuzz", &Options::default()) {
                    simulate_if_small(&i.scenario);
                }
            }
            Reader::Partial => {
                if let Ok(p) = partial_file::read(text.as_bytes(), &path) {
                    let _ = shard::merge(vec![p]);
                }
            }
            Reader::Config => {
                if let Ok(c) = scenario::validate::load_config_str(text, &path) {
                    let _ = cdsim::report::config::ServerExplanation::new(&c, 10);
                    let _ = cdsim::report::config::TrafficExplanation::new(&c);
                }
            }
            Reader::CloudWatchMetrics => {
                if let Ok(series) = cloudwatch::read_metrics(Source { path: &path, text }) {
                    let alarm = &fixture_alarms()[0];
                    for s in &series {
                        replay_if_small(alarm, &s.points);
                    }
                }
            }
            Reader::CloudWatchAlarms => {
                if let Ok(alarms) = cloudwatch::read_alarms(Source { path: &path, text }) {
                    let points = fixture_points();
                    for a in &alarms {
                        replay_if_small(a, &points);
                    }
                }
            }
        }
    }
}

/// The alarms of `tests/fixtures/cloudwatch/checkout-alarms.json`, which recorded metrics
/// are replayed through.
fn fixture_alarms() -> Vec<MetricAlarm> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/cloudwatch/checkout-alarms.json"))
        .expect("the fixture alarms");
    cloudwatch::read_alarms(Source {
        path: "checkout-alarms.json",
        text: &text,
    })
    .expect("the fixture alarms read")
}

/// The first series of `tests/fixtures/cloudwatch/checkout-metrics.json`, which alarms read
/// are replayed over.
fn fixture_points() -> Vec<Datapoint> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/cloudwatch/checkout-metrics.json"))
        .expect("the fixture metrics");
    let series = cloudwatch::read_metrics(Source {
        path: "checkout-metrics.json",
        text: &text,
    })
    .expect("the fixture metrics read");
    series[0].points.clone()
}

/// Replays `points` through `alarm` from its first datapoint to one period after its last,
/// as `cdsim alarms replay` does, and places it at a deployment starting at its middle, as
/// `cdsim alarms dry-run` does, when the work is small enough for a fuzzer (the command
/// refuses work beyond its budget, tested elsewhere).
fn replay_if_small(alarm: &MetricAlarm, points: &[Datapoint]) {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return;
    };
    let (from, to) = (first.time, last.time.saturating_add(alarm.period));
    if replay::reads(alarm, &alarm.rule, from, to) > 1e6 {
        return;
    }
    let r = replay::replay(alarm, points, from, to, cdsim::alarm::AlarmState::InsufficientData);
    let _ = r.alarm_periods();
    let at = from + (to - from) / 2;
    let (reads, periods) = recorded_alarm::work(alarm, points, at);
    if reads <= 1e6 && periods <= 1e5 {
        let _ = recorded_alarm::at_start(alarm, points, at);
    }
}

/// Simulates a valid scenario and builds its report when it is small enough for a fuzzer
/// (its size limits are those of `cdsim run`, tested elsewhere).
fn simulate_if_small(s: &Scenario) {
    let small = match &s.workload {
        Workload::InPlace(ip) => ip.fleet.instances <= 20,
        Workload::Ec2BlueGreen(bg) => bg.originals() <= 20 && bg.replacements() <= 20,
        Workload::BlueGreen(bg) => {
            let tasks = match &bg.target {
                scenario::blue_green::ShiftTarget::Ecs(e) => e.tasks,
                scenario::blue_green::ShiftTarget::Lambda(_) => 1,
            };
            tasks <= 20 && bg.traffic.mode == TrafficMode::Aggregated
        }
    };
    if small {
        let report = cdsim::simulation::simulate(s, s.seed);
        let _ = cdsim::report::text::summary(&report);
    }
}

/// A seed input: its file name and text.
#[derive(Clone, Debug)]
pub struct Seed {
    pub name: String,
    pub text: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path, keep: impl Fn(&str, &str) -> bool) -> Vec<Seed> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).ok()?;
            keep(&name, &text).then_some(Seed { name, text })
        })
        .collect()
}

/// The seeds of `reader`, from the repository.
pub fn seeds(reader: Reader) -> Vec<Seed> {
    let aws = root().join("tests/fixtures/aws");
    let fuzz = root().join("tests/fixtures/fuzz");
    let cloudwatch = root().join("tests/fixtures/cloudwatch");
    let scenarios = || files_in(&root().join("scenarios"), |n, _| n.ends_with(".yaml"));
    let out = match reader {
        Reader::ScenarioYaml => scenarios(),
        Reader::ScenarioJson => scenarios()
            .into_iter()
            .map(|s| Seed {
                name: s.name.replace(".yaml", ".json"),
                text: to_json(&s.text).expect("an example scenario reads as YAML"),
            })
            .collect(),
        Reader::AppSpec => files_in(&aws, |n, _| n.starts_with("appspec")),
        Reader::Sam => files_in(&aws, |n, _| n.starts_with("sam")),
        Reader::CloudFormation => files_in(&aws, |n, _| n.starts_with("cfn") || n.starts_with("cloudformation")),
        Reader::CliJson => files_in(&aws, |n, _| {
            n.starts_with("create-") || n.starts_with("get-") || n.starts_with("cli-")
        }),
        Reader::Partial => files_in(&fuzz, |n, _| n.starts_with("partial")),
        Reader::Config => {
            let mut c = files_in(&fuzz, |n, _| n.starts_with("config"));
            c.extend(files_in(&aws, |n, _| n == "create-deployment-config.json"));
            c
        }
        Reader::CloudWatchMetrics => files_in(&cloudwatch, |n, text| {
            n.ends_with(".csv") || (n.ends_with(".json") && !text.contains("MetricAlarms"))
        }),
        Reader::CloudWatchAlarms => files_in(&cloudwatch, |n, text| {
            n.ends_with(".yaml") || (n.ends_with(".json") && text.contains("MetricAlarms"))
        }),
    };
    assert!(!out.is_empty(), "no seeds for {}", reader.name());
    out
}

/// YAML (or JSON) text as compact JSON.
fn to_json(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_saphyr::from_str(text).ok()?;
    serde_json::to_string_pretty(&v).ok()
}

// ----- random numbers -------------------------------------------------------------------

/// SplitMix64: a fuzzer's randomness needs no more.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ----- mutations ------------------------------------------------------------------------

/// Extreme and mistyped values a structured mutation puts in place of a value.
const VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "99",
    "100",
    "101",
    "4294967295",
    "4294967296",
    "2147483648",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "1e308",
    "-1e308",
    "1e-320",
    "0.5",
    "NaN",
    ".nan",
    ".inf",
    "-.inf",
    "null",
    "true",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "[1, 2]",
    "\"0s\"",
    "\"1ms\"",
    "\"10000000h\"",
    "\"99999999999999999d\"",
    "\"-5m\"",
    "\"1h 30m\"",
    "2000000",
    "2000001",
    "1000000000",
    "3600",
    "3601",
    "2880",
    "\"AllAtOnce\"",
    "\"TimeBasedLinear\"",
    "\"HOST_COUNT\"",
    "\"FLEET_PERCENT\"",
    "\"ECS\"",
    "\"Lambda\"",
    "\"Server\"",
    "\"perRequest\"",
    "\"cdsim-compare-partial/1\"",
    "\"0.1.0\"",
    "{\"Ref\": \"X\"}",
    "{\"Fn::If\": [\"C\", 1, 2]}",
    "{\"Fn::Sub\": \"${AWS::Region}\"}",
    "{\"Fn::FindInMap\": [\"M\", \"a\", \"b\"]}",
    "{\"Fn::Select\": [99, [1]]}",
    "{\"Fn::Join\": [\",\", [1, 2]]}",
    "{\"Fn::Split\": [\",\", \"a,b\"]}",
];

/// Byte-level insertions that break structure.
pub const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "'",
    "!Ref ",
    "!If ",
    "!Sub ",
    "&a ",
    "*a",
    "- ",
    "#",
    "\n",
    "\t",
    "${x}",
    "<X>",
    "{{x}}",
    "Fn::If",
    "%YAML 1.1\n---\n",
    "\u{feff}",
    "\\u12",
    "\\ud800",
    "---\n",
    "...\n",
    "? ",
    "|\n",
    ">-\n",
    "<<: *a\n",
    "\0",
    "\u{2028}",
    "é",
    "9e999",
    "-0",
    "0x10",
    "1_000",
];

/// A mutation of `seed`'s text.
pub fn mutate(rng: &mut Rng, seed: &Seed) -> String {
    let rounds = 1 + rng.below(3);
    let mut text = seed.text.clone();
    for _ in 0..rounds {
        text = if rng.below(2) == 0 {
            structured(rng, &text).unwrap_or_else(|| textual(rng, &text))
        } else {
            textual(rng, &text)
        };
    }
    text
}

/// A structure-respecting mutation: parse, change one value, write back.
fn structured(rng: &mut Rng, text: &str) -> Option<String> {
    let mut v: serde_json::Value = serde_saphyr::from_str(text).ok()?;
    let mut count = 0;
    count_values(&v, &mut count);
    let target = rng.below(count);
    let mut seen = 0;
    mutate_value(rng, &mut v, target, &mut seen);
    Some(if rng.below(2) == 0 {
        serde_json::to_string_pretty(&v).ok()?
    } else {
        serde_json::to_string(&v).ok()?
    })
}

fn count_values(v: &serde_json::Value, count: &mut usize) {
    *count += 1;
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| count_values(x, count)),
        serde_json::Value::Object(o) => o.values().for_each(|x| count_values(x, count)),
        _ => {}
    }
}

fn mutate_value(rng: &mut Rng, v: &mut serde_json::Value, target: usize, seen: &mut usize) -> bool {
    if *seen == target {
        change(rng, v);
        return true;
    }
    *seen += 1;
    match v {
        serde_json::Value::Array(a) => a.iter_mut().any(|x| mutate_value(rng, x, target, seen)),
        serde_json::Value::Object(o) => o.values_mut().any(|x| mutate_value(rng, x, target, seen)),
        _ => false,
    }
}

/// Changes one value: an extreme or mistyped replacement, or an edit of its list or map.
fn change(rng: &mut Rng, v: &mut serde_json::Value) {
    use serde_json::Value;
    match (rng.below(4), &mut *v) {
        (0, Value::Array(a)) if !a.is_empty() => {
            let i = rng.below(a.len());
            let copies = *rng.pick(&[1, 2, 10, 200]);
            let item = a[i].clone();
            for _ in 0..copies {
                a.push(item.clone());
            }
        }
        (1, Value::Array(a)) if !a.is_empty() => {
            a.remove(rng.below(a.len()));
        }
        (0, Value::Object(o)) if !o.is_empty() => {
            let keys: Vec<String> = o.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            o.remove(&key);
        }
        (1, Value::Object(o)) if !o.is_empty() => {
            let keys: Vec<String> = o.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            let renamed = match rng.below(3) {
                0 => key.to_uppercase(),
                1 => format!("{key}x"),
                _ => rng.pick(&keys).clone() + "2",
            };
            if let Some(x) = o.remove(&key) {
                o.insert(renamed, x);
            }
        }
        (2, Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(0.0);
            let scaled = x * [-1.0, 0.5, 2.0, 1000.0, 1e9][rng.below(5)];
            *v = serde_json::Number::from_f64(scaled.trunc()).map_or(Value::Null, |n| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9e18)
                    .map_or(Value::Number(n), |f| Value::from(f as i64))
            });
        }
        _ => {
            let text = *rng.pick(VALUES);
            *v = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.trim_matches('"').to_string()));
        }
    }
}

/// A structure-breaking mutation of the text.
fn textual(rng: &mut Rng, text: &str) -> String {
    let bytes = text.as_bytes();
    let at = rng.below(bytes.len() + 1);
    let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    match rng.below(7) {
        0 => text[..at].to_string(),
        1 => {
            let mut b = bytes.to_vec();
            if let Some(x) = b.get_mut(at) {
                *x ^= 1 << rng.below(8);
            }
            String::from_utf8_lossy(&b).into_owned()
        }
        2 => format!("{}{}{}", &text[..at], rng.pick(TOKENS), &text[at..]),
        3 | 4 => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let i = rng.below(lines.len());
                if rng.below(2) == 0 {
                    lines.remove(i);
                } else {
                    let l = lines[i];
                    for _ in 0..*rng.pick(&[1, 3, 50]) {
                        lines.insert(i, l);
                    }
                }
            }
            lines.join("\n")
        }
        5 => {
            let depth = *rng.pick(&[10, 40, 70, 300]);
            let (open, close) = if rng.below(2) == 0 { ("[", "]") } else { ("{a: ", "}") };
            format!(
                "{}{}{}{}",
                &text[..at],
                open.repeat(depth),
                close.repeat(depth),
                &text[at..]
            )
        }
        _ => {
            let number = *rng.pick(VALUES);
            let digits = text.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i);
            match digits.clone().nth(rng.below(digits.count().max(1))) {
                Some(i) => {
                    let end = text[i..]
                        .find(|c: char| !c.is_ascii_digit())
                        .map_or(text.len(), |e| i + e);
                    format!("{}{}{}", &text[..i], number, &text[end..])
                }
                None => text.to_string(),
            }
        }
    }
}

// ----- the loop -------------------------------------------------------------------------

/// What a run found.
#[derive(Debug, Default)]
pub struct Findings {
    pub inputs: u64,
    /// (reader, seed file, input, panic message)
    pub panics: Vec<(String, String, String, String)>,
    /// (reader, seed file, input, seconds)
    pub hangs: Vec<(String, String, String, f64)>,
    pub slowest: Duration,
}

/// Runs `inputs` mutated inputs (or until `deadline`) through `reader`, starting from
/// random seed `seed`. `on_input` sees each input before it is read (the long runs save it,
/// so an input that never returns is kept).
pub fn run(
    reader: Reader,
    inputs: u64,
    deadline: Option<Instant>,
    seed: u64,
    quiet: bool,
    mut on_input: impl FnMut(u64, &str),
) -> Findings {
    let seeds = seeds(reader);
    let mut rng = Rng::new(seed);
    let mut f = Findings::default();
    let hook = quiet.then(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        previous
    });
    for i in 0..inputs {
        if deadline.is_some_and(|d| Instant::now() > d) {
            break;
        }
        let s = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, s);
        on_input(i, &input);
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| reader.read(&s.name, &input)));
        let took = start.elapsed();
        f.inputs += 1;
        f.slowest = f.slowest.max(took);
        if let Err(e) = result {
            let message = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            f.panics
                .push((reader.name().into(), s.name.clone(), input.clone(), message));
        }
        if took > HANG {
            f.hangs
                .push((reader.name().into(), s.name.clone(), input, took.as_secs_f64()));
        }
    }
    if let Some(previous) = hook {
        std::panic::set_hook(previous);
    }
    f
}

/// Reads one input with `reader` (a regression test's entry point).
pub fn read_one(reader: Reader, seed_name: &str, text: &str) {
    reader.read(seed_name, text);
}

/// The process's peak resident memory in KiB (Linux; `None` elsewhere).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
