//! Writes the imported [`Deployment`] as scenario YAML: an editable file that goes through
//! the same validation as any scenario (`scenario::load_str`). Each written line remembers
//! the AWS file, line and column its value came from, so a problem validation finds is
//! reported where the user wrote it.
//!
//! The defaults filled in here, for what AWS files do not say, are listed in
//! `scenarios/README.md` ("Importing AWS files"): 10 instances or tasks (`--instances`),
//! the platform's default configuration (`CodeDeployDefault.OneAtATime`, `ECSAllAtOnce`,
//! `LambdaAllAtOnce`), the scenario's own duration defaults (5 s per script, 10 s per hook
//! function), Lambda versions 1 → 2. Each default is marked with a comment in the output.
//!
//! Not here: reading any AWS format, or validating (the scenario validator does that).

use super::model::{At, ConfigDef, Deployment, EcsDef, MinimumDef, Number, Origin};
use crate::config::{ComputePlatform, predefined};
use crate::input::cloudwatch::template_alarm::{period_text, scenario_metric};
use crate::input::document::format_float;
use crate::input::model::TemplateAlarm;
use crate::scenario::text::closest;

/// The default fleet size (Server instances, ECS tasks per task set).
pub const DEFAULT_INSTANCES: u32 = 10;

/// Scenario YAML and, per line, where its value came from.
pub struct Emitted {
    /// The scenario YAML.
    pub text: String,
    /// Per line of `text`, the AWS file value it came from, if any.
    pub origins: Vec<Option<Origin>>,
    /// What was assumed, as warnings without a location (file 0).
    pub assumed: Vec<String>,
}

struct Writer {
    text: String,
    origins: Vec<Option<Origin>>,
}

impl Writer {
    fn line(&mut self, indent: usize, content: &str, origin: Option<Origin>) {
        self.text.push_str(&" ".repeat(indent));
        self.text.push_str(content);
        self.text.push('\n');
        self.origins.push(origin);
    }

    fn field(&mut self, indent: usize, key: &str, value: &str, origin: Option<Origin>) {
        self.line(indent, &format!("{key}: {value}"), origin);
    }

    fn number(&mut self, indent: usize, key: &str, n: &At<Number>) {
        self.field(indent, key, &number(&n.value), Some(n.origin));
    }

    /// `key: "value"` as the files give it, or `key: "default"` marked as cdsim's default.
    fn text_or_default(&mut self, indent: usize, key: &str, value: Option<(&str, Option<Origin>)>, default: &str) {
        match value {
            Some((v, origin)) => self.field(indent, key, &quote(v), origin),
            None => self.line(indent, &format!("{key}: {}   # cdsim default", quote(default)), None),
        }
    }
}

/// A string as a double-quoted YAML scalar (JSON escaping is valid YAML).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{feff}' || ('\u{80}'..='\u{9f}').contains(&c) => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn number(n: &Number) -> String {
    match n {
        Number::Int(i) => i.to_string(),
        Number::Text(t) => quote(t),
    }
}

/// The configuration the deployment uses: a predefined name, or a definition.
enum Chosen<'a> {
    Named(String, Option<Origin>),
    Defined(&'a ConfigDef),
}

/// The compute platform the files say, if any.
pub fn platform_of(d: &Deployment) -> Option<ComputePlatform> {
    d.platform
        .as_ref()
        .map(|p| p.value)
        .or_else(|| d.config.as_ref().and_then(config_platform))
        .or_else(|| config_by_name(d).and_then(config_platform))
        .or_else(|| (d.configs.len() == 1).then(|| config_platform(&d.configs[0])).flatten())
}

/// Writes the scenario.
pub fn scenario(d: &Deployment, name: &str, sources: &[String], instances: Option<u32>) -> Emitted {
    let mut w = Writer {
        text: String::new(),
        origins: Vec::new(),
    };
    let mut assumed = Vec::new();
    let platform = platform_of(d).unwrap_or_else(|| {
        assumed.push(
            "nothing says the compute platform: Server (EC2/on-premises) assumed, as CreateApplication's default"
                .to_string(),
        );
        ComputePlatform::Server
    });
    header(&mut w, d, name, sources, platform);
    let chosen = choose_config(d, platform, &mut assumed);
    match &chosen {
        Chosen::Named(n, origin) => {
            let mark = if origin.is_none() {
                "   # cdsim default: the platform's default configuration"
            } else {
                ""
            };
            w.line(0, &format!("deploymentConfigName: {}{mark}", quote(n)), *origin);
        }
        Chosen::Defined(c) => config(&mut w, c, platform),
    }
    match platform {
        ComputePlatform::Server => {
            let zonal = match &chosen {
                Chosen::Defined(c) => c.zonal.is_some(),
                Chosen::Named(..) => false,
            };
            server(&mut w, d, instances, zonal);
        }
        ComputePlatform::Ecs => ecs(&mut w, d, instances),
        ComputePlatform::Lambda => lambda(&mut w, d),
    }
    monitoring(&mut w, d, platform);
    Emitted {
        text: w.text,
        origins: w.origins,
        assumed,
    }
}

/// Where the scenario comes from, and its name, description and platform.
fn header(w: &mut Writer, d: &Deployment, name: &str, sources: &[String], platform: ComputePlatform) {
    w.line(0, &format!("# Imported by cdsim from {}.", sources.join(", ")), None);
    w.line(
        0,
        "# Lines marked \"cdsim default\" are not in the AWS files: edit them to match your deployment.",
        None,
    );
    for note in &d.notes {
        w.line(0, &format!("# {note}"), None);
    }
    w.field(0, "name", &quote(name), None);
    w.field(
        0,
        "description",
        &quote(&format!("Imported from {}", sources.join(", "))),
        None,
    );
    w.field(
        0,
        "computePlatform",
        platform.api_name(),
        d.platform.as_ref().map(|p| p.origin),
    );
}

/// The instance or task count: `--instances`, else what the files say, else the default.
fn count_line(w: &mut Writer, d: &Deployment, instances: Option<u32>, indent: usize, key: &str) {
    match (instances, &d.instances) {
        (Some(n), _) => w.field(indent, key, &n.to_string(), None),
        (None, Some(n)) => w.field(indent, key, &n.value.to_string(), Some(n.origin)),
        (None, None) => w.line(
            indent,
            &format!("{key}: {DEFAULT_INSTANCES}   # cdsim default (--instances N)"),
            None,
        ),
    }
}

/// The Server part: fleet, load balancer, blue/green settings and hooks.
fn server(w: &mut Writer, d: &Deployment, instances: Option<u32>, zonal: bool) {
    w.line(0, "fleet:", None);
    count_line(w, d, instances, 2, "instances");
    if !d.zones.is_empty() {
        let zones: Vec<String> = d.zones.iter().map(|z| quote(z)).collect();
        w.field(2, "availabilityZones", &format!("[{}]", zones.join(", ")), None);
    } else if zonal {
        w.line(
            2,
            "availabilityZones: [\"az-1\", \"az-2\", \"az-3\"]   # cdsim default: a zonal configuration needs zones",
            None,
        );
    }
    if d.load_balancer == Some(true) {
        w.line(
            0,
            "loadBalancer: {}   # the deployment group has traffic control; health checks are cdsim defaults",
            None,
        );
    } else if d.blue_green.is_some() {
        w.line(
            0,
            "loadBalancer: {}   # cdsim default: blue/green needs a load balancer; health checks are cdsim defaults",
            None,
        );
    }
    if let Some(origin) = d.blue_green {
        ec2_blue_green(w, d, origin);
    }
    if let Some(i) = &d.ignore_application_stop_failures {
        w.field(0, "ignoreApplicationStopFailures", &i.value.to_string(), Some(i.origin));
    }
    hooks(w, d);
}

/// The AppSpec's scripts, by lifecycle event.
fn hooks(w: &mut Writer, d: &Deployment) {
    let mut scripts: Vec<_> = d.scripts.iter().filter(|(_, s)| !s.is_empty()).collect();
    scripts.sort_by_key(|(e, _)| e.index());
    if scripts.is_empty() {
        return;
    }
    w.line(0, "hooks:", None);
    for (event, list) in scripts {
        w.line(2, &format!("{event}:"), None);
        // §4.4: one event's scripts share at most 3600 s; scripts without a
        // timeout share what the others leave.
        let given: i64 = list
            .iter()
            .filter_map(|s| match s.timeout.as_ref().map(|t| &t.value) {
                Some(Number::Int(i)) => Some(*i),
                _ => None,
            })
            .fold(0, i64::saturating_add);
        let missing = list.iter().filter(|s| s.timeout.is_none()).count() as i64;
        let share = if missing > 0 {
            (3600_i64.saturating_sub(given) / missing).max(1)
        } else {
            3600
        };
        for s in list {
            w.line(
                4,
                &format!("- location: {}", quote(&s.location.value)),
                Some(s.location.origin),
            );
            if let Some(t) = &s.timeout {
                w.number(6, "timeout", t);
            } else if list.len() > 1 {
                w.line(
                    6,
                    &format!(
                        "timeout: {share}   # cdsim default: the event's 3600 s shared by the scripts without a timeout"
                    ),
                    Some(s.location.origin),
                );
            }
            if let Some(r) = &s.runas {
                w.field(6, "runas", &quote(r), None);
            }
            w.line(6, "duration: 5s   # cdsim default", None);
        }
    }
}

/// The ECS part: the service, its tasks, the ready wait and the hook functions.
fn ecs(w: &mut Writer, d: &Deployment, instances: Option<u32>) {
    let e = d.ecs.clone().unwrap_or_default();
    w.line(0, "ecsService:", None);
    w.text_or_default(2, "clusterName", e.cluster.as_deref().map(|c| (c, None)), "cluster");
    w.text_or_default(2, "serviceName", e.service.as_deref().map(|c| (c, None)), "service");
    match (&e.tasks, instances) {
        (Some(t), None) => w.number(2, "tasks", t),
        _ => count_line(w, d, instances, 2, "tasks"),
    }
    if let Some(t) = e.test_listener {
        w.field(2, "testListener", &t.to_string(), None);
    }
    ready_option(w, &e);
    if let Some(t) = &e.termination_wait_minutes {
        w.number(2, "terminationWaitTimeInMinutes", t);
    }
    functions(w, d);
}

/// The Lambda part: the function, its alias and versions, and the hook functions.
fn lambda(w: &mut Writer, d: &Deployment) {
    let l = d.lambda.clone().unwrap_or_default();
    w.line(0, "lambdaFunction:", None);
    let field = |w: &mut Writer, key: &str, v: &Option<At<String>>, default: &str| {
        w.text_or_default(2, key, v.as_ref().map(|v| (v.value.as_str(), Some(v.origin))), default);
    };
    field(w, "functionName", &l.function_name, "my-function");
    field(w, "alias", &l.alias, "live");
    field(w, "currentVersion", &l.current_version, "1");
    field(w, "targetVersion", &l.target_version, "2");
    functions(w, d);
}

/// The group's alarms (`alarm_configuration`) and its `autoRollbackConfiguration`.
fn monitoring(w: &mut Writer, d: &Deployment, platform: ComputePlatform) {
    alarm_configuration(w, d, platform);
    if let Some(events) = d.auto_rollback_events.as_ref().filter(|e| !e.is_empty()) {
        let quoted: Vec<String> = events.iter().map(|e| quote(e)).collect();
        w.line(0, "autoRollbackConfiguration:", None);
        w.field(2, "events", &format!("[{}]", quoted.join(", ")), None);
    }
}

/// `deploymentReadyOption` (ECS and EC2 blue/green), when the files give one.
fn ready_option(w: &mut Writer, e: &EcsDef) {
    if let Some((action, wait)) = &e.ready {
        w.line(2, "deploymentReadyOption:", None);
        w.field(4, "actionOnTimeout", &quote(&action.value), Some(action.origin));
        if let Some(m) = wait.as_ref().filter(|_| action.value == "STOP_DEPLOYMENT") {
            w.number(4, "waitTimeInMinutes", m);
            w.line(
                4,
                "# continueAfter: 5m   # when ContinueDeployment is called; without it the wait runs out (Stopped)",
                None,
            );
        }
    }
}

/// The deployment group's alarms: those defined in a template with a metric cdsim models
/// as `alarmConfiguration`, the others as a comment (cdsim needs a metric and a threshold).
fn alarm_configuration(w: &mut Writer, d: &Deployment, platform: ComputePlatform) {
    let defined = |name: &String| d.template_alarms.iter().find(|t| t.is_named(name));
    let simulated: Vec<(&TemplateAlarm, &str, f64)> = d
        .alarms
        .iter()
        .filter_map(defined)
        .filter_map(|t| scenario_metric(&t.alarm, platform).map(|(m, scale)| (t, m, scale)))
        .collect();
    if !simulated.is_empty() {
        w.line(0, "alarmConfiguration:", None);
        w.line(2, "alarms:", None);
    }
    for (t, metric, scale) in &simulated {
        let a = &t.alarm;
        let o = Some(t.origin);
        w.field(4, "- name", &quote(&a.name), o);
        w.line(
            6,
            &format!(
                "metric: {metric}   # {} {} {}",
                a.namespace,
                a.metric_name,
                a.statistic.name()
            ),
            o,
        );
        w.field(6, "period", &period_text(a.period), o);
        w.field(6, "evaluationPeriods", &a.rule.evaluation_periods.to_string(), o);
        w.field(6, "datapointsToAlarm", &a.rule.datapoints_to_alarm.to_string(), o);
        w.field(6, "threshold", &format_float(a.rule.threshold * scale), o);
        w.field(6, "comparisonOperator", a.rule.comparison.as_str(), o);
        w.field(6, "treatMissingData", a.rule.treat_missing_data.as_str(), o);
    }
    let rest: Vec<&String> = d
        .alarms
        .iter()
        .filter(|n| !simulated.iter().any(|(t, _, _)| t.is_named(n)))
        .collect();
    if rest.is_empty() {
        return;
    }
    w.line(
        0,
        "# The deployment group's alarms; cdsim needs each one's metric and threshold to simulate it:",
        None,
    );
    for name in &rest {
        if let Some(t) = defined(name) {
            let a = &t.alarm;
            w.line(
                0,
                &format!(
                    "#   {}: {} {} {} {} {} (not modelled: replay recorded data with cdsim alarms dry-run)",
                    quote(name),
                    a.namespace,
                    a.metric_name,
                    a.statistic.name(),
                    a.rule.comparison.as_str(),
                    format_float(a.rule.threshold)
                ),
                None,
            );
        }
    }
    let undefined: Vec<String> = rest.iter().filter(|n| defined(n).is_none()).map(|n| quote(n)).collect();
    if !undefined.is_empty() {
        w.line(
            0,
            &format!(
                "#   alarmConfiguration: {{alarms: [{{name: …, metric: errorRate, threshold: …}}]}} for {}",
                undefined.join(", ")
            ),
            None,
        );
    }
}

/// `blueGreenDeploymentConfiguration` of an EC2 deployment group (§6.1).
fn ec2_blue_green(w: &mut Writer, d: &Deployment, origin: Origin) {
    let bg = &d.ec2_blue_green;
    let ecs = d.ecs.clone().unwrap_or_default();
    w.line(0, "blueGreenDeploymentConfiguration:", Some(origin));
    w.line(2, "greenFleetProvisioningOption:", None);
    match &bg.green_fleet_action {
        Some(a) => w.field(4, "action", &quote(&a.value), Some(a.origin)),
        None => w.line(4, "action: COPY_AUTO_SCALING_GROUP   # cdsim default", None),
    }
    ready_option(w, &ecs);
    let keep_alive = bg.terminate_action.as_ref().is_some_and(|a| a.value == "KEEP_ALIVE");
    if bg.terminate_action.is_some() || ecs.termination_wait_minutes.is_some() {
        w.line(2, "terminateBlueInstancesOnDeploymentSuccess:", None);
        match &bg.terminate_action {
            Some(a) => w.field(4, "action", &quote(&a.value), Some(a.origin)),
            None => w.line(4, "action: TERMINATE   # cdsim default", None),
        }
        if let Some(t) = ecs.termination_wait_minutes.as_ref().filter(|_| !keep_alive) {
            w.number(4, "terminationWaitTimeInMinutes", t);
        }
    }
}

fn functions(w: &mut Writer, d: &Deployment) {
    if d.functions.is_empty() {
        return;
    }
    let mut list: Vec<_> = d.functions.iter().collect();
    list.sort_by_key(|(e, _)| e.index());
    w.line(0, "hookFunctions:", None);
    for (event, function) in list {
        w.line(2, &format!("{event}:"), None);
        w.field(4, "function", &quote(&function.value), Some(function.origin));
        w.line(4, "duration: 10s   # cdsim default", None);
    }
}

fn config_platform(c: &ConfigDef) -> Option<ComputePlatform> {
    match c.platform.as_ref().map(|p| p.value.as_str()) {
        Some(p) => ComputePlatform::parse(p),
        None if c.traffic.is_some() => None,
        None => c.minimum_healthy_hosts.as_ref().map(|_| ComputePlatform::Server),
    }
}

/// The definition of the configuration named by the files, if they define it.
fn config_by_name(d: &Deployment) -> Option<&ConfigDef> {
    let name = d.config_name.as_ref()?;
    d.configs.iter().find(|c| {
        c.name.as_ref().is_some_and(|n| n.value == name.value) || c.logical_id.as_deref() == Some(name.value.as_str())
    })
}

fn default_name(p: ComputePlatform) -> &'static str {
    match p {
        ComputePlatform::Server => "CodeDeployDefault.OneAtATime",
        ComputePlatform::Ecs => "CodeDeployDefault.ECSAllAtOnce",
        ComputePlatform::Lambda => "CodeDeployDefault.LambdaAllAtOnce",
    }
}

fn choose_config<'a>(d: &'a Deployment, platform: ComputePlatform, assumed: &mut Vec<String>) -> Chosen<'a> {
    // The configuration a group or deployment names wins; definitions are looked up by
    // name (or a template's logical id).
    if let Some(name) = &d.config_name {
        let chosen = if predefined::find(&name.value).is_some() {
            Chosen::Named(name.value.clone(), Some(name.origin))
        } else if let Some(c) = config_by_name(d) {
            named_or_defined(c)
        } else {
            // A misspelt predefined or SAM name gets the one did-you-mean rule.
            let hint = closest(&name.value, &predefined::NAMES)
                .map(|n| format!(" (did you mean {n}?)"))
                .unwrap_or_default();
            assumed.push(format!(
                "{}{hint} is a custom deployment configuration that the files do not define: {} assumed; give its \
                 definition (a create-deployment-config JSON or an AWS::CodeDeploy::DeploymentConfig) as another file",
                name.value,
                default_name(platform)
            ));
            Chosen::Named(default_name(platform).to_string(), None)
        };
        if let Some(other) = d
            .config
            .as_ref()
            .and_then(|c| c.name.as_ref())
            .filter(|n| n.value != name.value)
        {
            assumed.push(format!(
                "the files define configuration \"{}\", but the deployment uses \"{}\"",
                other.value, name.value
            ));
        }
        return chosen;
    }
    if let Some(c) = &d.config {
        return named_or_defined(c);
    }
    let same: Vec<&ConfigDef> = d
        .configs
        .iter()
        .filter(|c| config_platform(c).is_none_or(|p| p == platform))
        .collect();
    if let Some(first) = same.first() {
        if same.len() > 1 {
            assumed.push(format!(
                "the files define {} deployment configurations and nothing says which is used: the first, {}, is used",
                same.len(),
                first.name.as_ref().map_or("(unnamed)", |n| n.value.as_str())
            ));
        }
        return named_or_defined(first);
    }
    Chosen::Named(default_name(platform).to_string(), None)
}

fn named_or_defined(c: &ConfigDef) -> Chosen<'_> {
    match &c.name {
        Some(n) if predefined::find(&n.value).is_some() && c.minimum_healthy_hosts.is_none() && c.traffic.is_none() => {
            Chosen::Named(n.value.clone(), Some(n.origin))
        }
        _ => Chosen::Defined(c),
    }
}

fn config(w: &mut Writer, c: &ConfigDef, platform: ComputePlatform) {
    w.line(0, "deploymentConfig:", Some(c.origin));
    if let Some(n) = &c.name {
        w.field(2, "deploymentConfigName", &quote(&n.value), Some(n.origin));
    }
    match &c.platform {
        Some(p) => w.field(2, "computePlatform", &quote(&p.value), Some(p.origin)),
        None => w.field(2, "computePlatform", platform.api_name(), None),
    }
    if let Some(m) = &c.minimum_healthy_hosts {
        minimum(w, 2, "minimumHealthyHosts", m);
    }
    if let Some(t) = &c.traffic {
        w.line(2, "trafficRoutingConfig:", Some(t.origin));
        w.field(4, "type", &quote(&t.kind.value), Some(t.kind.origin));
        if let Some((p, i)) = &t.step {
            let (block, pk, ik) = match t.kind.value.as_str() {
                "TimeBasedLinear" => ("timeBasedLinear", "linearPercentage", "linearInterval"),
                _ => ("timeBasedCanary", "canaryPercentage", "canaryInterval"),
            };
            if t.kind.value != "AllAtOnce" {
                w.line(4, &format!("{block}:"), Some(t.origin));
                w.number(6, pk, p);
                w.number(6, ik, i);
            }
        }
    }
    if let Some(z) = &c.zonal {
        w.line(2, "zonalConfig:", Some(c.origin));
        if let Some(v) = &z.first_zone_monitor_duration_in_seconds {
            w.number(4, "firstZoneMonitorDurationInSeconds", v);
        }
        if let Some(v) = &z.monitor_duration_in_seconds {
            w.number(4, "monitorDurationInSeconds", v);
        }
        if let Some(m) = &z.minimum_healthy_hosts_per_zone {
            minimum(w, 4, "minimumHealthyHostsPerZone", m);
        }
    }
}

fn minimum(w: &mut Writer, indent: usize, key: &str, m: &MinimumDef) {
    w.line(indent, &format!("{key}:"), Some(m.kind.origin));
    w.field(indent + 2, "type", &quote(&m.kind.value), Some(m.kind.origin));
    w.number(indent + 2, "value", &m.value);
}
