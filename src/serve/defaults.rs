//! What a deployment group made through the API (CreateDeploymentGroup) deploys to, when no
//! `--scenario` file describes it: AWS does not say how many instances a tag filter
//! matches, nor how long their scripts take. Documented in README.md, "cdsim serve".
//!
//! Not here: scenario files given with `--scenario`, which replace these entirely.

use crate::config::ComputePlatform;

/// EC2/on-premises in place: four healthy instances, scripts of a few seconds to a minute.
const SERVER: &str = r#"name: default-server
fleet: {instances: 4}
hooks:
  ApplicationStop:
    - {location: scripts/stop.sh, timeout: 300, duration: 5s}
  BeforeInstall:
    - {location: scripts/install.sh, timeout: 600, duration: {lognormal: {median: 40s, sigma: 0.3}}}
  ApplicationStart:
    - {location: scripts/start.sh, timeout: 300, duration: 10s}
  ValidateService:
    - {location: scripts/validate.sh, timeout: 300, duration: 10s}
"#;

/// The same, behind a load balancer (the group has `loadBalancerInfo`).
const SERVER_LB: &str = r#"
loadBalancer:
  deregistrationDelay: 30s
  healthCheck: {interval: 10s, timeout: 5s}
"#;

/// EC2 blue/green (`deploymentStyle.deploymentType: BLUE_GREEN` on a Server group).
const SERVER_BLUE_GREEN: &str = r#"
blueGreenDeploymentConfiguration:
  greenFleetProvisioningOption: {action: COPY_AUTO_SCALING_GROUP}
  deploymentReadyOption: {actionOnTimeout: CONTINUE_DEPLOYMENT}
  terminateBlueInstancesOnDeploymentSuccess: {action: TERMINATE, terminationWaitTimeInMinutes: 5}
"#;

/// ECS: one service of four tasks; traffic moves at once.
const ECS: &str = r#"name: default-ecs
computePlatform: ECS
deploymentConfigName: CodeDeployDefault.ECSAllAtOnce
ecsService:
  clusterName: cluster
  serviceName: service
  tasks: 4
  terminationWaitTimeInMinutes: 5
"#;

/// Lambda: an alias moving from version 1 to 2.
const LAMBDA: &str = r#"name: default-lambda
computePlatform: Lambda
deploymentConfigName: CodeDeployDefault.LambdaAllAtOnce
lambdaFunction:
  functionName: function
  alias: live
  currentVersion: "1"
  targetVersion: "2"
"#;

/// The scenario text of a group made through the API.
pub fn scenario_text(platform: ComputePlatform, load_balancer: bool, blue_green: bool) -> String {
    match platform {
        ComputePlatform::Server => {
            let mut text = SERVER.to_string();
            if load_balancer || blue_green {
                text.push_str(SERVER_LB);
            }
            if blue_green {
                text.push_str(SERVER_BLUE_GREEN);
            }
            text
        }
        ComputePlatform::Ecs => ECS.to_string(),
        ComputePlatform::Lambda => LAMBDA.to_string(),
    }
}
