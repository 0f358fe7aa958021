"""payments.dr.aurora_global through playbooks/aurora.yml against the emulator: an Aurora global database."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import DR, PRIMARY
from tests.functional.ansible_run import REPO, WITHOUT_NETWORK, WITHOUT_SECURITY, run_playbook

GLOBAL_ID = "payments-aurora-global-local"
CLUSTERS = {PRIMARY: "payments-aurora-primary-local", DR: "payments-aurora-dr-local"}
SECRET_NAME = "payments-aurora-master-global-local"
PUBLISH = "payments.dr.aurora_global : Publish the global cluster, this region's cluster and its endpoints"
STANDARD = {"ManagedBy": "Ansible", "Project": "PaymentProcessing", "Purpose": "DisasterRecovery",
            "Environment": "local", "CostCenter": "payments-platform"}


def tags(tag_list):
    return {t["Key"]: t["Value"] for t in tag_list}


def rds_calls(control, writes_only=False):
    return [(r["region"], r["action"]) for r in control.counters()["rows"]
            if r["service"] == "rds" and not (writes_only and r["read"])]


def changed_tasks(run):
    return [(t["task"]["name"], host) for p in run.plays for t in p["tasks"]
            for host, result in t["hosts"].items() if result.get("changed")]


def global_cluster(aws, region=PRIMARY):
    return aws("rds", region).describe_global_clusters(GlobalClusterIdentifier=GLOBAL_ID)["GlobalClusters"][0]


def writer_and_readers(aws):
    members = global_cluster(aws)["GlobalClusterMembers"]
    return ([m["DBClusterArn"] for m in members if m["IsWriter"]],
            sorted(m["DBClusterArn"] for m in members if not m["IsWriter"]))


def cluster_arn(region, name):
    return f"arn:aws:rds:{region}:123456789012:cluster:{name}"


def region_network(aws, region):
    """What the network and security roles publish for a region: private subnets, the Aurora SG, the KMS key."""
    ec2 = aws("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{n}.0/24", AvailabilityZone=f"{region}{zone}")[
        "Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName="payments-aurora", Description="aurora", VpcId=vpc)["GroupId"]
    key = aws("kms", region).create_key(Description="payments")["KeyMetadata"]["Arn"]
    # No shared secret (security_db_secret_arn ""): the role makes its own.
    return {"network_private_subnet_ids": subnets, "network_aurora_sg_id": group, "security_kms_key_arn": key,
            "security_db_secret_arn": ""}


def inventory_with(tmp_path: Path, host_vars: dict) -> str:
    """inventories/local plus host_vars, as if the network and security roles had run before."""
    target = tmp_path / "inventory"
    shutil.copytree(REPO / "inventories" / "local", target)
    (target / "host_vars").mkdir(exist_ok=True)
    for host, values in host_vars.items():
        (target / "host_vars" / f"{host}.yml").write_text(yaml.safe_dump(values))
    return str(target)


def delete_cluster(aws, region, name):
    """What an operator does to lose a region's cluster: detach, unprotect, delete instances and cluster."""
    rds = aws("rds", region)
    rds.remove_from_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, DbClusterIdentifier=cluster_arn(region, name))
    rds.modify_db_cluster(DBClusterIdentifier=name, DeletionProtection=False, ApplyImmediately=True)
    for member in rds.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]["DBClusterMembers"]:
        rds.delete_db_instance(DBInstanceIdentifier=member["DBInstanceIdentifier"], SkipFinalSnapshot=True)
    rds.delete_db_cluster(DBClusterIdentifier=name, SkipFinalSnapshot=True)


def test_stage_playbook_builds_the_global_database(emulator, aws, control, tmp_path):
    url = emulator.endpoint_url
    network = {"primary": region_network(aws, PRIMARY), "dr": region_network(aws, DR)}
    inventory = inventory_with(tmp_path, network)
    first = run_playbook("playbooks/aurora.yml", url, inventory=inventory, verbosity=1)
    assert first.rc == 0, first.stdout[-4000:] + first.stderr[-2000:]

    # The global cluster: the primary region's cluster writes, the DR region's cluster reads.
    live = global_cluster(aws, DR)
    primary_arn, dr_arn = cluster_arn(PRIMARY, CLUSTERS[PRIMARY]), cluster_arn(DR, CLUSTERS[DR])
    assert (live["Engine"], live["EngineVersion"]) == ("aurora-postgresql", "16.4")
    assert live["StorageEncrypted"] is True and live["DeletionProtection"] is True
    assert tags(live["TagList"]) == dict(STANDARD, **{"DR-Role": "global", "Region": PRIMARY})
    members = {m["DBClusterArn"]: m for m in live["GlobalClusterMembers"]}
    assert members[primary_arn]["IsWriter"] is True and members[primary_arn]["Readers"] == [dr_arn]
    assert members[dr_arn]["IsWriter"] is False and len(members) == 2

    for host, region in (("primary", PRIMARY), ("dr", DR)):
        rds = aws("rds", region)
        cluster = rds.describe_db_clusters(DBClusterIdentifier=CLUSTERS[region])["DBClusters"][0]
        assert cluster["StorageEncrypted"] is True and cluster["KmsKeyId"] == network[host]["security_kms_key_arn"]
        assert cluster["DeletionProtection"] is True and cluster["BackupRetentionPeriod"] == 7
        assert cluster["CopyTagsToSnapshot"] is True
        assert cluster["EnabledCloudwatchLogsExports"] == ["postgresql"]
        assert [g["VpcSecurityGroupId"] for g in cluster["VpcSecurityGroups"]] == [network[host]["network_aurora_sg_id"]]
        assert cluster["DBSubnetGroup"] == CLUSTERS[region]
        group = rds.describe_db_subnet_groups(DBSubnetGroupName=CLUSTERS[region])["DBSubnetGroups"][0]
        assert sorted(s["SubnetIdentifier"] for s in group["Subnets"]) == sorted(network[host]["network_private_subnet_ids"])
        role = "primary" if region == PRIMARY else "dr"
        regional_tags = dict(STANDARD, **{"DR-Role": role, "Region": region})
        assert tags(cluster["TagList"]) == regional_tags
        assert tags(rds.list_tags_for_resource(ResourceName=group["DBSubnetGroupArn"])["TagList"]) == regional_tags
        instances = rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [CLUSTERS[region]]}])[
            "DBInstances"]
        assert sorted(i["DBInstanceIdentifier"] for i in instances) == [f"{CLUSTERS[region]}-1", f"{CLUSTERS[region]}-2"]
        assert len(cluster["DBClusterMembers"]) == 2
        for instance in instances:
            assert instance["DBInstanceClass"] == "db.r6g.large" and instance["PubliclyAccessible"] is False
            assert instance["PerformanceInsightsEnabled"] is True
            assert instance["PerformanceInsightsKMSKeyId"] == network[host]["security_kms_key_arn"]
            assert instance["PerformanceInsightsRetentionPeriod"] == 7
            assert instance["DBSubnetGroup"]["DBSubnetGroupName"] == CLUSTERS[region]
            assert tags(instance["TagList"]) == regional_tags

    # Credentials: a generated password in a secret of the role's own, replicated to the DR region; the
    # primary cluster was created with it, and it appears nowhere in the -v output.
    secrets = aws("secretsmanager", PRIMARY)
    secret = secrets.describe_secret(SecretId=SECRET_NAME)
    assert [r["Region"] for r in secret["ReplicationStatus"]] == [DR]
    assert secret["KmsKeyId"] == network["primary"]["security_kms_key_arn"]
    assert tags(secret["Tags"]) == dict(STANDARD, **{"DR-Role": "global", "Region": PRIMARY})
    value = json.loads(secrets.get_secret_value(SecretId=SECRET_NAME)["SecretString"])
    assert value["username"] == "payments_admin" and len(value["password"]) == 32
    primary_cluster = emulator.backend("rds", PRIMARY).clusters[CLUSTERS[PRIMARY]]
    assert primary_cluster._master_user_password == value["password"]  # moto keeps it write-only
    assert primary_cluster.master_username == "payments_admin"
    assert aws("secretsmanager", DR).describe_secret(SecretId=SECRET_NAME)["Name"] == SECRET_NAME
    assert value["password"] not in first.stdout and value["password"] not in first.stderr

    facts = {host: first.results(PUBLISH, host)["ansible_facts"] for host in ("primary", "dr")}
    for host, region in (("primary", PRIMARY), ("dr", DR)):
        cluster = aws("rds", region).describe_db_clusters(DBClusterIdentifier=CLUSTERS[region])["DBClusters"][0]
        assert facts[host]["aurora_global_cluster_id"] == GLOBAL_ID
        assert facts[host]["aurora_global_db_cluster_id"] == CLUSTERS[region]
        assert facts[host]["aurora_global_cluster_endpoint"] == cluster["Endpoint"]
        assert facts[host]["aurora_global_reader_endpoint"] == cluster["ReaderEndpoint"]
        assert facts[host]["aurora_global_secret_arn"] == secret["ARN"].replace(PRIMARY, region)
        assert facts[host]["aurora_global_writer_region"] == PRIMARY

    # AWS's order: the DR cluster was created after the primary's writer instance (the emulator,
    # like AWS, refuses a secondary before that).
    writer_created = aws("rds", PRIMARY).describe_db_instances(DBInstanceIdentifier=f"{CLUSTERS[PRIMARY]}-1")[
        "DBInstances"][0]["InstanceCreateTime"]
    dr_created = aws("rds", DR).describe_db_clusters(DBClusterIdentifier=CLUSTERS[DR])["DBClusters"][0][
        "ClusterCreateTime"]
    assert writer_created <= dr_created

    second = run_playbook("playbooks/aurora.yml", url, inventory=inventory)
    assert second.rc == 0, second.stdout[-4000:]
    assert second.changed() == 0, changed_tasks(second)

    control.post("counters/reset")
    check = run_playbook("playbooks/aurora.yml", url, inventory=inventory, check=True)
    assert check.rc == 0, check.stdout[-4000:]
    assert check.changed() == 0, changed_tasks(check)
    assert rds_calls(control, writes_only=True) == []


def test_given_secret_and_a_failed_over_stack_is_not_repaired(emulator, aws, control):
    url = emulator.endpoint_url
    control.post("rds/settings", {"failover_delay": 0})
    password = "given-Secret-value-0123456789"
    arn = aws("secretsmanager", PRIMARY).create_secret(
        Name="security-db-secret", SecretString=json.dumps({"username": "ledger_admin", "password": password}))["ARN"]
    extra = {"aurora_global_master_secret_arn": arn, **WITHOUT_SECURITY, **WITHOUT_NETWORK}

    first = run_playbook("playbooks/aurora.yml", url, extra_vars=extra)
    assert first.rc == 0, first.stdout[-4000:]
    names = [s["Name"] for s in aws("secretsmanager", PRIMARY).list_secrets()["SecretList"]]
    assert names == ["security-db-secret"]  # no secret of the role's own
    primary_cluster = emulator.backend("rds", PRIMARY).clusters[CLUSTERS[PRIMARY]]
    assert primary_cluster._master_user_password == password and primary_cluster.master_username == "ledger_admin"
    # Run alone, without the network role: the default VPC's subnets.
    assert aws("rds", DR).describe_db_clusters(DBClusterIdentifier=CLUSTERS[DR])["DBClusters"][0][
        "DBSubnetGroup"] == CLUSTERS[DR]

    # A planned switchover makes the DR cluster the writer; a rerun keeps it so and writes nothing.
    primary_arn, dr_arn = cluster_arn(PRIMARY, CLUSTERS[PRIMARY]), cluster_arn(DR, CLUSTERS[DR])
    aws("rds", DR).switchover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=dr_arn)
    assert writer_and_readers(aws) == ([dr_arn], [primary_arn])
    control.post("counters/reset")
    after_switchover = run_playbook("playbooks/aurora.yml", url, extra_vars=extra)
    assert after_switchover.rc == 0, after_switchover.stdout[-4000:]
    assert after_switchover.changed() == 0, changed_tasks(after_switchover)
    assert rds_calls(control, writes_only=True) == []
    assert writer_and_readers(aws) == ([dr_arn], [primary_arn])
    assert after_switchover.results(PUBLISH, "primary")["ansible_facts"]["aurora_global_writer_region"] == DR

    # The old primary region's cluster is lost: a rerun rebuilds it as a secondary of the DR writer
    # (no credentials - the emulator refuses them for a secondary, as AWS does).
    delete_cluster(aws, PRIMARY, CLUSTERS[PRIMARY])
    rebuilt = run_playbook("playbooks/aurora.yml", url, extra_vars=extra)
    assert rebuilt.rc == 0, rebuilt.failures() or rebuilt.stdout[-4000:]
    assert writer_and_readers(aws) == ([dr_arn], [primary_arn])
    instances = aws("rds", PRIMARY).describe_db_clusters(DBClusterIdentifier=CLUSTERS[PRIMARY])["DBClusters"][0][
        "DBClusterMembers"]
    assert len(instances) == 2
    assert run_playbook("playbooks/aurora.yml", url, extra_vars=extra).changed() == 0


def test_waits_are_bounded_by_aurora_global_wait_timeout_and_the_dr_region_waits_its_turn(emulator, aws, control):
    """A primary cluster slower than aurora_global_wait_timeout fails the run at that wait, naming it,
    within the timeout (not rds_cluster's own waiter limit), before the DR region's cluster is asked for."""
    control.post("rds-creation/settings", {"cluster_create_seconds": 3600, "instance_create_seconds": 3600})
    extra = {"aurora_global_wait_timeout": 3, "aurora_global_wait_delay": 1, **WITHOUT_SECURITY, **WITHOUT_NETWORK}
    started = time.monotonic()
    run = run_playbook("playbooks/aurora.yml", emulator.endpoint_url, extra_vars=extra)
    assert run.rc != 0
    assert time.monotonic() - started < 120
    failure = json.dumps(run.failures())
    assert f"timed out after 3s waiting for DB cluster {CLUSTERS[PRIMARY]} to be available" in failure, failure
    assert "creating" in failure
    assert aws("rds", DR).describe_db_clusters()["DBClusters"] == []
    assert ("us-east-2", "CreateDBCluster") not in rds_calls(control)

    # Once the primary's cluster and instances are up, the same run goes on and adds the DR region.
    control.post("rds-creation/settings", {"cluster_create_seconds": 0, "instance_create_seconds": 0})
    control.advance_clock(3600)
    rerun = run_playbook("playbooks/aurora.yml", emulator.endpoint_url, extra_vars=extra)
    assert rerun.rc == 0, rerun.failures() or rerun.stdout[-4000:]
    assert writer_and_readers(aws) == ([cluster_arn(PRIMARY, CLUSTERS[PRIMARY])], [cluster_arn(DR, CLUSTERS[DR])])


@pytest.mark.parametrize("extra, message", [
    ({"aurora_global_engine": "postgres"}, "aurora_global_engine"),
    ({"aurora_global_instance_count": 1}, "aurora_global_instance_count"),
    ({"aurora_global_engine_version": "8.0.mysql_aurora.3.08.0"}, "aurora_global_engine_version"),
    ({"aurora_global_wait_timeout": 0}, "aurora_global_wait_timeout"),
])
def test_bad_inputs_fail_before_any_api_call(emulator, control, extra, message):
    control.post("counters/reset")
    run = run_playbook("playbooks/aurora.yml", emulator.endpoint_url, extra_vars=extra)
    assert run.rc != 0
    assert message in run.stdout
    assert control.counters()["rows"] == []
