//! `report.html` in a real browser: headless Chromium opens a fresh report, the page's
//! own check (every chart has a box and non-blank pixels) must say `OK`, the console must
//! stay silent, and a screenshot is taken (kept under the target directory's
//! `tmp/browser/` for a person to look at). Broken pages (a blank chart, an image that
//! does not load, a script error) must be caught.
//!
//! Chromium comes from `CDSIM_CHROMIUM`, `/usr/bin/chromium` or `chromium` on the PATH.
//! Without it the test fails when `CI` is set (`.ci/run` installs it) and is skipped,
//! saying so, otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

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
    let out = headless(browser, dir)
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "Chromium failed: {stderr}");
    let start = dom
        .find("<span id=\"chart-check\">")
        .unwrap_or_else(|| panic!("no verdict in the DOM:\n{dom}\nstderr:\n{stderr}"));
    let rest = &dom[start + "<span id=\"chart-check\">".len()..];
    Loaded {
        verdict: rest[..rest.find("</span>").expect("closed")].to_string(),
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
    let sc = scenario::load_file(&path).unwrap();
    let report = simulation::simulate(&sc, sc.seed);
    for (name, bytes) in files::files(&report).unwrap() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    dir.join("report.html")
}

#[test]
fn report_html_loads_without_console_errors_and_every_chart_is_visible() {
    let Some(browser) = browser_or_skip() else { return };
    // An ECS run rolled back by an alarm has all four charts.
    let dir = work_dir("ecs-latency-rollback");
    let page = write_report(&dir, "ecs-latency-rollback.yaml");
    let loaded = open(&browser, &dir, &page);
    assert_eq!(loaded.verdict, "OK 4 charts", "the page's own chart check");
    assert!(
        loaded.console.is_empty(),
        "console output:\n{}",
        loaded.console.join("\n")
    );
    let shot = dir.join("screenshot.png");
    let out = headless(&browser, &dir)
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=900,2900")
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
        std::fs::write(&page, html::page(&report, &[html::Figure { title: &title, png }])).unwrap();
        assert_eq!(open(&browser, &dir, &page).verdict, expected);
    }
    // A script error reaches the console, which the first test requires to be silent.
    let page = dir.join("script-error.html");
    let good = html::page(&report, &[]);
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
