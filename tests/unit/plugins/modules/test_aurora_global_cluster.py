from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import aurora_global_cluster

PRIMARY = "arn:aws:rds:us-east-1:123456789012:cluster:db-primary"
DR = "arn:aws:rds:us-east-2:123456789012:cluster:db-dr"
GLOBAL_ARN = "arn:aws:rds::123456789012:global-cluster:g"
WRITES = ("create_global_cluster", "modify_global_cluster", "delete_global_cluster", "remove_from_global_cluster",
          "add_tags_to_resource", "remove_tags_from_resource")


def gc(members=(), writer=None, protected=False, tags=None, status="available", engine="aurora-postgresql",
       encrypted=True):
    return {
        "GlobalClusterIdentifier": "g", "GlobalClusterArn": GLOBAL_ARN, "Status": status, "Engine": engine,
        "EngineVersion": "15.4", "DatabaseName": "payments", "StorageEncrypted": encrypted,
        "DeletionProtection": protected, "Endpoint": "g.global-x.global.rds.amazonaws.com",
        "TagList": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        "GlobalClusterMembers": [{"DBClusterArn": arn, "IsWriter": arn == writer,
                                  "Readers": [m for m in members if m != arn] if arn == writer else []}
                                 for arn in members],
    }


def not_found(operation="DescribeGlobalClusters", code="GlobalClusterNotFoundFault"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "not found"}}, operation)


def rds_client(*states):
    """describe_global_clusters answers each state in turn (None: not found); the last one repeats."""
    client = MagicMock()
    answers = list(states)

    def describe(**kwargs):
        state = answers.pop(0) if len(answers) > 1 else answers[0]
        if state is None:
            raise not_found()
        return {"GlobalClusters": [state]}

    client.describe_global_clusters.side_effect = describe
    client.describe_db_clusters.return_value = {"DBClusters": [{"DBClusterArn": PRIMARY, "Status": "available"}]}
    return client


def assert_no_write(client):
    for write in WRITES:
        getattr(client, write).assert_not_called()


BASE = {"global_cluster_identifier": "g"}
CREATE = dict(BASE, engine="aurora-postgresql", engine_version="15.4", storage_encrypted=True,
              deletion_protection=True, database_name="payments", tags={"Project": "PaymentProcessing"})


def test_creates_an_empty_global_cluster_with_every_setting(run_module):
    client = rds_client(None, gc(protected=True, tags={"Project": "PaymentProcessing"}))
    result, failed = run_module(aurora_global_cluster, CREATE, client)
    assert not failed, result
    assert result["changed"] is True
    client.create_global_cluster.assert_called_once_with(
        aws_retry=True, GlobalClusterIdentifier="g", Engine="aurora-postgresql", EngineVersion="15.4",
        StorageEncrypted=True, DatabaseName="payments", DeletionProtection=True,
        Tags=[{"Key": "Project", "Value": "PaymentProcessing"}])
    assert result["global_cluster"]["global_cluster_arn"] == GLOBAL_ARN
    assert result["global_cluster"]["tags"] == {"Project": "PaymentProcessing"}
    assert result["diff"]["before"] == {} and result["diff"]["after"]["deletion_protection"] is True


@pytest.mark.parametrize("source, looked_up", [(PRIMARY, False), ("db-primary", True)])
def test_creates_from_a_source_cluster_by_arn_or_identifier(run_module, source, looked_up):
    client = rds_client(None, gc(members=(PRIMARY,), writer=PRIMARY))
    result, failed = run_module(aurora_global_cluster, dict(BASE, source_db_cluster_identifier=source), client)
    assert not failed, result
    request = client.create_global_cluster.call_args.kwargs
    assert request["SourceDBClusterIdentifier"] == PRIMARY
    assert "Engine" not in request and "StorageEncrypted" not in request
    assert client.describe_db_clusters.called is looked_up
    assert result["global_cluster"]["writer_cluster_arn"] == PRIMARY
    assert result["global_cluster"]["writer_region"] == "us-east-1"


def test_create_without_engine_or_source_fails_without_writing(run_module):
    client = rds_client(None)
    result, failed = run_module(aurora_global_cluster, BASE, client)
    assert failed and "engine is required" in result["msg"]
    assert_no_write(client)


@pytest.mark.parametrize("engine", ["postgres", "aurora", "AURORA-POSTGRESQL"])
def test_unknown_engine_fails_before_any_api_call(run_module, engine):
    client = rds_client(None)
    result, failed = run_module(aurora_global_cluster, dict(BASE, engine=engine), client)
    assert failed and "engine" in result["msg"] and engine in result["msg"]
    assert client.method_calls == []


@pytest.mark.parametrize("other", [{"engine": "aurora-mysql"}, {"storage_encrypted": True},
                                   {"engine_version": "15.4"}, {"database_name": "x"}])
def test_source_excludes_settings_taken_from_it(run_module, other):
    client = rds_client(None)
    result, failed = run_module(aurora_global_cluster, dict(BASE, source_db_cluster_identifier=PRIMARY, **other), client)
    assert failed and "mutually exclusive" in result["msg"]
    assert client.method_calls == []


def test_existing_cluster_in_desired_state_changes_nothing(run_module):
    client = rds_client(gc(members=(PRIMARY, DR), writer=PRIMARY, protected=True, tags={"Project": "PaymentProcessing"}))
    result, failed = run_module(aurora_global_cluster, CREATE, client)
    assert not failed and result["changed"] is False
    assert_no_write(client)
    members = result["global_cluster"]["members"]
    assert [(m["db_cluster_arn"], m["is_writer"], m["readers"]) for m in members] == [
        (PRIMARY, True, [DR]), (DR, False, [])]


def test_after_a_failover_the_live_writer_is_reported_and_nothing_is_repaired(run_module):
    client = rds_client(gc(members=(PRIMARY, DR), writer=DR, protected=True, tags={"Project": "PaymentProcessing"}))
    result, failed = run_module(aurora_global_cluster, CREATE, client)
    assert not failed and result["changed"] is False
    assert_no_write(client)
    assert result["global_cluster"]["writer_cluster_arn"] == DR
    assert result["global_cluster"]["writer_region"] == "us-east-2"


@pytest.mark.parametrize("current, wanted", [(False, True), (True, False)])
def test_modifies_deletion_protection(run_module, current, wanted):
    client = rds_client(gc(protected=current), gc(protected=wanted))
    result, failed = run_module(aurora_global_cluster, dict(BASE, deletion_protection=wanted), client, diff=True)
    assert not failed and result["changed"] is True
    client.modify_global_cluster.assert_called_once_with(aws_retry=True, GlobalClusterIdentifier="g",
                                                         DeletionProtection=wanted)
    assert result["diff"]["before"]["deletion_protection"] is current
    assert result["diff"]["after"]["deletion_protection"] is wanted
    assert result["global_cluster"]["deletion_protection"] is wanted


@pytest.mark.parametrize("purge, removed", [(True, ["Old"]), (False, [])])
def test_tags_are_added_and_purged(run_module, purge, removed):
    client = rds_client(gc(tags={"Old": "1", "Keep": "a"}))
    result, failed = run_module(aurora_global_cluster, dict(BASE, tags={"Keep": "b", "New": "2"}, purge_tags=purge),
                                client)
    assert not failed and result["changed"] is True
    client.add_tags_to_resource.assert_called_once()
    added = client.add_tags_to_resource.call_args.kwargs
    assert added["ResourceName"] == GLOBAL_ARN
    assert sorted((t["Key"], t["Value"]) for t in added["Tags"]) == [("Keep", "b"), ("New", "2")]
    if removed:
        client.remove_tags_from_resource.assert_called_once_with(aws_retry=True, ResourceName=GLOBAL_ARN,
                                                                 TagKeys=removed)
    else:
        client.remove_tags_from_resource.assert_not_called()
    client.modify_global_cluster.assert_not_called()


@pytest.mark.parametrize("args, message", [
    ({"engine": "aurora-mysql"}, "cannot be changed"),
    ({"storage_encrypted": False}, "cannot be changed"),
])
def test_immutable_settings_that_differ_fail_without_writing(run_module, args, message):
    client = rds_client(gc())
    result, failed = run_module(aurora_global_cluster, dict(BASE, **args), client)
    assert failed and message in result["msg"]
    assert_no_write(client)


@pytest.mark.parametrize("args, existing", [
    (CREATE, None),
    (dict(BASE, deletion_protection=True, tags={"A": "b"}), gc()),
    (dict(BASE, state="absent", deletion_protection=False), gc(members=(PRIMARY, DR), writer=PRIMARY, protected=True)),
])
def test_check_mode_makes_no_write(run_module, args, existing):
    client = rds_client(existing)
    result, failed = run_module(aurora_global_cluster, args, client, check_mode=True, diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert_no_write(client)
    assert result["diff"]["before"] != result["diff"]["after"]


def test_absent_removes_secondaries_first_then_the_writer_then_deletes(run_module):
    both = gc(members=(PRIMARY, DR), writer=DR)  # after a failover: the DR cluster is the writer
    only_writer = gc(members=(DR,), writer=DR)
    empty = gc()
    client = rds_client(both, only_writer, empty, None)
    result, failed = run_module(aurora_global_cluster, dict(BASE, state="absent"), client)
    assert not failed, result
    assert result["changed"] is True
    assert result["removed_members"] == [PRIMARY, DR]
    calls = [c for c in client.method_calls if c[0] in WRITES]
    assert [(name, kwargs.get("DbClusterIdentifier")) for name, _args, kwargs in calls] == [
        ("remove_from_global_cluster", PRIMARY), ("remove_from_global_cluster", DR), ("delete_global_cluster", None)]
    assert result["global_cluster"] == {}


def test_absent_when_already_gone_changes_nothing(run_module):
    client = rds_client(None)
    result, failed = run_module(aurora_global_cluster, dict(BASE, state="absent"), client)
    assert not failed and result["changed"] is False
    assert_no_write(client)


def test_absent_refuses_a_protected_cluster_before_detaching_anything(run_module):
    client = rds_client(gc(members=(PRIMARY, DR), writer=PRIMARY, protected=True))
    result, failed = run_module(aurora_global_cluster, dict(BASE, state="absent"), client)
    assert failed and "deletion protection" in result["msg"]
    assert_no_write(client)


def test_absent_with_protection_off_unprotects_first(run_module):
    client = rds_client(gc(members=(PRIMARY,), writer=PRIMARY, protected=True), gc(members=(PRIMARY,), writer=PRIMARY),
                        gc(), None)
    result, failed = run_module(aurora_global_cluster, dict(BASE, state="absent", deletion_protection=False), client)
    assert not failed, result
    names = [c[0] for c in client.method_calls if c[0] in WRITES]
    assert names == ["modify_global_cluster", "remove_from_global_cluster", "delete_global_cluster"]


def test_waits_for_an_operation_under_way_before_modifying(run_module):
    client = rds_client(gc(status="failing-over"), gc(protected=False), gc(protected=True))
    result, failed = run_module(aurora_global_cluster, dict(BASE, deletion_protection=True), client)
    assert not failed and result["changed"] is True
    assert client.describe_global_clusters.call_count >= 2
    client.modify_global_cluster.assert_called_once()


def test_api_error_is_reported_with_the_identifier(run_module):
    client = rds_client(None)
    client.create_global_cluster.side_effect = botocore.exceptions.ClientError(
        {"Error": {"Code": "GlobalClusterAlreadyExistsFault", "Message": "exists"}}, "CreateGlobalCluster")
    result, failed = run_module(aurora_global_cluster, CREATE, client)
    assert failed and "Failed to create global cluster g" in result["msg"]
