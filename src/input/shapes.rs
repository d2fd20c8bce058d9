//! CodeDeploy's API shapes — DeploymentConfigInfo and DeploymentGroupInfo — read from
//! either key style: the CLI and API's camelCase (`minimumHealthyHosts`) or
//! CloudFormation's PascalCase (`MinimumHealthyHosts`). One reader, two key mappings: every
//! key is named once, in camelCase, and [`Style::key`] spells it for the file.
//!
//! Unknown keys inside the objects read here are errors (they are usually a misplaced or
//! misspelt field); unknown keys at the top of a deployment group are warnings.
//!
//! Not here: intrinsic functions (templates are evaluated before they get here) or what
//! wraps these shapes in a file (`aws_json`, `cloudformation`).

use super::appspec::set_platform;
use super::document::{Node, Value};
use super::model::{At, ConfigDef, Deployment, EcsDef, Findings, MinimumDef, Number, Origin, TrafficDef, ZonalDef};
use crate::config::ComputePlatform;
use crate::scenario::text::unknown_name;

/// How a file spells the API's keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// AWS CLI and API JSON.
    Camel,
    /// CloudFormation.
    Pascal,
}

impl Style {
    /// The file's spelling of a camelCase API key.
    pub fn key(self, camel: &str) -> String {
        match self {
            Style::Camel => camel.to_string(),
            Style::Pascal if camel == "ecsServices" => "ECSServices".to_string(),
            Style::Pascal => {
                let mut c = camel.chars();
                c.next()
                    .map_or_else(String::new, |first| first.to_ascii_uppercase().to_string() + c.as_str())
            }
        }
    }
}

struct Reader<'a> {
    style: Style,
    file: usize,
    f: &'a mut Findings,
}

impl Reader<'_> {
    fn get<'n>(&self, node: &'n Node, camel: &str) -> Option<&'n Node> {
        node.get(&self.style.key(camel))
    }

    fn origin(&self, n: &Node) -> Origin {
        Origin::of(self.file, n)
    }

    /// Errors (or warnings) for keys not in `known` (camelCase).
    fn only(&mut self, node: &Node, what: &str, known: &[&str], strict: bool) {
        let spelled: Vec<String> = known.iter().map(|k| self.style.key(k)).collect();
        for (key, _) in node.entries() {
            if spelled.contains(&key.name) {
                continue;
            }
            let names: Vec<&str> = spelled.iter().map(String::as_str).collect();
            let message = unknown_name("field", &key.name, &format!(" of {what}"), &names);
            if strict {
                self.f.error(key.line, key.column, message);
            } else {
                self.f.warn(key.line, key.column, format!("{message}; ignored"));
            }
        }
    }

    fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n Node> {
        if node.is_map() {
            Some(node)
        } else {
            self.f.error(
                node.line,
                node.column,
                format!("{what} must be a map, found {}", node.describe()),
            );
            None
        }
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<At<String>> {
        match node.scalar_text() {
            Some(s) => Some(At::new(s, self.origin(node))),
            None => {
                self.f.error(
                    node.line,
                    node.column,
                    format!("{what} must be text, found {}", node.describe()),
                );
                None
            }
        }
    }

    fn number(&mut self, node: &Node) -> At<Number> {
        At::new(Number::of(node), self.origin(node))
    }

    fn minimum(&mut self, node: &Node, what: &str) -> Option<MinimumDef> {
        let node = self.map(node, what)?;
        self.only(node, what, &["type", "value"], true);
        let kind = match self.get(node, "type") {
            Some(t) => self.text(t, &format!("{what}.{}", self.style.key("type")))?,
            None => {
                self.f.error(
                    node.line,
                    node.column,
                    format!("{what} needs {}", self.style.key("type")),
                );
                return None;
            }
        };
        let value = match self.get(node, "value") {
            Some(v) => self.number(v),
            None => {
                self.f.error(
                    node.line,
                    node.column,
                    format!("{what} needs {}", self.style.key("value")),
                );
                return None;
            }
        };
        Some(MinimumDef { kind, value })
    }

    /// `trafficRoutingConfig`: its type and its canary or linear step.
    fn traffic_routing(&mut self, t: &Node) -> Option<TrafficDef> {
        let what = self.style.key("trafficRoutingConfig");
        let t = self.map(t, &what)?;
        self.only(t, &what, &["type", "timeBasedCanary", "timeBasedLinear"], true);
        let kind = match self.get(t, "type") {
            Some(k) => self.text(k, "type"),
            None => {
                self.f
                    .error(t.line, t.column, format!("{what} needs {}", self.style.key("type")));
                None
            }
        };
        let step = self.traffic_step(t);
        Some(TrafficDef {
            kind: kind?,
            step,
            origin: self.origin(t),
        })
    }

    /// The first of `timeBasedCanary` and `timeBasedLinear` that `t` holds: its percentage
    /// and interval.
    fn traffic_step(&mut self, t: &Node) -> Option<(At<Number>, At<Number>)> {
        [
            ("timeBasedCanary", "canaryPercentage", "canaryInterval"),
            ("timeBasedLinear", "linearPercentage", "linearInterval"),
        ]
        .iter()
        .find_map(|(block, p, i)| {
            let b = self.get(t, block)?;
            let what = self.style.key(block);
            let b = self.map(b, &what)?;
            self.only(b, &what, &[p, i], true);
            let (pn, inn) = (self.get(b, p), self.get(b, i));
            match (pn, inn) {
                (Some(pn), Some(inn)) => Some((self.number(pn), self.number(inn))),
                _ => {
                    self.f.error(
                        b.line,
                        b.column,
                        format!("{what} needs {} and {}", self.style.key(p), self.style.key(i)),
                    );
                    None
                }
            }
        })
    }

    /// `zonalConfig`: its monitor durations and minimum healthy hosts per zone.
    fn zonal(&mut self, z: &Node) -> Option<ZonalDef> {
        let what = self.style.key("zonalConfig");
        let z = self.map(z, &what)?;
        self.only(
            z,
            &what,
            &[
                "firstZoneMonitorDurationInSeconds",
                "monitorDurationInSeconds",
                "minimumHealthyHostsPerZone",
            ],
            true,
        );
        let mut zd = ZonalDef::default();
        if let Some(v) = self.get(z, "firstZoneMonitorDurationInSeconds") {
            zd.first_zone_monitor_duration_in_seconds = Some(self.number(v));
        }
        if let Some(v) = self.get(z, "monitorDurationInSeconds") {
            zd.monitor_duration_in_seconds = Some(self.number(v));
        }
        if let Some(m) = self.get(z, "minimumHealthyHostsPerZone") {
            let w = self.style.key("minimumHealthyHostsPerZone");
            zd.minimum_healthy_hosts_per_zone = self.minimum(m, &w);
        }
        Some(zd)
    }
}

/// A deployment configuration (CreateDeploymentConfig's input, DeploymentConfigInfo, or an
/// AWS::CodeDeploy::DeploymentConfig's Properties).
pub fn config(node: &Node, style: Style, file: usize, f: &mut Findings) -> Option<ConfigDef> {
    let mut r = Reader { style, file, f };
    let node = r.map(node, "a deployment configuration")?;
    r.only(
        node,
        "a deployment configuration",
        &[
            "deploymentConfigName",
            "computePlatform",
            "minimumHealthyHosts",
            "trafficRoutingConfig",
            "zonalConfig",
            "deploymentConfigId",
            "createTime",
        ],
        true,
    );
    let mut c = ConfigDef {
        origin: r.origin(node),
        ..ConfigDef::default()
    };
    if let Some(n) = r.get(node, "deploymentConfigName") {
        c.name = r.text(n, "deploymentConfigName");
    }
    if let Some(p) = r.get(node, "computePlatform") {
        c.platform = r.text(p, "computePlatform");
    }
    if let Some(m) = r.get(node, "minimumHealthyHosts") {
        let what = style.key("minimumHealthyHosts");
        c.minimum_healthy_hosts = r.minimum(m, &what);
    }
    if let Some(t) = r.get(node, "trafficRoutingConfig") {
        c.traffic = r.traffic_routing(t);
    }
    if let Some(z) = r.get(node, "zonalConfig") {
        c.zonal = r.zonal(z);
    }
    Some(c)
}

/// What a deployment group says beyond the model: its configuration's name as written
/// (possibly a reference to a template resource) and its style.
#[derive(Clone, Debug, Default)]
pub struct GroupInfo {
    /// `deploymentConfigName`, as written.
    pub config_name: Option<At<String>>,
    /// The configuration name was a `Ref` to a template resource.
    pub config_is_resource: bool,
    /// Where `deploymentType: BLUE_GREEN` was written.
    pub blue_green: Option<Origin>,
}

const GROUP_KEYS: &[&str] = &[
    "applicationName",
    "deploymentGroupName",
    "deploymentGroupId",
    "deploymentConfigName",
    "computePlatform",
    "serviceRoleArn",
    "deploymentStyle",
    "blueGreenDeploymentConfiguration",
    "ecsServices",
    "loadBalancerInfo",
    "alarmConfiguration",
    "autoRollbackConfiguration",
    "autoScalingGroups",
    "ec2TagFilters",
    "ec2TagSet",
    "onPremisesInstanceTagFilters",
    "onPremisesTagSet",
    "triggerConfigurations",
    "lastAttemptedDeployment",
    "lastSuccessfulDeployment",
    "targetRevision",
    "outdatedInstancesStrategy",
    "terminationHookEnabled",
    "tags",
    "deployment",
];

/// A deployment group (CreateDeploymentGroup's input, DeploymentGroupInfo, or an
/// AWS::CodeDeploy::DeploymentGroup's Properties), into `out`.
pub fn group(node: &Node, style: Style, file: usize, out: &mut Deployment, f: &mut Findings) -> GroupInfo {
    let mut info = GroupInfo::default();
    let mut r = Reader { style, file, f };
    let Some(node) = r.map(node, "a deployment group") else {
        return info;
    };
    r.only(node, "a deployment group", GROUP_KEYS, false);
    if style == Style::Pascal && r.get(node, "applicationName").is_none() {
        r.f.error(
            node.line,
            node.column,
            "ApplicationName is required in an AWS::CodeDeploy::DeploymentGroup",
        );
    }
    if let Some(n) = r.get(node, "deploymentGroupName").and_then(|n| n.scalar_text()) {
        out.names.push(n);
    }
    if let Some(n) = r.get(node, "deploymentConfigName") {
        info.config_is_resource = n.tag.as_deref() == Some(super::intrinsics::RESOURCE_REF);
        info.config_name = r.text(n, &style.key("deploymentConfigName"));
    }
    group_platform(&mut r, node, out);
    let traffic_control = deployment_style(&mut r, node, &mut info);
    ecs_services(&mut r, node, out);
    load_balancer_info(&mut r, node, out);
    blue_green_configuration(&mut r, node, out);
    alarm_configuration(&mut r, node, out);
    auto_rollback_configuration(&mut r, node, out);
    if let Some(tc) = traffic_control {
        out.load_balancer = Some(tc);
    }
    info
}

/// `computePlatform`, or the platform the group's targets imply.
fn group_platform(r: &mut Reader, node: &Node, out: &mut Deployment) {
    if let Some(p) = r.get(node, "computePlatform") {
        let platform = match p.as_str().and_then(ComputePlatform::parse) {
            Some(platform) => Some(platform),
            None => {
                r.f.error(
                    p.line,
                    p.column,
                    format!("computePlatform must be Server, ECS or Lambda, found {}", p.describe()),
                );
                None
            }
        };
        if let Some(platform) = platform {
            let o = r.origin(p);
            set_platform(out, platform, o, r.f);
        }
    }
    // EC2/on-premises targets say the platform when nothing else does.
    let ec2_targets = [
        "autoScalingGroups",
        "ec2TagFilters",
        "ec2TagSet",
        "onPremisesInstanceTagFilters",
        "onPremisesTagSet",
    ];
    if r.get(node, "computePlatform").is_none()
        && r.get(node, "ecsServices").is_none()
        && out.platform.is_none()
        && let Some(t) = ec2_targets
            .iter()
            .find_map(|k| r.get(node, k).filter(|v| !v.items().is_empty() || v.is_map()))
    {
        let o = r.origin(t);
        set_platform(out, ComputePlatform::Server, o, r.f);
    }
}

/// `deploymentStyle`: blue/green into `info`; returns whether the group has traffic control.
fn deployment_style(r: &mut Reader, node: &Node, info: &mut GroupInfo) -> Option<bool> {
    let mut traffic_control = None;
    let style = r.style;
    if let Some(s) = r.get(node, "deploymentStyle") {
        let what = style.key("deploymentStyle");
        if let Some(s) = r.map(s, &what) {
            r.only(s, &what, &["deploymentType", "deploymentOption"], true);
            if let Some(t) = r.get(s, "deploymentType") {
                match t.as_str() {
                    Some("IN_PLACE") => {}
                    Some("BLUE_GREEN") => info.blue_green = Some(r.origin(t)),
                    _ => r.f.error(
                        t.line,
                        t.column,
                        format!("deploymentType must be IN_PLACE or BLUE_GREEN, found {}", t.describe()),
                    ),
                }
            }
            if let Some(o) = r.get(s, "deploymentOption") {
                match o.as_str() {
                    Some("WITH_TRAFFIC_CONTROL") => traffic_control = Some(true),
                    Some("WITHOUT_TRAFFIC_CONTROL") => traffic_control = Some(false),
                    _ => r.f.error(
                        o.line,
                        o.column,
                        format!(
                            "deploymentOption must be WITH_TRAFFIC_CONTROL or WITHOUT_TRAFFIC_CONTROL, found {}",
                            o.describe()
                        ),
                    ),
                }
            }
        }
    }
    traffic_control
}

/// `ecsServices`: the service and its cluster.
fn ecs_services(r: &mut Reader, node: &Node, out: &mut Deployment) {
    let style = r.style;
    if let Some(services) = r.get(node, "ecsServices") {
        let o = r.origin(services);
        set_platform(out, ComputePlatform::Ecs, o, r.f);
        let ecs = out.ecs.get_or_insert_with(EcsDef::default);
        match services.items().first() {
            Some(s) if s.is_map() => {
                r.only(s, &style.key("ecsServices"), &["serviceName", "clusterName"], true);
                ecs.service = r.get(s, "serviceName").and_then(|v| v.scalar_text());
                ecs.cluster = r.get(s, "clusterName").and_then(|v| v.scalar_text());
            }
            _ => r.f.error(
                services.line,
                services.column,
                format!(
                    "{} must be a list of {{serviceName, clusterName}}",
                    style.key("ecsServices")
                ),
            ),
        }
    }
}

/// `loadBalancerInfo`: whether an ECS group has a test listener.
fn load_balancer_info(r: &mut Reader, node: &Node, out: &mut Deployment) {
    let style = r.style;
    if let Some(lb) = r.get(node, "loadBalancerInfo") {
        let what = style.key("loadBalancerInfo");
        if let Some(lb) = r.map(lb, &what) {
            r.only(
                lb,
                &what,
                &["elbInfoList", "targetGroupInfoList", "targetGroupPairInfoList"],
                true,
            );
            if let Some(pairs) = r.get(lb, "targetGroupPairInfoList") {
                match &pairs.value {
                    Value::Seq(items) => {
                        if let Some(p) = items.first().filter(|p| p.is_map()) {
                            let w = style.key("targetGroupPairInfoList");
                            r.only(p, &w, &["targetGroups", "prodTrafficRoute", "testTrafficRoute"], true);
                            let test = r
                                .get(p, "testTrafficRoute")
                                .and_then(|t| r.get(t, "listenerArns"))
                                .is_some_and(|l| !l.items().is_empty());
                            out.ecs.get_or_insert_with(EcsDef::default).test_listener = Some(test);
                        }
                    }
                    _ => r.f.error(
                        pairs.line,
                        pairs.column,
                        format!("{} must be a list", style.key("targetGroupPairInfoList")),
                    ),
                }
            }
        }
    }
}

/// `blueGreenDeploymentConfiguration`: the replacement fleet, the termination of the
/// originals and the ready wait.
fn blue_green_configuration(r: &mut Reader, node: &Node, out: &mut Deployment) {
    let style = r.style;
    if let Some(bg) = r.get(node, "blueGreenDeploymentConfiguration") {
        let what = style.key("blueGreenDeploymentConfiguration");
        if let Some(bg) = r.map(bg, &what) {
            r.only(
                bg,
                &what,
                &[
                    "terminateBlueInstancesOnDeploymentSuccess",
                    "deploymentReadyOption",
                    "greenFleetProvisioningOption",
                ],
                true,
            );
            if let Some(g) = r.get(bg, "greenFleetProvisioningOption") {
                out.ec2_blue_green.green_fleet_action = r.get(g, "action").and_then(|a| r.text(a, "action"));
            }
            if let Some(t) = r.get(bg, "terminateBlueInstancesOnDeploymentSuccess") {
                out.ec2_blue_green.terminate_action = r.get(t, "action").and_then(|a| r.text(a, "action"));
                let wait = r.get(t, "terminationWaitTimeInMinutes").map(|m| r.number(m));
                if let Some(wait) = wait {
                    out.ecs.get_or_insert_with(EcsDef::default).termination_wait_minutes = Some(wait);
                }
            }
            if let Some(o) = r.get(bg, "deploymentReadyOption") {
                let action = r.get(o, "actionOnTimeout").and_then(|a| r.text(a, "actionOnTimeout"));
                let wait = r.get(o, "waitTimeInMinutes").map(|m| r.number(m));
                if let Some(action) = action {
                    out.ecs.get_or_insert_with(EcsDef::default).ready = Some((action, wait));
                }
            }
        }
    }
}

/// `alarmConfiguration`: the names of the alarms, when enabled.
fn alarm_configuration(r: &mut Reader, node: &Node, out: &mut Deployment) {
    let style = r.style;
    if let Some(a) = r.get(node, "alarmConfiguration") {
        let what = style.key("alarmConfiguration");
        if let Some(a) = r.map(a, &what) {
            r.only(a, &what, &["enabled", "ignorePollAlarmFailure", "alarms"], true);
            let enabled = r
                .get(a, "enabled")
                .is_none_or(|e| matches!(&e.value, Value::Bool(true)) || e.as_str() == Some("true"));
            if enabled && let Some(list) = r.get(a, "alarms") {
                for alarm in list.items() {
                    if let Some(n) = r.get(alarm, "name").and_then(|n| n.scalar_text()) {
                        out.alarms.push(n);
                    }
                }
            }
        }
    }
}

/// `autoRollbackConfiguration`: the events that roll back, when enabled.
fn auto_rollback_configuration(r: &mut Reader, node: &Node, out: &mut Deployment) {
    let style = r.style;
    if let Some(a) = r.get(node, "autoRollbackConfiguration") {
        let what = style.key("autoRollbackConfiguration");
        if let Some(a) = r.map(a, &what) {
            r.only(a, &what, &["enabled", "events"], true);
            let enabled = r
                .get(a, "enabled")
                .is_some_and(|e| matches!(&e.value, Value::Bool(true)) || e.as_str() == Some("true"));
            if enabled {
                let events = r
                    .get(a, "events")
                    .map(|e| e.items().iter().filter_map(|i| i.scalar_text()).collect())
                    .unwrap_or_default();
                out.auto_rollback_events = Some(events);
            }
        }
    }
}
