//! The AppSpec file (§5) for EC2/on-premises, ECS and Lambda, in YAML or JSON.
//!
//! An AppSpec supplies the hook structure: EC2/on-premises scripts per lifecycle event
//! (`hooks: {Event: [{location, timeout, runas}]}`), or one Lambda function per event for
//! ECS and Lambda (`Hooks: [{Event: FunctionName}]`), plus the ECS service's or the Lambda
//! alias's properties. Keys are matched as the documentation spells them, and the ECS and
//! Lambda ones also in the lower-case spelling of the reference page (`resources`,
//! `currentversion`). `version` must be `0.0` (a number or a string).
//!
//! Placeholders a template engine left (`<TASK_DEFINITION>`, `${…}`, `{{…}}`) are warnings
//! where cdsim only carries the text (names, ARNs, ports) and errors where it needs a
//! number. Not here: durations and failure models (the scenario's defaults), or which
//! deployment configuration to use (the other files, or `emit`'s default).

use super::document::{Key, Node, Value};
use super::model::{At, Deployment, EcsDef, Findings, LambdaDef, Number, Origin, ScriptDef, placeholder};
use crate::config::ComputePlatform;
use crate::lifecycle::{LifecycleEventName, Runner};
use crate::scenario::validate::closest;

/// Whether a document looks like an AppSpec (`version` with `os`, `hooks`, `files` or
/// `Resources`).
pub fn looks_like(root: &Node) -> bool {
    let typed = |r: &Node| {
        r.items().iter().any(|item| {
            item.entries().iter().any(|(_, res)| {
                matches!(
                    res.get_ci("type").and_then(|t| t.as_str()),
                    Some("AWS::ECS::Service" | "AWS::Lambda::Function")
                )
            })
        })
    };
    let sections = ["os", "files", "hooks", "resources", "permissions"];
    (root.get_ci("version").is_some() && sections.iter().any(|k| root.get_ci(k).is_some()))
        || (root.get("os").is_some() && (root.get("files").is_some() || root.get("hooks").is_some()))
        || root.get_ci("resources").is_some_and(typed)
}

/// Reads an AppSpec into `out`.
pub fn read(root: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    if !root.is_map() {
        f.error(
            root.line,
            root.column,
            format!("an AppSpec is a map of sections, found {}", root.describe()),
        );
        return;
    }
    version(root, f);
    let resources = root.get_ci("resources");
    let ec2_keys: Vec<&str> = ["os", "files", "permissions", "file_exists_behavior"]
        .into_iter()
        .filter(|k| root.get(k).is_some())
        .collect();
    match resources {
        None => ec2(root, file, out, f),
        Some(res) => {
            for k in &ec2_keys {
                let (key, _) = root.entry(k).expect("present");
                f.error(
                    key.line,
                    key.column,
                    format!("{k} applies to EC2/on-premises AppSpecs; an AppSpec with Resources (ECS or Lambda) has only version, Resources and Hooks"),
                );
            }
            blue_green(root, res, file, out, f);
        }
    }
}

fn version(root: &Node, f: &mut Findings) {
    match root.get_ci("version") {
        None => f.error(1, 1, "version is missing: an AppSpec starts with version: 0.0"),
        Some(v) => {
            let ok = match &v.value {
                Value::Float(x) => *x == 0.0,
                Value::Str(s) => s.trim() == "0.0",
                _ => false,
            };
            if !ok {
                f.error(
                    v.line,
                    v.column,
                    format!(
                        "version must be 0.0, the only AppSpec version (§5), found {}",
                        v.describe()
                    ),
                );
            }
        }
    }
}

// ----- EC2/on-premises ---------------------------------------------------------------

fn ec2(root: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    set_platform(out, ComputePlatform::Server, Origin::of(file, root), f);
    match root.get("os") {
        None => f.error(
            1,
            1,
            "os is missing: an EC2/on-premises AppSpec says os: linux or os: windows",
        ),
        Some(os) => match os.as_str() {
            Some("linux" | "windows") => {}
            _ => f.error(
                os.line,
                os.column,
                format!("os must be linux or windows, found {}", os.describe()),
            ),
        },
    }
    for (key, value) in root.entries() {
        match key.name.as_str() {
            "version" | "os" | "hooks" | "permissions" => {}
            "files" => files(value, f),
            "file_exists_behavior" => match value.as_str() {
                Some("DISALLOW" | "OVERWRITE" | "RETAIN") => {}
                _ => f.error(
                    value.line,
                    value.column,
                    format!(
                        "file_exists_behavior must be DISALLOW, OVERWRITE or RETAIN, found {}",
                        value.describe()
                    ),
                ),
            },
            "Hooks" | "Resources" => {}
            other => f.warn(
                key.line,
                key.column,
                format!("\"{other}\" is not an AppSpec section; ignored"),
            ),
        }
    }
    if let Some(p) = root.get("permissions")
        && !matches!(p.value, Value::Seq(_) | Value::Null)
    {
        f.error(
            p.line,
            p.column,
            format!("permissions must be a list, found {}", p.describe()),
        );
    }
    let Some(hooks) = root.get("hooks").or_else(|| root.get("Hooks")) else {
        return;
    };
    match &hooks.value {
        Value::Null => {}
        Value::Map(entries) => {
            for (key, scripts) in entries {
                let Some(event) = ec2_event(key.name.as_str(), key.line, key.column, f) else {
                    continue;
                };
                let list = self::scripts(event, scripts, file, f);
                if out.scripts.iter().any(|(e, _)| *e == event) {
                    f.error(key.line, key.column, format!("{event} is listed twice"));
                }
                out.scripts.push((event, list));
            }
        }
        Value::Seq(_) => f.error(
            hooks.line,
            hooks.column,
            "EC2/on-premises hooks map each lifecycle event to a list of scripts (BeforeInstall: [{location: …}]); a list of {Event: FunctionName} is the ECS and Lambda form",
        ),
        _ => f.error(hooks.line, hooks.column, format!("hooks must be a map of lifecycle events, found {}", hooks.describe())),
    }
}

fn files(value: &Node, f: &mut Findings) {
    match &value.value {
        Value::Null => {}
        Value::Seq(items) => {
            for item in items {
                if !item.is_map() {
                    f.error(
                        item.line,
                        item.column,
                        format!("a files entry is {{source, destination}}, found {}", item.describe()),
                    );
                    continue;
                }
                for k in ["source", "destination"] {
                    if item.get(k).is_none() {
                        f.error(item.line, item.column, format!("a files entry needs {k}"));
                    }
                }
                for (key, _) in item.entries() {
                    if key.name != "source" && key.name != "destination" {
                        f.warn(
                            key.line,
                            key.column,
                            format!(
                                "\"{}\" is not a files field (source, destination); the agent ignores it",
                                key.name
                            ),
                        );
                    }
                }
            }
        }
        _ => f.error(
            value.line,
            value.column,
            format!(
                "files must be a list of {{source, destination}}, found {}",
                value.describe()
            ),
        ),
    }
}

/// A scriptable EC2 event, or `None` with a problem or warning.
fn ec2_event(name: &str, line: u64, column: u64, f: &mut Findings) -> Option<LifecycleEventName> {
    match LifecycleEventName::parse(name) {
        Some(e) if LifecycleEventName::ALL.contains(&e) && e.runner() == Runner::Scripts => Some(e),
        Some(e) if LifecycleEventName::ALL.contains(&e) => {
            f.error(
                line,
                column,
                format!("{e} is run by CodeDeploy or the agent and takes no scripts (§4.1)"),
            );
            None
        }
        Some(e) => {
            f.error(
                line,
                column,
                format!("{e} is an ECS lifecycle event; EC2/on-premises AppSpecs do not have it"),
            );
            None
        }
        None => {
            let names: Vec<&str> = LifecycleEventName::ALL
                .iter()
                .filter(|e| e.runner() == Runner::Scripts)
                .map(|e| e.as_str())
                .collect();
            match closest(name, &names) {
                Some(n) => f.error(line, column, format!("unknown lifecycle event \"{name}\" (did you mean {n}?)")),
                None => f.warn(
                    line,
                    column,
                    format!("\"{name}\" is not a CodeDeploy lifecycle event (only codedeploy-local --events runs such hooks); ignored"),
                ),
            }
            None
        }
    }
}

fn scripts(event: LifecycleEventName, value: &Node, file: usize, f: &mut Findings) -> Vec<ScriptDef> {
    let items = match &value.value {
        Value::Seq(items) => items.as_slice(),
        Value::Null => return Vec::new(),
        Value::Str(_) => {
            f.error(
                value.line,
                value.column,
                format!(
                    "{event} takes a list of scripts (- location: …), found {}",
                    value.describe()
                ),
            );
            return Vec::new();
        }
        _ => {
            f.error(
                value.line,
                value.column,
                format!("{event} takes a list of scripts, found {}", value.describe()),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        if !item.is_map() {
            f.error(
                item.line,
                item.column,
                format!("a script is {{location, timeout, runas}}, found {}", item.describe()),
            );
            continue;
        }
        for (key, _) in item.entries() {
            if !["location", "timeout", "runas"].contains(&key.name.as_str()) {
                f.error(
                    key.line,
                    key.column,
                    format!(
                        "\"{}\" is not a script field: a script has location, timeout and runas",
                        key.name
                    ),
                );
            }
        }
        let Some(loc) = item.get("location") else {
            f.error(item.line, item.column, format!("a script of {event} needs a location"));
            continue;
        };
        let Some(location) = loc.as_str() else {
            f.error(
                loc.line,
                loc.column,
                format!("location must be a script path, found {}", loc.describe()),
            );
            continue;
        };
        if let Some(p) = placeholder(location) {
            f.warn(
                loc.line,
                loc.column,
                format!("unrendered template placeholder {p} in location; the text is used as it is"),
            );
        }
        let timeout = item.get("timeout").and_then(|t| {
            if let Some(p) = t.as_str().and_then(placeholder) {
                f.error(
                    t.line,
                    t.column,
                    format!("timeout is an unrendered template placeholder {p}: render the template first"),
                );
                return None;
            }
            Some(At::new(Number::of(t), Origin::of(file, t)))
        });
        let runas = item.get("runas").and_then(|r| r.scalar_text());
        out.push(ScriptDef {
            location: At::new(location.to_string(), Origin::of(file, loc)),
            timeout,
            runas,
        });
    }
    out
}

// ----- ECS and Lambda ----------------------------------------------------------------

fn blue_green(root: &Node, resources: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    let items = match &resources.value {
        Value::Seq(items) if !items.is_empty() => items,
        _ => {
            f.error(
                resources.line,
                resources.column,
                format!(
                    "Resources is a list with one resource (- TargetService: {{Type, Properties}}), found {}",
                    resources.describe()
                ),
            );
            return;
        }
    };
    if items.len() > 1 {
        f.error(
            items[1].line,
            items[1].column,
            "an AppSpec deploys one resource; Resources has more than one",
        );
    }
    let item = &items[0];
    let Some((_, resource)) = item.entries().first().filter(|_| item.entries().len() == 1) else {
        f.error(
            item.line,
            item.column,
            "a Resources entry is one named resource (- TargetService: {Type, Properties})",
        );
        return;
    };
    let kind = resource
        .get_ci("type")
        .and_then(|t| t.as_str().map(|s| (s.to_string(), t)));
    let props = resource.get_ci("properties");
    let platform = match kind.as_ref().map(|(k, _)| k.as_str()) {
        Some("AWS::ECS::Service") => ComputePlatform::Ecs,
        Some("AWS::Lambda::Function") => ComputePlatform::Lambda,
        Some(other) => {
            let t = kind.as_ref().expect("some").1;
            f.error(
                t.line,
                t.column,
                format!("Type must be AWS::ECS::Service or AWS::Lambda::Function, found \"{other}\""),
            );
            return;
        }
        None => {
            f.error(
                resource.line,
                resource.column,
                "the resource needs Type: AWS::ECS::Service or AWS::Lambda::Function",
            );
            return;
        }
    };
    set_platform(out, platform, Origin::of(file, resource), f);
    let Some(props) = props.filter(|p| p.is_map()) else {
        f.error(resource.line, resource.column, "the resource needs Properties");
        return;
    };
    match platform {
        ComputePlatform::Ecs => ecs_properties(props, file, out, f),
        _ => lambda_properties(props, file, out, f),
    }
    if let Some(hooks) = root.get_ci("hooks") {
        function_hooks(hooks, platform, file, out, f);
    }
}

/// A required, non-empty string property; placeholders are warnings.
fn text_property(props: &Node, key: &str, what: &str, file: usize, f: &mut Findings) -> Option<At<String>> {
    let Some(v) = props.get_ci(key) else {
        f.error(props.line, props.column, format!("{key} is missing: {what}"));
        return None;
    };
    let text = v.scalar_text().filter(|_| !matches!(v.value, Value::Bool(_)));
    match text {
        Some(s) if s.trim().is_empty() => {
            f.error(v.line, v.column, format!("{key} is empty: {what}"));
            None
        }
        Some(s) => {
            if let Some(p) = placeholder(&s) {
                f.warn(
                    v.line,
                    v.column,
                    format!("unrendered template placeholder {p} in {key}; the text is used as it is"),
                );
            }
            Some(At::new(s, Origin::of(file, v)))
        }
        None => {
            f.error(
                v.line,
                v.column,
                format!("{key} must be text ({what}), found {}", v.describe()),
            );
            None
        }
    }
}

fn ecs_properties(props: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    text_property(
        props,
        "TaskDefinition",
        "the AppSpec needs the task definition's ARN",
        file,
        f,
    );
    match props.get_ci("LoadBalancerInfo") {
        None => f.error(
            props.line,
            props.column,
            "LoadBalancerInfo {ContainerName, ContainerPort} is missing",
        ),
        Some(lb) if !lb.is_map() => f.error(
            lb.line,
            lb.column,
            format!("LoadBalancerInfo must be a map, found {}", lb.describe()),
        ),
        Some(lb) => {
            text_property(lb, "ContainerName", "the container that receives traffic", file, f);
            match lb.get_ci("ContainerPort") {
                None => f.error(lb.line, lb.column, "ContainerPort is missing: the container's port"),
                Some(p) => {
                    let text = p.as_str().map(str::to_string);
                    match (Number::of(p), text) {
                        (Number::Int(1..=65535), _) => {}
                        (_, Some(t)) if placeholder(&t).is_some() => f.warn(
                            p.line,
                            p.column,
                            format!(
                                "unrendered template placeholder {} in ContainerPort; cdsim does not use the port",
                                placeholder(&t).unwrap_or_default()
                            ),
                        ),
                        _ => f.error(
                            p.line,
                            p.column,
                            format!("ContainerPort must be a port number (1–65535), found {}", p.describe()),
                        ),
                    }
                }
            }
        }
    }
    for (key, _) in props.entries() {
        let known = [
            "TaskDefinition",
            "LoadBalancerInfo",
            "PlatformVersion",
            "NetworkConfiguration",
            "CapacityProviderStrategy",
        ];
        if !known.iter().any(|k| k.eq_ignore_ascii_case(&key.name)) {
            f.error(
                key.line,
                key.column,
                format!("\"{}\" is not an ECS AppSpec property ({})", key.name, known.join(", ")),
            );
        }
    }
    let ecs = out.ecs.get_or_insert_with(EcsDef::default);
    ecs.origin = Origin::of(file, props);
}

fn lambda_properties(props: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    let name = text_property(props, "Name", "the Lambda function's name", file, f);
    let alias = text_property(props, "Alias", "the alias that shifts traffic", file, f);
    let current = text_property(props, "CurrentVersion", "the version the alias points to now", file, f);
    let target = text_property(props, "TargetVersion", "the version to deploy", file, f);
    for (key, _) in props.entries() {
        let known = ["Name", "Alias", "CurrentVersion", "TargetVersion"];
        if !known.iter().any(|k| k.eq_ignore_ascii_case(&key.name)) {
            f.error(
                key.line,
                key.column,
                format!(
                    "\"{}\" is not a Lambda AppSpec property (Name, Alias, CurrentVersion, TargetVersion)",
                    key.name
                ),
            );
        }
    }
    out.merge_lambda(LambdaDef {
        function_name: name,
        alias,
        current_version: current,
        target_version: target,
        origin: Origin::of(file, props),
    });
}

fn function_hooks(hooks: &Node, platform: ComputePlatform, file: usize, out: &mut Deployment, f: &mut Findings) {
    let Some(items) = hook_list(hooks, platform, f) else {
        return;
    };
    // The platform's order's hook events (§4.2, §4.3).
    let order = match platform {
        ComputePlatform::Ecs => LifecycleEventName::ECS_ORDER,
        _ => LifecycleEventName::LAMBDA_ORDER,
    };
    let allowed: Vec<LifecycleEventName> = order.iter().copied().filter(|e| e.is_scriptable()).collect();
    for item in items {
        for (key, function) in item.entries() {
            let event = LifecycleEventName::parse(&key.name).filter(|e| allowed.contains(e));
            let Some(event) = event else {
                let names: Vec<&str> = allowed.iter().map(|e| e.as_str()).collect();
                let hint = closest(&key.name, &names);
                f.error(
                    key.line,
                    key.column,
                    format!(
                        "{} is not {} hook{}; the hooks are {}",
                        key.name,
                        platform.with_article(),
                        hint.map(|h| format!(" (did you mean {h}?)")).unwrap_or_default(),
                        names.join(", ")
                    ),
                );
                continue;
            };
            hook_function(key, function, event, platform, file, out, f);
        }
        if !item.is_map() {
            f.error(
                item.line,
                item.column,
                format!("a Hooks entry is EventName: FunctionName, found {}", item.describe()),
            );
        }
    }
}

/// The entries of an ECS or Lambda AppSpec's `Hooks`, or `None` (with an error unless it
/// is empty) when it is not a list.
fn hook_list<'n>(hooks: &'n Node, platform: ComputePlatform, f: &mut Findings) -> Option<&'n Vec<Node>> {
    match &hooks.value {
        Value::Null => None,
        Value::Seq(items) => Some(items),
        Value::Map(entries) => {
            let scripts = entries.iter().any(|(_, v)| matches!(v.value, Value::Seq(_)));
            let (line, column) = entries
                .first()
                .map_or((hooks.line, hooks.column), |(k, _)| (k.line, k.column));
            f.error(
                line,
                column,
                if scripts {
                    format!(
                        "{} hooks take Lambda function names, not scripts: write Hooks as a list of - EventName: FunctionName (§5)",
                        platform.api_name()
                    )
                } else {
                    "Hooks is a list of - EventName: FunctionName (§5), not a map".to_string()
                },
            );
            None
        }
        _ => {
            f.error(
                hooks.line,
                hooks.column,
                format!(
                    "Hooks is a list of - EventName: FunctionName, found {}",
                    hooks.describe()
                ),
            );
            None
        }
    }
}

/// One `EventName: FunctionName` entry of an ECS or Lambda AppSpec.
fn hook_function(
    key: &Key,
    function: &Node,
    event: LifecycleEventName,
    platform: ComputePlatform,
    file: usize,
    out: &mut Deployment,
    f: &mut Findings,
) {
    match &function.value {
        Value::Str(s) if s.trim().is_empty() => {
            f.error(
                function.line,
                function.column,
                format!("{event} needs a Lambda function name (it is empty)"),
            );
        }
        Value::Str(s) => {
            if let Some(p) = placeholder(s) {
                f.warn(
                    function.line,
                    function.column,
                    format!("unrendered template placeholder {p} in the {event} function name"),
                );
            }
            if out.functions.iter().any(|(e, a)| *e == event && a.origin.file == file) {
                f.error(
                    key.line,
                    key.column,
                    format!("{event} is listed twice: each hook is one function"),
                );
            }
            out.add_function(event, At::new(s.clone(), Origin::of(file, function)));
        }
        Value::Seq(_) | Value::Map(_) => f.error(
            function.line,
            function.column,
            format!(
                "{} hooks take Lambda function names, not scripts: {event} needs one function name",
                platform.api_name()
            ),
        ),
        _ => f.error(
            function.line,
            function.column,
            format!("{event} needs a Lambda function name, found {}", function.describe()),
        ),
    }
}

/// Records the platform a file implies; a second, different one is a problem.
pub fn set_platform(out: &mut Deployment, p: ComputePlatform, origin: Origin, f: &mut Findings) {
    match &out.platform {
        Some(q) if q.value != p => f.error(
            origin.line,
            origin.column,
            format!(
                "this is {} deployment, but another file describes {} one",
                p.with_article(),
                q.value.with_article()
            ),
        ),
        Some(_) => {}
        None => out.platform = Some(At::new(p, origin)),
    }
}
