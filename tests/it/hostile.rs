//! Hostile input and output, through the `cdsim` binary: partial results edited the way a
//! hostile user would (each refused with its file, line, column and value, exit 2, never a
//! panic), sizes refused before any work, YAML limits in the user's words, standard output
//! that cannot be written, stale temporaries, and processes killed while writing `--out`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::{TempDir, cdsim, example};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Merges shard 1 edited by `edit` with shard 2; returns the error, asserting exit 2 and a
/// location in the edited file.
fn merge_edited(edit: impl Fn(&mut Value)) -> String {
    let tmp = TempDir::new("merge");
    let mut v: Value = serde_json::from_str(&fixture("partial-in-place-1-of-2.json")).unwrap();
    edit(&mut v);
    let one = tmp.file("one.json", serde_json::to_string_pretty(&v).unwrap());
    let two = tmp.file("two.json", fixture("partial-in-place-2-of-2.json"));
    let o = cdsim(&["merge", &one, &two]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let located = err
        .lines()
        .all(|l| l.split(':').nth(1).is_some_and(|n| n.parse::<u32>().is_ok()));
    assert!(located, "every problem is located: {err}");
    err
}

#[test]
fn the_fixture_partials_merge() {
    let tmp = TempDir::new("merge-ok");
    let one = tmp.file("one.json", fixture("partial-in-place-1-of-2.json"));
    let two = tmp.file("two.json", fixture("partial-in-place-2-of-2.json"));
    let o = cdsim(&["merge", &two, &one, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A history's partial (a fuzzer seed too) carries its request count to the merge.
    let history = tmp.file("history.json", fixture("partial-history-1-of-1.json"));
    let o = cdsim(&["merge", &history, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let merged: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(merged["historyRequests"], 3);
}

#[test]
fn merge_refuses_edited_counts_and_lengths_with_locations() {
    // Once an assertion failure in the statistics (exit 101).
    let err = merge_edited(|v| v["runs"] = Value::from(0));
    assert!(
        err.contains("one.json:") && err.contains("runs must be 1 to 1000000, found 0"),
        "{err}"
    );
    // Once a capacity overflow.
    let err = merge_edited(|v| v["runs"] = Value::from(u64::MAX));
    assert!(err.contains(&format!("found {}", u64::MAX)), "{err}");
    let err = merge_edited(|v| {
        v["records"][1].as_array_mut().unwrap().pop();
    });
    assert!(
        err.contains("holds 3 runs of CodeDeployDefault.HalfAtATime, found 2 records"),
        "{err}"
    );
    let err = merge_edited(|v| v["records"][0][1]["durationMs"] = Value::from(1u64 << 60));
    assert!(err.contains("durationMs must be at most 2^53"), "{err}");
    let err = merge_edited(|v| v["records"][0][0]["minInService"] = serde_json::json!([101, 100]));
    assert!(err.contains("found [101, 100]"), "{err}");
    let err = merge_edited(|v| v["confidence"] = Value::from(1.5));
    assert!(err.contains("confidence must be between 0 and 1, found 1.5"), "{err}");
    let err = merge_edited(|v| v["historyRequests"] = Value::from(1001));
    assert!(err.contains("historyRequests must be 1 to 1000, found 1001"), "{err}");
    // In range, but not the other shard's: not the same comparison.
    let err = merge_edited(|v| v["historyRequests"] = Value::from(3));
    assert!(err.contains("history requests 3 ≠ none (no history)"), "{err}");
}

#[test]
fn merge_refuses_edited_identity_and_numbering_with_locations() {
    let err = merge_edited(|v| v["scenarioDigest"] = Value::from("zz"));
    assert!(err.contains("16 lower-case hex digits, found \"zz\""), "{err}");
    let err = merge_edited(|v| v["seed"] = Value::from(7));
    assert!(err.contains("seed 7 does not give this shard's runs"), "{err}");
    let err = merge_edited(|v| v["records"][2][1]["seed"] = Value::from(5));
    assert!(err.contains("run 1's seed is") && err.contains("found 5"), "{err}");
    let err = merge_edited(|v| v["shard"] = Value::from(3));
    assert!(err.contains("shard must be 1 to shardCount (2), found 3"), "{err}");
    let err = merge_edited(|v| v["firstRun"] = Value::from(2));
    assert!(err.contains("starts at run 0, found firstRun 2"), "{err}");
    let err = merge_edited(|v| v["shard"] = Value::from(2));
    assert!(
        err.contains("starts at run 0, found firstRun 3") || err.contains("shard 2"),
        "{err}"
    );
    let err = merge_edited(|v| v["format"] = Value::from("cdsim-compare-partial/9"));
    assert!(err.contains("format must be"), "{err}");
    let err = merge_edited(|v| v["cdsimVersion"] = Value::from("0.0.1"));
    assert!(err.contains("written by cdsim \"0.0.1\""), "{err}");
}

#[test]
fn merge_refuses_a_huge_shard_count_at_once() {
    let err = merge_edited(|v| v["shardCount"] = Value::from(1_000_000_000u64));
    assert!(
        err.contains("shardCount must be 1 to 1000000, found 1000000000"),
        "{err}"
    );
    // Within the limit but more shards than files: refused before anything is allocated.
    let tmp = TempDir::new("merge-count");
    let one = tmp.file("one.json", fixture("partial-in-place-1-of-2.json"));
    let o = cdsim(&["merge", &one]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("one.json:1:") && err.contains("each of the 2 shards exactly once; 1 partial results given"),
        "{err}"
    );
}

#[test]
fn merge_locates_bytes_that_are_not_a_partial_result() {
    let tmp = TempDir::new("merge-bytes");
    let one = tmp.file("one.json", [0xffu8]);
    let o = cdsim(&["merge", &one]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("one.json:1:1: not a partial result: the file is not UTF-8 text, byte 0xff"),
        "{}",
        stderr(&o)
    );
    let text = fixture("partial-in-place-1-of-2.json");
    let one = tmp.file("cut.json", &text[..text.len() / 2]);
    let o = cdsim(&["merge", &one]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cut.json:1:") && err.contains("the file ends before its JSON does (cut short?)"),
        "{err}"
    );
    // serde_json's own position is not repeated after the located message.
    assert!(!err.contains(" at line "), "{err}");
    // A value of the wrong type is named in the user's words, not Rust's ("u64").
    let listed = tmp.file("listed.json", text.replacen("\"runs\":", "\"runs\": [1], \"was\":", 1));
    let err = stderr(&cdsim(&["merge", &listed]));
    assert!(
        err.contains("invalid type: a list, expected a whole number, 0 or more"),
        "{err}"
    );
    let one = tmp.file("brace.json", "{");
    let err = stderr(&cdsim(&["merge", &one]));
    assert!(
        err.contains("brace.json:1:1: not a partial result of cdsim compare --shard: the file ends"),
        "{err}"
    );
    let scenario = tmp.file("bad.yaml", b"name: x\n\xfe\n");
    let o = cdsim(&["check", &scenario]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.yaml:2:1: not UTF-8 text: byte 0xfe found"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn sizes_beyond_the_limits_are_refused_before_work() {
    let o = cdsim(&["explain", "CodeDeployDefault.OneAtATime", "--instances", "4294967295"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--instances must be 1 to 2000000"),
        "{}",
        stderr(&o)
    );
    let o = cdsim(&["compare", &example("compare-in-place.yaml"), "--runs", "1000000000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--runs must be 1 to 1000000"), "{}", stderr(&o));
}

/// `--threads` beyond 256 is refused before any thread starts (a million once spent minutes
/// starting threads without a word).
#[test]
fn too_many_threads_are_refused() {
    let started = std::time::Instant::now();
    for n in ["0", "257", "1000000"] {
        let o = cdsim(&[
            "compare",
            &example("compare-lambda.yaml"),
            "--runs",
            "2",
            "--threads",
            n,
            "--quiet",
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("--threads must be 1 to 256, found {n}")), "{err}");
    }
    assert!(started.elapsed() < Duration::from_secs(30), "refused up front");
}

#[test]
fn yaml_limits_speak_the_users_words() {
    let tmp = TempDir::new("yaml");
    let dup = tmp.file("dup.yaml", "name: a\nname: b\n");
    let o = cdsim(&["check", &dup]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("dup.yaml:2:1: the key \"name\" is given twice"),
        "{}",
        stderr(&o)
    );
    let deep = tmp.file(
        "appspec.yml",
        format!(
            "version: 0.0\nos: linux\nfiles: {}{}\n",
            "[".repeat(100),
            "]".repeat(100)
        ),
    );
    let o = cdsim(&["check", &deep]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("appspec.yml:3:") && err.contains("nested too deeply: cdsim reads YAML nested at most 32 levels"),
        "{err}"
    );
}

/// Runs `args` with standard output on `/dev/full`.
fn to_full_device(args: &[&str]) -> Option<std::process::Output> {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").ok()?;
    Some(
        Command::new(env!("CARGO_BIN_EXE_cdsim"))
            .args(args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .expect("run cdsim"),
    )
}

#[test]
fn a_write_error_on_standard_output_is_an_error() {
    let one = example("one-at-a-time.yaml");
    let lambda = example("compare-lambda.yaml");
    for args in [
        vec!["run", &one, "--json"],
        vec!["schema"],
        vec!["configs"],
        vec!["compare", &lambda, "--runs", "3", "--json", "--quiet"],
    ] {
        let Some(o) = to_full_device(&args) else {
            eprintln!("no /dev/full here: skipped");
            return;
        };
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).contains("cannot write to standard output"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cdsim"))
        .args(["schema"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cdsim");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait for cdsim");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
}

#[test]
fn stale_temporaries_are_removed() {
    let tmp = TempDir::new("stale");
    let out = tmp.path("out");
    std::fs::create_dir_all(&out).unwrap();
    // A process id above Linux's largest (4,194,304) cannot be running.
    std::fs::write(Path::new(&out).join(".report.json.tmp-4999999"), "{").unwrap();
    std::fs::create_dir_all(Path::new(&out).join(".cdsim-out.tmp-4999998")).unwrap();
    let o = cdsim(&["run", &example("one-at-a-time.yaml"), "--out", &out]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    assert!(names.contains(&"report.json".to_string()));
}

#[test]
fn compare_writes_no_file_when_a_chart_cannot_be_written() {
    let tmp = TempDir::new("blocked");
    let out = tmp.path("out");
    std::fs::create_dir_all(Path::new(&out).join("rates.png")).unwrap();
    let o = cdsim(&[
        "compare",
        &example("compare-lambda.yaml"),
        "--runs",
        "3",
        "--quiet",
        "--out",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("missing:") && err.contains("rates.png") && err.contains("compare.json"),
        "{err}"
    );
    // The JSON result is moved into place last: its presence means the set is complete.
    assert!(!Path::new(&out).join("compare.json").exists());
}

/// Kills or interrupts `args` (which write into the directory `out`) after a pseudo-random
/// delay, `times` times, and checks every file left under a final name against a complete run's.
fn kill_while_writing(name: &str, args: &[&str], times: u32) {
    let tmp = TempDir::new(name);
    let reference = tmp.path("reference");
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--out", &reference]);
    let started = std::time::Instant::now();
    let o = cdsim(&full);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let span = started.elapsed().as_micros().max(1_000) as u64;
    let mut state = 0x9e37_79b9_u64;
    for i in 0..times {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = (state >> 33) % span;
        let out = tmp.path(&format!("out{i}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_cdsim"))
            .args(args)
            .args(["--out", &out])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run cdsim");
        std::thread::sleep(Duration::from_micros(delay));
        // Every other time Ctrl-C's signal (SIGINT, through kill(1)), else SIGKILL.
        let interrupted = i % 2 == 1
            && Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .is_ok_and(|s| s.success());
        if !interrupted {
            let _ = child.kill();
        }
        let _ = child.wait();
        check_complete(Path::new(&out), Path::new(&reference));
    }
}

/// Every file under a final name in `out` is complete: equal to the reference run's, and
/// readable as what its name says.
fn check_complete(out: &Path, reference: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().into_string().unwrap();
        if name.starts_with('.') {
            continue;
        }
        let bytes = std::fs::read(e.path()).unwrap();
        assert_eq!(bytes, std::fs::read(reference.join(&name)).unwrap(), "{name} differs");
        if name.ends_with(".json") {
            serde_json::from_slice::<Value>(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if name.ends_with(".png") {
            image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if name.ends_with(".html") {
            assert!(
                String::from_utf8(bytes).unwrap().trim_end().ends_with("</html>"),
                "{name}"
            );
        } else if name.ends_with(".svg") {
            assert!(
                String::from_utf8(bytes).unwrap().trim_end().ends_with("</svg>"),
                "{name}"
            );
        }
    }
}

#[test]
fn killing_run_out_leaves_no_partial_file() {
    kill_while_writing("kill-run", &["run", &example("one-at-a-time.yaml")], 30);
}

#[test]
fn killing_compare_out_leaves_no_partial_file() {
    kill_while_writing(
        "kill-compare",
        &["compare", &example("compare-lambda.yaml"), "--runs", "5", "--quiet"],
        30,
    );
}

/// Starts `args` with `--out DIR`, sends SIGINT when `ready` says so (given DIR and the time
/// since the start), and checks the end: exit code 130 with a message, no temporary left,
/// and no file under a final name unless the whole set (as a complete run writes it) is there.
fn interrupt(name: &str, args: &[&str], ready: impl Fn(&Path, Duration) -> bool) {
    let tmp = TempDir::new(name);
    let reference = tmp.path("reference");
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--out", &reference]);
    assert_eq!(cdsim(&full).status.code(), Some(0));
    let out = tmp.path("out");
    let child = Command::new(env!("CARGO_BIN_EXE_cdsim"))
        .args(args)
        .args(["--out", &out])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cdsim");
    let started = std::time::Instant::now();
    while !ready(Path::new(&out), started.elapsed()) {
        assert!(started.elapsed() < Duration::from_secs(60), "never ready");
        std::thread::sleep(Duration::from_millis(2));
    }
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(sent.is_ok_and(|s| s.success()), "kill -INT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    let left: Vec<String> = std::fs::read_dir(&out)
        .map(|d| d.flatten().map(|e| e.file_name().into_string().unwrap()).collect())
        .unwrap_or_default();
    assert!(
        left.iter().all(|n| !n.starts_with('.')),
        "a temporary is left: {left:?}"
    );
    if !left.is_empty() {
        let whole = std::fs::read_dir(&reference).unwrap().count();
        assert_eq!(left.len(), whole, "a partial set: {left:?}");
        check_complete(Path::new(&out), Path::new(&reference));
    }
}

#[test]
fn ctrl_c_during_compare_out_leaves_nothing() {
    // Mid-way through the runs: nothing is written yet, and nothing is left.
    let args = ["compare", &example("compare-lambda.yaml"), "--runs", "400", "--quiet"];
    let started = std::time::Instant::now();
    assert_eq!(cdsim(&args).status.code(), Some(0));
    let half = started.elapsed() / 2;
    interrupt("sigint-compare", &args, |_, elapsed| elapsed >= half);
}

#[test]
fn ctrl_c_while_run_out_writes_removes_the_temporary_folder() {
    // While the report files are written into the temporary folder: the folder goes too.
    let yaml = "name: large\nfleet: {instances: 100000}\n";
    let tmp = TempDir::new("sigint-run-scenario");
    let file = tmp.file("large.yaml", yaml);
    interrupt("sigint-run", &["run", &file], |out, _| {
        std::fs::read_dir(out)
            .is_ok_and(|mut d| d.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with(".cdsim-out"))))
    });
}

/// A scenario with `n` faults of the longest form.
fn with_faults(n: usize) -> String {
    let mut yaml = String::from(
        "name: many-faults\nfleet:\n  instances: 100000\nhooks:\n  BeforeInstall:\n    - {location: a.sh, timeout: 600, duration: 5s}\nfaults:\n",
    );
    for i in 0..n {
        yaml.push_str(&format!(
            "  - slowHook: {{target: {}, event: BeforeInstall, extra: 2m}}\n",
            i % 100_000
        ));
    }
    yaml
}

#[test]
fn a_scenario_at_the_faults_limit_parses_and_one_beyond_is_refused() {
    let max = cdsim::scenario::validate::MAX_FAULTS;
    cdsim::scenario::load_str(&with_faults(max), "many.yaml").unwrap_or_else(|p| panic!("{p}"));
    let err = cdsim::scenario::load_str(&with_faults(max + 1), "many.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "many.yaml:{}:5: at most {max} faults, found {}",
            max + 8,
            max + 1
        )),
        "{err}"
    );
}

/// An ECS scenario drawing every request at `rate` per second over a span of 172,900 s
/// (a 100 s start-up and the longest termination wait, 2,880 minutes).
fn per_request_for_two_days(rate: u32) -> String {
    format!(
        "name: long-per-request\ncomputePlatform: ECS\ndeploymentConfigName: CodeDeployDefault.ECSAllAtOnce\n\
         ecsService: {{tasks: 1, taskStartup: 100s, terminationWaitTimeInMinutes: 2880}}\n\
         traffic: {{requestRate: {rate}, mode: perRequest}}\n"
    )
}

#[test]
fn a_per_request_run_beyond_the_request_budget_is_refused_up_front() {
    use cdsim::scenario::work::{MAX_REQUESTS, per_request};
    // At the limit: 5,783 requests per second stay under 10⁹ requests, 5,784 do not.
    let under = per_request(&crate::common::scenario(&per_request_for_two_days(5_783))).unwrap();
    let over = per_request(&crate::common::scenario(&per_request_for_two_days(5_784))).unwrap();
    assert_eq!(under.span_s, 172_900.0);
    assert!(
        under.requests <= MAX_REQUESTS && over.requests > MAX_REQUESTS,
        "{under:?} {over:?}"
    );
    // The aggregated mode has no such estimate: its cost does not grow with the rate.
    let aggregated = per_request_for_two_days(5_784).replace("mode: perRequest", "mode: aggregated");
    assert_eq!(per_request(&crate::common::scenario(&aggregated)), None);
    // Refused before any work, naming the limit and the estimate.
    let tmp = TempDir::new("per-request-budget");
    let file = tmp.file("long.yaml", per_request_for_two_days(5_784));
    let started = std::time::Instant::now();
    for args in [
        vec!["run", &file],
        vec![
            "compare",
            &file,
            "--config",
            "CodeDeployDefault.ECSAllAtOnce",
            "--runs",
            "2",
            "--quiet",
        ],
    ] {
        let o = cdsim(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("1.0e9 requests") && err.contains("48.0 hours") && err.contains("aggregated"),
            "{err}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(30), "refused up front");
}

/// `compare` keeps every run's records (about 0.2 KiB per run and configuration): runs whose
/// records cannot fit in the memory the process may use are refused before the first run.
#[cfg(target_os = "linux")]
#[test]
fn compare_runs_whose_records_cannot_fit_are_refused_up_front() {
    // 300 MiB of address space: a million runs of four configurations need about 1 GiB.
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 307200 && exec {} compare {} --runs 1000000 --threads 1 --quiet",
            env!("CARGO_BIN_EXE_cdsim"),
            example("compare-lambda.yaml")
        ))
        .output()
        .expect("run sh");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("1000000 runs of 4 configurations keep about 1040 MiB of records"),
        "{err}"
    );
    assert!(err.contains("ulimit -v"), "{err}");
}

/// A script whose lognormal draws reach beyond 2^64 ms (a one-year median, sigma 5: about
/// once in 40,000 draws) on an instance with a slowHook fault: the drawn duration plus the
/// fault once overflowed ("duration overflow", exit 101, with 100,000 such instances). A draw
/// is capped far above any timeout, so the script simply times out.
#[test]
fn a_years_long_draw_plus_a_slow_fault_times_out_instead_of_overflowing() {
    use cdsim::lifecycle::hook::{HookFault, LONGEST_DRAW};
    use cdsim::lifecycle::{DurationModel, Hook, HookResult, Script};
    use cdsim::time::SimDuration;
    let year = SimDuration::from_secs(365 * 86_400);
    let hook = Hook {
        scripts: vec![Script {
            location: "a.sh".into(),
            timeout: SimDuration::from_secs(3600),
            duration: DurationModel::lognormal(year.as_secs_f64(), 5.0),
            failure_probability: 0.0,
        }],
    };
    let mut rng = cdsim::rng::Streams::new(1).source(cdsim::rng::Stream::Hooks, 0);
    let mut capped = 0;
    for _ in 0..200_000 {
        let drawn = hook.scripts[0].duration.sample(&mut rng);
        assert!(drawn <= LONGEST_DRAW, "{drawn}");
        capped += usize::from(drawn == LONGEST_DRAW);
        let outcome = hook.run(&mut rng, &[HookFault::Slow(year)]);
        assert_eq!(outcome.result, HookResult::ScriptTimedOut(0));
        assert_eq!(outcome.duration, SimDuration::from_secs(3600));
    }
    assert!(capped > 0, "some draws reach the cap");
}

/// The span `scenario::work` expects is near the one the run has, for every example
/// scenario with no injected faults whose one deployment succeeds (a failure or a fault
/// changes the span; the budget is about the expected one).
#[test]
fn the_expected_span_is_near_the_simulated_one() {
    let mut checked = 0;
    for entry in std::fs::read_dir(example("")).expect("scenarios folder") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        if path.extension().is_none_or(|e| e != "yaml") || text.contains("\nfaults:") {
            continue;
        }
        let scenario = cdsim::scenario::load_file(&path).unwrap_or_else(|p| panic!("{p}"));
        let report = cdsim::simulation::simulate(&scenario, scenario.seed);
        let succeeded = report.deployments.iter().map(|d| d.status).collect::<Vec<_>>() == ["Succeeded"];
        if !succeeded || scenario.history.is_some() {
            continue;
        }
        let expected = cdsim::scenario::work::expected_span_s(&scenario, &scenario.deployment_config);
        let simulated = report.metrics.duration_seconds;
        assert!(
            (0.5..=2.0).contains(&(expected / simulated)),
            "{}: expected {expected} s, simulated {simulated} s",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} scenarios checked");
}

/// An in-place zonal deployment with an alarm: its alarms are evaluated every 10 s for the
/// whole bake of `monitor_s` seconds between its two zones.
fn zonal_with_alarm(monitor_s: u64) -> String {
    format!(
        "name: long-bake\ncomputePlatform: Server\n\
         deploymentConfig:\n  deploymentConfigName: LongBake\n  minimumHealthyHosts: {{type: HOST_COUNT, value: 1}}\n  \
         zonalConfig: {{monitorDurationInSeconds: {monitor_s}, minimumHealthyHostsPerZone: {{type: HOST_COUNT, value: 0}}}}\n\
         fleet: {{instances: 4, availabilityZones: [a, b]}}\n\
         alarmConfiguration:\n  alarms:\n    - {{name: healthy, metric: healthyCount, period: 10s, threshold: 1, \
         comparisonOperator: LessThanThreshold}}\n"
    )
}

#[test]
fn alarm_periods_beyond_the_budget_are_refused_up_front() {
    use cdsim::scenario::work::{MAX_PERIODS, periods};
    let estimate = |monitor_s| periods(&crate::common::scenario(&zonal_with_alarm(monitor_s))).unwrap();
    // The bake is all but a few minutes of the span: at the limit to the period.
    let rest_s = estimate(0).span_s;
    assert!(rest_s > 0.0 && rest_s < 3600.0, "{rest_s}");
    let at_limit = (MAX_PERIODS * 10.0 - rest_s).floor() as u64;
    let (under, over) = (estimate(at_limit), estimate(at_limit + 10));
    assert!(
        under.periods <= MAX_PERIODS && over.periods > MAX_PERIODS,
        "{under:?} {over:?}"
    );
    assert_eq!(under.span_s, rest_s + at_limit as f64);
    // Without alarms nothing is done per period.
    let quiet = zonal_with_alarm(at_limit + 10);
    let quiet = &quiet[..quiet.find("alarmConfiguration").unwrap()];
    assert_eq!(periods(&crate::common::scenario(quiet)), None);
    // Refused before any work, naming the estimate and the limit: by run, and by compare
    // when one of its candidates (here the second) is beyond it.
    let tmp = TempDir::new("period-budget");
    let over_text = zonal_with_alarm(at_limit + 10);
    let file = tmp.file("long.yaml", &over_text);
    let config = &over_text[over_text.find("  deploymentConfigName").unwrap()..over_text.find("fleet:").unwrap()];
    let candidates = format!(
        "candidateConfigs:\n  - deploymentConfigName: CodeDeployDefault.OneAtATime\n  -{}",
        &config[1..].replace("\n  ", "\n    ")
    );
    let compared = tmp.file("compared.yaml", zonal_with_alarm(0) + &candidates);
    let started = std::time::Instant::now();
    for (args, whose) in [
        (vec!["run", &file], format!("{file}: ")),
        (
            vec!["compare", &compared, "--runs", "2", "--quiet"],
            "under LongBake: ".into(),
        ),
    ] {
        let o = cdsim(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!(
                "{whose}one run would record or evaluate alarms at about 5.0e7 metric periods"
            )) && err.contains("of 10 s")
                && err.contains("the 5e7 a run may"),
            "{err}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(30), "refused up front");
    // serve simulates a deployment when a client creates it: refused when it starts.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cdsim"))
        .args(["serve", "--listen", "127.0.0.1:0", "--scenario", &file])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cdsim serve");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let err = stderr(&child.wait_with_output().expect("output"));
    assert_eq!(status.and_then(|s| s.code()), Some(2), "{err}");
    assert!(err.contains(&format!("{file}: one run would record")), "{err}");
}

/// An ECS deployment with the longest waits (a 120-hour ready wait, a 48-hour termination
/// wait) recording one-second periods, watched by `alarms` alarms of `period`.
fn ecs_longest_waits(alarms: usize, period: &str) -> String {
    let mut yaml = "name: long-waits\ncomputePlatform: ECS\ndeploymentConfigName: CodeDeployDefault.ECSAllAtOnce\n\
        ecsService:\n  tasks: 2\n  deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 7200, continueAfter: 120h}\n  \
        terminationWaitTimeInMinutes: 2880\ntraffic: {metricPeriod: 1s}\nalarmConfiguration:\n  alarms:\n"
        .to_string();
    for i in 0..alarms {
        yaml += &format!("    - {{name: a{i}, metric: errorRate, period: {period}, threshold: 0.5}}\n");
    }
    yaml
}

#[test]
fn alarm_reads_beyond_the_budget_are_refused_and_the_longest_waits_are_not() {
    use cdsim::scenario::work::{MAX_PERIODS, MAX_READS, periods};
    // One-second periods over the longest waits, with ten alarms of a minute: within both.
    let within = periods(&crate::common::scenario(&ecs_longest_waits(10, "60s"))).unwrap();
    assert!(within.periods > 600_000.0 && within.periods < MAX_PERIODS, "{within:?}");
    assert!(within.reads < MAX_READS, "{within:?}");
    // Ten alarms of a day: each evaluation, every minute, sums up to three days of periods.
    let file_text = ecs_longest_waits(10, "1d");
    let beyond = periods(&crate::common::scenario(&file_text)).unwrap();
    assert!(beyond.reads > 10.0 * MAX_READS, "{beyond:?}");
    let tmp = TempDir::new("read-budget");
    let file = tmp.file("days.yaml", file_text);
    let o = cdsim(&["run", &file]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("reads of datapoints") && err.contains("the 5e8 a run may make"),
        "{err}"
    );
}
