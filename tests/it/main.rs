//! The one integration-test binary (one link step). Modules:
//! - `alarms`: CloudWatch alarm evaluation, alarms stopping deployments, rollback and stop;
//! - `api_values`: every status, label and code emitted is one of CodeDeploy's API values
//!   (reports, the gallery, `cdsim serve`'s view); the API's time and identity fields;
//! - `recorded_alarms`: recorded CloudWatch data and alarm definitions: readers, replay (the
//!   worked tables, against the simulated alarm), `cdsim alarms replay`, `dry-run`, `tune`;
//! - `fidelity`: every documented CodeDeploy rule the code implements, citing its section of
//!   the behavioural reference (§N);
//! - `ec2_blue_green`: the EC2 blue/green rules (§2.2, §3.1, §4.1, §6.1, §7, §8, §10), its
//!   report, validation and determinism;
//! - `scenarios`: every example scenario in `scenarios/` runs;
//! - `history`, `shift_history`: histories of deployments on one in-place, ECS or Lambda
//!   group (§3.1, §4.1, §6.2, §6.3, §8, §11, ContinueDeployment); `history_work`: the
//!   up-front work budget over a history's deployments;
//! - `properties`: proptest invariants over generated scenarios;
//! - `determinism`: same seed ⇒ same bytes;
//! - `queue`: the event queue against a shadow model;
//! - `geometry`: every example chart's events inside its frame, bands wide enough, no
//!   series hidden under another, axes that fit;
//! - `reports`: the capacity series by revision, timing metrics, charts and report files;
//! - `browser`: `report.html` in headless Chromium (its chart check, console, a screenshot),
//!   and `cdsim serve`'s live page;
//! - `serve`: `cdsim serve`'s service (operations, time, stops, replay) and process;
//! - `cli`: the `cdsim` binary's contracts (exit codes, located errors, JSON shapes);
//! - `events`: what `explain` and `run` tell people: `explain` on scenario files with their
//!   fleet and zones, the zonal summary, `run --events` in time order, the `debug` log;
//! - `names`: one rule for names and values on the command line (did you mean, durations,
//!   `--output`, negative numbers);
//! - `compare`: many-run comparisons: thread-count determinism, shard merges, fault models;
//! - `tidy`: the core does no I/O, reads no clock, iterates no hash map;
//! - `traffic`: ECS and Lambda traffic shifting, and the traffic model.
//! - `inputs`: AWS's own file formats (AppSpec, SAM, CloudFormation, AWS CLI JSON) on the
//!   project's fixtures in `tests/fixtures/aws/`;
//! - `corpus`: every file of the shared corpus of real AWS files imports or is rejected
//!   with a located message (skipped, with a message, when the corpus is absent);
//! - `testkit`: the property-testing kit (`--features testkit`) on cdsim's own rollback and
//!   stop logic (empty without the feature);
//! - `robustness`: mutated fixtures never make a reader panic
//!   (long run: `PROPTEST_CASES=100000 cargo test --release --test it robustness -- --nocapture`);
//! - `fuzz`: a short run of the in-repository fuzzer (`examples/fuzz/`) over every reader,
//!   and the inputs it ever found as regression tests;
//! - `hostile`: hostile inputs and outputs: partial results `merge` must refuse with a
//!   location, limits refused up front, standard output errors, and kills during `--out`.

mod common;
#[path = "../../examples/fuzz/engine.rs"]
mod fuzz_engine;

mod alarms;
mod api_values;
mod browser;

mod cli;
mod compare;
mod corpus;
mod determinism;
mod ec2_blue_green;
mod ec2_history;
mod events;
mod fidelity;
mod fuzz;
mod geometry;
mod history;
mod history_alarms;
mod history_work;
mod hostile;
mod inputs;
mod names;
mod properties;
mod queue;
mod recorded_alarms;
mod reports;
mod robustness;
mod scenarios;
mod serve;
mod shift_history;
mod shift_history_alarms;
mod testkit;
mod tidy;
mod traffic;
