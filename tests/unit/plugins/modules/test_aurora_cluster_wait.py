from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import aurora_cluster_wait
from .conftest import client_for

ARGS = {"db_cluster_identifier": "db", "db_instance_identifiers": ["db-1"], "wait_timeout": 600, "delay": 30}


class FakeRds:
    """Statuses that follow a script: each read of a resource takes the next status of its list (the last one stays)."""

    def __init__(self, cluster, instance):
        self.script = {"db": list(cluster), "db-1": list(instance)}
        self.reads = {"db": 0, "db-1": 0}

    def _next(self, identifier):
        statuses = self.script[identifier]
        status = statuses[min(self.reads[identifier], len(statuses) - 1)]
        self.reads[identifier] += 1
        if status is None:
            code = "DBClusterNotFoundFault" if identifier == "db" else "DBInstanceNotFound"
            raise botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "not found"}}, "Describe")
        return status

    def describe_db_clusters(self, DBClusterIdentifier, **kw):
        return {"DBClusters": [{"DBClusterIdentifier": DBClusterIdentifier, "Status": self._next(DBClusterIdentifier)}]}

    def describe_db_instances(self, DBInstanceIdentifier, **kw):
        return {"DBInstances": [{"DBInstanceIdentifier": DBInstanceIdentifier,
                                 "DBInstanceStatus": self._next(DBInstanceIdentifier)}]}


def test_waits_until_the_cluster_and_its_instances_are_available(run_module, fake_time):
    fake = FakeRds(["creating", "creating", "available"], [None, "creating", "creating", "available"])
    result, failed = run_module(aurora_cluster_wait, ARGS, client_for(fake))
    assert not failed, result
    assert result == dict(result, changed=False, available=True, statuses={"db": "available", "db-1": "available"})
    assert fake_time.slept == [30, 30, 30]


def test_already_available_returns_without_sleeping(run_module, fake_time):
    result, failed = run_module(aurora_cluster_wait, ARGS, client_for(FakeRds(["available"], ["available"])))
    assert not failed and result["available"] is True
    assert fake_time.slept == []


@pytest.mark.parametrize("timeout", [0, 100, 600])
def test_times_out_at_the_callers_deadline_naming_what_it_waited_for(run_module, fake_time, timeout):
    fake = FakeRds(["available"], ["creating"])
    result, failed = run_module(aurora_cluster_wait, dict(ARGS, wait_timeout=timeout), client_for(fake))
    assert failed
    assert result["msg"].startswith("timed out after %ss waiting for DB cluster db and DB instance(s) db-1 to be available"
                                    % timeout)
    assert "'db-1': 'creating'" in result["msg"]
    assert fake_time.now == timeout  # one deadline, the caller's: not a fixed number of attempts


def test_check_mode_reads_once_and_does_not_wait(run_module, fake_time):
    fake = FakeRds([None], [None])
    result, failed = run_module(aurora_cluster_wait, ARGS, client_for(fake), check_mode=True)
    assert not failed and result["available"] is False and result["statuses"] == {"db": None, "db-1": None}
    assert fake_time.slept == [] and fake.reads == {"db": 1, "db-1": 1}


def test_bad_delay_fails_before_any_call(run_module):
    client = client_for(FakeRds(["available"], ["available"]))
    result, failed = run_module(aurora_cluster_wait, dict(ARGS, delay=0), client)
    assert failed and "delay" in result["msg"]
    assert client.method_calls == []
