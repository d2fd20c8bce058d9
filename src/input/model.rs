//! The one internal model of what AWS files say about a deployment: every format reader
//! (AppSpec, SAM, CloudFormation, AWS CLI JSON) fills it, and `emit` turns it into a
//! scenario. Values keep the file, line and column they came from, so a problem found
//! later (by scenario validation) is reported where the user wrote the value.
//!
//! Not here: reading any syntax (the format modules) or defaults (`emit`).

use super::document::{Node, Value};
use crate::config::ComputePlatform;
use crate::lifecycle::LifecycleEventName;
use crate::scenario::validate::Problem;

/// Where a value was written: the index of the input file, line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Origin {
    /// The file's index among the inputs.
    pub file: usize,
    /// The 1-based line.
    pub line: u64,
    /// The 1-based column.
    pub column: u64,
}

impl Origin {
    /// Where `node` was written in file `file`.
    pub fn of(file: usize, node: &Node) -> Origin {
        Origin {
            file,
            line: node.line.max(1),
            column: node.column.max(1),
        }
    }
}

/// A value and its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub origin: Origin,
}

impl<T> At<T> {
    /// `value`, written at `origin`.
    pub fn new(value: T, origin: Origin) -> At<T> {
        At { value, origin }
    }
}

/// A number as written: CloudFormation and AppSpec files write numbers as numbers or as
/// quoted strings (`Value: '25'`, `"timeout": "10"`); anything else is kept as text so
/// that validation can say what it found.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// Anything else, as written (reported by the validator).
    Text(String),
}

impl Number {
    /// A whole number, or a string holding one; anything else as text for messages.
    pub fn of(node: &Node) -> Number {
        match &node.value {
            Value::Int(i) => Number::Int(*i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Number::Int(*f as i64),
            Value::Str(s) => s.trim().parse().map_or_else(|_| Number::Text(s.clone()), Number::Int),
            _ => Number::Text(node.describe()),
        }
    }
}

/// A deployment configuration's definition (CreateDeploymentConfig's shape).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigDef {
    /// The name the configuration is known by (given, or the template's logical id).
    pub name: Option<At<String>>,
    /// How a template refers to it (`Ref: LogicalId`).
    pub logical_id: Option<String>,
    /// `computePlatform`, as written.
    pub platform: Option<At<String>>,
    /// `minimumHealthyHosts`.
    pub minimum_healthy_hosts: Option<MinimumDef>,
    /// `trafficRoutingConfig`.
    pub traffic: Option<TrafficDef>,
    /// `zonalConfig`.
    pub zonal: Option<ZonalDef>,
    /// Where the definition begins.
    pub origin: Origin,
}

/// `minimumHealthyHosts`: its type and value.
#[derive(Clone, Debug, PartialEq)]
pub struct MinimumDef {
    /// `type`: `HOST_COUNT` or `FLEET_PERCENT`.
    pub kind: At<String>,
    /// `value`.
    pub value: At<Number>,
}

/// `trafficRoutingConfig`.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficDef {
    /// `type`: `AllAtOnce`, `TimeBasedCanary` or `TimeBasedLinear`.
    pub kind: At<String>,
    /// (percentage, interval in minutes), for TimeBasedCanary or TimeBasedLinear.
    pub step: Option<(At<Number>, At<Number>)>,
    /// Where it begins.
    pub origin: Origin,
}

/// `zonalConfig`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ZonalDef {
    /// `firstZoneMonitorDurationInSeconds`.
    pub first_zone_monitor_duration_in_seconds: Option<At<Number>>,
    /// `monitorDurationInSeconds`.
    pub monitor_duration_in_seconds: Option<At<Number>>,
    /// `minimumHealthyHostsPerZone`.
    pub minimum_healthy_hosts_per_zone: Option<MinimumDef>,
}

/// One AppSpec script.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptDef {
    /// `location`.
    pub location: At<String>,
    /// `timeout`, in seconds.
    pub timeout: Option<At<Number>>,
    /// `runas`.
    pub runas: Option<String>,
}

/// The ECS service deployed blue/green.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EcsDef {
    /// The cluster's name.
    pub cluster: Option<String>,
    /// The service's name.
    pub service: Option<String>,
    /// The service's desired task count.
    pub tasks: Option<At<Number>>,
    /// Whether a test listener routes test traffic.
    pub test_listener: Option<bool>,
    /// `deploymentReadyOption`: (actionOnTimeout, waitTimeInMinutes).
    pub ready: Option<(At<String>, Option<At<Number>>)>,
    /// `terminationWaitTimeInMinutes`.
    pub termination_wait_minutes: Option<At<Number>>,
    /// Where the service was described.
    pub origin: Origin,
}

/// What an EC2 blue/green deployment group's `blueGreenDeploymentConfiguration` says
/// beyond the waits.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ec2BlueGreenDef {
    /// `greenFleetProvisioningOption.action`.
    pub green_fleet_action: Option<At<String>>,
    /// `terminateBlueInstancesOnDeploymentSuccess.action`.
    pub terminate_action: Option<At<String>>,
}

/// The Lambda alias shifted between two versions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LambdaDef {
    /// The function's name.
    pub function_name: Option<At<String>>,
    /// The alias.
    pub alias: Option<At<String>>,
    /// The version the alias points to.
    pub current_version: Option<At<String>>,
    /// The version it shifts to.
    pub target_version: Option<At<String>>,
    /// Where the function was described.
    pub origin: Origin,
}

/// Everything the input files say, merged.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    /// The compute platform the files imply.
    pub platform: Option<At<ComputePlatform>>,
    /// The configuration the deployment uses, by name.
    pub config_name: Option<At<String>>,
    /// Configurations defined in the files (templates, create-deployment-config files).
    pub configs: Vec<ConfigDef>,
    /// The configuration to use, when a file defines it directly (a template's
    /// `Type: Ref: MyConfig`, a create-deployment-config file).
    pub config: Option<ConfigDef>,
    /// EC2/on-premises AppSpec scripts by event, in file order.
    pub scripts: Vec<(LifecycleEventName, Vec<ScriptDef>)>,
    /// ECS and Lambda hook functions by event.
    pub functions: Vec<(LifecycleEventName, At<String>)>,
    /// The ECS service.
    pub ecs: Option<EcsDef>,
    /// The Lambda alias.
    pub lambda: Option<LambdaDef>,
    /// A deployment group with traffic control (a load balancer), for Server.
    pub load_balancer: Option<bool>,
    /// `ignoreApplicationStopFailures`.
    pub ignore_application_stop_failures: Option<At<bool>>,
    /// How many instances or tasks.
    pub instances: Option<At<u32>>,
    /// The Availability Zones.
    pub zones: Vec<String>,
    /// The deployment group's alarm names.
    pub alarms: Vec<String>,
    /// The templates' `AWS::CloudWatch::Alarm`s that the deployment group names.
    pub template_alarms: Vec<TemplateAlarm>,
    /// `autoRollbackConfiguration`'s events, when it is enabled.
    pub auto_rollback_events: Option<Vec<String>>,
    /// The deployment group names the files give.
    pub names: Vec<String>,
    /// A deployment group with `deploymentType: BLUE_GREEN`.
    pub blue_green: Option<Origin>,
    /// EC2 blue/green options (the ready wait and the termination wait are in `ecs`, which
    /// the deployment group's reader fills whatever the platform).
    pub ec2_blue_green: Ec2BlueGreenDef,
    /// Lines for the scenario's header comment: what was read, what was assumed.
    pub notes: Vec<String>,
    /// Values two files state differently (`import` warns of each).
    pub conflicts: Vec<Conflict>,
}

/// A value two input files state differently. The rule: the first file (in the order
/// given) that states a value decides, and later files only fill in what earlier ones
/// leave out; so an AppSpec given before a template names the function, and a value
/// written in any file is never replaced by a default.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// What the value is (`lambdaFunction.functionName`, `hookFunctions.BeforeAllowTraffic`).
    pub what: String,
    /// The value used.
    pub kept: At<String>,
    /// The value left out.
    pub dropped: At<String>,
}

impl Deployment {
    /// The Lambda alias as one more file describes it, merged field by field by the rule of
    /// [`Conflict`].
    pub fn merge_lambda(&mut self, new: LambdaDef) {
        let Some(old) = self.lambda.as_mut() else {
            self.lambda = Some(new);
            return;
        };
        let fields = [
            ("functionName", &mut old.function_name, new.function_name),
            ("alias", &mut old.alias, new.alias),
            ("currentVersion", &mut old.current_version, new.current_version),
            ("targetVersion", &mut old.target_version, new.target_version),
        ];
        for (key, slot, value) in fields {
            merge(&mut self.conflicts, &format!("lambdaFunction.{key}"), slot, value);
        }
    }

    /// A hook function for `event` from one more file, by the rule of [`Conflict`]; a file
    /// that names the event twice is the reader's to report.
    pub fn add_function(&mut self, event: LifecycleEventName, function: At<String>) {
        match self.functions.iter().find(|(e, _)| *e == event) {
            Some((_, kept)) if kept.origin.file != function.origin.file => {
                if kept.value != function.value {
                    self.conflicts.push(Conflict {
                        what: format!("hookFunctions.{event}"),
                        kept: kept.clone(),
                        dropped: function,
                    });
                }
            }
            _ => self.functions.push((event, function)),
        }
    }
}

/// `value` into an empty `slot`; a different value from another file is a [`Conflict`].
fn merge(conflicts: &mut Vec<Conflict>, what: &str, slot: &mut Option<At<String>>, value: Option<At<String>>) {
    match (slot.as_ref(), value) {
        (None, v) => *slot = v,
        (Some(kept), Some(v)) if kept.value != v.value && kept.origin.file != v.origin.file => {
            conflicts.push(Conflict {
                what: what.to_string(),
                kept: kept.clone(),
                dropped: v,
            });
        }
        (Some(kept), Some(v)) if kept.origin.file == v.origin.file => *slot = Some(v),
        _ => {}
    }
}

/// What reading one file found: problems (the file is rejected) and warnings.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// Problems: the file is rejected.
    pub problems: Vec<Problem>,
    /// Warnings: the file is read anyway.
    pub warnings: Vec<Problem>,
}

impl Findings {
    /// Records a problem at `line`, `column`.
    pub fn error(&mut self, line: u64, column: u64, message: impl Into<String>) {
        self.problems.push(Problem {
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
        });
    }

    /// Records a warning at `line`, `column`.
    pub fn warn(&mut self, line: u64, column: u64, message: impl Into<String>) {
        self.warnings.push(Problem {
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
        });
    }
}

/// `${name}`, `{{name}}`, `<NAME>` or `%{ … }`: text a template engine has not filled in.
pub fn placeholder(text: &str) -> Option<&str> {
    let pairs = [("${", "}"), ("{{", "}}"), ("%{", "}")];
    for (open, close) in pairs {
        if let Some(i) = text.find(open)
            && let Some(j) = text[i + open.len()..].find(close)
        {
            let inner = &text[i + open.len()..i + open.len() + j];
            if !inner.trim().is_empty() && !inner.contains(['\n', '"']) {
                return Some(&text[i..i + open.len() + j + close.len()]);
            }
        }
    }
    let mut rest = text;
    let mut base = 0;
    while let Some(i) = rest.find('<') {
        let tail = &rest[i + 1..];
        if let Some(j) = tail.find('>') {
            let inner = &tail[..j];
            if !inner.is_empty()
                && inner
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && inner.chars().any(|c| c.is_ascii_uppercase())
            {
                let start = base + i;
                return Some(&text[start..start + j + 2]);
            }
        }
        base += i + 1;
        rest = &rest[i + 1..];
    }
    None
}

/// An `AWS::CloudWatch::Alarm` resource of a template.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateAlarm {
    /// The resource's logical id.
    pub logical_id: String,
    /// What the resource defines, as `describe-alarms` would give it.
    pub alarm: crate::alarm::replay::MetricAlarm,
    /// Where the resource is.
    pub origin: Origin,
}

impl TemplateAlarm {
    /// Whether a deployment group's alarm name (a `Ref`'s logical id, or `AlarmName`) is it.
    pub fn is_named(&self, name: &str) -> bool {
        self.logical_id == name || self.alarm.name == name
    }
}

#[cfg(test)]
mod tests {
    use super::placeholder;

    #[test]
    fn placeholders() {
        assert_eq!(placeholder("<TASK_DEFINITION>"), Some("<TASK_DEFINITION>"));
        assert_eq!(placeholder("x ${app}-y"), Some("${app}"));
        assert_eq!(placeholder("{{LAMBDA_ALIAS}}"), Some("{{LAMBDA_ALIAS}}"));
        assert_eq!(placeholder("%{ if HOOKS }"), Some("%{ if HOOKS }"));
        assert_eq!(placeholder("a < b > c"), None);
        assert_eq!(placeholder("arn:aws:ecs:us-east-1:1:task-definition/x:3"), None);
    }
}
