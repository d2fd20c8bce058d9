//! Many runs at once: the only home of rayon and indicatif.
//!
//! Runs are spread over a thread pool of `--threads` threads (default: rayon's, one per
//! core); `collect` on an indexed parallel iterator keeps run order, so the records, and
//! every byte written from them, are the same for any thread count. A progress bar is drawn
//! on standard error when it is a terminal and `--quiet` is not given; one long piece of
//! work (a single run) shows a spinner with the time elapsed instead ([`busy`]).
//!
//! Not here: what a run is (`compare::Plan`).

use std::io::IsTerminal;
use std::ops::Range;

use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::{Failure, budget, memory};
use crate::compare::{Plan, RunRecord};

/// The most threads `--threads` may ask for (`compare`'s arguments check it): each has a
/// stack and a share of the runs, and beyond the cores they only add overhead (a million
/// once spent minutes starting).
pub const MAX_THREADS: usize = 256;

/// Runs `range` of `plan`, returning per-run records in run order.
pub fn run(
    plan: &Plan,
    range: Range<u64>,
    threads: Option<usize>,
    quiet: bool,
) -> Result<Vec<Vec<RunRecord>>, Failure> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().map_err(|e| {
        let n = threads.map_or_else(|| "the default number of".to_string(), |t| t.to_string());
        Failure(format!("cannot start {n} threads: {e}"))
    })?;
    let label = format!("scenario {}", plan.scenario.name);
    memory::check(&plan.scenario, &label, pool.current_num_threads())?;
    budget::check_configs(&plan.scenario, &plan.configs, &label)?;
    memory::check_records(&label, range.end - range.start, plan.configs.len())?;
    let bar = progress(range.end - range.start, quiet);
    let records = pool.install(|| {
        range
            .into_par_iter()
            .progress_with(bar.clone())
            .map(|i| plan.run(i))
            .collect::<Vec<_>>()
    });
    bar.finish_and_clear();
    Ok(records)
}

fn progress(len: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {elapsed} elapsed, {eta} left") {
        bar.set_style(style);
    }
    bar
}

/// A spinner on standard error, while it lives, with a label and the time elapsed; drawn
/// only when standard error is a terminal, and cleared when dropped.
pub struct Busy(ProgressBar);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// Shows that `label`'s work goes on (a long simulation has no count of runs to show).
pub fn busy(label: String) -> Busy {
    if !std::io::stderr().is_terminal() {
        return Busy(ProgressBar::hidden());
    }
    let bar = ProgressBar::new_spinner().with_message(label);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}  {elapsed} elapsed") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Busy(bar)
}
