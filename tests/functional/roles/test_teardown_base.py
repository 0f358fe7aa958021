"""destroy.yml --tags security,network: the security baseline and the VPCs go, in AWS's order, from any state.

Deploys playbooks/security.yml and playbooks/network.yml on the emulator (once per run), then tears them down and
reads back, in both regions, that nothing of them is left (KMS keys and the secret only scheduled
for deletion, as AWS allows), that --check deletes nothing, that a second run changes nothing,
and that a network interface holding a subnet or security group is waited for, then named.
"""

from __future__ import annotations

import threading
import time

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY, deploy_playbooks
from tests.emulator.control import EmulatorControl, aws_client
from tests.functional.ansible_run import run_playbook

ACCOUNT = "123456789012"
ROLE_OF = {PRIMARY: "primary", DR: "dr"}
SECRET = "payments-db-credentials-global-local"
TRAIL, TRAIL_BUCKET = "payments-trail-global-local", "payments-cloudtrail-global-local"
PLAN, BUDGET = "payments-backup-primary-local", "payments-dr-global-local"
ROLES = ("payments-backup-global-local", "payments-vpc-flow-logs-global-local")
ENVIRONMENT = [{"Name": "tag:Environment", "Values": ["local"]}]
# Fast polls on the emulator; the waits themselves are exercised (NAT gateways and recovery points
# take a second to go, see the emulator settings below).
FAST = {"teardown_confirm": "local", "teardown_retry_delay": 1, "teardown_verify_retries": 2,
        "teardown_verify_delay": 2}
TASK = "payments.dr.network : "  # the network role owns its teardown (tasks/absent.yml)
SG_DELETION = TASK + "Delete the VPC's security groups other than the default one (it goes with the VPC)"


@pytest.fixture(scope="module")
def endpoint(emulator):
    return emulator.endpoint_url


@pytest.fixture(scope="module")
def client(endpoint):
    return lambda service, region=PRIMARY: aws_client(endpoint, service, region)


# Both tests start from security.yml and network.yml deployed once per run (an emulator snapshot,
# restored per test), so they share a worker.
pytestmark = pytest.mark.xdist_group(name="teardown-base")
BASE = ("security-network", deploy_playbooks("playbooks/security.yml", "playbooks/network.yml"))


@pytest.fixture
def deployed(endpoint, stack_snapshots):
    stack_snapshots.restore(*BASE)
    control = EmulatorControl(endpoint)
    # AWS takes its time deleting NAT gateways and recovery points: so does the emulator here.
    control.post("ec2-dependencies/settings", {"nat_gateway_delete_seconds": 1})
    control.post("backup-recovery-points/settings", {"delete_seconds": 1})
    return control


def destroy(endpoint, tags, check=False, **extra):
    return run_playbook("destroy.yml", endpoint, tags=tags, check=check, extra_vars=dict(FAST, **extra))


def aliases(client, region):
    return {a["AliasName"]: a.get("TargetKeyId") for a in client("kms", region).list_aliases()["Aliases"]}


def vpcs(client, region):
    return client("ec2", region).describe_vpcs(Filters=ENVIRONMENT)["Vpcs"]


def release_after_attempts(control, ec2, eni_id, attempts, timeout=600):
    """Delete the interface once the primary region has seen ``attempts`` DeleteSecurityGroup calls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = sum(row["count"] for row in control.counters()["rows"]
                   if row["service"] == "ec2" and row["region"] == PRIMARY and row["action"] == "DeleteSecurityGroup")
        if seen >= attempts:
            break
        time.sleep(0.5)
    ec2.delete_network_interface(NetworkInterfaceId=eni_id)


def live_endpoints(client, region):
    """The stack's VPC endpoints not deleted (AWS lists deleted ones a while)."""
    return client("ec2", region).describe_vpc_endpoints(Filters=ENVIRONMENT + [
        {"Name": "vpc-endpoint-state", "Values": ["pending", "available", "deleting"]}])["VpcEndpoints"]


def assert_network_gone(client, region):
    ec2 = client("ec2", region)
    assert vpcs(client, region) == []
    assert ec2.describe_subnets(Filters=ENVIRONMENT)["Subnets"] == []
    assert ec2.describe_route_tables(Filters=ENVIRONMENT)["RouteTables"] == []
    assert ec2.describe_security_groups(Filters=ENVIRONMENT)["SecurityGroups"] == []
    assert ec2.describe_internet_gateways(Filters=ENVIRONMENT)["InternetGateways"] == []
    assert ec2.describe_addresses(Filters=ENVIRONMENT)["Addresses"] == []
    assert {n["State"] for n in ec2.describe_nat_gateways(Filter=ENVIRONMENT)["NatGateways"]} <= {"deleted"}
    assert {p["Status"]["Code"] for p in ec2.describe_vpc_peering_connections(
        Filters=ENVIRONMENT)["VpcPeeringConnections"]} <= {"deleted"}
    assert ec2.describe_flow_logs()["FlowLogs"] == []
    assert live_endpoints(client, region) == []
    assert client("logs", region).describe_log_groups(logGroupNamePrefix="payments-vpc-flow-logs")["logGroups"] == []


def test_security_and_network_go_from_a_deployed_stack_check_mode_first(endpoint, client, deployed):
    key_id = aliases(client, PRIMARY)["alias/payments-kms-primary-local"]
    # What a running stack leaves behind: recovery points in both vaults, trail logs with old versions.
    for region in (PRIMARY, DR):
        client("backup", region).start_backup_job(
            BackupVaultName=f"payments-vault-{ROLE_OF[region]}-local", IamRoleArn=f"arn:aws:iam::{ACCOUNT}:role/x",
            ResourceArn=f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/payments-global-local")
    s3 = client("s3")
    for body in (b"1", b"2"):
        s3.put_object(Bucket=TRAIL_BUCKET, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/log.json.gz", Body=body)
    s3.delete_object(Bucket=TRAIL_BUCKET, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/log.json.gz")
    # Odd state: the replica key's alias is already gone (the teardown finds the replica from its primary).
    client("kms", DR).delete_alias(AliasName="alias/payments-kms-dr-local")

    check = destroy(endpoint, "security,network", check=True)
    assert check.rc == 0, check.failures() or check.stdout[-3000:]
    assert check.changed() > 0
    for region in (PRIMARY, DR):
        assert len(vpcs(client, region)) == 1
        assert len(live_endpoints(client, region)) == 2  # S3 and DynamoDB, which the VPC cannot go before
        assert client("kms", region).describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
        assert len(client("backup", region).list_recovery_points_by_backup_vault(
            BackupVaultName=f"payments-vault-{ROLE_OF[region]}-local")["RecoveryPoints"]) == 1
    assert "DeletedDate" not in client("secretsmanager").describe_secret(SecretId=SECRET)
    assert client("secretsmanager", DR).describe_secret(SecretId=SECRET)["Name"] == SECRET
    assert client("cloudtrail").describe_trails(trailNameList=[TRAIL])["trailList"]
    assert "alias/payments-kms-primary-local" in aliases(client, PRIMARY)

    run = destroy(endpoint, "security,network,verify")
    assert run.rc == 0, run.failures() or run.stdout[-3000:]

    # KMS: the replica pending deletion, its primary waiting for it (AWS's order); aliases freed.
    kms = client("kms").describe_key(KeyId=key_id)["KeyMetadata"]
    assert kms["KeyState"] == "PendingReplicaDeletion" and kms["PendingDeletionWindowInDays"] == 7
    assert client("kms", DR).describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    for region in (PRIMARY, DR):
        assert not {f"alias/payments-kms-{ROLE_OF[region]}-local"} & set(aliases(client, region))
    # Secret: replica removed, primary recoverable for 7 days.
    assert client("secretsmanager").describe_secret(SecretId=SECRET)["DeletedDate"]
    with pytest.raises(ClientError):
        client("secretsmanager", DR).describe_secret(SecretId=SECRET)
    # Trail and its emptied bucket, backups, budget, IAM roles.
    assert client("cloudtrail").describe_trails()["trailList"] == []
    assert TRAIL_BUCKET not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    for region in (PRIMARY, DR):
        assert client("backup", region).list_backup_vaults()["BackupVaultList"] == []
    assert client("backup").list_backup_plans()["BackupPlansList"] == []
    assert BUDGET not in {b["BudgetName"] for b in client("budgets").describe_budgets(
        AccountId=ACCOUNT).get("Budgets", [])}
    for role in ROLES:
        with pytest.raises(ClientError):
            client("iam").get_role(RoleName=role)
    for region in (PRIMARY, DR):
        assert_network_gone(client, region)

    again = destroy(endpoint, "security,network")
    assert again.rc == 0, again.failures()
    assert again.changed() == 0, again.changed_tasks()


def test_network_waits_for_a_network_interface_then_names_it_and_finishes_a_half_deployed_stack(endpoint, client,
                                                                                                deployed):
    control = deployed
    ec2, ec2_dr = client("ec2"), client("ec2", DR)
    # Half torn down by hand in the DR region: the NAT gateways gone (their Elastic IPs left
    # allocated), the internet gateway detached but not deleted, the peering deleted from this side.
    dr_vpc = vpcs(client, DR)[0]["VpcId"]
    for nat in ec2_dr.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": [dr_vpc]}])["NatGateways"]:
        ec2_dr.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    control.advance_clock(1.1)
    ec2_dr.describe_nat_gateways()  # the deletions finish: the addresses are unmapped
    igw = ec2_dr.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [dr_vpc]}])
    igw_id = igw["InternetGateways"][0]["InternetGatewayId"]
    ec2_dr.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=dr_vpc)
    pcx = ec2_dr.describe_vpc_peering_connections(Filters=ENVIRONMENT)["VpcPeeringConnections"][0]
    ec2_dr.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    assert len(ec2_dr.describe_addresses(Filters=ENVIRONMENT)["Addresses"]) == 3
    # In the primary region a Lambda function's interface still sits in a private subnet.
    primary_vpc = vpcs(client, PRIMARY)[0]["VpcId"]
    lambda_sg = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["payments-lambda-primary-local"]}])
    subnet = ec2.describe_subnets(Filters=[{"Name": "tag:Tier", "Values": ["private"]},
                                           {"Name": "vpc-id", "Values": [primary_vpc]}])["Subnets"][0]
    eni = ec2.create_network_interface(SubnetId=subnet["SubnetId"], Groups=[lambda_sg["SecurityGroups"][0]["GroupId"]],
                                       Description="AWS Lambda VPC ENI-payments-api-primary-local")
    eni_id = eni["NetworkInterface"]["NetworkInterfaceId"]

    blocked = destroy(endpoint, "network", teardown_wait_timeout=3)
    assert blocked.rc != 0
    # The deletion failed after its retries (rescued), then the rescue stopped with the explanation.
    failures = blocked.failures()
    assert [f[:2] for f in failures] == [(SG_DELETION, "primary"),
                                         (TASK + "Stop, naming what still holds the security groups", "primary")]
    failure = failures[-1]
    assert eni_id in failure[2] and "AWS Lambda VPC ENI-payments-api-primary-local" in failure[2]
    assert "teardown_wait_timeout (3s)" in failure[2]
    assert_network_gone(client, DR)  # the DR region went on to the end
    assert len(vpcs(client, PRIMARY)) == 1

    # AWS releases the interface some minutes after the function is deleted: here, once the
    # teardown has tried (and failed) to delete the group twice.
    control.post("counters/reset")
    releaser = threading.Thread(target=release_after_attempts, args=(control, ec2, eni_id, 2))
    releaser.start()
    try:
        done = destroy(endpoint, "network", teardown_wait_timeout=300, teardown_retry_delay=2)
    finally:
        releaser.join()
    assert done.rc == 0, done.failures() or done.stdout[-3000:]
    attempts = [r.get("attempts", 1) for r in done.results(SG_DELETION)["results"]]
    assert max(attempts) > 1  # waited for the interface, then deleted the group
    for region in (PRIMARY, DR):
        assert_network_gone(client, region)
    with pytest.raises(ClientError):
        ec2_dr.describe_internet_gateways(InternetGatewayIds=[igw_id])
