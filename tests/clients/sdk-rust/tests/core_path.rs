//! The AWS SDK for Rust drives `cdsim serve` through CodeDeploy's core path: create an
//! application, a group and a deployment; poll until it succeeds; read it and its targets;
//! stop a second one with automatic rollback and follow the rollback deployment it makes;
//! page through a list longer than one page.
//!
//! The server is the `cdsim` binary named by `CDSIM_BIN` (default: cdsim's debug build),
//! started on a free loopback port. Run by tests/clients/run.sh.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aws_sdk_codedeploy::Client;
use aws_sdk_codedeploy::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_codedeploy::types::{
    AutoRollbackConfiguration, AutoRollbackEvent, BundleType, DeploymentCreator, DeploymentStatus, RevisionLocation,
    RevisionLocationType, S3Location, StopStatus, TargetStatus,
};

/// A `cdsim serve` child process, interrupted when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../target/debug/cdsim");
        let bin = std::env::var("CDSIM_BIN").unwrap_or_else(|_| default.to_string());
        let mut child = Command::new(&bin)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the address line");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server { child, url }
    }

    /// A client with the settings a user gives the SDK: static dummy keys (cdsim checks
    /// none), us-east-1, the endpoint URL, and a plain-HTTP connection.
    fn client(&self) -> Client {
        let config = aws_sdk_codedeploy::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "static"))
            .endpoint_url(&self.url)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .build();
        Client::from_conf(config)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn create_group(client: &Client) {
    client
        .create_application()
        .application_name("shop")
        .send()
        .await
        .unwrap();
    let rollback = AutoRollbackConfiguration::builder()
        .enabled(true)
        .events(AutoRollbackEvent::DeploymentFailure)
        .events(AutoRollbackEvent::DeploymentStopOnRequest)
        .build();
    client
        .create_deployment_group()
        .application_name("shop")
        .deployment_group_name("prod")
        .service_role_arn("arn:aws:iam::000000000000:role/CodeDeploy")
        .deployment_config_name("CodeDeployDefault.HalfAtATime")
        .auto_rollback_configuration(rollback)
        .send()
        .await
        .unwrap();
}

async fn deploy(client: &Client, key: &str) -> String {
    let s3 = S3Location::builder()
        .bucket("releases")
        .key(key)
        .bundle_type(BundleType::Zip)
        .build();
    let revision = RevisionLocation::builder()
        .revision_type(RevisionLocationType::S3)
        .s3_location(s3)
        .build();
    let out = client
        .create_deployment()
        .application_name("shop")
        .deployment_group_name("prod")
        .revision(revision)
        .send()
        .await
        .unwrap();
    out.deployment_id().expect("an id").to_string()
}

async fn status(client: &Client, id: &str) -> DeploymentStatus {
    let out = client.get_deployment().deployment_id(id).send().await.unwrap();
    out.deployment_info()
        .and_then(|d| d.status())
        .cloned()
        .expect("a status")
}

/// Polls every 100 ms until the deployment is no longer going (at most 2 minutes).
async fn final_status(client: &Client, id: &str) -> DeploymentStatus {
    for _ in 0..1200 {
        let s = status(client, id).await;
        if !matches!(
            s,
            DeploymentStatus::Created | DeploymentStatus::Queued | DeploymentStatus::InProgress
        ) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{id} did not complete");
}

#[tokio::test(flavor = "current_thread")]
async fn core_path_with_a_stop_and_its_rollback() {
    // An hour in a minute: a deployment to the default four instances takes a few
    // simulated minutes, seconds of the wall clock, so it still runs when the stop arrives.
    let server = Server::start(&["--speed", "60"]);
    let client = server.client();
    create_group(&client).await;

    let first = deploy(&client, "v1.zip").await;
    assert_eq!(final_status(&client, &first).await, DeploymentStatus::Succeeded);
    let info = client.get_deployment().deployment_id(&first).send().await.unwrap();
    let info = info.deployment_info().expect("deploymentInfo");
    assert_eq!(info.application_name(), Some("shop"));
    assert_eq!(info.deployment_config_name(), Some("CodeDeployDefault.HalfAtATime"));
    let overview = info.deployment_overview().expect("an overview");
    assert_eq!(overview.succeeded(), 4);
    assert!(info.complete_time().expect("complete") >= info.create_time().expect("created"));

    let targets = client
        .list_deployment_targets()
        .deployment_id(&first)
        .send()
        .await
        .unwrap();
    assert_eq!(targets.target_ids().len(), 4);
    assert_eq!(targets.next_token(), None);
    let got = client
        .batch_get_deployment_targets()
        .deployment_id(&first)
        .set_target_ids(Some(targets.target_ids().to_vec()))
        .send()
        .await
        .unwrap();
    for target in got.deployment_targets() {
        let instance = target.instance_target().expect("an instanceTarget");
        assert_eq!(instance.status(), Some(&TargetStatus::Succeeded));
        assert!(!instance.lifecycle_events().is_empty());
    }

    // A second deployment, stopped while it runs: the rollback redeploys v1.
    let second = deploy(&client, "v2.zip").await;
    let stop = client
        .stop_deployment()
        .deployment_id(&second)
        .auto_rollback_enabled(true)
        .send()
        .await
        .unwrap();
    assert_eq!(stop.status(), Some(&StopStatus::Pending));
    assert_eq!(final_status(&client, &second).await, DeploymentStatus::Stopped);
    let stopped = client.get_deployment().deployment_id(&second).send().await.unwrap();
    let rollback_id = stopped
        .deployment_info()
        .and_then(|d| d.rollback_info())
        .and_then(|r| r.rollback_deployment_id())
        .expect("a rollback deployment")
        .to_string();
    assert_eq!(final_status(&client, &rollback_id).await, DeploymentStatus::Succeeded);
    let rollback = client
        .get_deployment()
        .deployment_id(&rollback_id)
        .send()
        .await
        .unwrap();
    let rollback = rollback.deployment_info().expect("deploymentInfo");
    assert_eq!(rollback.creator(), Some(&DeploymentCreator::CodeDeployRollback));
    let triggering = rollback
        .rollback_info()
        .and_then(|r| r.rollback_triggering_deployment_id());
    assert_eq!(triggering, Some(second.as_str()));

    // The in-progress refusal and an unknown deployment come back as the SDK's errors.
    let missing = client.get_deployment().deployment_id("d-NOSUCHONE").send().await;
    let error = missing.expect_err("no such deployment").into_service_error();
    assert!(error.is_deployment_does_not_exist_exception(), "{error:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn paginators_walk_lists_longer_than_a_page() {
    let server = Server::start(&["--speed", "max"]);
    let client = server.client();
    let names: Vec<String> = (0..130).map(|i| format!("app-{i:03}")).collect();
    for name in &names {
        client.create_application().application_name(name).send().await.unwrap();
    }
    let first = client.list_applications().send().await.unwrap();
    assert_eq!(first.applications().len(), 100);
    assert!(first.next_token().is_some());
    let all: Vec<String> = client
        .list_applications()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .unwrap();
    assert_eq!(all, names);
    let bad = client.list_applications().next_token("not-a-token").send().await;
    let error = bad.expect_err("an invalid token").into_service_error();
    assert!(error.is_invalid_next_token_exception(), "{error:?}");
}
