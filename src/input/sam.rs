//! SAM's `DeploymentPreference` on `AWS::Serverless::Function` (and in `Globals.Function`):
//! `Type` (SAM's names become `CodeDeployDefault.Lambda<Type>`; any other string is a
//! custom configuration's name; a `Ref` to an `AWS::CodeDeploy::DeploymentConfig` in the
//! template is that configuration), `Enabled` (`false`, `"false"` and `"False"` disable it),
//! `Alarms` (a list), `Hooks` (`PreTraffic` → BeforeAllowTraffic, `PostTraffic` →
//! AfterAllowTraffic). SAM requires `AutoPublishAlias`, and gives every deployment group
//! automatic rollback on DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM and
//! DEPLOYMENT_STOP_ON_REQUEST.
//!
//! Every function with an enabled preference is checked; one is imported (`--select`, else
//! the first). `Role`, `TriggerConfigurations` and `PassthroughCondition` do not change the
//! simulation and are not read. An `AWS::Serverless::StateMachine`'s DeploymentPreference is
//! Step Functions, not CodeDeploy, and is left alone.
//!
//! Not here: intrinsic functions (`intrinsics`) or other resources (`cloudformation`).

use super::Options;
use super::appspec::set_platform;
use super::document::{Key, Node, Value};
use super::intrinsics::{Context, RESOURCE_REF, UNRESOLVED};
use super::model::{At, Deployment, Findings, LambdaDef, Origin};
use super::template::{function_name, hook_function, resources};
use crate::config::ComputePlatform;
use crate::lifecycle::LifecycleEventName;

/// SAM's predefined `Type` names (SAM-RST).
pub const TYPES: [&str; 9] = [
    "Canary10Percent30Minutes",
    "Canary10Percent5Minutes",
    "Canary10Percent10Minutes",
    "Canary10Percent15Minutes",
    "AllAtOnce",
    "Linear10PercentEvery10Minutes",
    "Linear10PercentEvery1Minute",
    "Linear10PercentEvery2Minutes",
    "Linear10PercentEvery3Minutes",
];

/// A function's properties merged over `Globals.Function` (maps merge key by key).
fn merged(globals: Option<&Node>, props: Option<&Node>) -> Node {
    let mut entries: Vec<(Key, Node)> = globals.map(|g| g.entries().to_vec()).unwrap_or_default();
    for (k, v) in props.map(|p| p.entries()).unwrap_or_default() {
        match entries.iter_mut().find(|(g, _)| g.name == k.name) {
            Some((_, g)) if g.is_map() && v.is_map() => *g = merged(Some(g), Some(v)),
            Some(slot) => *slot = (k.clone(), v.clone()),
            None => entries.push((k.clone(), v.clone())),
        }
    }
    let (line, column) = props.map_or((1, 1), |p| (p.line, p.column));
    Node::new(Value::Map(entries), line, column)
}

fn enabled(dp: &Node) -> bool {
    match dp.get("Enabled").map(|e| &e.value) {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(Value::Str(s)) => !s.eq_ignore_ascii_case("false"),
        Some(_) => true,
    }
}

/// Reads the SAM functions of a template; returns whether one was imported.
pub fn read(
    root: &Node,
    ctx: &Context,
    file: usize,
    options: &Options,
    out: &mut Deployment,
    f: &mut Findings,
) -> bool {
    let globals = root.get("Globals").and_then(|g| g.get("Function"));
    let mut candidates = Vec::new();
    let mut disabled = Vec::new();
    for (id, kind, res) in resources(root) {
        if kind != "AWS::Serverless::Function" {
            continue;
        }
        let props = merged(globals, res.get("Properties"));
        let Some((dp_key, _)) = props.entry("DeploymentPreference") else {
            continue;
        };
        let dp_key = dp_key.clone();
        let Some(dp) = props.get("DeploymentPreference").and_then(|d| ctx.eval(d, f)) else {
            continue;
        };
        if !dp.is_map() {
            f.error(
                dp.line,
                dp.column,
                format!("DeploymentPreference must be a map, found {}", dp.describe()),
            );
            continue;
        }
        if !enabled(&dp) {
            let raw = props.get("DeploymentPreference").and_then(|d| d.get("Enabled"));
            disabled.push((
                id,
                raw.and_then(|e| ctx.parameter_ref(e)),
                raw.map_or((dp.line, dp.column), |e| (e.line, e.column)),
            ));
            continue;
        }
        candidates.push((id, props, dp_key, dp));
    }
    if candidates.is_empty() {
        // Said only when nothing else in the template deploys.
        let other = root.get("Hooks").is_some()
            || resources(root)
                .iter()
                .any(|(_, k, _)| *k == "AWS::CodeDeploy::DeploymentGroup");
        return !other && report_disabled(&disabled, f);
    }
    let index = match &options.select {
        Some(s) => candidates.iter().position(|(id, ..)| id == s),
        None => Some(0),
    };
    if options.select.is_some() && index.is_none() {
        let names: Vec<&str> = candidates.iter().map(|(id, ..)| *id).collect();
        f.error(
            1,
            1,
            format!(
                "--select: no function \"{}\" with a DeploymentPreference; the template has {}",
                options.select.as_deref().unwrap_or(""),
                names.join(", ")
            ),
        );
    }
    if options.select.is_none() && candidates.len() > 1 {
        let names: Vec<&str> = candidates.iter().map(|(id, ..)| *id).collect();
        f.warn(
            candidates[0].2.line,
            candidates[0].2.column,
            format!(
                "{} functions have a DeploymentPreference ({}); SAM deploys each through its own deployment group, and the first is imported (choose with --select NAME)",
                candidates.len(),
                names.join(", ")
            ),
        );
    }
    for (i, (id, props, key, dp)) in candidates.iter().enumerate() {
        let mut scratch = Deployment::default();
        let target = if Some(i) == index { &mut *out } else { &mut scratch };
        function(root, ctx, id, props, key, dp, file, target, f);
    }
    true
}

/// A disabled `DeploymentPreference`: the function, the parameter its `Enabled` refers
/// to (with the parameter's value), and where `Enabled` is.
type Disabled<'a> = (&'a str, Option<(String, Option<&'a str>)>, (u64, u64));

/// When every function's `DeploymentPreference` is disabled, an error at each one's
/// `Enabled`, naming the parameter that disables it and how to enable it; returns whether
/// there was one (the template then has a CodeDeploy deployment, switched off).
fn report_disabled(disabled: &[Disabled], f: &mut Findings) -> bool {
    for (id, parameter, (line, column)) in disabled {
        let message = match parameter {
            Some((p, value)) => format!(
                "{id}: the DeploymentPreference is disabled by parameter {p} ({}); try --parameter {p}=true",
                value.map_or("no value".to_string(), |v| format!("\"{v}\""))
            ),
            None => format!("{id}: the DeploymentPreference is disabled (Enabled is false): nothing to deploy"),
        };
        f.error(*line, *column, message);
    }
    !disabled.is_empty()
}

#[allow(clippy::too_many_arguments)]
fn function(
    root: &Node,
    ctx: &Context,
    id: &str,
    props: &Node,
    key: &Key,
    dp: &Node,
    file: usize,
    out: &mut Deployment,
    f: &mut Findings,
) {
    set_platform(
        out,
        ComputePlatform::Lambda,
        Origin {
            file,
            line: key.line,
            column: key.column,
        },
        f,
    );
    known_properties(dp, f);
    let alias = props.get("AutoPublishAlias").and_then(|a| ctx.eval(a, f));
    if alias.is_none() {
        f.error(key.line, key.column, format!("{id}: a DeploymentPreference needs AutoPublishAlias on the function (SAM publishes the version the alias shifts to)"));
    }
    if let Some(a) = alias.as_ref().filter(|a| a.tag.as_deref() == Some(UNRESOLVED)) {
        f.warn(
            a.line,
            a.column,
            format!(
                "AutoPublishAlias is parameter {} with no value: the alias is called \"{}\" (give --parameter)",
                a.scalar_text().unwrap_or_default(),
                a.scalar_text().unwrap_or_default()
            ),
        );
    }
    deployment_type(dp, file, out, f);
    alarms(dp, out, f);
    hooks(root, ctx, dp, file, out, f);
    let name = function_name(root, ctx, id, f);
    // Where the name is written: its FunctionName, else the preference (the logical id).
    let named_at = props.get("FunctionName").map_or(
        Origin {
            file,
            line: key.line,
            column: key.column,
        },
        |n| Origin::of(file, n),
    );
    out.merge_lambda(LambdaDef {
        function_name: Some(At::new(name, named_at)),
        alias: alias.map(|a| At::new(a.scalar_text().unwrap_or_default(), Origin::of(file, &a))),
        current_version: None,
        target_version: None,
        origin: Origin::of(file, props),
    });
    out.auto_rollback_events = Some(
        [
            "DEPLOYMENT_FAILURE",
            "DEPLOYMENT_STOP_ON_ALARM",
            "DEPLOYMENT_STOP_ON_REQUEST",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    out.notes.push(format!(
        "SAM function {id}: SAM gives its deployment group automatic rollback on failure, alarm and stop"
    ));
}

/// Errors for keys a `DeploymentPreference` does not have.
fn known_properties(dp: &Node, f: &mut Findings) {
    let known = [
        "Type",
        "Enabled",
        "Alarms",
        "Hooks",
        "Role",
        "TriggerConfigurations",
        "PassthroughCondition",
    ];
    for (k, _) in dp.entries() {
        if !known.contains(&k.name.as_str()) {
            f.error(
                k.line,
                k.column,
                format!(
                    "\"{}\" is not a DeploymentPreference property ({})",
                    k.name,
                    known.join(", ")
                ),
            );
        }
    }
}

/// `Type`: a predefined Lambda type (`Canary10Percent5Minutes`) or a custom configuration.
fn deployment_type(dp: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    match dp.get("Type") {
        None => f.error(dp.line, dp.column, "an enabled DeploymentPreference needs Type (Canary10Percent5Minutes, Linear10PercentEvery1Minute, AllAtOnce, … or a custom configuration's name)"),
        Some(t) => {
            let text = t.scalar_text().unwrap_or_default();
            let origin = Origin::of(file, t);
            match t.tag.as_deref() {
                Some(RESOURCE_REF) => out.config_name = Some(At::new(text, origin)),
                Some(UNRESOLVED) => f.error(t.line, t.column, format!("Type depends on parameter {text}, which has no Default: give --parameter {text}=Canary10Percent5Minutes (or another type)")),
                Some(_) => f.error(t.line, t.column, format!("Type must be a deployment type known before deployment, found {}", t.describe())),
                None if text.trim().is_empty() => f.error(t.line, t.column, format!("Type must name a deployment type, found {}", t.describe())),
                None => {
                    let name = text.trim();
                    let full = if TYPES.contains(&name) { format!("CodeDeployDefault.Lambda{name}") } else { name.to_string() };
                    out.config_name = Some(At::new(full, origin));
                }
            }
        }
    }
}

/// `Alarms`: the alarm names.
fn alarms(dp: &Node, out: &mut Deployment, f: &mut Findings) {
    if let Some(a) = dp.get("Alarms") {
        match &a.value {
            Value::Seq(items) => {
                for item in items {
                    match item.scalar_text() {
                        Some(n) => out.alarms.push(n),
                        None => f.error(
                            item.line,
                            item.column,
                            format!("an alarm is a name or a Ref, found {}", item.describe()),
                        ),
                    }
                }
            }
            _ => f.error(
                a.line,
                a.column,
                format!("Alarms must be a list of alarm names, found {}", a.describe()),
            ),
        }
    }
}

/// `Hooks`: the PreTraffic and PostTraffic hook functions, by deployed name.
fn hooks(root: &Node, ctx: &Context, dp: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    if let Some(h) = dp.get("Hooks") {
        if h.is_map() {
            for (k, v) in h.entries() {
                let event = match k.name.as_str() {
                    "PreTraffic" => LifecycleEventName::BeforeAllowTraffic,
                    "PostTraffic" => LifecycleEventName::AfterAllowTraffic,
                    other => {
                        f.error(
                            k.line,
                            k.column,
                            format!("\"{other}\" is not a DeploymentPreference hook: PreTraffic or PostTraffic"),
                        );
                        continue;
                    }
                };
                let name = match hook_function(root, ctx, v, f) {
                    Some(s) if !s.trim().is_empty() => s,
                    _ => {
                        f.error(
                            v.line,
                            v.column,
                            format!("{} names a hook function, found {}", k.name, v.describe()),
                        );
                        continue;
                    }
                };
                out.add_function(event, At::new(name, Origin::of(file, v)));
            }
        } else {
            f.error(
                h.line,
                h.column,
                format!(
                    "Hooks must be a map of PreTraffic and PostTraffic hook functions, found {}",
                    h.describe()
                ),
            );
        }
    }
}
