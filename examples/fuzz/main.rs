//! The in-repository fuzzer: mutated inputs, in process, through every reader cdsim has.
//!
//! ```sh
//! cargo run --release --example fuzz -- --inputs 1000000                 # every reader
//! cargo run --release --example fuzz -- --inputs 1000000 --reader partial # one reader
//! cargo run --release --example fuzz -- --minutes 10 --seed 7
//! cargo run --profile fuzz --example fuzz -- --inputs 1000000   # with overflow checks
//! ```
//!
//! Readers: scenario-yaml, scenario-json, appspec, sam, cloudformation, cli-json, partial,
//! config (`engine.rs` says what each reads and how inputs are mutated). For each reader it
//! prints the inputs tried, panics, hangs (an input taking longer than 10 s), the slowest
//! input, the rate and the process's peak memory. Every panicking or hanging input is
//! written to `--save DIR` (default `fuzz-findings/`) with its message, to become a
//! regression test in `tests/it/fuzz.rs`. Exit code 1 when anything was found.

mod engine;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use engine::{READERS, Reader};

struct Args {
    inputs: u64,
    minutes: Option<f64>,
    readers: Vec<Reader>,
    seed: u64,
    save: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        inputs: 10_000,
        minutes: None,
        readers: Vec::new(),
        seed: 1,
        save: PathBuf::from("fuzz-findings"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--inputs" => a.inputs = value()?.parse().map_err(|e| format!("--inputs: {e}"))?,
            "--minutes" => a.minutes = Some(value()?.parse().map_err(|e| format!("--minutes: {e}"))?),
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--save" => a.save = PathBuf::from(value()?),
            "--reader" => {
                let name = value()?;
                let names: Vec<&str> = READERS.iter().map(|r| r.name()).collect();
                a.readers
                    .push(Reader::by_name(&name).ok_or(format!("--reader {name}: one of {}", names.join(", ")))?);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.readers.is_empty() {
        a.readers = READERS.to_vec();
    }
    Ok(a)
}

/// The input being read, for the watchdog: (its number, when it started, its text).
type Current = Arc<Mutex<(u64, Instant, String)>>;

/// The input number that tells the watchdog its reader is done.
const DONE: u64 = u64::MAX;

/// Writes an input that runs past the hang limit to `save` while it still runs.
fn watchdog(reader: Reader, current: Current, save: PathBuf) {
    std::thread::spawn(move || {
        let mut reported = u64::MAX;
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let (i, start, text) = current
                .lock()
                .map(|c| c.clone())
                .unwrap_or_else(|p| p.into_inner().clone());
            if i == DONE {
                return;
            }
            if i != reported && start.elapsed() > engine::HANG {
                reported = i;
                let file = save.join(format!("hang-{}-{i}.txt", reader.name()));
                let _ = std::fs::create_dir_all(&save);
                let _ = std::fs::write(&file, &text);
                eprintln!(
                    "{}: input {i} runs past {:?}: {}",
                    reader.name(),
                    engine::HANG,
                    file.display()
                );
            }
        }
    });
}

fn main() -> std::process::ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut found = false;
    for reader in &a.readers {
        let deadline = a.minutes.map(|m| Instant::now() + Duration::from_secs_f64(m * 60.0));
        let current: Current = Arc::new(Mutex::new((0, Instant::now(), String::new())));
        watchdog(*reader, current.clone(), a.save.clone());
        let start = Instant::now();
        let f = engine::run(*reader, a.inputs, deadline, a.seed, true, |i, text| {
            if let Ok(mut c) = current.lock() {
                *c = (i, Instant::now(), text.to_string());
            }
        });
        let took = start.elapsed().as_secs_f64();
        if let Ok(mut c) = current.lock() {
            c.0 = DONE;
        }
        println!(
            "{:15} {:>9} inputs  {} panics  {} hangs  slowest {:.3} s  {:.0} inputs/s  {:.0} s  peak RSS {} MiB",
            reader.name(),
            f.inputs,
            f.panics.len(),
            f.hangs.len(),
            f.slowest.as_secs_f64(),
            f.inputs as f64 / took.max(1e-9),
            took,
            engine::peak_rss_kib().map_or("?".to_string(), |k| (k / 1024).to_string())
        );
        for (n, (r, seed, input, message)) in f.panics.iter().enumerate() {
            let file = a.save.join(format!("panic-{r}-{n}.txt"));
            let _ = std::fs::create_dir_all(&a.save);
            let _ = std::fs::write(&file, input);
            println!("  panic ({seed}): {message}: {}", file.display());
        }
        for (n, (r, seed, input, secs)) in f.hangs.iter().enumerate() {
            let file = a.save.join(format!("slow-{r}-{n}.txt"));
            let _ = std::fs::create_dir_all(&a.save);
            let _ = std::fs::write(&file, input);
            println!("  hang ({seed}): {secs:.1} s: {}", file.display());
        }
        found |= !f.panics.is_empty() || !f.hangs.is_empty();
    }
    if found {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
