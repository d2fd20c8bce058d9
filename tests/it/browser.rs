//! `report.html`, `compare.html` and `recommend.html` in a real browser: headless Chromium
//! opens fresh pages, each page's own check (every chart has a box and non-blank pixels)
//! must say `OK`, the console must stay silent, and a screenshot is taken (kept under the
//! target directory's `tmp/browser/` for a person to look at). Broken pages (a blank chart, an image that
//! does not load, a script error) must be caught.
//!
//! Chromium comes from `CDSIM_CHROMIUM`, `/usr/bin/chromium` or `chromium` on the PATH.
//! Without it the test fails when `CI` is set (`.ci/run` installs it) and is skipped,
//! saying so, otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

use cdsim::compare::{self, Comparison, Plan, recommend};
use cdsim::report::{files, html};
use cdsim::{scenario, simulation};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CDSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let fixed = Path::new("/usr/bin/chromium");
    if fixed.exists() {
        return Some(fixed.to_path_buf());
    }
    let on_path = Command::new("chromium").arg("--version").output();
    on_path
        .is_ok_and(|o| o.status.success())
        .then(|| PathBuf::from("chromium"))
}

/// Chromium, or `None` (skip) outside CI; in CI a missing browser fails the test.
fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but Chromium is missing: install it (apt-get install chromium) or set CDSIM_CHROMIUM"
        );
        eprintln!("browser test skipped: no Chromium (install the `chromium` package or set CDSIM_CHROMIUM)");
    }
    found
}

fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Headless Chromium with no network chatter and a fresh profile.
fn headless(browser: &Path, dir: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
    ]);
    c.arg(format!("--user-data-dir={}", dir.join("profile").display()));
    c
}

struct Loaded {
    verdict: String,
    console: Vec<String>,
}

/// Opens `page` and returns the page's verdict and every console line Chromium logged.
fn open(browser: &Path, dir: &Path, page: &Path) -> Loaded {
    // The window of a reader on a laptop: the page must fit it without sideways scroll.
    open_at(browser, dir, page, 1400)
}

/// Opens `page` in a window `width` pixels wide (scroll bars hidden).
fn open_at(browser: &Path, dir: &Path, page: &Path, width: u32) -> Loaded {
    let out = headless(browser, dir)
        .arg("--dump-dom")
        .arg(format!("--window-size={width},900"))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "Chromium failed: {stderr}");
    let marker = "data-verdict=\"";
    let start = dom
        .find(marker)
        .unwrap_or_else(|| panic!("no verdict in the DOM:\n{dom}\nstderr:\n{stderr}"));
    let rest = &dom[start + marker.len()..];
    assert!(
        !dom.contains("Chart check"),
        "the machine check stays invisible to readers"
    );
    Loaded {
        verdict: rest[..rest.find('"').expect("closed")].to_string(),
        console: stderr
            .lines()
            .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
            .map(String::from)
            .collect(),
    }
}

fn write_report(dir: &Path, scenario_file: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(scenario_file);
    let text = std::fs::read_to_string(&path).unwrap();
    let sc = scenario::load_str(&text, scenario_file).unwrap();
    let report = simulation::simulate(&sc, sc.seed);
    let written = cdsim::report::written::Written::of(&sc, &text);
    for (name, bytes) in files::files(&report, Some(&written)).unwrap() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    dir.join("report.html")
}

/// The files `compare --out` and `recommend --out` write beside their JSON, for a few
/// runs of a comparison example; returns the two pages.
fn write_comparison(dir: &Path, scenario_file: &str, runs: u64) -> (PathBuf, PathBuf) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(scenario_file);
    let sc = scenario::load_file(&path).unwrap();
    let compared = comparison(Plan {
        configs: sc.candidates.clone(),
        seed: sc.seed,
        runs,
        scenario: sc.clone(),
    });
    write_all(dir, compare::files::compare(&compared.0).unwrap());
    let (searched, records) = comparison(Plan {
        configs: recommend::grid(&sc),
        seed: sc.seed,
        runs,
        scenario: sc,
    });
    let constraints = recommend::Constraints {
        max_duration_seconds: Some(1800.0),
        quantile: 0.95,
        ..recommend::Constraints::default()
    };
    let answer = recommend::decide(&searched, &records, &constraints).unwrap();
    write_all(
        dir,
        compare::files::recommend(&answer, &searched, &constraints).unwrap(),
    );
    (dir.join("compare.html"), dir.join("recommend.html"))
}

fn comparison(plan: Plan) -> (Comparison, Vec<Vec<compare::RunRecord>>) {
    let per_run = (0..plan.runs).map(|i| plan.run(i)).collect();
    let records = compare::by_config(per_run, plan.configs.len());
    let names: Vec<String> = plan.configs.iter().map(|c| c.name.clone()).collect();
    let c = Comparison::new(&plan.scenario.name, plan.seed, 0.95, &names, &records);
    (c, records)
}

fn write_all(dir: &Path, files: Vec<(String, Vec<u8>)>) {
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// Opens `page`: its verdict must be `verdict`, the console silent; then screenshots it
/// at a height that shows every chart.
fn check_and_screenshot(browser: &Path, dir: &Path, page: &Path, verdict: &str, height: u32) {
    let loaded = open(browser, dir, page);
    assert_eq!(
        loaded.verdict,
        verdict,
        "{}: the page's own chart check",
        page.display()
    );
    assert!(
        loaded.console.is_empty(),
        "console output:\n{}",
        loaded.console.join("\n")
    );
    let stem = page.file_stem().unwrap().to_string_lossy();
    let shot = dir.join(format!("screenshot-{stem}.png"));
    let out = headless(browser, dir)
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("--window-size=1400,{height}"))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 50_000,
        "a screenshot with content"
    );
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn report_html_loads_without_console_errors_and_every_chart_is_visible() {
    let Some(browser) = browser_or_skip() else { return };
    // An ECS run rolled back by an alarm has all four charts.
    let dir = work_dir("ecs-latency-rollback");
    let page = write_report(&dir, "ecs-latency-rollback.yaml");
    check_and_screenshot(&browser, &dir, &page, "OK 4 charts", 2900);
}

#[test]
fn report_html_fits_a_1200_pixel_window() {
    let Some(browser) = browser_or_skip() else { return };
    // 1185 pixels: a 1200-pixel window less its vertical scroll bar. The configuration
    // table of an ECS history (long configuration names, four deployments) once overflowed
    // it.
    for name in ["ecs-release-train", "release-train", "health-constraints"] {
        let dir = work_dir(&format!("narrow-{name}"));
        let page = write_report(&dir, &format!("{name}.yaml"));
        let loaded = open_at(&browser, &dir, &page, 1185);
        assert!(loaded.verdict.starts_with("OK "), "{name}: {}", loaded.verdict);
    }
}

#[test]
fn compare_and_recommend_pages_load_without_console_errors_and_every_chart_is_visible() {
    let Some(browser) = browser_or_skip() else { return };
    // Lambda: rates, duration (ECDF and box plot), time to rollback, failed and exposed
    // requests.
    let dir = work_dir("compare-lambda");
    let (compare_page, recommend_page) = write_comparison(&dir, "compare-lambda.yaml", 40);
    check_and_screenshot(&browser, &dir, &compare_page, "OK 6 charts", 3900);
    check_and_screenshot(&browser, &dir, &recommend_page, "OK 6 charts", 4200);
    // Server: rates, duration (ECDF and box plot), time to rollback, lowest capacity.
    let dir = work_dir("compare-in-place");
    let (compare_page, _) = write_comparison(&dir, "compare-in-place.yaml", 10);
    check_and_screenshot(&browser, &dir, &compare_page, "OK 5 charts", 3400);
}

#[test]
fn the_page_check_catches_a_blank_chart_a_broken_image_and_a_script_error() {
    let Some(browser) = browser_or_skip() else { return };
    let dir = work_dir("broken");
    let sc = scenario::load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lambda-canary.yaml")).unwrap();
    let report = simulation::simulate(&sc, sc.seed);
    let mut blank = Vec::new();
    image::RgbImage::from_pixel(400, 200, image::Rgb([255, 255, 255]))
        .write_to(&mut std::io::Cursor::new(&mut blank), image::ImageFormat::Png)
        .unwrap();
    for (name, png, expected) in [
        ("blank", &blank[..], "FAIL blank chart: blank"),
        ("broken", &b"not a PNG"[..], "FAIL broken chart: not visible"),
    ] {
        let title = format!("{name} chart");
        let page = dir.join(format!("{name}.html"));
        std::fs::write(&page, html::page(&report, None, &[html::Figure { title: &title, png }])).unwrap();
        assert_eq!(open(&browser, &dir, &page).verdict, expected);
    }
    // A script error reaches the console, which the first test requires to be silent.
    let page = dir.join("script-error.html");
    let good = html::page(&report, None, &[]);
    std::fs::write(
        &page,
        good.replace("</body>", "<script>undefinedFunction();</script></body>"),
    )
    .unwrap();
    let loaded = open(&browser, &dir, &page);
    assert!(
        loaded.console.iter().any(|l| l.contains("undefinedFunction")),
        "{:?}",
        loaded.console
    );
}

#[test]
fn serve_live_page_shows_a_running_deployment_with_its_targets_and_chart() {
    let Some(browser) = browser_or_skip() else { return };
    // At speed 1 the deployment (the scenario stops it at 4 minutes) is still running when
    // the page is read, however slowly Chromium starts.
    let dir = work_dir("serve-live-page");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/manual-stop.yaml");
    let (mut child, port) = crate::serve::start(&["--speed", "1", "--scenario", scenario.to_str().unwrap()]);
    let group = br#"{"applicationName": "manual-stop", "deploymentGroupName": "manual-stop"}"#;
    let (status, created) = crate::serve::post(port, "CodeDeploy_20141006.CreateDeployment", group);
    assert_eq!(status, 200, "{created}");
    let id = created.split('"').nth(3).unwrap().to_string();
    let out = headless(&browser, &dir)
        .arg("--dump-dom")
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .expect("Chromium runs");
    child.kill().unwrap();
    child.wait().unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "Chromium failed: {stderr}");
    let console: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console output:\n{}", console.join("\n"));
    assert!(
        dom.contains(&format!("<div class=\"deployment\" id=\"{id}\">")),
        "the deployment is shown:\n{dom}"
    );
    assert!(
        dom.contains("<td>manual-stop</td>"),
        "the application and group are listed"
    );
    assert!(dom.contains("simulated time: "), "the clock is shown");
    assert_eq!(
        dom.matches("class=\"target ").count(),
        10,
        "one mark per target:\n{dom}"
    );
    assert!(dom.contains("<path d=\"M"), "the capacity chart is drawn:\n{dom}");
    assert!(dom.contains("instances in service"));
}
