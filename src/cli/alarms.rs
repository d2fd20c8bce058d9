//! `cdsim alarms replay | dry-run | tune`: CloudWatch alarms on recorded metrics.
//!
//! `replay` runs alarm definitions (describe-alarms JSON, or a template's
//! `AWS::CloudWatch::Alarm`s) over recorded metric data; `dry-run` places the recorded data
//! at a deployment's start in a scenario and simulates it; `tune` sweeps alarm settings
//! over recorded deployments labelled good or bad.
//!
//! Not here: the replay, the sweep and the readers (`alarm::replay`, `alarm::tune`,
//! `input::cloudwatch`).

use std::path::{Path, PathBuf};

use super::import::{self, ImportArgs};
use super::{Failure, budget, memory, output, run, sweep, whole_number, whole_seconds};
use crate::alarm::replay::{self, MetricAlarm};
use crate::alarm::tune::{self, Outcome, Recorded, Setting};
use crate::alarm::{AlarmConfiguration, AlarmRule, AlarmState, Comparison};
use crate::calendar;
use crate::compare::partial_file::MAX_RUNS;
use crate::input::Source;
use crate::input::cloudwatch::{self, MetricSeries, recorded_alarm};
use crate::report::replay::{AlarmReplay, ReplayReport};
use crate::report::tune::{SettingInfo, TuneReport};
use crate::scenario::{Scenario, Workload, work};
use crate::time::SimDuration;

#[derive(clap::Subcommand)]
pub enum AlarmsCommand {
    /// Replay recorded metric data through alarm definitions: each alarm's transitions with
    /// the datapoints that caused them.
    Replay {
        #[command(flatten)]
        inputs: Inputs,
        /// Start of the replay (ISO 8601 or epoch seconds; default: N + 2 periods after the
        /// first datapoint, when the data fills an evaluation range).
        #[arg(long, value_name = "T")]
        from: Option<String>,
        /// End of the replay (default: one period after the last datapoint).
        #[arg(long, value_name = "T")]
        to: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Also write replay.json, replay.txt, transitions.csv and a chart per alarm here.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Simulate a scenario with its alarms replaced by recorded ones, the recorded metrics
    /// placed at the deployment's start: would CodeDeploy have stopped it, when, and what
    /// would the rollback have done?
    DryRun {
        /// The scenario file, or AWS files combined into one scenario.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        import: ImportArgs,
        #[command(flatten)]
        inputs: Inputs,
        /// When the deployment starts in the recorded data (ISO 8601 or epoch seconds).
        #[arg(long, value_name = "T")]
        at: String,
        #[arg(long, allow_negative_numbers = true, value_parser = whole_number::<u64>)]
        seed: Option<u64>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Also write the report files (as `cdsim run --out`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Sweep threshold × evaluation periods × datapoints to alarm over recorded deployments
    /// labelled good or bad, or over simulated runs of a scenario's fault model: false
    /// alarms, detections, time to detection.
    Tune {
        /// describe-alarms JSON or a template with AWS::CloudWatch::Alarm resources.
        #[arg(long, value_name = "FILE", required_unless_present = "scenario")]
        alarms: Option<PathBuf>,
        /// Tune only this alarm (default: each).
        #[arg(long, value_name = "NAME")]
        alarm: Option<String>,
        /// Metric data of deployments that went well (one deployment per file).
        #[arg(long, num_args = 1.., value_name = "FILE", requires = "alarms")]
        good: Vec<PathBuf>,
        /// Metric data of deployments that should have been stopped.
        #[arg(long, num_args = 1.., value_name = "FILE", requires = "alarms")]
        bad: Vec<PathBuf>,
        /// Instead of recorded deployments: simulated runs of this scenario's fault model,
        /// bad when the revision was drawn bad, tuning the scenario's alarms.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["alarms", "good", "bad"])]
        scenario: Option<PathBuf>,
        /// Simulated runs per setting (with --scenario), 1 to 1,000,000.
        #[arg(long, default_value_t = 200, requires = "scenario", allow_negative_numbers = true,
              value_parser = whole_number::<u64>)]
        runs: u64,
        /// Base seed of the simulated runs (default: the scenario's).
        #[arg(long, requires = "scenario", allow_negative_numbers = true, value_parser = whole_number::<u64>)]
        seed: Option<u64>,
        /// Thresholds to try, comma-separated (default: the alarm's).
        #[arg(long, value_name = "LIST", value_delimiter = ',', allow_negative_numbers = true)]
        thresholds: Vec<f64>,
        /// Evaluation periods (N) to try (default: the alarm's).
        #[arg(long, value_name = "LIST", value_delimiter = ',', allow_negative_numbers = true,
              value_parser = whole_number::<u32>)]
        evaluation_periods: Vec<u32>,
        /// Datapoints to alarm (M) to try; settings with M > N are skipped (default: 1 to N).
        #[arg(long, value_name = "LIST", value_delimiter = ',', allow_negative_numbers = true,
              value_parser = whole_number::<u32>)]
        datapoints_to_alarm: Vec<u32>,
        /// Time from a file's first datapoint to its deployment's start: seconds, or a duration
        /// such as 10m (default: the evaluation range of the largest N, (N + 2) periods, is
        /// history).
        #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = whole_seconds)]
        lead: Option<u64>,
        /// Confidence of the Clopper–Pearson intervals.
        #[arg(long, default_value_t = 0.95, allow_negative_numbers = true)]
        confidence: f64,
        #[arg(long)]
        json: bool,
        /// Also write tune.json, tune.txt, tune.csv and a trade-off chart per alarm here.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Alarm definitions and the recorded metrics they watch.
#[derive(clap::Args, Clone, Debug)]
pub struct Inputs {
    /// describe-alarms JSON or a template with AWS::CloudWatch::Alarm resources.
    #[arg(long, value_name = "FILE")]
    alarms: PathBuf,
    /// Only this alarm of the file (default: each).
    #[arg(long, value_name = "NAME")]
    alarm: Option<String>,
    /// get-metric-data or get-metric-statistics JSON, or timestamp,value CSV.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    metrics: Vec<PathBuf>,
}

pub fn alarms(command: AlarmsCommand, as_json: bool) -> Result<String, Failure> {
    match command {
        AlarmsCommand::Replay {
            inputs,
            from,
            to,
            json,
            out,
        } => replay_command(&inputs, from.as_deref(), to.as_deref(), json || as_json, out.as_deref()),
        AlarmsCommand::DryRun {
            files,
            import,
            inputs,
            at,
            seed,
            json,
            out,
        } => dry_run(&files, &import, &inputs, &at, seed, json || as_json, out.as_deref()),
        AlarmsCommand::Tune {
            alarms,
            alarm,
            good,
            bad,
            scenario,
            runs,
            seed,
            thresholds,
            evaluation_periods,
            datapoints_to_alarm,
            lead,
            confidence,
            json,
            out,
        } => {
            let sweep = Sweep {
                alarm,
                thresholds,
                evaluation_periods,
                datapoints_to_alarm,
                lead,
                confidence,
            };
            let reports = match (scenario, alarms) {
                (Some(file), _) => tune_simulated(&file, runs, seed, &sweep)?,
                (None, Some(alarms)) => tune_recorded(&alarms, &good, &bad, &sweep)?,
                (None, None) => return Err(Failure("give --alarms with --good and --bad, or --scenario".into())),
            };
            tune_output(&reports, json || as_json, out.as_deref())
        }
    }
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure(format!("{}:1:1: cannot read the file: {e}", path.display())))
}

/// The alarms of a file, or only the one named `only`.
fn read_alarms(path: &Path, only: Option<&str>) -> Result<Vec<MetricAlarm>, Failure> {
    let text = read(path)?;
    let shown = path.display().to_string();
    let mut alarms = cloudwatch::read_alarms(Source {
        path: &shown,
        text: &text,
    })
    .map_err(|p| Failure(p.to_string()))?;
    if let Some(name) = only {
        alarms.retain(|a| a.name == name);
        if alarms.is_empty() {
            return Err(Failure(format!("{shown}: no alarm named \"{name}\"")));
        }
    }
    Ok(alarms)
}

fn read_metrics(paths: &[PathBuf]) -> Result<Vec<MetricSeries>, Failure> {
    let mut all = Vec::new();
    for path in paths {
        let text = read(path)?;
        let shown = path.display().to_string();
        let series = cloudwatch::read_metrics(Source {
            path: &shown,
            text: &text,
        })
        .map_err(|p| Failure(p.to_string()))?;
        all.extend(series);
    }
    Ok(all)
}

fn series_for<'a>(
    alarm: &MetricAlarm,
    all: &'a [MetricSeries],
    files: &[PathBuf],
) -> Result<&'a MetricSeries, Failure> {
    cloudwatch::series_for(alarm, all).ok_or_else(|| {
        let labels: Vec<&str> = all.iter().map(|s| s.label.as_str()).collect();
        let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        Failure(format!(
            "{}: alarm \"{}\" watches {} ({}); no recorded series is labelled so (found: {})",
            shown.join(", "),
            alarm.name,
            alarm.metric_name,
            alarm.statistic.name(),
            labels.join(", ")
        ))
    })
}

fn time_arg(flag: &str, text: &str) -> Result<i64, Failure> {
    calendar::parse_text(text).ok_or_else(|| {
        Failure(format!(
            "{flag} \"{text}\": expected ISO 8601 (2026-03-03T10:00:00Z) or epoch seconds"
        ))
    })
}

fn replay_command(
    inputs: &Inputs,
    from: Option<&str>,
    to: Option<&str>,
    as_json: bool,
    out: Option<&Path>,
) -> Result<String, Failure> {
    let alarms = read_alarms(&inputs.alarms, inputs.alarm.as_deref())?;
    let metrics = read_metrics(&inputs.metrics)?;
    let from = from.map(|t| time_arg("--from", t)).transpose()?;
    let to = to.map(|t| time_arg("--to", t)).transpose()?;
    let mut spans = Vec::new();
    for a in &alarms {
        let s = series_for(a, &metrics, &inputs.metrics)?;
        // By default the replay starts once the data fills an evaluation range, so the first
        // evaluation does not see the time before the recording as missing data.
        let range = a.rule.evaluation_range() as i64 * a.period;
        let start = from.unwrap_or_else(|| s.points.first().map_or(0, |d| d.time + range));
        let end = to.unwrap_or_else(|| s.points.last().map_or(start, |d| d.time + a.period));
        if end < start {
            return Err(Failure(format!(
                "--to is before --from ({} < {})",
                calendar::format(end),
                calendar::format(start)
            )));
        }
        spans.push((a, s, start, end));
    }
    let reads = spans
        .iter()
        .map(|&(a, _, start, end)| replay::reads(a, &a.rule, start, end))
        .sum();
    within_reads(reads, "the replay", "replay a shorter span with --from and --to")?;
    let busy = sweep::busy("replaying the recorded metrics".into());
    let mut report = ReplayReport { alarms: Vec::new() };
    for (a, s, start, end) in spans {
        let r = replay::replay(a, &s.points, start, end, AlarmState::InsufficientData);
        report.alarms.push(AlarmReplay::new(a, &s.label, &s.points, &r));
    }
    drop(busy);
    if let Some(dir) = out {
        output::write_files(dir, crate::report::replay::files(&report))?;
    }
    Ok(if as_json {
        crate::report::replay::json(&report)
    } else {
        crate::report::replay::text(&report)
    })
}

#[allow(clippy::too_many_arguments)]
fn dry_run(
    files: &[PathBuf],
    args: &ImportArgs,
    inputs: &Inputs,
    at: &str,
    seed: Option<u64>,
    as_json: bool,
    out: Option<&Path>,
) -> Result<String, Failure> {
    let loaded = import::load(files, args, false)?;
    eprint!("{}", loaded.warnings);
    let mut scenario = loaded.scenario;
    let at = time_arg("--at", at)?;
    let alarms = read_alarms(&inputs.alarms, inputs.alarm.as_deref())?;
    let metrics = read_metrics(&inputs.metrics)?;
    let mut series = Vec::new();
    let (mut reads, mut periods) = (0.0, 0.0);
    for a in &alarms {
        let s = series_for(a, &metrics, &inputs.metrics)?;
        let (r, p) = recorded_alarm::work(a, &s.points, at);
        (reads, periods) = (reads + r, periods + p);
        series.push(s);
    }
    let shorter = "give an --at inside the recording, or a recording of the days around it";
    within_reads(reads, "replaying the recording before --at", shorter)?;
    if periods > work::MAX_PERIODS {
        return Err(Failure(format!(
            "the recording after --at spans about {periods:.1e} alarm periods, more than the {:.0e} a run may \
             (README.md, \"Limits\"); {shorter}",
            work::MAX_PERIODS
        )));
    }
    let placed: Vec<_> = alarms
        .iter()
        .zip(series)
        .map(|(a, s)| recorded_alarm::at_start(a, &s.points, at))
        .collect();
    check_periods(&scenario, &placed)?;
    let previous = scenario.monitoring.alarms.take();
    scenario.monitoring.alarms = Some(AlarmConfiguration {
        alarms: placed,
        ..previous.unwrap_or(AlarmConfiguration {
            alarms: Vec::new(),
            ignore_poll_alarm_failure: false,
            poll_interval: SimDuration::from_secs(60),
            unreadable: Vec::new(),
        })
    });
    let label = files[0].display().to_string();
    // The alarms are the recorded ones, not the file's: the page shows no file sections.
    let (report, printed) = run::simulate(&scenario, None, &label, seed, as_json, out)?;
    if as_json {
        return Ok(printed);
    }
    Ok(format!("{}\n{printed}", verdict(&report, at, &scenario)))
}

/// ECS and Lambda alarms are evaluated at metric period ends.
fn check_periods(scenario: &Scenario, alarms: &[crate::alarm::Alarm]) -> Result<(), Failure> {
    let Workload::BlueGreen(bg) = &scenario.workload else {
        return Ok(());
    };
    let metric = bg.traffic.period;
    for a in alarms {
        if !metric.divides(a.period) || !metric.divides(a.evaluation_interval()) {
            return Err(Failure(format!(
                "alarm {}: the scenario's traffic.metricPeriod ({metric}) must divide the alarm's period ({}) and \
                 evaluation interval ({})",
                a.name,
                a.period,
                a.evaluation_interval()
            )));
        }
    }
    Ok(())
}

/// Whether and when the recorded alarms stop the deployment (in a history, the first user
/// deployment they stop; times count from the history's start, placed at `at`).
fn verdict(report: &crate::report::Report, at: i64, scenario: &Scenario) -> String {
    let poll = scenario
        .monitoring
        .alarms
        .as_ref()
        .map_or(60.0, |c| c.poll_interval.as_secs_f64());
    let users = || report.deployments.iter().filter(|d| d.creator == "user");
    let stopped = users().find_map(|d| {
        let e = d.error_information.as_ref().filter(|e| e.code == "ALARM_ACTIVE")?;
        Some((d, e.message.clone()))
    });
    let since = if scenario.history.is_some() {
        "the history's start"
    } else {
        "its start"
    };
    match stopped {
        Some((d, message)) => {
            let when = d.complete_time;
            let n = ((when - d.create_time) / poll).round() as i64;
            let rollback = d
                .rollback_info
                .as_ref()
                .and_then(|r| r.rollback_message.clone())
                .unwrap_or_else(|| "none: automatic rollback on alarm is off for this deployment group".to_string());
            let which = d
                .revision_name
                .as_ref()
                .map_or_else(String::new, |r| format!(" {} ({r})", d.deployment_id));
            format!(
                "dry run at {}: CodeDeploy would have stopped the deployment{which} at poll {n} ({when} s after {since}, {})\n  {message}\n  rollback: {rollback}\n",
                calendar::format(at),
                calendar::format(at + (when * 1000.0) as i64),
            )
        }
        None => format!(
            "dry run at {}: the recorded alarms would not have stopped the deployment ({})\n",
            calendar::format(at),
            users().last().map_or("none made", |d| d.status)
        ),
    }
}

/// The settings `tune` tries.
struct Sweep {
    alarm: Option<String>,
    thresholds: Vec<f64>,
    evaluation_periods: Vec<u32>,
    datapoints_to_alarm: Vec<u32>,
    lead: Option<u64>,
    confidence: f64,
}

fn tune_recorded(
    alarms_file: &Path,
    good: &[PathBuf],
    bad: &[PathBuf],
    sweep: &Sweep,
) -> Result<Vec<TuneReport>, Failure> {
    if good.is_empty() && bad.is_empty() {
        return Err(Failure("give recorded deployments with --good and --bad".into()));
    }
    sweep.check()?;
    let alarms = read_alarms(alarms_file, sweep.alarm.as_deref())?;
    let labelled: Vec<(bool, &PathBuf, Vec<MetricSeries>)> = good
        .iter()
        .map(|p| (false, p))
        .chain(bad.iter().map(|p| (true, p)))
        .map(|(is_bad, p)| read_metrics(std::slice::from_ref(p)).map(|s| (is_bad, p, s)))
        .collect::<Result<_, _>>()?;
    let mut reports = Vec::new();
    for a in &alarms {
        let (settings, max_n) = sweep.settings(&a.name, &a.rule, a.period / 1000)?;
        let lead = sweep
            .lead
            .map_or((i64::from(max_n) + 2) * a.period, |s| s as i64 * 1000);
        let mut runs = Vec::new();
        for (is_bad, path, series) in &labelled {
            let s = series_for(a, series, std::slice::from_ref(*path))?;
            let first = s.points.first().map_or(0, |d| d.time);
            let last = s.points.last().map_or(first, |d| d.time + a.period);
            runs.push(Recorded {
                bad: *is_bad,
                points: &s.points,
                start: first + lead,
                end: last.max(first + lead),
            });
        }
        let reads = settings
            .iter()
            .flat_map(|setting| runs.iter().map(move |r| tune::reads(a, *setting, r)))
            .sum();
        within_reads(
            reads,
            &format!("tuning alarm {} ({} settings)", a.name, settings.len()),
            "try fewer settings, or recordings of the hours around each deployment",
        )?;
        let busy = sweep::busy(format!("tuning alarm {}", a.name));
        let outcomes = tune::sweep(a, &settings, &runs);
        drop(busy);
        reports.push(sweep.report(&a.name, a.rule.comparison, a.period / 1000, &outcomes));
    }
    Ok(reports)
}

fn tune_simulated(file: &Path, runs: u64, seed: Option<u64>, sweep: &Sweep) -> Result<Vec<TuneReport>, Failure> {
    sweep.check()?;
    if !(1..=MAX_RUNS).contains(&runs) {
        return Err(Failure(format!("--runs must be 1 to {MAX_RUNS}, found {runs}")));
    }
    let loaded = import::load(std::slice::from_ref(&file.to_path_buf()), &ImportArgs::default(), false)?;
    let scenario = loaded.scenario;
    let shown = file.display();
    if scenario.fault_model.is_none() {
        return Err(Failure(format!(
            "{shown}: --scenario needs a faultModel to draw good and bad runs from"
        )));
    }
    let alarms = scenario
        .monitoring
        .alarms
        .as_ref()
        .map(|c| c.alarms.clone())
        .unwrap_or_default();
    let alarms: Vec<_> = alarms
        .into_iter()
        .filter(|a| sweep.alarm.as_ref().is_none_or(|n| *n == a.name))
        .collect();
    if alarms.is_empty() {
        return Err(Failure(format!("{shown}: no alarm to tune in alarmConfiguration")));
    }
    let seed = seed.unwrap_or(scenario.seed);
    memory::check(&scenario, &shown.to_string(), 1)?;
    budget::check(&scenario, &shown.to_string())?;
    let mut reports = Vec::new();
    for a in &alarms {
        let period_s = (a.period.as_millis() / 1000) as i64;
        let (settings, _) = sweep.settings(&a.name, &a.rule, period_s)?;
        let busy = sweep::busy(format!(
            "tuning alarm {}: {} settings × {runs} simulated runs",
            a.name,
            settings.len()
        ));
        let outcomes = crate::compare::alarm_tune::sweep(&scenario, a, &settings, runs, seed);
        drop(busy);
        reports.push(sweep.report(&a.name, a.rule.comparison, period_s, &outcomes));
    }
    Ok(reports)
}

fn tune_output(reports: &[TuneReport], as_json: bool, out: Option<&Path>) -> Result<String, Failure> {
    if let Some(dir) = out {
        output::write_files(dir, crate::report::tune::files(reports))?;
    }
    Ok(if as_json {
        crate::report::tune::json(reports)
    } else {
        crate::report::tune::text(reports)
    })
}

impl Sweep {
    fn check(&self) -> Result<(), Failure> {
        if self.confidence > 0.0 && self.confidence < 1.0 {
            Ok(())
        } else {
            Err(Failure(format!(
                "--confidence must be between 0 and 1, found {}",
                self.confidence
            )))
        }
    }

    /// The grid for an alarm of `period_s` seconds (the alarm's own values where none are
    /// given), and its largest N, which §7.2 bounds: Period × N within one day (seven for
    /// periods of an hour or more).
    fn settings(&self, name: &str, rule: &AlarmRule, period_s: i64) -> Result<(Vec<Setting>, u32), Failure> {
        let thresholds = or_default(&self.thresholds, rule.threshold);
        let ns = or_default(&self.evaluation_periods, rule.evaluation_periods);
        let max_n = ns.iter().copied().max().unwrap_or(1);
        let longest = crate::alarm::longest_evaluation_s(period_s);
        if i64::from(max_n) * period_s > longest {
            return Err(Failure(format!(
                "--evaluation-periods {max_n}: alarm {name}'s Period ({period_s} s) × EvaluationPeriods may not \
                 exceed {} s (§7.2), so N is at most {}",
                longest,
                longest / period_s.max(1)
            )));
        }
        let ms = if self.datapoints_to_alarm.is_empty() {
            (1..=max_n).collect()
        } else {
            self.datapoints_to_alarm.clone()
        };
        let settings = tune::grid(&thresholds, &ns, &ms);
        if settings.is_empty() {
            return Err(Failure(format!("alarm {name}: no setting with 1 ≤ M ≤ N to try")));
        }
        Ok((settings, max_n))
    }

    fn report(&self, name: &str, comparison: Comparison, period: i64, outcomes: &[Outcome]) -> TuneReport {
        let first = outcomes.first();
        TuneReport {
            alarm_name: name.to_string(),
            comparison_operator: comparison.as_str(),
            period,
            confidence: self.confidence,
            good_deployments: first.map_or(0, |o| o.good),
            bad_deployments: first.map_or(0, |o| o.bad),
            settings: outcomes.iter().map(|o| SettingInfo::new(o, self.confidence)).collect(),
        }
    }
}

/// Refuses replays whose evaluations would make more than [`work::MAX_READS`] reads (the
/// budget of a run's alarm evaluations): `what` names them, `shorter` says what to change.
fn within_reads(reads: f64, what: &str, shorter: &str) -> Result<(), Failure> {
    if reads <= work::MAX_READS {
        return Ok(());
    }
    Err(Failure(format!(
        "{what} would make about {reads:.1e} reads of datapoints (each evaluation, every minute or every 10 s, \
         reads its N + 2 periods), more than the {:.0e} a command may make (README.md, \"Limits\"); {shorter}",
        work::MAX_READS
    )))
}

fn or_default<T: Copy>(given: &[T], default: T) -> Vec<T> {
    if given.is_empty() {
        vec![default]
    } else {
        given.to_vec()
    }
}
