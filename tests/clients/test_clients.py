"""The real AWS clients against `cdsim serve`: the AWS CLI and boto3, unchanged, with only
`--endpoint-url` pointing at the local endpoint. Run by `tests/clients/run.sh` (and so by
`.ci/run`), which starts three servers on free loopback ports and passes their URLs:
CDSIM_MAX (`--speed max`), CDSIM_SCALED (`--speed 60`, `--scenario manual-stop.yaml`) and
CDSIM_HOOKED (`--speed max`, a Lambda scenario whose BeforeAllowTraffic hook is sent to a
handler on CDSIM_HOOK_PORT, which this suite runs, and `zoned`, an in-place group in two
zones under an alarm).
"""

import http.server
import json
import os
import threading
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.exceptions import ClientError

MAX = os.environ["CDSIM_MAX"]
HOOKED = os.environ["CDSIM_HOOKED"]
HOOK_PORT = int(os.environ["CDSIM_HOOK_PORT"])
SCALED = os.environ["CDSIM_SCALED"]
ROLE = "arn:aws:iam::000000000000:role/CodeDeployServiceRole"
REVISION = {"revisionType": "S3", "s3Location": {"bucket": "releases", "key": "shop.zip", "bundleType": "zip"}}


def client(url):
    return boto3.client("codedeploy", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def aws(url, *args):
    """Runs the AWS CLI; returns its parsed JSON output (or None when it prints nothing)."""
    out = subprocess.run(["aws", "--endpoint-url", url, "--output", "json", "deploy", *args],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else None


def make_group(cd, app, group, **settings):
    cd.create_application(applicationName=app)
    cd.create_deployment_group(applicationName=app, deploymentGroupName=group, serviceRoleArn=ROLE, **settings)


def wait_for(cd, deployment_id, statuses, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        info = cd.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        if info["status"] in statuses:
            return info
        time.sleep(0.2)
    raise AssertionError(f"{deployment_id} never reached {statuses}")


class AwsCli(unittest.TestCase):
    def test_cli_drives_a_deployment_to_success(self):
        aws(MAX, "create-application", "--application-name", "cli-shop")
        aws(MAX, "create-deployment-group", "--application-name", "cli-shop",
            "--deployment-group-name", "prod", "--service-role-arn", ROLE,
            "--deployment-config-name", "CodeDeployDefault.HalfAtATime")
        created = aws(MAX, "create-deployment", "--application-name", "cli-shop",
                      "--deployment-group-name", "prod",
                      "--s3-location", "bucket=releases,key=shop.zip,bundleType=zip")
        deployment_id = created["deploymentId"]
        aws(MAX, "wait", "deployment-successful", "--deployment-id", deployment_id)
        info = aws(MAX, "get-deployment", "--deployment-id", deployment_id)["deploymentInfo"]
        self.assertEqual(info["status"], "Succeeded")
        self.assertEqual(info["deploymentOverview"]["Succeeded"], 4)
        self.assertEqual(info["revision"]["s3Location"]["key"], "shop.zip")
        targets = aws(MAX, "list-deployment-targets", "--deployment-id", deployment_id)["targetIds"]
        self.assertEqual(targets, ["i-0000", "i-0001", "i-0002", "i-0003"])
        target = aws(MAX, "get-deployment-target", "--deployment-id", deployment_id, "--target-id", "i-0002")
        self.assertEqual(target["deploymentTarget"]["instanceTarget"]["status"], "Succeeded")

    def test_cli_wait_fails_on_a_bad_revision(self):
        aws(MAX, "create-application", "--application-name", "cli-bad")
        aws(MAX, "create-deployment-group", "--application-name", "cli-bad",
            "--deployment-group-name", "prod", "--service-role-arn", ROLE)
        created = aws(MAX, "create-deployment", "--application-name", "cli-bad", "--deployment-group-name", "prod",
                      "--description", "release 7 [bad-revision]")
        waited = subprocess.run(["aws", "--endpoint-url", MAX, "deploy", "wait", "deployment-successful",
                                 "--deployment-id", created["deploymentId"]], capture_output=True, text=True)
        self.assertNotEqual(waited.returncode, 0)
        self.assertIn("Failed", waited.stderr)

    def test_cli_lists_the_predefined_configurations(self):
        names = aws(MAX, "list-deployment-configs")["deploymentConfigsList"]
        self.assertEqual(len(names), 17)
        self.assertIn("CodeDeployDefault.LambdaCanary10Percent5Minutes", names)


class Boto3(unittest.TestCase):
    def test_get_deployment_shapes_and_targets(self):
        cd = client(MAX)
        make_group(cd, "boto-shop", "prod", deploymentConfigName="CodeDeployDefault.AllAtOnce")
        deployment_id = cd.create_deployment(applicationName="boto-shop", deploymentGroupName="prod",
                                             revision=REVISION)["deploymentId"]
        cd.get_waiter("deployment_successful").wait(deploymentId=deployment_id)
        info = cd.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        self.assertLess(info["createTime"], info["completeTime"])  # datetimes, parsed by botocore
        self.assertEqual(info["deploymentStyle"]["deploymentType"], "IN_PLACE")
        ids = cd.list_deployment_targets(deploymentId=deployment_id)["targetIds"]
        batch = cd.batch_get_deployment_targets(deploymentId=deployment_id, targetIds=ids)["deploymentTargets"]
        self.assertEqual([t["deploymentTargetType"] for t in batch], ["InstanceTarget"] * len(ids))
        events = batch[0]["instanceTarget"]["lifecycleEvents"]
        self.assertEqual(events[0]["lifecycleEventName"], "ApplicationStop")
        self.assertTrue(all(e["status"] in ("Succeeded", "Skipped") for e in events))
        listed = cd.list_deployments(applicationName="boto-shop", deploymentGroupName="prod")["deployments"]
        self.assertEqual(listed, [deployment_id])
        group = cd.get_deployment_group(applicationName="boto-shop", deploymentGroupName="prod")["deploymentGroupInfo"]
        self.assertEqual(group["lastSuccessfulDeployment"]["deploymentId"], deployment_id)

    def test_in_progress_refusal_and_stop_with_auto_rollback(self):
        cd = client(SCALED)
        make_group(cd, "boto-stop", "prod", deploymentConfigName="CodeDeployDefault.OneAtATime")
        deployment_id = cd.create_deployment(applicationName="boto-stop", deploymentGroupName="prod",
                                             revision=REVISION)["deploymentId"]
        with self.assertRaises(ClientError) as refused:
            cd.create_deployment(applicationName="boto-stop", deploymentGroupName="prod", revision=REVISION)
        self.assertEqual(refused.exception.response["Error"]["Code"], "DeploymentLimitExceededException")
        self.assertIn(deployment_id, refused.exception.response["Error"]["Message"])
        stopped = cd.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=True)
        self.assertEqual(stopped["status"], "Pending")
        info = wait_for(cd, deployment_id, ("Stopped", "Failed", "Succeeded"))
        self.assertEqual(info["status"], "Stopped")
        self.assertEqual(info["errorInformation"]["code"], "MANUAL_STOP")
        rollback_id = info["rollbackInfo"]["rollbackDeploymentId"]
        rollback = wait_for(cd, rollback_id, ("Succeeded", "Failed", "Stopped"))
        self.assertEqual(rollback["creator"], "codeDeployRollback")
        self.assertEqual(rollback["rollbackInfo"]["rollbackTriggeringDeploymentId"], deployment_id)
        with self.assertRaises(ClientError) as done:
            cd.stop_deployment(deploymentId=deployment_id)
        self.assertEqual(done.exception.response["Error"]["Code"], "DeploymentAlreadyCompletedException")

    def test_a_scenario_group_and_a_stop_without_rollback(self):
        cd = client(SCALED)
        self.assertIn("manual-stop", cd.list_applications()["applications"])
        deployment_id = cd.create_deployment(applicationName="manual-stop", deploymentGroupName="manual-stop",
                                             revision=REVISION)["deploymentId"]
        time.sleep(0.5)
        running = cd.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        self.assertEqual(running["status"], "InProgress")
        cd.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=False)
        info = wait_for(cd, deployment_id, ("Stopped", "Failed", "Succeeded"), seconds=120)
        self.assertEqual(info["status"], "Stopped")
        self.assertNotIn("rollbackDeploymentId", info.get("rollbackInfo", {}))

    def test_bad_revisions_on_ecs_and_lambda_and_an_alarm_of_an_api_group(self):
        cd = client(MAX)
        cd.create_application(applicationName="boto-ecs", computePlatform="ECS")
        cd.create_deployment_group(applicationName="boto-ecs", deploymentGroupName="prod", serviceRoleArn=ROLE)
        bad = cd.create_deployment(applicationName="boto-ecs", deploymentGroupName="prod",
                                   description="v2 [bad-revision]")["deploymentId"]
        self.assertEqual(wait_for(cd, bad, ("Succeeded", "Failed", "Stopped"))["status"], "Failed")
        cd.create_application(applicationName="boto-fn", computePlatform="Lambda")
        cd.create_deployment_group(
            applicationName="boto-fn", deploymentGroupName="live", serviceRoleArn=ROLE,
            deploymentConfigName="CodeDeployDefault.LambdaCanary10Percent5Minutes",
            alarmConfiguration={"enabled": True, "alarms": [{"name": "fn-errors"}]},
            autoRollbackConfiguration={"enabled": True, "events": ["DEPLOYMENT_STOP_ON_ALARM"]})
        bad = cd.create_deployment(applicationName="boto-fn", deploymentGroupName="live",
                                   description="v2 [bad-revision]")["deploymentId"]
        info = wait_for(cd, bad, ("Succeeded", "Failed", "Stopped"))
        self.assertEqual((info["status"], info["errorInformation"]["code"]), ("Stopped", "ALARM_ACTIVE"))
        rollback = wait_for(cd, info["rollbackInfo"]["rollbackDeploymentId"], ("Succeeded", "Failed", "Stopped"))
        self.assertEqual(rollback["creator"], "codeDeployRollback")
        cd.update_deployment_group(applicationName="boto-fn", currentDeploymentGroupName="live",
                                   alarmConfiguration={"enabled": False, "alarms": []})
        shipped = cd.create_deployment(applicationName="boto-fn", deploymentGroupName="live",
                                       description="v3 [bad-revision]")["deploymentId"]
        self.assertEqual(wait_for(cd, shipped, ("Succeeded", "Failed", "Stopped"))["status"], "Succeeded")

    def test_errors_are_modelled_exceptions(self):
        cd = client(MAX)
        with self.assertRaises(cd.exceptions.DeploymentDoesNotExistException):
            cd.get_deployment(deploymentId="d-NOSUCH000")
        with self.assertRaises(cd.exceptions.ApplicationDoesNotExistException):
            cd.get_application(applicationName="no-such-application")
        with self.assertRaises(cd.exceptions.DeploymentConfigDoesNotExistException):
            cd.get_deployment_config(deploymentConfigName="NoSuchConfig")
        with self.assertRaises(ClientError) as unknown:
            cd.register_on_premises_instance(instanceName="i", iamUserArn="arn:aws:iam::0:user/x")
        self.assertEqual(unknown.exception.response["Error"]["Code"], "UnknownOperationException")
        self.assertIn("does not implement", unknown.exception.response["Error"]["Message"])

    def test_bad_requests_get_aws_shaped_400s(self):
        for body, kind in [(b'{"deploymentId": ', "SerializationException"),
                           (b'{"deploymentId": "d-1", "surprise": true}', "ValidationException"),
                           (b" " * (2 << 20), "SerializationException")]:
            request = urllib.request.Request(MAX, data=body, method="POST", headers={
                "X-Amz-Target": "CodeDeploy_20141006.GetDeployment",
                "Content-Type": "application/x-amz-json-1.1"})
            with self.assertRaises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request)
            self.assertEqual(answer.exception.code, 400)
            self.assertEqual(json.loads(answer.exception.read())["__type"], kind)


class Pagination(unittest.TestCase):
    def test_paginators_walk_lists_longer_than_a_page(self):
        cd = client(MAX)
        apps = [f"page-{i:03d}" for i in range(105)]
        for app in apps:
            cd.create_application(applicationName=app)
        first = cd.list_applications()
        self.assertEqual(len(first["applications"]), 100)
        self.assertIn("nextToken", first)
        listed = [a for page in cd.get_paginator("list_applications").paginate() for a in page["applications"]]
        self.assertEqual([a for a in listed if a.startswith("page-")], apps)
        self.assertEqual(len(listed), len(set(listed)))
        groups = [f"g{i:03d}" for i in range(102)]
        for group in groups:
            cd.create_deployment_group(applicationName="page-000", deploymentGroupName=group, serviceRoleArn=ROLE)
        pages = list(cd.get_paginator("list_deployment_groups").paginate(applicationName="page-000"))
        self.assertEqual([len(p["deploymentGroups"]) for p in pages], [100, 2])
        self.assertEqual([g for p in pages for g in p["deploymentGroups"]], groups)
        ids = [cd.create_deployment(applicationName="page-000", deploymentGroupName=g)["deploymentId"]
               for g in groups]
        pages = list(cd.get_paginator("list_deployments").paginate(applicationName="page-000",
                                                                   deploymentGroupName="g000"))
        self.assertEqual([p["deployments"] for p in pages], [[ids[0]]])
        listed = [d for p in cd.get_paginator("list_deployments").paginate() for d in p["deployments"]]
        self.assertEqual([d for d in listed if d in ids], ids[::-1])
        cli = aws(MAX, "list-deployments")["deployments"]  # the CLI follows nextToken itself
        self.assertEqual(cli, listed)
        with self.assertRaises(cd.exceptions.InvalidNextTokenException):
            cd.list_applications(nextToken="not-a-token")


class Limits(unittest.TestCase):
    def test_a_deployment_beyond_what_a_simulation_may_do_is_a_modelled_limit_error(self):
        # cdsim simulates a deployment when it is created: a zonal bake of 127 years under a
        # 10-second alarm is refused up front, as an exception boto3 knows, and none is made.
        cd = client(HOOKED)
        cd.create_deployment_config(
            deploymentConfigName="LongBake", computePlatform="Server",
            minimumHealthyHosts={"type": "HOST_COUNT", "value": 1},
            zonalConfig={"monitorDurationInSeconds": 4000000000,
                         "minimumHealthyHostsPerZone": {"type": "HOST_COUNT", "value": 0}})
        with self.assertRaises(cd.exceptions.DeploymentLimitExceededException) as refused:
            cd.create_deployment(applicationName="zoned", deploymentGroupName="zoned",
                                 deploymentConfigName="LongBake", revision=REVISION)
        self.assertIn("metric periods", refused.exception.response["Error"]["Message"])
        self.assertEqual(cd.list_deployments(applicationName="zoned", deploymentGroupName="zoned")["deployments"], [])
        deployment_id = cd.create_deployment(applicationName="zoned", deploymentGroupName="zoned",
                                             revision=REVISION)["deploymentId"]
        cd.get_waiter("deployment_successful").wait(deploymentId=deployment_id)


class HookHandler(http.server.BaseHTTPRequestHandler):
    """A hook function as a user writes it: read the invocation, decide, report the status."""
    verdicts = []  # the statuses to report, in order
    received = []

    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        HookHandler.received.append(event)
        client(HOOKED).put_lifecycle_event_hook_execution_status(
            deploymentId=event["DeploymentId"],
            lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
            status=HookHandler.verdicts.pop(0))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class ExternalHook(unittest.TestCase):
    def test_a_python_handler_passes_then_fails_a_lambda_deployment(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", HOOK_PORT), HookHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            cd = client(HOOKED)
            HookHandler.verdicts = ["Succeeded", "Failed"]
            for expected in ["Succeeded", "Failed"]:
                deployment_id = cd.create_deployment(applicationName="hooked", deploymentGroupName="hooked")["deploymentId"]
                info = wait_for(cd, deployment_id, ("Succeeded", "Failed", "Stopped"))
                self.assertEqual(info["status"], expected)
                self.assertEqual(HookHandler.received[-1]["DeploymentId"], deployment_id)
            self.assertEqual(info["errorInformation"]["code"], "HOOK_EXECUTION_FAILURE")
            target = cd.list_deployment_targets(deploymentId=deployment_id)["targetIds"][0]
            lambda_target = cd.get_deployment_target(deploymentId=deployment_id, targetId=target)["deploymentTarget"]
            self.assertEqual(lambda_target["deploymentTargetType"], "LambdaTarget")
            hook = [e for e in lambda_target["lambdaTarget"]["lifecycleEvents"]
                    if e["lifecycleEventName"] == "BeforeAllowTraffic"][0]
            self.assertEqual(hook["status"], "Failed")
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
