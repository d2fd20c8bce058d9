//! The SimPy peer's workload W1 ("in-place rolling", see the peer's README) as a cdsim
//! scenario. Shared by `benches/w1.rs` and `examples/w1.rs` (included with `#[path]`).
//!
//! Mapping:
//! - the 11 timed hooks, each lognormal(median 5 s, sigma 0.5) and never failing: the nine
//!   scriptable hooks with one script each, plus the agent's DownloadBundle and Install;
//! - the load balancer: deregistration delay 30 s; probe rounds every 10 s from t = 0
//!   (`phase: 0s`); a registered target is in service after 2 passes (`newTargetPasses`),
//!   each answered 5 ms after its round (`responseTime`);
//! - the peer starts a batch only when the previous one has finished:
//!   `instanceScheduling: waves`; its batch size max(1, N − ceil(N·h)) is what
//!   CodeDeployDefault.HalfAtATime (h = 0.5) and AllAtOnce (h = 0) allow in flight.

/// The peer's configuration names this mapping accepts.
pub const CONFIGS: [&str; 3] = ["OneAtATime", "HalfAtATime", "AllAtOnce"];

/// The lifecycle hooks that take AppSpec scripts.
const SCRIPTED_HOOKS: [&str; 9] = [
    "BeforeBlockTraffic",
    "AfterBlockTraffic",
    "ApplicationStop",
    "BeforeInstall",
    "AfterInstall",
    "ApplicationStart",
    "ValidateService",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

const HOOK_DURATION: &str = "{lognormal: {median: 5s, sigma: 0.5}}";

/// W1 with `n` instances under `config` (`OneAtATime`, `HalfAtATime` or `AllAtOnce`), as
/// scenario YAML.
pub fn yaml(n: u32, config: &str) -> String {
    assert!(CONFIGS.contains(&config), "unknown W1 configuration {config:?}");
    let mut y = format!(
        "name: w1-{config}-{n}\n\
         description: SimPy peer workload W1 (in-place rolling), p_fail = 0\n\
         deploymentConfigName: CodeDeployDefault.{config}\n\
         instanceScheduling: waves\n\
         fleet:\n  instances: {n}\n\
         loadBalancer:\n  deregistrationDelay: 30s\n  healthCheck:\n    interval: 10s\n    \
         newTargetPasses: 2\n    responseTime: 5ms\n    phase: 0s\n\
         agent:\n  downloadBundle: {{duration: {HOOK_DURATION}}}\n  install: {{duration: {HOOK_DURATION}}}\n\
         hooks:\n"
    );
    for hook in SCRIPTED_HOOKS {
        y.push_str(&format!(
            "  {hook}:\n    - location: scripts/{hook}.sh\n      duration: {HOOK_DURATION}\n"
        ));
    }
    y
}

/// The validated W1 scenario.
pub fn scenario(n: u32, config: &str) -> cdsim::scenario::Scenario {
    cdsim::scenario::load_str(&yaml(n, config), "w1.yaml").unwrap_or_else(|p| panic!("W1 scenario:\n{p}"))
}
