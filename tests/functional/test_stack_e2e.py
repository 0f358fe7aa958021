"""The whole stack on the emulator, as users deploy it: site.yml once, then what the issues promise.

Each test starts from the same deployed stack (the `site_stack` snapshot, restored per test), so
they pass in any order and none sees what another changed.

- a payment through the primary API is stored, replicated to the DR region, and never stored twice;
- every resource of the API tier carries the standard tags;
- a --check run on the deployed stack reports and changes nothing (that a second real run
  changes nothing, each stage playbook run alone, is test_faults.py's rerun, faults on);
- with the primary region down, its health check fails and the API name resolves to the DR region,
  whose API accepts payments;
- replication lag above the threshold puts the alarm in ALARM and a message lands on the topic.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.conftest import site_group
from tests.emulator.control import EmulatorControl, aws_client, subscribe_queue
from tests.functional import principals
from tests.functional.ansible_run import run_playbook

TABLE = "payments-transactions-global-local"
API_NAME = "api.payments.local.example.com"
ROOT = Credentials("testing", "testing")  # the emulator's root user
STANDARD = {"Environment": "local", "ManagedBy": "Ansible", "Project": "PaymentProcessing",
            "Purpose": "DisasterRecovery"}


pytestmark = site_group


@pytest.fixture
def stack(site_stack):
    return site_stack


def api_host(emulator, region, role):
    apis = aws_client(emulator.endpoint_url, "apigateway", region).get_rest_apis()["items"]
    api = next(a for a in apis if a["name"] == f"payments-api-{role}-local")
    return f"{api['id']}.execute-api.{region}.amazonaws.com"


def regional_domain(emulator, region):
    """The regional domain name of the region's custom domain for the failover name."""
    return aws_client(emulator.endpoint_url, "apigateway", region).get_domain_name(domainName=API_NAME)[
        "regionalDomainName"]


def pay(emulator, host, key, amount="25.00", region="us-east-1", credentials=ROOT):
    """POST /validate signed (SigV4, execute-api, ``region``) as ``credentials`` (None: unsigned)."""
    body = json.dumps({"amount": amount, "currency": "USD", "customerId": "cus_e2etest00000001"}).encode()
    headers = {"Host": host, "Content-Type": "application/json", "Idempotency-Key": key}
    if credentials is not None:
        signing = AWSRequest(method="POST", url=f"https://{host}/prod/validate", data=body, headers=headers)
        SigV4Auth(credentials, "execute-api", region).add_auth(signing)
        headers = dict(signing.headers.items())
    request = urllib.request.Request(f"{emulator.endpoint_url}/prod/validate", data=body, method="POST",
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def records(emulator, region, transaction_id):
    return aws_client(emulator.endpoint_url, "dynamodb", region).query(
        TableName=TABLE, KeyConditionExpression="transactionId = :t",
        ExpressionAttributeValues={":t": {"S": transaction_id}})["Items"]


def test_payment_is_stored_replicated_and_never_stored_twice(stack, emulator):
    host = API_NAME  # the failover name itself, served by the primary's custom domain
    status, body = pay(emulator, host, "e2e-payment-0001")
    assert status == 201 and body["region"] == "us-east-1"
    assert len(records(emulator, "us-east-2", body["transactionId"])) == 1  # replicated to DR
    again, replay = pay(emulator, host, "e2e-payment-0001")
    assert again == 200 and replay["transactionId"] == body["transactionId"]
    assert len(records(emulator, "us-east-1", body["transactionId"])) == 1


@pytest.mark.parametrize("region, role", [("us-east-1", "primary"), ("us-east-2", "dr")])
def test_only_signed_callers_the_policy_allows_validate_and_health_stays_open(stack, emulator, region, role):
    client = aws_client(emulator.endpoint_url, "apigateway", region)
    api_id = api_host(emulator, region, role).split(".", maxsplit=1)[0]
    resources = {r["path"]: r["id"] for r in client.get_resources(restApiId=api_id)["items"]}
    assert client.get_method(restApiId=api_id, resourceId=resources["/validate"],
                             httpMethod="POST")["authorizationType"] == "AWS_IAM"
    assert client.get_method(restApiId=api_id, resourceId=resources["/health"], httpMethod="GET")["authorizationType"] == "NONE"
    statements = {s["Sid"]: s for s in json.loads(client.get_rest_api(restApiId=api_id)["policy"])["Statement"]}
    arn = f"arn:aws:execute-api:{region}:123456789012:{api_id}/prod"
    assert statements["CallersMayValidate"]["Resource"] == f"{arn}/POST/validate"
    assert statements["CallersMayValidate"]["Condition"] == {
        "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/payments-operator-global-local"]}}
    assert statements["HealthIsOpen"]["Resource"] == f"{arn}/GET/health" and statements["HealthIsOpen"]["Principal"] == "*"

    host = api_host(emulator, region, role)
    status, body = pay(emulator, host, f"e2e-unsigned-{role}", region=region, credentials=None)
    assert (status, body) == (403, {"message": "Missing Authentication Token"})
    status, body = pay(emulator, host, f"e2e-forged-{role}", region=region, credentials=Credentials("testing", "forged"))
    assert status == 403 and body["message"].startswith("The request signature we calculated does not match")
    health = urllib.request.Request(f"{emulator.endpoint_url}/prod/health", headers={"Host": host})
    with urllib.request.urlopen(health, timeout=60) as answer:  # noqa: S310 - loopback
        assert answer.status == 200


@pytest.mark.parametrize("region, role", [("us-east-1", "primary"), ("us-east-2", "dr")])
def test_the_stage_is_behind_a_regional_web_acl_that_logs(stack, emulator, region, role):
    waf = aws_client(emulator.endpoint_url, "wafv2", region)
    api_id = api_host(emulator, region, role).split(".", maxsplit=1)[0]
    stage = f"arn:aws:apigateway:{region}::/restapis/{api_id}/stages/prod"
    acl = waf.get_web_acl_for_resource(ResourceArn=stage)["WebACL"]
    assert acl["Name"] == f"payments-api-waf-{role}-local" and acl["DefaultAction"] == {"Allow": {}}
    assert waf.list_resources_for_web_acl(WebACLArn=acl["ARN"], ResourceType="API_GATEWAY")["ResourceArns"] == [stage]
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    assert rules["RateLimitPerClientIp"]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert rules["RateLimitPerClientIp"]["Action"] == {"Block": {}}
    assert rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"] == {
        "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}
    logging = waf.get_logging_configuration(ResourceArn=acl["ARN"])["LoggingConfiguration"]
    group = f"aws-waf-logs-payments-api-{role}-local"
    assert logging["LogDestinationConfigs"] == [f"arn:aws:logs:{region}:123456789012:log-group:{group}"]
    assert sorted(f["SingleHeader"]["Name"] for f in logging["RedactedFields"]) == ["authorization", "x-amz-security-token"]
    logs = aws_client(emulator.endpoint_url, "logs", region)
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]] == [group]
    tags = {t["Key"]: t["Value"] for t in waf.list_tags_for_resource(ResourceARN=acl["ARN"])["TagInfoForResource"]["TagList"]}
    assert tags.items() >= dict(STANDARD, Region=region, **{"DR-Role": role}).items()


@pytest.mark.parametrize("region, role", [("us-east-1", "primary"), ("us-east-2", "dr")])
def test_api_tier_resources_carry_the_standard_tags(stack, emulator, region, role):
    expected = dict(STANDARD, Region=region, **{"DR-Role": role})
    function = aws_client(emulator.endpoint_url, "lambda", region).get_function(FunctionName=f"payments-validate-{role}-local")
    assert function["Tags"].items() >= expected.items()
    api_id = api_host(emulator, region, role).split(".", maxsplit=1)[0]
    assert aws_client(emulator.endpoint_url, "apigateway", region).get_rest_api(restApiId=api_id)["tags"].items() >= expected.items()
    logs = aws_client(emulator.endpoint_url, "logs", region)
    for group in (f"/aws/lambda/payments-validate-{role}-local", f"/aws/apigateway/payments-api-{role}-local"):
        assert logs.list_tags_log_group(logGroupName=group)["tags"].items() >= expected.items()
    iam = aws_client(emulator.endpoint_url, "iam", region)
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=f"payments-lambda-{role}-local")["Tags"]}
    assert tags.items() >= expected.items()


def test_dns_resources_carry_the_standard_tags(stack, emulator):
    route53 = aws_client(emulator.endpoint_url, "route53", "us-east-1")
    zone = next(z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == "payments.local.example.com.")
    checks = route53.list_health_checks()["HealthChecks"]
    assert len(checks) == 2
    for resource_type, resource_id in [("hostedzone", zone["Id"].split("/")[-1])] + [
            ("healthcheck", check["Id"]) for check in checks]:
        tags = route53.list_tags_for_resource(ResourceType=resource_type, ResourceId=resource_id)
        found = {t["Key"]: t["Value"] for t in tags["ResourceTagSet"]["Tags"]}
        assert found.items() >= STANDARD.items(), resource_type
    # Each health check has its alarm in us-east-1 (Route 53's metrics live there), tagged as well.
    cloudwatch = aws_client(emulator.endpoint_url, "cloudwatch", "us-east-1")
    alarms = cloudwatch.describe_alarms(AlarmNamePrefix="payments-api-health-")["MetricAlarms"]
    assert sorted(a["Dimensions"][0]["Value"] for a in alarms) == sorted(check["Id"] for check in checks)
    for alarm in alarms:
        assert (alarm["MetricName"], alarm["ComparisonOperator"], alarm["TreatMissingData"]) == (
            "HealthCheckStatus", "LessThanThreshold", "breaching")
        assert alarm["AlarmActions"] == ["arn:aws:sns:us-east-1:123456789012:payments-alerts-primary-local"]
        found = {t["Key"]: t["Value"] for t in cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"]}
        assert found.items() >= dict(STANDARD, Region="us-east-1", **{"DR-Role": "global"}).items(), alarm["AlarmName"]


def test_check_run_reports_and_changes_nothing(stack, emulator):
    regions = ("us-east-1", "us-east-2")
    before = {region: tagged_for_the_environment(emulator, region) for region in regions}
    check = run_playbook("site.yml", emulator.endpoint_url, check=True, timeout=1800)
    assert check.rc == 0 and check.changed() == 0, check.changed_tasks() or check.failures()
    assert {region: tagged_for_the_environment(emulator, region) for region in regions} == before


def test_region_outage_moves_the_api_name_to_the_dr_region(stack, emulator):
    control = EmulatorControl(emulator.endpoint_url)
    control.post("route53/probe")
    control.post("route53/probe")
    answer = control.get(f"route53/resolve?name={API_NAME}&type=A")
    assert (answer["failover"], answer["alias"]) == ("PRIMARY", True)
    assert answer["values"] == [regional_domain(emulator, "us-east-1")]
    control.region_down("us-east-1")
    try:
        control.post("route53/probe")
        control.post("route53/probe")  # failure threshold 2
        answer = control.get(f"route53/resolve?name={API_NAME}&type=A")
        assert answer["failover"] == "SECONDARY"
        assert answer["values"] == [regional_domain(emulator, "us-east-2")]
        status, body = pay(emulator, API_NAME, "e2e-during-outage-01", region="us-east-2")
        assert status == 201 and body["region"] == "us-east-2"
        assert len(records(emulator, "us-east-2", body["transactionId"])) == 1
    finally:
        control.region_up("us-east-1")


def test_replication_lag_alarm_notifies_the_topic(stack, emulator):
    control = EmulatorControl(emulator.endpoint_url)
    received = subscribe_queue(emulator.endpoint_url, "arn:aws:sns:us-east-2:123456789012:payments-alerts-dr-local",
                               "e2e-alerts")
    control.post("rds/lag", {"global_cluster": "payments-aurora-global-local", "lag_ms": 4000})
    control.post("cloudwatch/evaluate", {"region": "us-east-2"})
    alarm = aws_client(emulator.endpoint_url, "cloudwatch", "us-east-2").describe_alarms(
        AlarmNames=["payments-aurora-replication-lag-dr-local"])["MetricAlarms"][0]
    assert alarm["StateValue"] == "ALARM"
    notices = [json.loads(envelope["Message"]) for envelope in received()]
    assert "payments-aurora-replication-lag-dr-local" in [n["AlarmName"] for n in notices]


def scheduled_for_deletion(emulator, region, arn):
    """A KMS key or secret AWS only deletes after its waiting period."""
    if ":kms:" in arn:
        state = aws_client(emulator.endpoint_url, "kms", region).describe_key(KeyId=arn)["KeyMetadata"]["KeyState"]
        return state in ("PendingDeletion", "PendingReplicaDeletion")
    if ":secretsmanager:" in arn:
        return "DeletedDate" in aws_client(emulator.endpoint_url, "secretsmanager", region).describe_secret(SecretId=arn)
    return False


def tagged_for_the_environment(emulator, region):
    tagging = aws_client(emulator.endpoint_url, "resourcegroupstaggingapi", region)
    pages = tagging.get_paginator("get_resources").paginate(TagFilters=[{"Key": "Environment", "Values": ["local"]}])
    arns = [r["ResourceARN"] for page in pages for r in page["ResourceTagMappingList"]]
    return sorted(arn for arn in arns if not scheduled_for_deletion(emulator, region, arn))


def live_keys(emulator, region):
    """Customer managed keys not scheduled for deletion (AWS managed keys such as aws/rds are AWS's)."""
    kms = aws_client(emulator.endpoint_url, "kms", region)
    aws_managed = {a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith("alias/aws/")}
    keys = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"]]
    return [key["Arn"] for key in keys if key.get("KeyManager") != "AWS" and key["KeyId"] not in aws_managed
            and key["KeyState"] not in ("PendingDeletion", "PendingReplicaDeletion")]


def test_destroy_leaves_nothing_behind_and_the_stack_rebuilds(stack, emulator):
    """As the runner principals of runner_iam.yml: the deployer destroys and rebuilds, the auditor
    audits; then each of their policies holds only actions some run used (the deployer's runs
    include the deploy of the stack this test starts from)."""
    regions = ("us-east-1", "us-east-2")
    deployer = principals.credentials(emulator.endpoint_url, "deployer")
    before = {region: tagged_for_the_environment(emulator, region) for region in regions}
    assert all(len(found) > 30 for found in before.values()), before

    # With the default final snapshot (the molecule failover scenario tears down without one).
    # Each layer's --check and its second run (changed=0) are proven once, in test_teardown_{api,data,base}.
    confirm = {"teardown_confirm": "local", "teardown_lift_protection": True}
    # Without leave to lift deletion protection, the teardown stops before any layer deletes anything.
    unlifted = run_playbook("destroy.yml", emulator.endpoint_url, timeout=1800,
                            extra_vars=dict(confirm, teardown_lift_protection=False, **deployer))
    assert unlifted.rc != 0 and "Deletion protection is on" in str(unlifted.failures()), unlifted.stdout[-4000:]
    assert {region: tagged_for_the_environment(emulator, region) for region in regions} == before

    destroyed = run_playbook("destroy.yml", emulator.endpoint_url, extra_vars=dict(confirm, **deployer), timeout=1800)
    assert destroyed.rc == 0, (destroyed.failures(), principals.denied(emulator.endpoint_url))
    # Only the writer's final snapshot is kept, with the key it is encrypted with (else unrestorable).
    kept = tagged_for_the_environment(emulator, "us-east-1")
    assert sorted(arn.split(":")[2] + ":" + arn.split(":")[5].split("/")[0] for arn in kept) == [
        "kms:key", "rds:cluster-snapshot"], kept
    snapshot = next(arn for arn in kept if ":cluster-snapshot:" in arn)
    assert snapshot.split(":")[-1].startswith("payments-aurora-primary-local-final-"), kept
    assert len(live_keys(emulator, "us-east-1")) == 1
    assert tagged_for_the_environment(emulator, "us-east-2") == []
    assert live_keys(emulator, "us-east-2") == []
    for region in regions:
        assert aws_client(emulator.endpoint_url, "secretsmanager", region).list_secrets()["SecretList"] == [], region
        assert aws_client(emulator.endpoint_url, "ec2", region).describe_addresses()["Addresses"] == [], region
    iam = aws_client(emulator.endpoint_url, "iam", "us-east-1")
    assert sorted(r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("payments")) == [
        "payments-auditor-global-local", "payments-deployer-global-local", "payments-operator-global-local"]
    assert aws_client(emulator.endpoint_url, "route53", "us-east-1").list_hosted_zones()["HostedZones"] == []

    # Rebuilt with the same suffix while the keys are pending deletion and the secret is scheduled
    # for deletion (as on AWS for days after a teardown): site.yml cancels the key deletions and
    # re-enables the keys, restores the secret with its value, recreates what was deleted; the
    # stack then passes readiness, serves a payment, and a rerun changes nothing.
    rebuilt = run_playbook("site.yml", emulator.endpoint_url, timeout=1800, extra_vars=deployer)
    assert rebuilt.rc == 0, (rebuilt.failures(), principals.denied(emulator.endpoint_url))
    for region in regions:
        assert len(live_keys(emulator, region)) == 1, region
    control = EmulatorControl(emulator.endpoint_url)
    def writes_by_action():
        return {(r["service"], r["region"], r["action"]): r["count"] for r in control.counters()["rows"] if not r["read"]}

    writes = writes_by_action()
    ready = run_playbook("playbooks/readiness.yml", emulator.endpoint_url, timeout=900,
                         extra_vars=principals.credentials(emulator.endpoint_url, "auditor"))
    assert ready.rc == 0, (ready.failures(), principals.denied(emulator.endpoint_url))
    made = {key: n - writes.get(key, 0) for key, n in writes_by_action().items() if n != writes.get(key, 0)}
    assert made == {("sts", "us-east-1", "AssumeRole"): 1}, made  # the auditor wrote nothing but its STS session
    status, body = pay(emulator, API_NAME, "e2e-rebuilt-0001")
    assert status == 201 and len(records(emulator, "us-east-2", body["transactionId"])) == 1, body
    again = run_playbook("site.yml", emulator.endpoint_url, timeout=1800, extra_vars=deployer)
    assert again.rc == 0 and again.changed() == 0, again.changed_tasks() or again.failures()
    # The deployer switches the NAT layout and back: the gateway endpoints' route tables modified in
    # place, the gateways, addresses and route tables a layout no longer has deleted.
    for mode in ("single", "per_az"):
        switched = run_playbook("playbooks/network.yml", emulator.endpoint_url, timeout=900,
                                extra_vars=dict(deployer, network_nat_gateway_mode=mode))
        assert switched.rc == 0, (switched.failures(), principals.denied(emulator.endpoint_url))

    for principal in ("deployer", "auditor"):
        unused = principals.policy_actions(principal) - principals.actions_used(emulator.endpoint_url, principal)
        assert unused == set(), f"files/iam/{principal}.json.j2 allows actions no run used: {sorted(unused)}"
