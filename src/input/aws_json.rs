//! AWS CLI JSON (camelCase): the `--cli-input-json` of create-deployment-group,
//! create-deployment-config and create-deployment, and the output of get-deployment-group,
//! batch-get-deployment-groups, get-deployment-config, get-deployment and
//! batch-get-deployments; and AWS CLI example pages (the `aws deploy …` command's options
//! and the JSON block after `Output::`).
//!
//! A file with several groups or deployments gives the one named by `--select`, else the
//! first (with a warning). From a deployment (get-deployment) cdsim takes the
//! configuration name, `ignoreApplicationStopFailures` and, as the fleet size, the sum of
//! `deploymentOverview`'s counts.
//!
//! Not here: the shapes themselves (`shapes`, shared with CloudFormation).

use super::Options;
use super::document::{self, Node, Value};
use super::model::{At, ConfigDef, Deployment, Findings, MinimumDef, Number, Origin, TrafficDef};
use super::shapes::{self, Style};

const WRAPPERS: &[&str] = &[
    "deploymentGroupInfo",
    "deploymentGroupsInfo",
    "deploymentConfigInfo",
    "deploymentInfo",
    "deploymentsInfo",
];

const TOP: &[&str] = &[
    "applicationName",
    "deploymentGroupName",
    "deploymentConfigName",
    "minimumHealthyHosts",
    "trafficRoutingConfig",
    "zonalConfig",
    "revision",
    "deploymentConfigId",
    "deploymentStyle",
    "ecsServices",
];

/// Whether a document is AWS CLI JSON.
pub fn looks_like(root: &Node) -> bool {
    WRAPPERS.iter().chain(TOP).any(|k| root.get(k).is_some())
}

/// Reads AWS CLI JSON into `out`.
pub fn read(root: &Node, file: usize, options: &Options, out: &mut Deployment, f: &mut Findings) {
    if let Some(c) = root.get("deploymentConfigInfo") {
        if let Some(c) = shapes::config(c, Style::Camel, file, f) {
            out.configs.push(c.clone());
            out.config = Some(c);
        }
    } else if let Some(g) = root.get("deploymentGroupInfo") {
        group(g, file, out, f);
    } else if let Some(list) = root.get("deploymentGroupsInfo") {
        if let Some(g) = pick(list, "deploymentGroupName", "deployment groups", options, f) {
            group(g, file, out, f);
        }
    } else if let Some(d) = root.get("deploymentInfo") {
        deployment(d, file, options, out, f);
    } else if let Some(list) = root.get("deploymentsInfo") {
        if let Some(d) = pick(list, "deploymentId", "deployments", options, f) {
            deployment(d, file, options, out, f);
        }
    } else if ["minimumHealthyHosts", "trafficRoutingConfig", "zonalConfig"]
        .iter()
        .any(|k| root.get(k).is_some())
    {
        if let Some(c) = shapes::config(root, Style::Camel, file, f) {
            out.configs.push(c.clone());
            out.config = Some(c);
        }
    } else if root.get("revision").is_some() || root.get("deploymentId").is_some() {
        deployment(root, file, options, out, f);
    } else if root.get("deploymentConfigId").is_some() && root.entries().len() == 1 {
        f.error(
            root.line,
            root.column,
            "only a deploymentConfigId: nothing to import (the configuration is in the command that created it)",
        );
    } else {
        group(root, file, out, f);
    }
}

fn group(node: &Node, file: usize, out: &mut Deployment, f: &mut Findings) {
    let info = shapes::group(node, Style::Camel, file, out, f);
    if let Some(n) = info.config_name {
        out.config_name = Some(n);
    }
    if info.blue_green.is_some() {
        out.blue_green = info.blue_green;
    }
}

/// The element named by `--select` (by `key`), else the first.
fn pick<'n>(list: &'n Node, key: &str, what: &str, options: &Options, f: &mut Findings) -> Option<&'n Node> {
    let items = list.items();
    let name = |n: &Node| n.get(key).and_then(|v| v.scalar_text()).unwrap_or_default();
    if let Some(s) = &options.select {
        let found = items.iter().find(|n| &name(n) == s);
        if found.is_none() {
            let names: Vec<String> = items.iter().map(name).collect();
            f.error(
                list.line,
                list.column,
                format!("--select \"{s}\": the file's {what} are {}", names.join(", ")),
            );
        }
        return found;
    }
    match items {
        [] => {
            f.error(list.line, list.column, format!("the list of {what} is empty"));
            None
        }
        [one] => Some(one),
        [first, ..] => {
            let names: Vec<String> = items.iter().map(name).collect();
            f.warn(
                first.line,
                first.column,
                format!(
                    "the file holds {} {what} ({}); the first is imported (choose with --select NAME)",
                    items.len(),
                    names.join(", ")
                ),
            );
            Some(first)
        }
    }
}

/// A deployment (CreateDeployment's input or DeploymentInfo).
fn deployment(node: &Node, file: usize, options: &Options, out: &mut Deployment, f: &mut Findings) {
    if let Some(n) = node.get("deploymentConfigName")
        && let Some(s) = n.scalar_text()
    {
        out.config_name = Some(At::new(s, Origin::of(file, n)));
    }
    if let Some(i) = node.get("ignoreApplicationStopFailures") {
        match i.value {
            Value::Bool(b) => out.ignore_application_stop_failures = Some(At::new(b, Origin::of(file, i))),
            _ => f.error(
                i.line,
                i.column,
                format!(
                    "ignoreApplicationStopFailures must be true or false, found {}",
                    i.describe()
                ),
            ),
        }
    }
    if let Some(p) = node.get("computePlatform")
        && let Some(platform) = p.as_str().and_then(crate::config::ComputePlatform::parse)
    {
        super::appspec::set_platform(out, platform, Origin::of(file, p), f);
    }
    if let Some(o) = node.get("deploymentOverview")
        && options.instances.is_none()
    {
        let total: i64 = o
            .entries()
            .iter()
            .filter_map(|(_, v)| if let Value::Int(i) = v.value { Some(i) } else { None })
            .sum();
        if let Ok(n) = u32::try_from(total)
            && n > 0
        {
            out.instances = Some(At::new(n, Origin::of(file, o)));
        }
    }
    if let Some(b) = node
        .get("revision")
        .and_then(|r| r.get("s3Location"))
        .and_then(|s| s.get("bundleType"))
        && matches!(b.as_str(), Some("YAML" | "JSON"))
    {
        out.notes.push("the revision is an AppSpec file (bundleType YAML or JSON): an ECS or Lambda deployment; import it with the AppSpec to say which".to_string());
    }
    if let Some(a) = node.get("autoRollbackConfiguration")
        && a.get("enabled").is_some_and(|e| e.value == Value::Bool(true))
    {
        out.auto_rollback_events = Some(
            a.get("events")
                .map(|e| e.items().iter().filter_map(|i| i.scalar_text()).collect())
                .unwrap_or_default(),
        );
    }
    if let Some(s) = node.get("deploymentStyle")
        && let Some(t) = s.get("deploymentType")
        && t.as_str() == Some("BLUE_GREEN")
    {
        out.blue_green = Some(Origin::of(file, t));
    }
}

// ----- example pages and transcripts ---------------------------------------------------

/// Reads an AWS CLI example page: the `aws deploy` command and the JSON after `Output::`.
pub fn read_transcript(text: &str, file: usize, options: &Options, out: &mut Deployment, f: &mut Findings) {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = false;
    if let Some((start, tokens)) = command(&lines) {
        found |= command_options(&tokens, start, file, out, f);
    }
    if let Some(k) = lines.iter().position(|l| l.trim() == "Output::") {
        // Keep the block's lines where they are and blank the others, so that locations in
        // the JSON are locations in the page.
        let mut end = k + 1;
        while end < lines.len() && (lines[end].trim().is_empty() || lines[end].starts_with([' ', '\t'])) {
            end += 1;
        }
        let blanked: String = lines
            .iter()
            .enumerate()
            .map(|(i, l)| if i > k && i < end { *l } else { "" })
            .collect::<Vec<_>>()
            .join("\n");
        match document::read_json(&blanked) {
            Ok(doc) => {
                f.warnings.extend(doc.warnings.iter().cloned());
                let only_id = doc.root.get("deploymentConfigId").is_some() && doc.root.entries().len() == 1;
                if !only_id && looks_like(&doc.root) {
                    read(&doc.root, file, options, out, f);
                    found = true;
                }
            }
            Err(p) => f.problems.push(p),
        }
    }
    if !found && f.problems.is_empty() {
        f.error(
            1,
            1,
            "no `aws deploy` command with a configuration and no Output:: JSON block that cdsim can import",
        );
    }
}

/// The first `aws deploy …` command (with `\` continuations): its first line and tokens
/// with their (line, column).
/// A command-line token and its (line, column).
type Token = (String, u64, u64);

fn command(lines: &[&str]) -> Option<(usize, Vec<Token>)> {
    let start = lines.iter().position(|l| l.trim_start().starts_with("aws deploy "))?;
    let mut tokens = Vec::new();
    let mut i = start;
    loop {
        let line = lines[i];
        let mut chars = line.char_indices().peekable();
        while let Some(&(pos, c)) = chars.peek() {
            if c.is_whitespace() || (c == '\\' && line[pos..].trim() == "\\") {
                chars.next();
                continue;
            }
            let column = line[..pos].chars().count() as u64 + 1;
            let mut token = String::new();
            let mut quote: Option<char> = None;
            while let Some(&(_, c)) = chars.peek() {
                match (quote, c) {
                    (None, '"' | '\'') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    (None, c) if c.is_whitespace() => break,
                    (_, c) => token.push(c),
                }
                chars.next();
            }
            tokens.push((token, i as u64 + 1, column));
        }
        if line.trim_end().ends_with('\\') && i + 1 < lines.len() {
            i += 1;
        } else {
            break;
        }
    }
    Some((start, tokens))
}

/// create-deployment-config's options; returns whether a configuration was found.
fn command_options(tokens: &[Token], _start: usize, file: usize, out: &mut Deployment, f: &mut Findings) -> bool {
    if tokens.get(2).map(|t| t.0.as_str()) != Some("create-deployment-config") {
        return false;
    }
    let origin = |t: &Token| Origin {
        file,
        line: t.1,
        column: t.2,
    };
    let mut c = ConfigDef {
        origin: origin(&tokens[2]),
        ..ConfigDef::default()
    };
    let value = |k: usize| tokens.get(k + 1);
    for (k, (token, line, column)) in tokens.iter().enumerate() {
        match token.as_str() {
            "--deployment-config-name" => c.name = value(k).map(|v| At::new(v.0.clone(), origin(v))),
            "--compute-platform" => c.platform = value(k).map(|v| At::new(v.0.clone(), origin(v))),
            "--minimum-healthy-hosts" => {
                let Some(v) = value(k) else { continue };
                let fields = shorthand(&v.0);
                match (
                    fields.iter().find(|(k, _)| k == "type"),
                    fields.iter().find(|(k, _)| k == "value"),
                ) {
                    (Some((_, t)), Some((_, n))) => {
                        c.minimum_healthy_hosts = Some(MinimumDef {
                            kind: At::new(t.clone(), origin(v)),
                            value: At::new(
                                n.trim().parse().map_or_else(|_| Number::Text(n.clone()), Number::Int),
                                origin(v),
                            ),
                        })
                    }
                    _ => f.error(
                        v.1,
                        v.2,
                        "--minimum-healthy-hosts takes type=HOST_COUNT|FLEET_PERCENT,value=N",
                    ),
                }
            }
            "--traffic-routing-config" => {
                let Some(v) = value(k) else { continue };
                let fields = shorthand(&v.0);
                let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                match get("type") {
                    Some(kind) => {
                        let num = |s: Option<String>| {
                            At::new(
                                s.map_or(Number::Text(String::new()), |s| {
                                    s.parse().map_or(Number::Text(s), Number::Int)
                                }),
                                origin(v),
                            )
                        };
                        let step = match kind.as_str() {
                            "TimeBasedCanary" => Some((num(get("canaryPercentage")), num(get("canaryInterval")))),
                            "TimeBasedLinear" => Some((num(get("linearPercentage")), num(get("linearInterval")))),
                            _ => None,
                        };
                        c.traffic = Some(TrafficDef {
                            kind: At::new(kind, origin(v)),
                            step,
                            origin: origin(v),
                        });
                    }
                    None => f.error(
                        v.1,
                        v.2,
                        "--traffic-routing-config takes type=…,timeBasedCanary={canaryPercentage=N,canaryInterval=M}",
                    ),
                }
            }
            t if t.starts_with("--") => f.warn(*line, *column, format!("{t} is not read by cdsim; ignored")),
            _ => {}
        }
    }
    out.configs.push(c.clone());
    out.config = Some(c);
    true
}

/// `a=1,b={c=2,d=3}` → [(a, 1), (c, 2), (d, 3)] (nested keys flattened), or JSON.
fn shorthand(text: &str) -> Vec<(String, String)> {
    if text.trim_start().starts_with('{')
        && let Ok(doc) = document::read_json(text)
    {
        let mut out = Vec::new();
        flatten(&doc.root, &mut out);
        return out;
    }
    text.split([',', '{', '}'])
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_start_matches('{').to_string()))
        .collect()
}

fn flatten(node: &Node, out: &mut Vec<(String, String)>) {
    for (k, v) in node.entries() {
        match v.scalar_text() {
            Some(s) => out.push((k.name.clone(), s)),
            None => flatten(v, out),
        }
    }
}
