//! CloudFormation templates (PascalCase keys): `AWS::CodeDeploy::DeploymentConfig`,
//! `AWS::CodeDeploy::DeploymentGroup` (with its `AWS::CodeDeploy::Application`'s compute
//! platform, its Auto Scaling group's size, its ECS service's name and `DesiredCount`; chosen
//! by `--select`, logical id or `DeploymentGroupName`), a Lambda alias's
//! `UpdatePolicy.CodeDeployLambdaAliasUpdate` hooks, and the ECS blue/green hook of
//! `Transform: AWS::CodeDeployBlueGreen` (`Hooks: {…: {Type: AWS::CodeDeploy::BlueGreen}}`),
//! whose `TimeBasedCanary`/`TimeBasedLinear` use `StepPercentage` and `BakeTimeMins`
//! (defaults 15 % and 5 minutes). SAM functions in the same template are read by `sam`.
//!
//! Intrinsic functions are evaluated first (`intrinsics`); the shapes are read by `shapes`,
//! the same reader as the AWS CLI's camelCase JSON.
//!
//! Not here: SAM's `DeploymentPreference` (`sam`).

use super::Options;
use super::appspec::set_platform;
use super::cloudwatch::alarms::metric_alarm;
use super::document::{Node, Value};
use super::intrinsics::{Context, OPAQUE, RESOURCE_REF, UNRESOLVED};
use super::model::{At, ConfigDef, Deployment, EcsDef, Findings, LambdaDef, Number, Origin, TemplateAlarm, TrafficDef};
use super::sam;
use super::shapes::{self, Style};
use super::template::{function_name, hook_function, resources};
use crate::config::ComputePlatform;
use crate::lifecycle::LifecycleEventName;
use crate::scenario::validate::closest;

/// Whether a document is a CloudFormation or SAM template.
pub fn looks_like(root: &Node) -> bool {
    root.get("Resources").is_some_and(Node::is_map)
        || root.get("AWSTemplateFormatVersion").is_some()
        || root.get("Transform").is_some()
        || root.get("Hooks").is_some_and(|h| {
            h.entries()
                .iter()
                .any(|(_, v)| v.get("Type").and_then(|t| t.as_str()) == Some("AWS::CodeDeploy::BlueGreen"))
        })
}

/// Reads a template into `out`.
pub fn read(root: &Node, file: usize, options: &Options, out: &mut Deployment, f: &mut Findings) {
    if !root.is_map() {
        f.error(
            root.line,
            root.column,
            format!("a template is a map, found {}", root.describe()),
        );
        return;
    }
    let ctx = Context::new(root, &options.parameters, f);
    let mut found = false;
    // Configurations first: groups and SAM functions refer to them.
    for (id, kind, res) in resources(root) {
        if kind == "AWS::CodeDeploy::DeploymentConfig" {
            found = true;
            if let Some(c) = deployment_config(id, res, &ctx, file, f) {
                out.configs.push(c);
            }
        }
    }
    found |= sam::read(root, &ctx, file, options, out, f);
    found |= groups(root, &ctx, file, options, out, f);
    found |= blue_green_hook(root, &ctx, file, out, f);
    alarms(root, &ctx, file, out, f);
    if !found {
        let state_machine = resources(root).iter().any(|(_, k, r)| {
            *k == "AWS::Serverless::StateMachine"
                && r.get("Properties")
                    .and_then(|p| p.get("DeploymentPreference"))
                    .is_some()
        });
        f.error(
            root.line,
            root.column,
            if state_machine {
                "no CodeDeploy deployment in this template: an AWS::Serverless::StateMachine's DeploymentPreference is Step Functions alias routing, not CodeDeploy"
            } else {
                "no CodeDeploy deployment in this template: expected an AWS::CodeDeploy::DeploymentConfig or DeploymentGroup, an AWS::Serverless::Function with a DeploymentPreference, or an AWS::CodeDeploy::BlueGreen hook"
            },
        );
    }
}

fn deployment_config(id: &str, res: &Node, ctx: &Context, file: usize, f: &mut Findings) -> Option<ConfigDef> {
    let props = res
        .get("Properties")
        .and_then(|p| ctx.eval(p, f))
        .unwrap_or_else(|| Node::new(Value::Map(Vec::new()), res.line, res.column));
    let mut c = shapes::config(&props, Style::Pascal, file, f)?;
    c.logical_id = Some(id.to_string());
    let named = props.get("DeploymentConfigName").filter(|n| n.tag.is_none());
    if named.is_none() {
        // CloudFormation generates a name; the logical id stands for it.
        c.name = Some(At::new(id.to_string(), Origin::of(file, res)));
    }
    Some(c)
}

/// A template's resources: (logical id, type, resource).
type Resources<'a> = [(&'a str, &'a str, &'a Node)];

/// Deployment groups and the Lambda aliases that deploy through them.
fn groups(root: &Node, ctx: &Context, file: usize, options: &Options, out: &mut Deployment, f: &mut Findings) -> bool {
    let all = resources(root);
    let groups: Vec<_> = all
        .iter()
        .filter(|(_, k, _)| *k == "AWS::CodeDeploy::DeploymentGroup")
        .collect();
    if groups.is_empty() {
        return false;
    }
    let aliases = aliases_by_group(&all, ctx, f);
    let Some(id) = chosen_group(&all, &groups, ctx, options, f) else {
        return true;
    };
    for (other, _, r) in &groups {
        // Every group is checked; the chosen one is imported.
        let props = r.get("Properties").and_then(|p| ctx.eval(p, f));
        let Some(props) = props else {
            f.error(r.line, r.column, "an AWS::CodeDeploy::DeploymentGroup needs Properties");
            continue;
        };
        if *other != id {
            let mut scratch = Deployment::default();
            shapes::group(&props, Style::Pascal, file, &mut scratch, f);
            continue;
        }
        import_group(&all, ctx, &props, file, options, out, f);
        if let Some((_, update, alias)) = aliases.iter().find(|(g, _, _)| g == id) {
            lambda_alias(root, ctx, alias, update, file, out, f);
        }
    }
    true
}

/// The Lambda aliases deployed through a group: (the group's name, the alias's evaluated
/// `CodeDeployLambdaAliasUpdate`, the alias).
fn aliases_by_group<'a>(all: &Resources<'a>, ctx: &Context, f: &mut Findings) -> Vec<(String, Node, &'a Node)> {
    all.iter()
        .filter(|(_, k, _)| *k == "AWS::Lambda::Alias")
        .filter_map(|(_, _, r)| {
            let update = r.get("UpdatePolicy")?.get("CodeDeployLambdaAliasUpdate")?;
            let update = ctx.eval(update, f)?;
            let group = update.get("DeploymentGroupName")?.scalar_text()?;
            Some((group, update, *r))
        })
        .collect()
}

/// The logical id of the group to import: the one `--select` names (by logical id or
/// `DeploymentGroupName`), else the first (with a warning when there are several); `None`
/// when `--select` names no group (an error is reported), unless it names a SAM function.
fn chosen_group<'a>(
    all: &Resources<'a>,
    groups: &[&(&'a str, &'a str, &'a Node)],
    ctx: &Context,
    options: &Options,
    f: &mut Findings,
) -> Option<&'a str> {
    let group_name = |r: &Node| -> Option<String> {
        let mut scratch = Findings::default();
        let n = r.get("Properties")?.get("DeploymentGroupName")?;
        ctx.eval(n, &mut scratch)?.scalar_text()
    };
    let selected = options.select.as_deref().and_then(|s| {
        groups
            .iter()
            .find(|(id, _, r)| *id == s || group_name(r).as_deref() == Some(s))
    });
    if let Some(s) = options.select.as_deref()
        && selected.is_none()
        && !all
            .iter()
            .any(|(id, k, _)| *id == s && *k == "AWS::Serverless::Function")
    {
        unknown_group(s, groups, group_name, f);
        return None;
    }
    let chosen = selected.unwrap_or(&groups[0]);
    if selected.is_none() && groups.len() > 1 {
        let names: Vec<&str> = groups.iter().map(|(id, _, _)| *id).collect();
        f.warn(
            chosen.2.line,
            chosen.2.column,
            format!(
                "the template has {} deployment groups ({}); the first is imported (choose with --select NAME)",
                groups.len(),
                names.join(", ")
            ),
        );
    }
    Some(chosen.0)
}

/// The chosen group's settings, its application's compute platform, its fleet and its ECS
/// service, into `out`.
fn import_group(
    all: &Resources<'_>,
    ctx: &Context,
    props: &Node,
    file: usize,
    options: &Options,
    out: &mut Deployment,
    f: &mut Findings,
) {
    let info = shapes::group(props, Style::Pascal, file, out, f);
    if let Some(n) = info.config_name {
        out.config_name = Some(n);
    }
    if info.blue_green.is_some() {
        out.blue_green = info.blue_green;
    }
    application_platform(all, props, file, out, f);
    fleet_size(all, ctx, props, file, options, out, f);
    ecs_service(all, ctx, props, file, out, f);
}

/// The compute platform of the application the group `Ref`s, when the template defines it.
fn application_platform(all: &Resources<'_>, props: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    if let Some(app) = props
        .get("ApplicationName")
        .filter(|a| a.tag.as_deref() == Some(RESOURCE_REF))
        && let Some((_, _, a)) = all
            .iter()
            .find(|(i, k, _)| Some(*i) == app.as_str() && *k == "AWS::CodeDeploy::Application")
        && let Some(p) = a.get("Properties").and_then(|p| p.get("ComputePlatform"))
        && let Some(platform) = p.as_str().and_then(ComputePlatform::parse)
    {
        set_platform(out, platform, Origin::of(file, p), f);
    }
}

/// The fleet: the Auto Scaling groups' desired (or minimum) sizes (stated even under
/// --instances, which `import` then warns about).
fn fleet_size(
    all: &Resources<'_>,
    ctx: &Context,
    props: &Node,
    file: usize,
    options: &Options,
    out: &mut Deployment,
    f: &mut Findings,
) {
    let Some(asgs) = props.get("AutoScalingGroups") else {
        return;
    };
    let mut total = 0i64;
    for a in asgs.items().iter().filter(|a| a.tag.as_deref() == Some(RESOURCE_REF)) {
        let size = all
            .iter()
            .find(|(i, _, _)| Some(*i) == a.as_str())
            .and_then(|(_, _, r)| r.get("Properties"))
            .and_then(|p| p.get("DesiredCapacity").or_else(|| p.get("MinSize")))
            .and_then(|s| ctx.eval(s, f));
        if let Some(Number::Int(n)) = size.as_ref().map(Number::of) {
            total = total.saturating_add(n);
        }
    }
    if let Ok(n) = u32::try_from(total)
        && n > 0
    {
        out.instances = Some(At::new(n, Origin::of(file, asgs)));
        if options.instances.is_none() {
            out.notes.push(format!(
                "fleet size {n}: the deployment group's Auto Scaling groups' desired sizes"
            ));
        }
    }
}

/// `--select NAME` names no deployment group of the template: an error with the nearest
/// name (a group's logical id or `DeploymentGroupName`) and the groups there are.
fn unknown_group(
    select: &str,
    groups: &[&(&str, &str, &Node)],
    name: impl Fn(&Node) -> Option<String>,
    f: &mut Findings,
) {
    let mut names: Vec<String> = Vec::new();
    for (id, _, r) in groups {
        names.push(id.to_string());
        names.extend(name(r));
    }
    let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
    let hint = closest(select, &candidates).map_or(String::new(), |n| format!(" (did you mean {n}?)"));
    let listed: Vec<&str> = groups.iter().map(|(id, _, _)| *id).collect();
    let (line, column) = groups.first().map_or((1, 1), |(_, _, r)| (r.line, r.column));
    f.error(
        line,
        column,
        format!(
            "--select: no deployment group \"{select}\"{hint}; the template has {}",
            listed.join(", ")
        ),
    );
}

/// An ECS deployment group's service as the template defines it: the `AWS::ECS::Service`
/// its `ECSServices` names (by `Ref`, `GetAtt`, `ServiceName`, or the template's only
/// service) gives the task count (its `DesiredCount`), when the files have not stated
/// one, and the service's name for a `Ref` or `GetAtt` (its `ServiceName`, else its
/// logical id).
fn ecs_service(
    all: &[(&str, &str, &Node)],
    ctx: &Context,
    group: &Node,
    file: usize,
    out: &mut Deployment,
    f: &mut Findings,
) {
    let Some(ecs) = out.ecs.as_mut() else {
        return;
    };
    let services: Vec<&(&str, &str, &Node)> = all.iter().filter(|(_, k, _)| *k == "AWS::ECS::Service").collect();
    let named = group
        .get("ECSServices")
        .and_then(|s| s.items().first().cloned())
        .and_then(|s| s.get("ServiceName").cloned());
    let by_name = named.as_ref().and_then(|n| {
        let text = n.scalar_text()?;
        let id = match n.tag.as_deref() {
            Some(RESOURCE_REF) => text.clone(),
            Some(OPAQUE) => text.split('.').next().unwrap_or_default().to_string(),
            _ => String::new(),
        };
        services.iter().copied().find(|(i, _, r)| {
            *i == id
                || r.get("Properties")
                    .and_then(|p| p.get("ServiceName"))
                    .and_then(Node::scalar_text)
                    .is_some_and(|s| s == text)
        })
    });
    let service = by_name.or(if services.len() == 1 { Some(services[0]) } else { None });
    let by_reference = named.as_ref().is_some_and(|n| n.tag.is_some());
    if let Some((id, _, r)) = service.filter(|_| by_reference) {
        let plain = r
            .get("Properties")
            .and_then(|p| p.get("ServiceName"))
            .filter(|n| n.tag.is_none())
            .and_then(Node::scalar_text);
        ecs.service = Some(plain.unwrap_or_else(|| id.to_string()));
    }
    let count = service
        .and_then(|(_, _, r)| r.get("Properties"))
        .and_then(|p| p.get("DesiredCount"))
        .and_then(|d| ctx.eval(d, f))
        .filter(|d| d.tag.as_deref() != Some(OPAQUE));
    if let Some(d) = count.filter(|_| ecs.tasks.is_none()) {
        ecs.tasks = Some(At::new(Number::of(&d), Origin::of(file, &d)));
    }
}

fn lambda_alias(
    root: &Node,
    ctx: &Context,
    alias: &Node,
    update: &Node,
    file: usize,
    out: &mut Deployment,
    f: &mut Findings,
) {
    set_platform(out, ComputePlatform::Lambda, Origin::of(file, alias), f);
    let props = alias.get("Properties").and_then(|p| ctx.eval(p, f));
    let name = props
        .as_ref()
        .and_then(|p| p.get("Name"))
        .and_then(|n| n.scalar_text().map(|s| At::new(s, Origin::of(file, n))));
    let function = props.as_ref().and_then(|p| p.get("FunctionName")).map(|n| {
        let text = match n.tag.as_deref() {
            Some(RESOURCE_REF) => function_name(root, ctx, n.as_str().unwrap_or_default(), f),
            _ => n.scalar_text().unwrap_or_default(),
        };
        At::new(text, Origin::of(file, n))
    });
    out.merge_lambda(LambdaDef {
        function_name: function,
        alias: name,
        current_version: None,
        target_version: None,
        origin: Origin::of(file, alias),
    });
    for (key, event) in [
        ("BeforeAllowTrafficHook", LifecycleEventName::BeforeAllowTraffic),
        ("AfterAllowTrafficHook", LifecycleEventName::AfterAllowTraffic),
    ] {
        if let Some(h) = update.get(key) {
            let text = hook_function(root, ctx, h, f).unwrap_or_default();
            out.add_function(event, At::new(text, Origin::of(file, h)));
        }
    }
}

/// The `AWS::CodeDeploy::BlueGreen` hook of `Transform: AWS::CodeDeployBlueGreen` (ECS).
fn blue_green_hook(root: &Node, ctx: &Context, file: usize, out: &mut Deployment, f: &mut Findings) -> bool {
    let Some(hooks) = root.get("Hooks") else { return false };
    let Some((key, hook)) = hooks
        .entries()
        .iter()
        .find(|(_, v)| v.get("Type").and_then(|t| t.as_str()) == Some("AWS::CodeDeploy::BlueGreen"))
    else {
        return false;
    };
    set_platform(out, ComputePlatform::Ecs, Origin::of(file, hook), f);
    let Some(props) = hook.get("Properties").and_then(|p| ctx.eval(p, f)) else {
        f.error(
            hook.line,
            hook.column,
            "the AWS::CodeDeploy::BlueGreen hook needs Properties",
        );
        return true;
    };
    known_hook_properties(&props, f);
    let origin = Origin::of(file, &props);
    let mut config = ConfigDef {
        name: Some(At::new(
            key.name.clone(),
            Origin {
                file,
                line: key.line,
                column: key.column,
            },
        )),
        platform: Some(At::new(ComputePlatform::Ecs.api_name().to_string(), origin)),
        origin,
        ..ConfigDef::default()
    };
    config.traffic = Some(hook_routing(&props, file, origin));
    out.configs.push(config.clone());
    out.config = Some(config);
    let ecs = out.ecs.get_or_insert_with(EcsDef::default);
    ecs.origin = origin;
    hook_application(root, ctx, &props, file, ecs, f);
    hook_functions(root, ctx, &props, file, out, f);
    true
}

/// Errors for properties the `AWS::CodeDeploy::BlueGreen` hook does not have.
fn known_hook_properties(props: &Node, f: &mut Findings) {
    let known = [
        "TrafficRoutingConfig",
        "AdditionalOptions",
        "Applications",
        "ServiceRole",
        "LifecycleEventHooks",
    ];
    for (k, _) in props.entries() {
        if !known.contains(&k.name.as_str()) {
            f.error(
                k.line,
                k.column,
                format!(
                    "\"{}\" is not a property of the AWS::CodeDeploy::BlueGreen hook ({})",
                    k.name,
                    known.join(", ")
                ),
            );
        }
    }
}

/// The hook's `TrafficRoutingConfig` (all at once when it gives none).
fn hook_routing(props: &Node, file: usize, origin: Origin) -> TrafficDef {
    let routing = props.get("TrafficRoutingConfig");
    let kind = routing
        .and_then(|r| r.get("Type"))
        .and_then(|t| t.scalar_text().map(|s| At::new(s, Origin::of(file, t))));
    let kind = kind.unwrap_or_else(|| At::new("AllAtOnce".to_string(), origin));
    let step = match kind.value.as_str() {
        "TimeBasedCanary" | "TimeBasedLinear" => {
            let block = routing.and_then(|r| r.get(&kind.value));
            let num = |k: &str, default: i64| -> At<Number> {
                match block.and_then(|b| b.get(k)) {
                    Some(v) => At::new(Number::of(v), Origin::of(file, v)),
                    None => At::new(Number::Int(default), kind.origin),
                }
            };
            Some((num("StepPercentage", 15), num("BakeTimeMins", 5)))
        }
        _ => None,
    };
    TrafficDef {
        origin: kind.origin,
        kind,
        step,
    }
}

/// The hook's termination wait and its ECS application: the test listener and the
/// service, with its name, cluster and task count when the template says them.
fn hook_application(root: &Node, ctx: &Context, props: &Node, file: usize, ecs: &mut EcsDef, f: &mut Findings) {
    if let Some(w) = props
        .get("AdditionalOptions")
        .and_then(|a| a.get("TerminationWaitTimeInMinutes"))
    {
        ecs.termination_wait_minutes = Some(At::new(Number::of(w), Origin::of(file, w)));
    }
    if let Some(app) = props.get("Applications").and_then(|a| a.items().first()) {
        let test = app
            .get("ECSAttributes")
            .and_then(|e| e.get("TrafficRouting"))
            .and_then(|t| t.get("TestTrafficRoute"))
            .is_some();
        ecs.test_listener = Some(test);
        if let Some(id) = app
            .get("Target")
            .and_then(|t| t.get("LogicalID"))
            .and_then(|l| l.as_str())
        {
            let service = resources(root).into_iter().find(|(i, _, _)| *i == id);
            match service
                .and_then(|(_, _, s)| s.get("Properties"))
                .and_then(|p| ctx.eval(p, f))
            {
                Some(p) => {
                    let plain = |k: &str| {
                        p.get(k)
                            .filter(|v| v.tag.is_none() || v.tag.as_deref() == Some(UNRESOLVED))
                            .and_then(|v| v.scalar_text())
                    };
                    ecs.service = plain("ServiceName").or_else(|| Some(id.to_string()));
                    ecs.cluster = plain("Cluster");
                    if let Some(d) = p.get("DesiredCount").filter(|d| d.tag.as_deref() != Some(OPAQUE)) {
                        ecs.tasks = Some(At::new(Number::of(d), Origin::of(file, d)));
                    }
                }
                None => ecs.service = Some(id.to_string()),
            }
        }
    }
}

/// The hook's `LifecycleEventHooks`: the hook functions by ECS lifecycle event.
fn hook_functions(root: &Node, ctx: &Context, props: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    if let Some(h) = props.get("LifecycleEventHooks") {
        for (k, v) in h.entries() {
            match LifecycleEventName::parse(&k.name) {
                Some(e) if v.scalar_text().is_some() => {
                    let name = hook_function(root, ctx, v, f).unwrap_or_default();
                    out.add_function(e, At::new(name, Origin::of(file, v)));
                }
                _ => f.error(k.line, k.column, format!("\"{}\" is not an ECS hook event", k.name)),
            }
        }
    }
}

/// The `AWS::CloudWatch::Alarm`s the deployment group names, so that they are simulated
/// with their metric and threshold; one that cdsim cannot read (metric math, anomaly
/// detection, …) is a warning naming the kind, and stays a comment.
fn alarms(root: &Node, ctx: &Context, file: usize, out: &mut Deployment, f: &mut Findings) {
    for (id, kind, res) in resources(root) {
        if kind != "AWS::CloudWatch::Alarm" {
            continue;
        }
        let props = res
            .get("Properties")
            .and_then(|p| ctx.eval(p, f))
            .unwrap_or_else(|| Node::new(Value::Map(Vec::new()), res.line, res.column));
        let named = |n: &str| n == id || props.get("AlarmName").and_then(Node::scalar_text).as_deref() == Some(n);
        if !out.alarms.iter().any(|n| named(n)) {
            continue;
        }
        match metric_alarm(&props, Some(id)) {
            Ok(alarm) => out.template_alarms.push(TemplateAlarm {
                logical_id: id.to_string(),
                alarm,
                origin: Origin::of(file, res),
            }),
            Err(problems) => {
                for p in problems {
                    f.warn(p.line, p.column, format!("{}; the alarm is not simulated", p.message));
                }
            }
        }
    }
}
