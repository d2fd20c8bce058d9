//! The scenario file as written: serde mirror types, the YAML crate's only home.
//!
//! Every value that validation checks is [`Located`], so a problem is reported at the line
//! and column where the value was written. Enums are externally tagged (`hookFails: {...}`)
//! so that serde does not buffer them and error positions stay exact. Field names are
//! camelCase, CodeDeploy's own spelling where CodeDeploy has a name for the thing.
//! `scenarios/README.md` documents every field; `cdsim schema` prints the JSON Schema
//! derived from these types.
//!
//! Not here: any check beyond "is this the right shape" (see `validate`).

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, de::value::MapAccessDeserializer};

/// A value and where it was written (1-based line and column).
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// The line it was written on (1-based).
    pub line: u64,
    /// The column it starts at (1-based).
    pub column: u64,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Located {
            value: s.value,
            line: s.referenced.line(),
            column: s.referenced.column(),
        })
    }
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// Options used for every scenario file: YAML 1.2 booleans only (`yes`/`on` stay strings),
/// duplicate keys rejected.
pub fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, ParseError> {
    let mut options = serde_saphyr::options! { strict_booleans: true };
    options.budget = Some(budget(MAX_DEPTH));
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let mut message =
            in_user_words(&e, MAX_DEPTH).unwrap_or_else(|| strip_location_prefix(&e.without_snippet().to_string()));
        if message.starts_with("expected ")
            && message.ends_with(" here")
            && let Some(found) = token_at(text, line, column)
        {
            message = format!("{message}, found {found}");
        }
        ParseError { line, column, message }
    })
}

/// The most unknown fields [`parse_naming_every_unknown_field`] names in one file.
pub const MAX_UNKNOWN_FIELDS: usize = 100;

/// [`parse`], naming every unknown field of the file, not only the first serde stops at:
/// each unknown key written in block style is set aside (its line from the key on, and
/// the more indented lines of its value, are blanked, so every other position stays) and
/// the file read again. The problems returned are the unknown fields found so, in file
/// order, or the one problem of a file whose first problem is something else; a problem
/// that only setting keys aside caused (a mapping left empty) is not reported.
pub fn parse_naming_every_unknown_field<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, Vec<ParseError>> {
    let mut e = match parse(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let mut found = Vec::new();
    let mut current = text.to_string();
    loop {
        if !e.message.starts_with("unknown field ") {
            if found.is_empty() {
                found.push(e);
            }
            break;
        }
        let next = without_key(&current, e.line, e.column);
        found.push(e);
        let Some(next) = next.filter(|_| found.len() < MAX_UNKNOWN_FIELDS) else {
            break;
        };
        current = next;
        match parse::<T>(&current) {
            Ok(_) => break,
            Err(again) => e = again,
        }
    }
    found.sort_by_key(|p| (p.line, p.column));
    Err(found)
}

/// `text` with the block-style key at 1-based (`line`, `column`) and its value blanked;
/// `None` when the key is not the first thing on its line (flow style: `{a: 1, b: 2}`).
fn without_key(text: &str, line: u64, column: u64) -> Option<String> {
    let line = usize::try_from(line).ok()?.checked_sub(1)?;
    let column = usize::try_from(column).ok()?.checked_sub(1)?;
    let mut lines: Vec<&str> = text.split('\n').collect();
    let key_line = *lines.get(line)?;
    let before: String = key_line.chars().take(column).collect();
    if before.chars().any(|c| c != ' ' && c != '-') || key_line.chars().count() <= column {
        return None;
    }
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let kept = before;
    let mut end = line + 1;
    while end < lines.len() {
        let l = lines[end];
        let blank = l.trim().is_empty() || l.trim_start().starts_with('#');
        if !blank && indent(l) <= column {
            break;
        }
        end += 1;
    }
    let mut out = String::with_capacity(text.len());
    for (i, l) in lines.iter_mut().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if i == line {
            out.push_str(&kept);
        } else if !(line < i && i < end) {
            out.push_str(l);
        }
    }
    Some(out)
}

/// Nesting limit of scenario files (a scenario nests about 8 levels).
pub const MAX_DEPTH: usize = 64;

/// The most values (scalars, lists and maps) one YAML file may hold: room for the largest
/// scenario within the documented limits (100,000 faults of the longest form take about
/// 1,100,000), while bounding the memory a file can make cdsim use.
pub const MAX_NODES: usize = 2_500_000;

/// The YAML reading limits of every scenario and AWS file: nesting `max_depth` deep, at
/// most [`MAX_NODES`] values, anchors and aliases as serde-saphyr bounds them.
pub fn budget(max_depth: usize) -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = max_depth;
    budget.max_nodes = MAX_NODES;
    // Every value is one or two parser events (a list or map opens and closes).
    budget.max_events = 2 * MAX_NODES + 16;
    budget
}

/// The message of a YAML reading limit or a repeated key, in the user's words (the
/// location is reported separately); `None` for other errors.
pub fn in_user_words(e: &serde_saphyr::Error, max_depth: usize) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach as B;
    // A limit reached while an alias (*name) is expanded comes wrapped with its locations.
    let mut e = e;
    while let serde_saphyr::Error::AliasError { error, .. } | serde_saphyr::Error::WithSnippet { error, .. } = e {
        e = error;
    }
    match e {
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => Some(match key {
            Some(k) => format!("the key \"{k}\" is given twice in this mapping; give each key once"),
            None => "a key is given twice in this mapping; give each key once".to_string(),
        }),
        serde_saphyr::Error::Budget { breach, .. } => Some(match breach {
            B::Depth { .. } => format!("nested too deeply: cdsim reads YAML nested at most {max_depth} levels"),
            B::Nodes { .. } | B::Events { .. } => format!(
                "too many values: cdsim reads at most {MAX_NODES} values (scalars, lists and maps) from one YAML file"
            ),
            B::Aliases { aliases } => format!("too many aliases (*name): more than {aliases}"),
            B::Anchors { anchors } => format!("too many anchors (&name): more than {anchors}"),
            B::AliasAnchorRatio { aliases, anchors } => format!(
                "aliases expand the file too much: {aliases} aliases of {anchors} anchors (at most 10 per anchor)"
            ),
            B::Documents { documents } => format!("too many YAML documents in one file: {documents}"),
            B::ScalarBytes { .. } => "too much text in the file's values: cdsim reads at most 64 MiB".to_string(),
            B::MergeKeys { merge_keys } => format!("too many merge keys (<<): {merge_keys}"),
            B::RecordedAnchorEvents { recorded_anchor_events } => format!(
                "aliases (*name) repeat their anchors' values too often: more than {} values repeated",
                recorded_anchor_events.saturating_sub(1)
            ),
            B::RecordedAnchorBytes { .. } => {
                "aliases (*name) repeat their anchors' text too often: more than 64 MiB repeated".to_string()
            }
            _ => "the file is beyond a YAML reading limit".to_string(),
        }),
        _ => None,
    }
}

/// A YAML syntax or shape error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line of the error (1-based).
    pub line: u64,
    /// The column of the error (1-based).
    pub column: u64,
    /// What is wrong, in the user's words.
    pub message: String,
}

/// The scalar written at 1-based (line, column), for "found …" in messages.
fn token_at(text: &str, line: u64, column: u64) -> Option<String> {
    let l = text.lines().nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let rest: String = l.chars().skip(usize::try_from(column).ok()?.checked_sub(1)?).collect();
    let token: &str = rest.split([',', '}', ']', '#']).next()?.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// serde-saphyr's messages carry the location ("line L column C: …" or "… at line L,
/// column C"); it is reported separately, so drop it, and say what a bare "invalid i64"
/// expected.
fn strip_location_prefix(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let body = match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
        _ => first,
    };
    let body = match body.rfind(" at line ") {
        Some(i) if body[i..].contains(", column ") => &body[..i],
        _ => body,
    };
    match body {
        "invalid i64" | "invalid u64" | "invalid u32" => "expected a whole number here".to_string(),
        "invalid f64" => "expected a number here".to_string(),
        "invalid boolean (strict mode expects true/false)" => "expected true or false here".to_string(),
        other => unknown_name(other).unwrap_or_else(|| other.to_string()),
    }
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant …") in plain
/// words, with the nearest valid name by the one did-you-mean rule; the valid names are
/// listed only when none is near.
fn unknown_name(message: &str) -> Option<String> {
    let (what, rest) = ["field", "variant"]
        .into_iter()
        .find_map(|w| message.strip_prefix(&format!("unknown {w} `")).map(|r| (w, r)))?;
    let (name, rest) = rest.split_once('`')?;
    let valid: Vec<&str> = rest
        .trim_start_matches(", ")
        .trim_start_matches("expected one of ")
        .trim_start_matches("expected ")
        .split(", ")
        .map(|v| v.trim_matches('`'))
        .filter(|v| !v.is_empty() && !v.contains(' '))
        .collect();
    let noun = if what == "field" { "field" } else { "value" };
    Some(super::text::unknown_name(noun, name, "", &valid))
}

/// A cdsim scenario: one deployment to simulate.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawScenario {
    /// Short name, shown in reports.
    pub name: Located<String>,
    /// What the scenario shows.
    pub description: Option<String>,
    /// Seed used when `cdsim run` is given no `--seed` (default 1).
    pub seed: Option<Located<u64>>,
    /// `Server` (EC2/on-premises, the default), `ECS` or `Lambda`.
    pub compute_platform: Option<Located<String>>,
    /// A predefined configuration by name, e.g. `CodeDeployDefault.HalfAtATime`.
    /// Default: `CodeDeployDefault.OneAtATime`. Give this or `deploymentConfig`, not both.
    pub deployment_config_name: Option<Located<String>>,
    /// A custom configuration, in the shape of `aws deploy create-deployment-config`.
    pub deployment_config: Option<Located<RawDeploymentConfig>>,
    /// Server: the instances of the deployment group.
    pub fleet: Option<RawFleet>,
    /// Present when the deployment group uses a load balancer (adds the traffic events).
    pub load_balancer: Option<RawLoadBalancer>,
    /// CodeDeploy's `ignoreApplicationStopFailures` (default false).
    pub ignore_application_stop_failures: Option<bool>,
    /// `rolling` (default): start an instance as soon as the minimum-healthy rule allows;
    /// `waves`: start a group only when the previous group has finished.
    pub instance_scheduling: Option<Located<String>>,
    /// How long the agent's own steps take.
    pub agent: Option<RawAgent>,
    /// AppSpec hooks: scripts per lifecycle event, with duration and failure models.
    pub hooks: Option<RawHooks>,
    /// Injected faults.
    pub faults: Option<Vec<Located<RawFault>>>,
    /// Server blue/green: CodeDeploy's `blueGreenDeploymentConfiguration` (§6.1): a
    /// replacement fleet behind the `loadBalancer`. Absent: in place.
    pub blue_green_deployment_configuration: Option<Located<RawBlueGreenDeploymentConfiguration>>,
    /// ECS: the service deployed blue/green.
    pub ecs_service: Option<Located<RawEcsService>>,
    /// Lambda: the function whose alias moves from one version to another.
    pub lambda_function: Option<Located<RawLambdaFunction>>,
    /// ECS and Lambda hooks: one function per lifecycle event.
    pub hook_functions: Option<RawHookFunctions>,
    /// ECS and Lambda: the requests, and how each version answers them.
    pub traffic: Option<RawTraffic>,
    /// ECS and Lambda linear configurations: when AllowTraffic ends, `atLastShift`
    /// (default) or `oneIntervalAfter` (§2.5).
    pub linear_end: Option<Located<String>>,
    /// CloudWatch alarms CodeDeploy watches (§7); with a `history`, the group's alarms,
    /// evaluated through the whole history.
    pub alarm_configuration: Option<Located<RawAlarmConfiguration>>,
    /// `autoRollbackConfiguration {enabled, events}` (§8).
    pub auto_rollback_configuration: Option<Located<RawAutoRollback>>,
    /// A StopDeployment call at a time (§8).
    pub stop_deployment: Option<Located<RawStopDeployment>>,
    /// Faults as probabilities, drawn afresh for each run of `cdsim compare`.
    pub fault_model: Option<Located<RawFaultModel>>,
    /// Deployment configurations `cdsim compare` and `cdsim recommend` weigh against each
    /// other: predefined ones by name, custom ones in the shape of `deploymentConfig`.
    pub candidate_configs: Option<Located<Vec<Located<RawDeploymentConfig>>>>,
    /// Server in place, EC2 blue/green, ECS and Lambda: deployments requested on the group
    /// one after another, in time order. Absent: one deployment at 0s of the top-level `hooks` (or
    /// `hookFunctions`) and `faults`.
    pub history: Option<Located<Vec<Located<RawDeploymentRequest>>>>,
}

/// One CreateDeployment request of a `history`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawDeploymentRequest {
    /// The revision's name, e.g. `v2`.
    pub revision: Located<String>,
    /// When the request is made, since the history began (default 0s).
    pub at: Option<Located<RawDuration>>,
    /// Server: the revision's AppSpec scripts, given where the revision is first requested
    /// (default: the top-level `hooks`).
    pub hooks: Option<Located<RawHooks>>,
    /// ECS and Lambda: the revision's hook functions, given where the revision is first
    /// requested (default: the top-level `hookFunctions`).
    pub hook_functions: Option<Located<RawHookFunctions>>,
    /// ECS and Lambda: how the revision answers production requests, given where the
    /// revision is first requested (default: `traffic.replacement`).
    pub version: Option<Located<RawVersion>>,
    /// Faults injected while this deployment runs (times since the history began; EC2
    /// blue/green: its originals numbered `0..N`, its replacements `N..2N`; ECS:
    /// `replacementTasksUnhealthy`).
    pub faults: Option<Vec<Located<RawFault>>>,
    /// A StopDeployment call on this deployment, at a time after its request.
    pub stop_deployment: Option<Located<RawStopDeployment>>,
    /// EC2 blue/green, ECS and Lambda: ContinueDeployment calls on this deployment, each at a
    /// time after its request.
    pub continue_deployment: Option<Vec<Located<RawContinueDeployment>>>,
}

/// A ContinueDeployment call in a `history` request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawContinueDeployment {
    /// When, after the deployment is requested.
    pub at: Located<RawDuration>,
    /// `READY_WAIT` (default: start rerouting traffic from the wait in Ready) or
    /// `TERMINATION_WAIT` (end the original task set's or instances' termination wait now).
    pub deployment_wait_type: Option<Located<String>>,
}

/// `faultModel`: what may go wrong in a run, with probabilities. Each run of
/// `cdsim compare` draws its own faults from its seed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawFaultModel {
    /// The revision being deployed may be bad.
    pub bad_revision: Option<Located<RawBadRevision>>,
    /// Per lifecycle event: the chance that it fails, per instance (Server) or per run
    /// (an ECS or Lambda hook function).
    pub hook_failures: Option<Located<std::collections::BTreeMap<String, Located<f64>>>>,
    /// Server: instances that stop during the deployment.
    pub instance_crashes: Option<Located<RawInstanceCrashes>>,
    /// Server: instances on which one lifecycle event takes longer.
    pub slow_starts: Option<Located<RawSlowStarts>>,
}

/// `faultModel.badRevision`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawBadRevision {
    /// The chance that a run deploys a bad revision.
    pub probability: Located<f64>,
    /// Lifecycle events that fail with the bad revision (Server: the event's first script;
    /// ECS and Lambda: the hook function).
    pub failing_hooks: Option<Vec<Located<String>>>,
    /// The chance that a failing hook fails on a given instance (default 1).
    pub hook_failure_probability: Option<Located<f64>>,
    /// ECS and Lambda: how the bad revision answers requests.
    pub replacement: Option<Located<RawVersion>>,
}

/// `faultModel.instanceCrashes`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawInstanceCrashes {
    /// The chance that an instance stops during the deployment.
    pub probability: Located<f64>,
    /// It stops at a time drawn uniformly in [0, within) after the deployment starts.
    pub within: Located<RawDuration>,
}

/// `faultModel.slowStarts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawSlowStarts {
    /// The chance that an instance is slow.
    pub probability: Located<f64>,
    /// The event whose scripts take longer (default ApplicationStart).
    pub event: Option<Located<String>>,
    /// How much longer each of its scripts takes: a duration model.
    pub extra: Located<RawDurationModel>,
}

/// `alarmConfiguration`, with the alarms' definitions.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawAlarmConfiguration {
    /// Default true.
    pub enabled: Option<bool>,
    /// Go on when alarm states cannot be read (default false: stop).
    pub ignore_poll_alarm_failure: Option<bool>,
    /// How often CodeDeploy reads alarm states (default 60s; not documented by AWS).
    pub poll_interval: Option<Located<RawDuration>>,
    /// At most 10 (the API's limit).
    pub alarms: Located<Vec<Located<RawAlarm>>>,
    /// Fault: times when alarm states cannot be read, `[{from: 5m, to: 7m}]`.
    pub unreadable: Option<Vec<Located<RawWindow>>>,
}

/// A window of time after the deployment starts: `{from: 5m, to: 7m}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    /// Its start.
    pub from: RawDuration,
    /// Its end.
    pub to: RawDuration,
}

/// A CloudWatch metric alarm.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawAlarm {
    /// The alarm's name.
    pub name: Located<String>,
    /// `errorRate`, `errorCount`, `latencyP50`, `latencyP90`, `latencyP99`, `healthyCount`,
    /// or `injected` (with `values`).
    pub metric: Located<String>,
    /// `original`, `replacement` or `all` (default `all`), for traffic metrics.
    pub version: Option<Located<String>>,
    /// For `injected`: `[{from: 0s, value: 1.0}, {from: 5m, value: 9.0}, {from: 8m}]`
    /// (no value: missing data).
    pub values: Option<Vec<Located<RawInjectedValue>>>,
    /// `Period` (default 60s): 10s, 20s, 30s or a multiple of 60s.
    pub period: Option<Located<RawDuration>>,
    /// `EvaluationPeriods` (default 1).
    pub evaluation_periods: Option<Located<i64>>,
    /// `DatapointsToAlarm` (default: `EvaluationPeriods`).
    pub datapoints_to_alarm: Option<Located<i64>>,
    /// `Threshold`: the value the metric is compared with.
    pub threshold: Located<f64>,
    /// Default `GreaterThanThreshold`.
    pub comparison_operator: Option<Located<String>>,
    /// `missing` (default), `ignore`, `breaching`, `notBreaching`.
    pub treat_missing_data: Option<Located<String>>,
    /// `OK` (default), `ALARM` or `INSUFFICIENT_DATA` when the deployment (or the
    /// `history`) starts.
    pub initial_state: Option<Located<String>>,
    /// Recorded datapoints before the deployment (or the `history`), one per period,
    /// oldest first (the last ends when it starts; `null`: missing).
    pub history: Option<Located<Vec<Option<f64>>>>,
    /// Periods of the metric's steady value before the deployment when there is no
    /// `history` (default: the evaluation range, `evaluationPeriods` + 2; 0: none).
    pub baseline_periods: Option<Located<i64>>,
}

/// An injected metric's value from a time on: `{from: 5m, value: 9.0}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInjectedValue {
    /// When the value starts, after the deployment starts.
    pub from: RawDuration,
    /// The value (absent: missing data).
    pub value: Option<f64>,
}

/// `autoRollbackConfiguration`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAutoRollback {
    /// Default true.
    pub enabled: Option<bool>,
    /// `DEPLOYMENT_FAILURE`, `DEPLOYMENT_STOP_ON_ALARM`, `DEPLOYMENT_STOP_ON_REQUEST`.
    pub events: Located<Vec<Located<String>>>,
}

/// A StopDeployment call.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawStopDeployment {
    /// When, after the deployment starts.
    pub at: Located<RawDuration>,
    /// Roll back what was deployed (default: the group's DEPLOYMENT_STOP_ON_REQUEST).
    pub auto_rollback_enabled: Option<bool>,
}

/// An ECS service with an original and a replacement task set.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawEcsService {
    /// Default `cluster`.
    pub cluster_name: Option<String>,
    /// Default `service`.
    pub service_name: Option<String>,
    /// Tasks in each task set.
    pub tasks: Located<i64>,
    /// From the replacement task set's creation to a task's registration (default 30s).
    pub task_startup: Option<Located<RawDurationModel>>,
    /// Target group health checks for the replacement's tasks.
    pub health_check: Option<RawHealthCheck>,
    /// A test listener routes test traffic to the replacement (default false).
    pub test_listener: Option<bool>,
    /// `application` (default) or `network`; a Network Load Balancer allows only
    /// all-at-once configurations (§2.3).
    pub load_balancer_type: Option<Located<String>>,
    /// CodeDeploy's `deploymentReadyOption`.
    pub deployment_ready_option: Option<Located<RawDeploymentReadyOption>>,
    /// Minutes the original task set is kept after traffic has moved (0–2880, default 0).
    pub termination_wait_time_in_minutes: Option<Located<i64>>,
}

/// `deploymentReadyOption`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawDeploymentReadyOption {
    /// `CONTINUE_DEPLOYMENT` (reroute at once, the default) or `STOP_DEPLOYMENT` (wait for
    /// ContinueDeployment; stopped when the wait runs out).
    pub action_on_timeout: Located<String>,
    /// The wait with `STOP_DEPLOYMENT`.
    pub wait_time_in_minutes: Option<Located<i64>>,
    /// When the scenario calls ContinueDeployment, after the wait starts (never if absent).
    pub continue_after: Option<Located<RawDuration>>,
}

/// `blueGreenDeploymentConfiguration` of an EC2 deployment group (§6.1).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawBlueGreenDeploymentConfiguration {
    /// How the replacement fleet is provisioned (default `COPY_AUTO_SCALING_GROUP`).
    pub green_fleet_provisioning_option: Option<Located<RawGreenFleetProvisioningOption>>,
    /// When traffic is rerouted (default: at once, `CONTINUE_DEPLOYMENT`).
    pub deployment_ready_option: Option<Located<RawDeploymentReadyOption>>,
    /// What happens to the original instances (default `TERMINATE` after 0 minutes).
    pub terminate_blue_instances_on_deployment_success: Option<Located<RawBlueInstanceTerminationOption>>,
}

/// `greenFleetProvisioningOption`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawGreenFleetProvisioningOption {
    /// `COPY_AUTO_SCALING_GROUP` (as many instances as the originals have healthy ones) or
    /// `DISCOVER_EXISTING` (the `instances` given).
    pub action: Located<String>,
    /// `DISCOVER_EXISTING`: how many replacement instances exist.
    pub instances: Option<Located<i64>>,
}

/// `terminateBlueInstancesOnDeploymentSuccess` (`BlueInstanceTerminationOption`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawBlueInstanceTerminationOption {
    /// `TERMINATE` or `KEEP_ALIVE`.
    pub action: Located<String>,
    /// `TERMINATE`: minutes to wait before terminating the originals (0–2880, default 0).
    pub termination_wait_time_in_minutes: Option<Located<i64>>,
}

/// A Lambda function alias.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawLambdaFunction {
    /// The function's name.
    pub function_name: Located<String>,
    /// The alias whose traffic shifts.
    pub alias: Located<String>,
    /// The version the alias points to now.
    pub current_version: Option<Located<String>>,
    /// The version being deployed.
    pub target_version: Located<String>,
}

/// ECS and Lambda hook functions by lifecycle event. ECS: all five; Lambda:
/// BeforeAllowTraffic and AfterAllowTraffic.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct RawHookFunctions {
    /// ECS: before the replacement task set is created.
    pub BeforeInstall: Option<Located<RawHookFunction>>,
    /// ECS: after the replacement task set is created.
    pub AfterInstall: Option<Located<RawHookFunction>>,
    /// ECS: after the test listener routes to the replacement.
    pub AfterAllowTestTraffic: Option<Located<RawHookFunction>>,
    /// Before production traffic shifts.
    pub BeforeAllowTraffic: Option<Located<RawHookFunction>>,
    /// After production traffic has shifted.
    pub AfterAllowTraffic: Option<Located<RawHookFunction>>,
}

impl RawHookFunctions {
    /// (event name, hook) for every hook given, in lifecycle order.
    pub fn entries(&self) -> Vec<(&'static str, &Located<RawHookFunction>)> {
        [
            ("BeforeInstall", &self.BeforeInstall),
            ("AfterInstall", &self.AfterInstall),
            ("AfterAllowTestTraffic", &self.AfterAllowTestTraffic),
            ("BeforeAllowTraffic", &self.BeforeAllowTraffic),
            ("AfterAllowTraffic", &self.AfterAllowTraffic),
        ]
        .into_iter()
        .filter_map(|(n, h)| h.as_ref().map(|h| (n, h)))
        .collect()
    }
}

/// One hook function.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawHookFunction {
    /// The Lambda function's name.
    pub function: Located<String>,
    /// How long until it reports its status (default 10s).
    pub duration: Option<Located<RawDurationModel>>,
    /// Probability that it reports Failed (default 0).
    pub failure_probability: Option<Located<f64>>,
    /// It never reports: the event fails after one hour (default false).
    pub never_reports: Option<bool>,
    /// `cdsim serve` only: a loopback URL (`http://127.0.0.1:PORT/…`) to which the
    /// invocation payload is POSTed; the user's code then answers with
    /// PutLifecycleEventHookExecutionStatus, within one hour. `cdsim run` ignores it.
    pub external: Option<Located<String>>,
}

/// Requests during the deployment.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawTraffic {
    /// Production requests per second (default 100).
    pub request_rate: Option<Located<f64>>,
    /// A rate that changes over time, instead of `requestRate`: `[{from: 0s, rate: 100}, …]`.
    pub request_rate_steps: Option<Located<Vec<RawRateStep>>>,
    /// Requests per second on the ECS test listener (default 0).
    pub test_request_rate: Option<Located<f64>>,
    /// The metric period (default 60s).
    pub metric_period: Option<Located<RawDuration>>,
    /// `aggregated` (default) or `perRequest`.
    pub mode: Option<Located<String>>,
    /// The version traffic shifts away from.
    pub original: Option<RawVersion>,
    /// The version being deployed.
    pub replacement: Option<RawVersion>,
}

/// A request rate from a time on: `{from: 0s, rate: 100}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRateStep {
    /// When the rate starts, after the deployment starts.
    pub from: Located<RawDuration>,
    /// Requests per second.
    pub rate: Located<f64>,
}

/// How a version answers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawVersion {
    /// Probability that a request fails (default 0).
    pub error_rate: Option<Located<f64>>,
    /// Lognormal latency; absent means latency is not modelled.
    pub latency: Option<Located<RawLatency>>,
}

/// A lognormal latency: `{median: 40ms, sigma: 0.5}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLatency {
    /// The median latency.
    pub median: RawDuration,
    /// The standard deviation of the latency's logarithm.
    pub sigma: f64,
}

/// A deployment configuration in the shape of `create-deployment-config --cli-input-json`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawDeploymentConfig {
    /// The configuration's name.
    pub deployment_config_name: Option<Located<String>>,
    /// `Server`, `ECS` or `Lambda` (default `Server`).
    pub compute_platform: Option<Located<String>>,
    /// Server: the instances that must stay healthy.
    pub minimum_healthy_hosts: Option<Located<RawMinimumHealthyHosts>>,
    /// ECS and Lambda: how traffic shifts.
    pub traffic_routing_config: Option<Located<RawTrafficRoutingConfig>>,
    /// Server: a zone-by-zone deployment.
    pub zonal_config: Option<Located<RawZonalConfig>>,
}

/// `minimumHealthyHosts`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMinimumHealthyHosts {
    /// `HOST_COUNT` or `FLEET_PERCENT`.
    #[serde(rename = "type")]
    pub kind: Located<String>,
    /// A number of instances or a percentage of the fleet.
    pub value: Located<i64>,
}

/// `trafficRoutingConfig` (ECS and Lambda).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawTrafficRoutingConfig {
    /// `AllAtOnce`, `TimeBasedCanary` or `TimeBasedLinear`.
    #[serde(rename = "type")]
    pub kind: Located<String>,
    /// With `TimeBasedCanary`.
    pub time_based_canary: Option<RawTimeBasedCanary>,
    /// With `TimeBasedLinear`.
    pub time_based_linear: Option<RawTimeBasedLinear>,
}

/// `timeBasedCanary`: one step, then the rest.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawTimeBasedCanary {
    /// The percentage shifted first.
    pub canary_percentage: Located<i64>,
    /// Minutes.
    pub canary_interval: Located<i64>,
}

/// `timeBasedLinear`: equal steps.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawTimeBasedLinear {
    /// The percentage shifted at each step.
    pub linear_percentage: Located<i64>,
    /// Minutes.
    pub linear_interval: Located<i64>,
}

/// `zonalConfig` (EC2 in-place only).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawZonalConfig {
    /// The bake time after the first zone.
    pub first_zone_monitor_duration_in_seconds: Option<Located<i64>>,
    /// The bake time after each other zone.
    pub monitor_duration_in_seconds: Option<Located<i64>>,
    /// The instances of each zone that must stay healthy.
    pub minimum_healthy_hosts_per_zone: Option<Located<RawMinimumHealthyHosts>>,
}

/// The deployment group's instances.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawFleet {
    /// Number of instances, numbered 0 to N−1.
    pub instances: Located<i64>,
    /// Availability Zones, in the order a zonal deployment visits them. Instance i is in
    /// zone i mod (number of zones).
    pub availability_zones: Option<Located<Vec<String>>>,
    /// True when no revision was ever deployed to the group (default false).
    pub first_deployment: Option<bool>,
    /// With `firstDeployment`: `countedHealthy` (default): the never-deployed instances
    /// count towards the minimum as healthy ones do, so the configuration's documented
    /// rules apply as written (OneAtATime fails at the first failure but the last);
    /// `unhealthy`: they are Unhealthy and do not count, so failures do not stop the
    /// deployment before the end.
    pub first_deployment_health: Option<Located<String>>,
    /// Instances whose health differs from "healthy, old revision".
    pub instance_health: Option<RawInstanceHealth>,
}

/// Instance numbers per health class (§3.1 scheduling order).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInstanceHealth {
    /// Last deployment failed: deployed first, not counted as healthy.
    pub unhealthy: Option<Vec<Located<i64>>>,
    /// Revision health unknown.
    pub unknown: Option<Vec<Located<i64>>>,
    /// Already on the revision being deployed: deployed last.
    pub current: Option<Vec<Located<i64>>>,
}

/// The deployment group's load balancer (one target group).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawLoadBalancer {
    /// Target group deregistration delay (default 300s, 0–3600s).
    pub deregistration_delay: Option<Located<RawDuration>>,
    /// The target group's health checks.
    pub health_check: Option<RawHealthCheck>,
}

/// Target group health checks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawHealthCheck {
    /// Default 30s (5–300s).
    pub interval: Option<Located<RawDuration>>,
    /// Default 5s (2–120s), less than the interval.
    pub timeout: Option<Located<RawDuration>>,
    /// Default 5 (2–10).
    pub healthy_threshold: Option<Located<i64>>,
    /// Default 2 (2–10).
    pub unhealthy_threshold: Option<Located<i64>>,
    /// Passes a newly registered target needs (default 1, as an ALB; 1–10).
    pub new_target_passes: Option<Located<i64>>,
    /// How long a healthy target takes to answer (default 5ms).
    pub response_time: Option<Located<RawDuration>>,
    /// Offset of the probe rounds from time zero (default 0s).
    pub phase: Option<Located<RawDuration>>,
}

/// The agent's own steps.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawAgent {
    /// Default: a fixed 2s.
    pub download_bundle: Option<RawStep>,
    /// Default: a fixed 1s.
    pub install: Option<RawStep>,
}

/// An agent step.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawStep {
    /// How long the step takes.
    pub duration: Option<Located<RawDurationModel>>,
    /// Probability that the step fails (default 0).
    pub failure_probability: Option<Located<f64>>,
}

/// AppSpec hooks by lifecycle event. The traffic hooks run only with a load balancer.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct RawHooks {
    /// Before the instance is deregistered from the load balancer.
    pub BeforeBlockTraffic: Option<Vec<RawScript>>,
    /// After it is deregistered.
    pub AfterBlockTraffic: Option<Vec<RawScript>>,
    /// The previous revision's scripts, before the new one is downloaded.
    pub ApplicationStop: Option<Vec<RawScript>>,
    /// Before the revision's files are installed.
    pub BeforeInstall: Option<Vec<RawScript>>,
    /// After they are installed.
    pub AfterInstall: Option<Vec<RawScript>>,
    /// Starts the application.
    pub ApplicationStart: Option<Vec<RawScript>>,
    /// Checks the deployment.
    pub ValidateService: Option<Vec<RawScript>>,
    /// Before the instance is registered with the load balancer.
    pub BeforeAllowTraffic: Option<Vec<RawScript>>,
    /// After it is registered.
    pub AfterAllowTraffic: Option<Vec<RawScript>>,
}

impl RawHooks {
    /// (event name, scripts) for every hook given, in lifecycle order.
    pub fn entries(&self) -> Vec<(&'static str, &Vec<RawScript>)> {
        [
            ("BeforeBlockTraffic", &self.BeforeBlockTraffic),
            ("AfterBlockTraffic", &self.AfterBlockTraffic),
            ("ApplicationStop", &self.ApplicationStop),
            ("BeforeInstall", &self.BeforeInstall),
            ("AfterInstall", &self.AfterInstall),
            ("ApplicationStart", &self.ApplicationStart),
            ("ValidateService", &self.ValidateService),
            ("BeforeAllowTraffic", &self.BeforeAllowTraffic),
            ("AfterAllowTraffic", &self.AfterAllowTraffic),
        ]
        .into_iter()
        .filter_map(|(n, s)| s.as_ref().map(|s| (n, s)))
        .collect()
    }
}

/// One AppSpec script, with the simulator's model of it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawScript {
    /// Script path in the bundle, as in the AppSpec.
    pub location: Located<String>,
    /// Seconds, as in the AppSpec (default 3600; the scripts of one event may not exceed
    /// 3600 together).
    pub timeout: Option<Located<i64>>,
    /// As in the AppSpec; not simulated.
    pub runas: Option<String>,
    /// How long the script runs (default: a fixed 5s).
    pub duration: Option<Located<RawDurationModel>>,
    /// Probability that the script exits non-zero (default 0).
    pub failure_probability: Option<Located<f64>>,
}

/// An injected fault. Instances are numbered from 0.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum RawFault {
    /// The event's first script exits non-zero on this instance.
    HookFails {
        /// The instance, numbered from 0.
        target: Located<i64>,
        /// The lifecycle event whose scripts it affects.
        event: Located<String>,
    },
    /// The event's first script hangs until its timeout on this instance.
    HookHangs {
        /// The instance, numbered from 0.
        target: Located<i64>,
        /// The lifecycle event whose scripts it affects.
        event: Located<String>,
    },
    /// The event's scripts each take `extra` longer on this instance.
    SlowHook {
        /// The instance, numbered from 0.
        target: Located<i64>,
        /// The lifecycle event whose scripts it affects.
        event: Located<String>,
        /// How much longer each script takes.
        extra: Located<RawDuration>,
    },
    /// The instance stops (crash, or agent dies) at this time after the deployment starts.
    InstanceStops {
        /// The instance, numbered from 0.
        target: Located<i64>,
        /// When it stops, after the deployment starts.
        at: Located<RawDuration>,
    },
    /// ECS: the replacement task set's tasks never pass health checks.
    ReplacementTasksUnhealthy {},
    /// The new revision on this instance never passes load balancer health checks.
    FailsHealthChecks {
        /// The instance, numbered from 0.
        target: Located<i64>,
    },
}

/// A duration: a number of seconds, or text such as `90s`, `5m`, `1h 30m`, `250ms`.
#[derive(Clone, Debug, PartialEq)]
pub enum RawDuration {
    /// A number of seconds.
    Seconds(f64),
    /// Text with units, checked by validation.
    Text(String),
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DurationVisitor)
    }
}

struct DurationVisitor;

impl Visitor<'_> for DurationVisitor {
    type Value = RawDuration;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a duration: seconds as a number, or text such as 30s, 5m, 1h 30m")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
        Ok(RawDuration::Seconds(v as f64))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
        Ok(RawDuration::Seconds(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
        Ok(RawDuration::Seconds(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
        Ok(RawDuration::Text(v.to_string()))
    }
}

impl JsonSchema for RawDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Seconds as a number, or text such as 30s, 5m, 1h 30m, 250ms.",
            "oneOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": "^\\s*\\d+(\\.\\d+)?\\s*[a-z]+(\\s*\\d+(\\.\\d+)?\\s*[a-z]+)*\\s*$"}
            ]
        })
    }
}

/// How long something takes: a fixed duration, or a distribution.
#[derive(Clone, Debug, PartialEq)]
pub enum RawDurationModel {
    /// Always this long.
    Fixed(RawDuration),
    /// Drawn from a distribution.
    Distribution(RawDistribution),
}

/// A distribution of durations.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum RawDistribution {
    /// Always the same.
    Fixed(RawDuration),
    /// Lognormal: half the draws are below `median`; `sigma` is the shape (0.5 is typical).
    Lognormal {
        /// The median draw.
        median: RawDuration,
        /// The standard deviation of the draw's logarithm.
        sigma: f64,
    },
    /// Exponential with this mean.
    Exponential {
        /// The mean draw.
        mean: RawDuration,
    },
    /// Uniform between `min` and `max`.
    Uniform {
        /// The shortest draw.
        min: RawDuration,
        /// The longest draw.
        max: RawDuration,
    },
}

impl<'de> Deserialize<'de> for RawDurationModel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ModelVisitor)
    }
}

struct ModelVisitor;

impl<'de> Visitor<'de> for ModelVisitor {
    type Value = RawDurationModel;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a duration (30s) or a distribution ({lognormal: {median: 30s, sigma: 0.5}})")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        DurationVisitor.visit_u64(v).map(RawDurationModel::Fixed)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        DurationVisitor.visit_i64(v).map(RawDurationModel::Fixed)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        DurationVisitor.visit_f64(v).map(RawDurationModel::Fixed)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        DurationVisitor.visit_str(v).map(RawDurationModel::Fixed)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        RawDistribution::deserialize(MapAccessDeserializer::new(map)).map(RawDurationModel::Distribution)
    }
}

impl JsonSchema for RawDurationModel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DurationModel".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let fixed = generator.subschema_for::<RawDuration>();
        let dist = generator.subschema_for::<RawDistribution>();
        schemars::json_schema!({
            "description": "A fixed duration, or a distribution.",
            "oneOf": [fixed, dist]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Aliases that repeat their anchors too often (a "billion laughs" file) reach a limit
    /// whose error comes wrapped in the alias's locations; it was printed in the library's
    /// words ("budget breached: RecordedAnchorEvents { … }"). The limit is lowered here so
    /// that the test reaches it at once; the files reach serde-saphyr's million.
    #[test]
    fn a_limit_reached_inside_an_alias_speaks_the_users_words() {
        let mut yaml = "- &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n".to_string();
        for (from, to) in "abc".chars().zip("bcd".chars()) {
            yaml += &format!("- &{to} [{}]\n", vec![format!("*{from}"); 10].join(", "));
        }
        let mut options = serde_saphyr::options! {};
        let mut limits = budget(MAX_DEPTH);
        limits.max_recorded_anchor_events = 100;
        options.budget = Some(limits);
        let e = serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(&yaml, options).unwrap_err();
        assert!(
            matches!(e.without_snippet(), serde_saphyr::Error::AliasError { .. }),
            "{e:?}"
        );
        assert_eq!(
            in_user_words(&e, MAX_DEPTH).as_deref(),
            Some("aliases (*name) repeat their anchors' values too often: more than 100 values repeated")
        );
    }
}
