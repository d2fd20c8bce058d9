//! AWS's own file formats (`cdsim::input`): the project's fixtures in
//! `tests/fixtures/aws/` (written for these tests), one or more per format and variant,
//! imported into validated scenarios; the invalid ones rejected with located messages; the
//! duplicate-key policy; and the `import`, `run`, `check` and `explain` commands on them.

use std::path::{Path, PathBuf};
use std::process::Command;

use cdsim::config::{ComputePlatform, ConfigRule, MinimumHealthyHosts, TrafficRouting};
use cdsim::input::{self, ImportError, Imported, Options, Source};
use cdsim::lifecycle::LifecycleEventName as E;
use cdsim::scenario::blue_green::{Reroute, ShiftTarget};
use cdsim::scenario::{Scenario, Workload};
use cdsim::time::SimDuration;

const BIN: &str = env!("CARGO_BIN_EXE_cdsim");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/aws")
        .join(name)
}

fn import_with(names: &[&str], options: &Options) -> Result<Imported, ImportError> {
    let texts: Vec<(String, String)> = names
        .iter()
        .map(|n| (n.to_string(), std::fs::read_to_string(fixture(n)).expect("a fixture")))
        .collect();
    let sources: Vec<Source> = texts.iter().map(|(p, t)| Source { path: p, text: t }).collect();
    input::import(&sources, "fixture", options)
}

fn import(names: &[&str]) -> Scenario {
    match import_with(names, &Options::default()) {
        Ok(i) => i.scenario,
        Err(e) => panic!("{names:?} should import:\n{e}"),
    }
}

fn rejected(name: &str) -> String {
    match import_with(&[name], &Options::default()) {
        Ok(i) => panic!("{name} should be rejected; imported:\n{}", i.yaml),
        Err(e) => e.to_string(),
    }
}

fn scripts(s: &Scenario, e: E) -> Vec<(String, u64)> {
    s.in_place()
        .expect("in place")
        .hooks
        .get(e)
        .scripts
        .iter()
        .map(|x| (x.location.clone(), x.timeout.as_millis() / 1000))
        .collect()
}

fn functions(s: &Scenario) -> Vec<(E, String)> {
    let bg = s.blue_green().expect("blue/green");
    bg.hooks.iter().map(|(e, h)| (*e, h.function.clone())).collect()
}

#[test]
fn ec2_appspec_yaml_hooks_run_in_lifecycle_order_with_their_timeouts() {
    let s = import(&["appspec-ec2.yml"]);
    assert_eq!(
        s.deployment_config.name, "CodeDeployDefault.OneAtATime",
        "the Server default (§2.1)"
    );
    let ip = s.in_place().unwrap();
    assert_eq!(ip.fleet.instances, 10, "the documented default fleet");
    assert!(ip.load_balancer.is_none());
    // A string timeout is read as a number; the script without one shares the rest of 3600 s.
    assert_eq!(
        scripts(&s, E::BeforeInstall),
        vec![("setup/stop-workers.sh".into(), 60), ("setup/clean.sh".into(), 3540)]
    );
    assert_eq!(scripts(&s, E::ApplicationStart), vec![("run/start.sh".into(), 300)]);
    assert_eq!(scripts(&s, E::ValidateService), vec![("checks/smoke.sh".into(), 120)]);
    assert!(scripts(&s, E::ApplicationStop).is_empty());
}

#[test]
fn ec2_appspec_json_with_tabs_and_windows_paths() {
    let s = import(&["appspec-ec2.json"]);
    assert_eq!(scripts(&s, E::AfterInstall), vec![("tools\\configure.ps1".into(), 900)]);
}

#[test]
fn ecs_appspec_yaml_and_json() {
    let s = import(&["appspec-ecs.yaml"]);
    assert_eq!(
        s.deployment_config.name, "CodeDeployDefault.ECSAllAtOnce",
        "the documented ECS default"
    );
    assert_eq!(
        functions(&s),
        vec![
            (E::BeforeInstall, "web-preflight".into()),
            (E::AfterAllowTestTraffic, "web-smoke-tests".into())
        ]
    );
    let j = import(&["appspec-ecs.json"]);
    assert_eq!(functions(&j), vec![(E::AfterAllowTraffic, "api-verify".into())]);
    let Some(ShiftTarget::Ecs(e)) = j.blue_green().map(|b| &b.target) else {
        panic!("ECS")
    };
    assert_eq!(e.tasks, 10);
}

#[test]
fn lambda_appspec_in_both_spellings() {
    let s = import(&["appspec-lambda.yaml"]);
    let Some(ShiftTarget::Lambda(f)) = s.blue_green().map(|b| &b.target) else {
        panic!("Lambda")
    };
    assert_eq!(
        (
            f.function_name.as_str(),
            f.alias.as_str(),
            f.current_version.as_str(),
            f.target_version.as_str()
        ),
        ("checkout", "live", "41", "42")
    );
    assert_eq!(
        functions(&s),
        vec![
            (E::BeforeAllowTraffic, "checkout-pre".into()),
            (E::AfterAllowTraffic, "checkout-post".into())
        ]
    );
    assert_eq!(s.deployment_config.name, "CodeDeployDefault.LambdaAllAtOnce");
    let j = import(&["appspec-lambda.json"]);
    assert!(functions(&j).is_empty());
}

#[test]
fn sam_intrinsics_parameters_and_hooks() {
    let s = import(&["sam-template.yaml"]);
    let bg = s.blue_green().unwrap();
    let ShiftTarget::Lambda(f) = &bg.target else {
        panic!("Lambda")
    };
    assert_eq!((f.function_name.as_str(), f.alias.as_str()), ("payments-dev", "live"));
    assert_eq!(
        s.deployment_config.name, "CodeDeployDefault.LambdaAllAtOnce",
        "FindInMap with Stage=dev"
    );
    assert_eq!(
        functions(&s),
        vec![
            (E::BeforeAllowTraffic, "CodeDeployHook_pre_payments".into()),
            (E::AfterAllowTraffic, "PostPayments".into())
        ]
    );
    assert!(
        s.monitoring.auto_rollback.on_failure,
        "SAM's groups roll back on failure"
    );
    let prod = Options {
        parameters: vec![("Stage".into(), "prod".into())],
        ..Options::default()
    };
    let i = import_with(&["sam-template.yaml"], &prod).unwrap();
    assert_eq!(
        i.scenario.deployment_config.name,
        "CodeDeployDefault.LambdaCanary10Percent10Minutes"
    );
    assert!(i.yaml.contains("\"ErrorsAlarm\", \"latency-alarm\""), "{}", i.yaml);
}

#[test]
fn sam_type_refers_to_a_deployment_config_in_the_template() {
    let s = import(&["sam-custom-config.yaml"]);
    assert_eq!(s.deployment_config.name, "HalfInFive");
    assert_eq!(
        s.deployment_config.rule,
        ConfigRule::TrafficRouting(TrafficRouting::TimeBasedCanary {
            percentage: 50,
            interval_minutes: 5
        })
    );
}

#[test]
fn cloudformation_group_with_config_application_and_auto_scaling_group() {
    let s = import(&["cloudformation-group.yaml"]);
    assert_eq!(s.deployment_config.name, "ThreeQuartersHealthy");
    assert_eq!(
        s.deployment_config.minimum_healthy().map(|m| m.0),
        Some(MinimumHealthyHosts::FleetPercent(75)),
        "Value: '25' style strings are numbers"
    );
    let ip = s.in_place().unwrap();
    assert_eq!(ip.fleet.instances, 8, "the Auto Scaling group's DesiredCapacity");
    assert!(ip.load_balancer.is_some(), "WITH_TRAFFIC_CONTROL");
    assert!(s.monitoring.auto_rollback.on_failure && !s.monitoring.auto_rollback.on_alarm);
}

#[test]
fn cloudformation_ecs_group_json() {
    let s = import(&["cloudformation-ecs.json"]);
    assert_eq!(
        s.deployment_config.rule,
        ConfigRule::TrafficRouting(TrafficRouting::TimeBasedLinear {
            percentage: 25,
            interval_minutes: 2
        })
    );
    let Some(ShiftTarget::Ecs(e)) = s.blue_green().map(|b| &b.target) else {
        panic!("ECS")
    };
    assert_eq!((e.cluster.as_str(), e.service.as_str()), ("prod", "cart"));
    assert!(e.test_listener);
    assert_eq!(e.termination_wait, SimDuration::from_mins(15));
    assert_eq!(e.reroute, Reroute::Immediately);
}

#[test]
fn codedeploy_blue_green_hook_traffic_routing() {
    let s = import(&["cfn-bluegreen-hook.yaml"]);
    assert_eq!(s.deployment_config.compute_platform, ComputePlatform::Ecs);
    assert_eq!(
        s.deployment_config.rule,
        ConfigRule::TrafficRouting(TrafficRouting::TimeBasedLinear {
            percentage: 20,
            interval_minutes: 3
        }),
        "StepPercentage and BakeTimeMins"
    );
    let Some(ShiftTarget::Ecs(e)) = s.blue_green().map(|b| &b.target) else {
        panic!("ECS")
    };
    assert_eq!((e.tasks, e.termination_wait), (6, SimDuration::from_mins(10)));
}

/// §6.1: EC2 blue/green deployment groups (deploymentType BLUE_GREEN on Server) import with
/// their blueGreenDeploymentConfiguration, from CLI JSON and from CloudFormation, and run.
#[test]
fn s6_1_ec2_blue_green_deployment_groups_import_from_cli_json_and_cloudformation() {
    use cdsim::scenario::ec2_blue_green::{BlueTermination, GreenFleetProvisioning};
    let s = import(&["create-deployment-group-ec2-blue-green.json", "appspec-ec2.yml"]);
    let Workload::Ec2BlueGreen(bg) = &s.workload else {
        panic!("an EC2 blue/green scenario: {:?}", s.workload)
    };
    assert_eq!(
        bg.green_fleet.provisioning,
        GreenFleetProvisioning::CopyAutoScalingGroup
    );
    assert_eq!(bg.green_fleet.instances, 10, "a copy of the healthy originals");
    assert_eq!(
        bg.reroute,
        Reroute::WaitForContinue {
            wait: SimDuration::from_mins(45),
            continue_after: None
        }
    );
    assert_eq!(
        bg.blue_termination,
        BlueTermination::Terminate {
            wait: SimDuration::from_mins(120)
        }
    );
    assert!(bg.server.load_balancer.is_some());
    assert!(!bg.server.hooks.get(E::BeforeInstall).is_empty(), "the AppSpec's hooks");
    assert!(s.monitoring.auto_rollback.on_failure && s.monitoring.auto_rollback.on_alarm);
    // Without a ContinueDeployment the ready wait runs out: Stopped (§6.1).
    let r = cdsim::simulation::simulate(&s, 1);
    let d = &r.deployments[0];
    assert_eq!(
        (d.status, d.error_information.as_ref().map(|e| e.code)),
        ("Stopped", Some("TIMEOUT"))
    );

    let c = import(&["cloudformation-group-blue-green.yaml"]);
    let Workload::Ec2BlueGreen(bg) = &c.workload else {
        panic!("an EC2 blue/green scenario: {:?}", c.workload)
    };
    assert_eq!(
        bg.server.fleet.instances, 6,
        "the Auto Scaling group's desired capacity"
    );
    assert_eq!(bg.green_fleet.instances, 6);
    assert_eq!(bg.reroute, Reroute::Immediately);
    assert_eq!(bg.blue_termination, BlueTermination::KeepAlive);
    assert_eq!(c.deployment_config.name, "CodeDeployDefault.HalfAtATime");
    assert_eq!(cdsim::simulation::simulate(&c, 1).deployments[0].status, "Succeeded");
}

#[test]
fn aws_cli_json_group_config_and_appspec_combine() {
    let s = import(&["appspec-ec2.yml", "create-deployment-group-ec2.json"]);
    assert_eq!(s.deployment_config.name, "CodeDeployDefault.HalfAtATime");
    assert!(s.in_place().unwrap().load_balancer.is_some());
    assert_eq!(scripts(&s, E::ApplicationStart), vec![("run/start.sh".into(), 300)]);
    let c = import(&["appspec-ec2.yml", "create-deployment-config.json"]);
    assert_eq!(c.deployment_config.name, "TwoAtATime");
    assert_eq!(
        c.deployment_config.minimum_healthy().map(|m| m.0),
        Some(MinimumHealthyHosts::HostCount(8))
    );
    let g = import(&["get-deployment-config.json"]);
    assert_eq!(g.deployment_config.compute_platform, ComputePlatform::Lambda);
    let e = import(&["get-deployment-group-ecs.json", "appspec-ecs.yaml"]);
    assert_eq!(e.deployment_config.name, "CodeDeployDefault.ECSCanary10Percent5Minutes");
    let Some(ShiftTarget::Ecs(svc)) = e.blue_green().map(|b| &b.target) else {
        panic!("ECS")
    };
    assert!(matches!(svc.reroute, Reroute::WaitForContinue { wait, .. } if wait == SimDuration::from_mins(20)));
    assert_eq!(svc.termination_wait, SimDuration::from_mins(30));
    assert_eq!(functions(&e).len(), 2, "the AppSpec's hooks");
}

#[test]
fn an_aws_cli_example_page_gives_its_command_configuration() {
    let s = import(&["cli-example.txt"]);
    assert_eq!(s.deployment_config.name, "NinetyPercent");
    assert_eq!(
        s.deployment_config.minimum_healthy().map(|m| m.0),
        Some(MinimumHealthyHosts::FleetPercent(90))
    );
}

#[test]
fn instances_option_sets_the_fleet() {
    let o = Options {
        instances: Some(3),
        ..Options::default()
    };
    let i = import_with(&["appspec-ec2.yml"], &o).unwrap();
    assert_eq!(i.scenario.in_place().unwrap().fleet.instances, 3);
    assert!(matches!(i.scenario.workload, Workload::InPlace(_)));
}

#[test]
fn invalid_files_are_rejected_at_the_line_and_column_with_the_field_and_what_was_expected() {
    let cases = [
        (
            "invalid/ecs-script-hooks.yaml",
            "invalid/ecs-script-hooks.yaml:9:3: ECS hooks take Lambda function names, not scripts",
        ),
        (
            "invalid/appspec-version.json",
            "invalid/appspec-version.json:1:13: version must be 0.0",
        ),
        (
            "invalid/appspec-timeouts.yml",
            "invalid/appspec-timeouts.yml:4:3: unknown lifecycle event \"AfterInstal\" (did you mean AfterInstall?)",
        ),
        (
            "invalid/template.yaml.tpl",
            "unrendered template placeholder ${task_definition} (line 6, column 26): this file is a template",
        ),
        (
            "invalid/sam-no-alias.yaml",
            "invalid/sam-no-alias.yaml:6:7: Fn: a DeploymentPreference needs AutoPublishAlias",
        ),
        (
            "invalid/sam-no-alias.yaml",
            "invalid/sam-no-alias.yaml:8:16: Hooks must be a map",
        ),
        (
            "invalid/cfn-misplaced.yaml",
            "invalid/cfn-misplaced.yaml:7:9: unknown field ApplicationName of AlarmConfiguration; the fields here are Enabled, IgnorePollAlarmFailure, Alarms",
        ),
        // §6.1, §11: the termination wait is at most 2880 minutes.
        (
            "invalid/ec2-blue-green-termination-wait.json",
            "invalid/ec2-blue-green-termination-wait.json:7:106: terminationWaitTimeInMinutes must be between 0 and 2880, found 3000",
        ),
        // Validation of the imported values is reported where they were written.
        (
            "invalid/duplicate-key.json",
            "invalid/duplicate-key.json:4:61: minimumHealthyHosts.value (FLEET_PERCENT) must be between 0 and 99, found 120",
        ),
    ];
    for (file, expected) in cases {
        let message = rejected(file);
        assert!(
            message.contains(expected),
            "{file}: expected {expected:?} in:\n{message}"
        );
    }
}

#[test]
fn duplicate_keys_keep_the_last_value_with_a_warning() {
    let e = import_with(&["invalid/duplicate-key.json"], &Options::default()).unwrap_err();
    let warnings = input::format_warnings(&e.warnings);
    assert!(
        warnings.contains("invalid/duplicate-key.json:4:3: warning: duplicate key \"minimumHealthyHosts\" (first at line 3): the last value is used"),
        "{warnings}"
    );
}

#[test]
fn placeholders_in_names_are_warnings() {
    let text = "version: 0.0\nResources:\n  - S:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: <TASK_DEFINITION>\n        LoadBalancerInfo: {ContainerName: app, ContainerPort: 80}\n";
    let i = input::import(&[Source { path: "a.yaml", text }], "a", &Options::default()).unwrap();
    let w = input::format_warnings(&i.warnings);
    assert!(
        w.contains("a.yaml:6:25: warning: unrendered template placeholder <TASK_DEFINITION> in TaskDefinition"),
        "{w}"
    );
}

// ----- findings of importing real files, each with a fixture of its own -------------------

fn tasks(s: &Scenario) -> u32 {
    match s.blue_green().map(|b| &b.target) {
        Some(ShiftTarget::Ecs(e)) => e.tasks,
        _ => panic!("an ECS scenario"),
    }
}

fn warnings_of(names: &[&str], options: &Options) -> (Imported, String) {
    let i = import_with(names, options).unwrap_or_else(|e| panic!("{names:?} should import:\n{e}"));
    let w = input::format_warnings(&i.warnings);
    (i, w)
}

#[test]
fn a_yaml_error_in_a_template_that_uses_sub_is_the_yaml_error_at_its_place() {
    let message = rejected("findings/sub-syntax-error.yaml");
    assert!(
        message.starts_with("findings/sub-syntax-error.yaml:14:27: not valid YAML"),
        "{message}"
    );
    assert!(!message.contains("placeholder"), "{message}");
}

#[test]
fn select_chooses_a_cloudformation_group_by_logical_id_or_name_and_refuses_an_unknown_one() {
    let select = |s: &str| Options {
        select: Some(s.to_string()),
        ..Options::default()
    };
    let by_name = import_with(&["findings/two-groups.yaml"], &select("web-green")).unwrap();
    assert_eq!(by_name.scenario.deployment_config.name, "CodeDeployDefault.AllAtOnce");
    let by_id = import_with(&["findings/two-groups.yaml"], &select("GreenGroup")).unwrap();
    assert_eq!(by_id.scenario.deployment_config.name, "CodeDeployDefault.AllAtOnce");
    let e = import_with(&["findings/two-groups.yaml"], &select("web-gren"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("findings/two-groups.yaml:9:5: --select: no deployment group \"web-gren\" (did you mean web-green?); the template has BlueGroup, GreenGroup"),
        "{e}"
    );
    let o = cdsim(&[
        "import",
        &arg(&fixture("findings/two-groups.yaml")),
        "--select",
        "Purple",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_deployment_preference_disabled_by_a_parameter_says_which_and_how_to_enable_it() {
    let e = rejected("findings/sam-disabled-by-parameter.yaml");
    assert!(
        e.contains("findings/sam-disabled-by-parameter.yaml:16:23: Orders: the DeploymentPreference is disabled by parameter EnableCanary (\"false\"); try --parameter EnableCanary=true"),
        "{e}"
    );
    let o = Options {
        parameters: vec![("EnableCanary".into(), "true".into())],
        ..Options::default()
    };
    let i = import_with(&["findings/sam-disabled-by-parameter.yaml"], &o).unwrap();
    assert_eq!(
        i.scenario.deployment_config.name,
        "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    );
}

#[test]
fn files_that_disagree_warn_naming_both_and_the_first_decides_keeping_written_values() {
    let both = ["findings/appspec-orders.yaml", "findings/sam-orders.yaml"];
    let (i, w) = warnings_of(&both, &Options::default());
    assert!(
        w.contains("findings/sam-orders.yaml:9:21: warning: lambdaFunction.functionName \"orders-api\" here differs from \"orders\" at findings/appspec-orders.yaml:7:15; the first file given decides"),
        "{w}"
    );
    assert!(i.yaml.contains("functionName: \"orders\"\n"), "{}", i.yaml);
    let (i, w) = warnings_of(&[both[1], both[0]], &Options::default());
    assert!(
        w.contains("findings/appspec-orders.yaml:7:15: warning: lambdaFunction.functionName \"orders\" here differs from \"orders-api\" at findings/sam-orders.yaml:9:21"),
        "{w}"
    );
    // The AppSpec's versions, written explicitly, are kept in either order and not marked.
    for line in [
        "currentVersion: \"7\"\n",
        "targetVersion: \"8\"\n",
        "functionName: \"orders-api\"\n",
    ] {
        assert!(i.yaml.contains(line), "{line:?} in\n{}", i.yaml);
    }
}

#[test]
fn instances_overriding_a_stated_count_warn_at_the_count() {
    let o = Options {
        instances: Some(5),
        ..Options::default()
    };
    let (i, w) = warnings_of(&["findings/ecs-group.yaml"], &o);
    assert!(
        w.contains("findings/ecs-group.yaml:15:21: warning: --instances 5 overrides the ECS service's DesiredCount, 3, stated here"),
        "{w}"
    );
    assert_eq!(tasks(&i.scenario), 5);
    let (_, w) = warnings_of(&["cloudformation-group.yaml"], &o);
    assert!(
        w.contains("warning: --instances 5 overrides the Auto Scaling groups' size, 8, stated here"),
        "{w}"
    );
    let (_, w) = warnings_of(&["cloudformation-group.yaml"], &Options::default());
    assert!(!w.contains("overrides"), "{w}");
}

#[test]
fn a_hook_given_as_a_functions_logical_id_is_that_functions_deployed_name() {
    let s = import(&["findings/sam-orders.yaml"]);
    assert_eq!(
        functions(&s),
        [(
            E::BeforeAllowTraffic,
            "CodeDeployHook_${AWS::StackName}_orders_pre".to_string()
        )]
    );
}

#[test]
fn an_ecs_group_takes_its_services_desired_count_and_marks_only_defaults() {
    let (i, _) = warnings_of(&["findings/ecs-group.yaml"], &Options::default());
    assert_eq!(tasks(&i.scenario), 3);
    assert!(i.yaml.contains("  serviceName: \"Web\"\n  tasks: 3\n"), "{}", i.yaml);
    let (i, _) = warnings_of(&["appspec-ecs.yaml"], &Options::default());
    for line in [
        "clusterName: \"cluster\"   # cdsim default",
        "serviceName: \"service\"   # cdsim default",
    ] {
        assert!(i.yaml.contains(line), "{line:?} in\n{}", i.yaml);
    }
}

// ----- the commands --------------------------------------------------------------------

fn cdsim(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run cdsim")
}

fn arg(p: &Path) -> String {
    p.to_str().expect("UTF-8").to_string()
}

#[test]
fn import_writes_an_editable_scenario_that_check_and_run_accept() {
    let dir = std::env::temp_dir().join(format!("cdsim-it-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.join("shop.yaml");
    let o = cdsim(&[
        "import",
        &arg(&fixture("appspec-ec2.yml")),
        &arg(&fixture("create-deployment-group-ec2.json")),
        "--instances",
        "4",
        "--out",
        &arg(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(
        yaml.contains("deploymentConfigName: \"CodeDeployDefault.HalfAtATime\""),
        "{yaml}"
    );
    assert!(
        yaml.contains("duration: 5s   # cdsim default"),
        "defaults are marked: {yaml}"
    );
    let check = cdsim(&["check", &arg(&out)]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let run = cdsim(&["run", &arg(&out), "--json"]);
    assert_eq!(run.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_check_and_explain_accept_aws_files_directly() {
    let run = cdsim(&["run", &arg(&fixture("appspec-lambda.yaml"))]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("CodeDeployDefault.LambdaAllAtOnce"));
    let check = cdsim(&[
        "check",
        &arg(&fixture("sam-template.yaml")),
        "--parameter",
        "Stage=prod",
    ]);
    assert_eq!(check.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&check.stdout).contains("LambdaCanary10Percent10Minutes"));
    let explain = cdsim(&["explain", &arg(&fixture("cloudformation-ecs.json"))]);
    assert_eq!(
        explain.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&explain.stderr)
    );
    let bad = cdsim(&["check", &arg(&fixture("invalid/ecs-script-hooks.yaml"))]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("ecs-script-hooks.yaml:9:3: ECS hooks take Lambda function names"),
        "{err}"
    );
}
