"""The deploy survives the faults real AWS throws at it.

- Under a 10% rate of injected errors on every service (half throttling, half 500s), site.yml
  converges; then each of its stage playbooks, run alone with the faults still on, reports
  changed=0. That is site.yml's second run, stage by stage, with what each stage takes from the
  earlier ones looked up by name instead of passed as facts (the facts path is the --check run of
  test_stack_e2e.py). The faults stay on because those runs are all reads: a throttled or failed
  read is retried, not taken for a missing resource (a duplicate create), for drift (a change) or
  for a missing input (a stage alone fails rather than deploy with an empty default).
- A deploy whose process group is killed at a random task, then run again, completes, and the
  account holds exactly one stack: no duplicate and no orphaned resource in either region.

Both use seeded randomness (DR_FAULT_SEED overrides the seed, to replay or explore other ones):
the emulator's fault rolls depend only on the seed and each call's place in its own
(service, region, action) sequence, and the kill point comes from the same seed.
The first test's deploy is the site stack every test of the deployed stack starts from
(tests/conftest.py, build_site_under_faults), so the run builds it once; the second test takes
its own killed deploy and a rerun.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import tempfile
import time

import pytest

from tests.conftest import FAULT_SEED, SITE_FAULTS, site_group
from tests.emulator.control import aws_client
from tests.functional.ansible_run import REPO, ansible_env, playbook_command, run_playbook

SEED = FAULT_SEED
REGIONS = {"primary": "us-east-1", "dr": "us-east-2"}
SUFFIX = "local"
# What one deploy of inventories/local holds in each region.
AZS, NAT_PER_REGION, ROUTE_TABLES = 3, 3, 5  # route tables: the main one, one public, one private per zone
TABLES = {"payments-transactions-global-local", "payments-dr-control-global-local"}
BUCKETS = {"payments-cloudtrail-global-local", "payments-data-primary-local", "payments-data-dr-local"}
STACK_KEY = "payments.dr stack key"
# Task headers a full site.yml prints after the preflight ones; the kill point is drawn among them.
DEPLOY_TASK_HEADERS = 150



def tag(resource, key="Name"):
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}.get(key)


def assert_one_stack(emulator):
    """Exactly the resources one deploy creates, read back from both regions; each resource kind
    AWS does not key by name (VPCs, subnets, NAT gateways, addresses, keys, APIs, zones, health
    checks...) is counted, since a create repeated by a rerun would add one rather than fail."""
    problems = []

    def expect(what, found, wanted):
        if found != wanted:
            problems.append(f"{what}: found {found!r}, expected {wanted!r}")

    for role, region in REGIONS.items():
        ec2 = aws_client(emulator.endpoint_url, "ec2", region)
        vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
        expect(f"{region} VPCs", [tag(v) for v in vpcs], [f"payments-vpc-{role}-{SUFFIX}"])
        in_vpc = [{"Name": "vpc-id", "Values": [v["VpcId"] for v in vpcs]}]
        expect(f"{region} subnets", len(ec2.describe_subnets(Filters=in_vpc)["Subnets"]), 2 * AZS)
        expect(f"{region} internet gateways", len(ec2.describe_internet_gateways()["InternetGateways"]), 1)
        nats = [n for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted", "failed")]
        expect(f"{region} NAT gateways", len(nats), NAT_PER_REGION)
        addresses = ec2.describe_addresses()["Addresses"]
        expect(f"{region} Elastic IPs (associated, named)",
               sorted((bool(a.get("AssociationId")), tag(a) or "") for a in addresses),
               sorted((True, f"payments-nat-eip-{zone}-{role}-{SUFFIX}") for zone in "abc"[:NAT_PER_REGION]))
        expect(f"{region} route tables", len(ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]), ROUTE_TABLES)
        expect(f"{region} security groups",
               sorted(g["GroupName"] for g in ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]),
               ["default", f"payments-aurora-{role}-{SUFFIX}", f"payments-lambda-{role}-{SUFFIX}"])
        peerings = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
        expect(f"{region} peerings", [p["Status"]["Code"] for p in peerings
                                      if p["Status"]["Code"] not in ("deleted", "rejected", "failed")], ["active"])
        expect(f"{region} flow logs", len(ec2.describe_flow_logs()["FlowLogs"]), 1)

        kms = aws_client(emulator.endpoint_url, "kms", region)
        keys = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"]]
        stack_keys = [k["KeyId"] for k in keys if k.get("Description", "").startswith(STACK_KEY)
                      and k["KeyState"] not in ("PendingDeletion", "PendingReplicaDeletion")]
        aliased = {a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]
                   if a["AliasName"] == f"alias/payments-kms-{role}-{SUFFIX}"}
        expect(f"{region} stack keys (aliased)", [k in aliased for k in stack_keys], [True])

        rds = aws_client(emulator.endpoint_url, "rds", region)
        expect(f"{region} Aurora clusters", [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]],
               [f"payments-aurora-{role}-{SUFFIX}"])
        expect(f"{region} Aurora instances", len(rds.describe_db_instances()["DBInstances"]), 2)
        expect(f"{region} global clusters (members)",
               [(g["GlobalClusterIdentifier"], len(g["GlobalClusterMembers"]))
                for g in rds.describe_global_clusters()["GlobalClusters"]], [(f"payments-aurora-global-{SUFFIX}", 2)])

        dynamodb = aws_client(emulator.endpoint_url, "dynamodb", region)
        other = REGIONS["dr" if role == "primary" else "primary"]
        expect(f"{region} tables (replicas)",
               {t: [r["RegionName"] for r in dynamodb.describe_table(TableName=t)["Table"].get("Replicas", [])]
                for t in dynamodb.list_tables()["TableNames"]}, {t: [other] for t in TABLES})
        expect(f"{region} topics", [t["TopicArn"].rsplit(":", 1)[1] for t in aws_client(emulator.endpoint_url, "sns", region)
                                    .list_topics()["Topics"]], [f"payments-alerts-{role}-{SUFFIX}"])
        expect(f"{region} subscriptions", len(aws_client(emulator.endpoint_url, "sns", region).list_subscriptions()["Subscriptions"]), 1)
        expect(f"{region} functions", [f["FunctionName"] for f in aws_client(emulator.endpoint_url, "lambda", region)
                                       .list_functions()["Functions"]], [f"payments-validate-{role}-{SUFFIX}"])
        expect(f"{region} REST APIs", [a["name"] for a in aws_client(emulator.endpoint_url, "apigateway", region)
                                       .get_rest_apis()["items"]], [f"payments-api-{role}-{SUFFIX}"])
        backup = aws_client(emulator.endpoint_url, "backup", region)
        expect(f"{region} backup vaults", [v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]],
               [f"payments-vault-{role}-{SUFFIX}"])
        plans = backup.list_backup_plans()["BackupPlansList"]
        expect(f"{region} backup plans (selections)",
               [(p["BackupPlanName"], len(backup.list_backup_selections(BackupPlanId=p["BackupPlanId"])
                                          ["BackupSelectionsList"])) for p in plans],
               [(f"payments-backup-primary-{SUFFIX}", 1)] if role == "primary" else [])

    expect("buckets", {b["Name"] for b in aws_client(emulator.endpoint_url, "s3", "us-east-1").list_buckets()["Buckets"]}, BUCKETS)
    expect("trails", [t["Name"] for t in aws_client(emulator.endpoint_url, "cloudtrail", "us-east-1").describe_trails()["trailList"]],
           [f"payments-trail-global-{SUFFIX}"])
    route53 = aws_client(emulator.endpoint_url, "route53", "us-east-1")
    zones = route53.list_hosted_zones()["HostedZones"]
    expect("hosted zones", [z["Name"] for z in zones], [f"payments.{SUFFIX}.example.com."])
    expect("health checks", len(route53.list_health_checks()["HealthChecks"]), 2)
    if len(zones) == 1:
        records = route53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
        expect("failover records", sorted(r["Failover"] for r in records if r.get("Failover")),
               ["PRIMARY", "SECONDARY"])
    assert not problems, "\n".join(problems)


@pytest.fixture
def fresh(emulator, control):
    """A reset emulator whose Route 53 health checks probe only when asked (their Lambda calls would
    take fault rolls in an order that depends on timing)."""
    control.post("route53/settings", {"probe_interval": 3600})
    return control


# site.yml's stages, in its order (the preflight stage has no resources).
STAGES = ("security", "network", "dynamodb", "s3", "aurora", "monitoring", "api", "dns")


def test_the_stages_are_site_yml():
    site = (REPO / "playbooks" / "site.yml").read_text()
    imported = [line.split("import_playbook:")[1].strip() for line in site.splitlines() if "import_playbook:" in line]
    assert imported == ["preflight.yml"] + [f"{stage}.yml" for stage in STAGES]


@site_group
def test_deploy_converges_under_injected_faults_and_each_stage_rerun_alone_changes_nothing(emulator, site_stack,
                                                                                           control):
    # The site stack is deployed under these faults (tests/conftest.py, build_site_under_faults);
    # the snapshot holds the counters and the seeded rolls of that deploy.
    injected = control.counters()["faults_injected"]
    # The faults were there to be survived: both kinds, on a tenth of about a thousand calls.
    assert injected.get("throttle", 0) > 20 and injected.get("5xx", 0) > 20, injected

    started = time.monotonic()
    control.inject_faults("*", SITE_FAULTS["rate"], kind=SITE_FAULTS["kind"])  # no seed: the rolls go on
    for stage in STAGES:
        alone = run_playbook(f"playbooks/{stage}.yml", emulator.endpoint_url, timeout=900)
        assert alone.rc == 0, (SEED, stage, alone.failures(), alone.stdout[-3000:], alone.stderr[-2000:])
        assert alone.changed() == 0, (SEED, stage, alone.changed_tasks())
    rerun_injected = control.counters()["faults_injected"]
    assert sum(rerun_injected.values()) > sum(injected.values()), (injected, rerun_injected)
    control.inject_faults("*", 0)  # read the stack back without faults
    assert_one_stack(emulator)
    print(f"faults seed {SEED}: deploy injected {injected}, rerun {time.monotonic() - started:.0f} s, "
          f"injected in all {rerun_injected}")


def deploy_and_kill(emulator, rng):
    """Start site.yml in its own process group and SIGKILL the group a moment after the deploy reaches
    a task chosen at random (any task after the first preflight); return that task's header."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(  # noqa: S603 - our own ansible-playbook
            playbook_command("site.yml"), cwd=REPO, env=ansible_env(emulator.endpoint_url, tmp, json_output=False),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        # Preflight's headers (every play repeats it, no AWS calls) are not counted.
        target, delay, seen, killed_at = rng.randint(1, DEPLOY_TASK_HEADERS), rng.uniform(0, 3), 0, None
        try:
            for line in proc.stdout:
                if line.startswith("TASK [") and "preflight" not in line:
                    seen += 1
                    if seen == target:
                        killed_at = line.strip()
                        time.sleep(delay)  # land inside the task or just after it
                        os.killpg(proc.pid, signal.SIGKILL)
                        break
        finally:
            if proc.poll() is None and killed_at is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
            proc.stdout.close()
    assert killed_at is not None, (f"site.yml ended (rc {proc.returncode}) after {seen} task headers, before the "
                                   f"{target}th (seed {SEED}): set DEPLOY_TASK_HEADERS to what a deploy prints")
    return killed_at, delay


def test_deploy_killed_at_a_random_task_then_rerun_leaves_exactly_one_stack(emulator, fresh):
    started = time.monotonic()
    killed_at, delay = deploy_and_kill(emulator, random.Random(SEED))
    killed = time.monotonic()
    rerun = run_playbook("site.yml", emulator.endpoint_url, timeout=1800)
    assert rerun.rc == 0, (SEED, killed_at, rerun.failures(), rerun.stdout[-3000:], rerun.stderr[-2000:])
    assert_one_stack(emulator)
    print(f"kill seed {SEED}: killed {delay:.1f} s after {killed_at} at {killed - started:.0f} s, "
          f"rerun {time.monotonic() - killed:.0f} s")

