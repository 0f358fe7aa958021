"""Snapshots of the emulated account (POST /_dr/snapshots, /_dr/snapshots/restore) and the reset baseline.

A snapshot must give back everything: moto's resources, what the extensions know of them (so a
restored global table still replicates, a restored replica is still known as one), the
emulator's own state (outages), and it must survive being restored again after more changes.
"""

from __future__ import annotations

import gc
import io
import json
import urllib.error
import urllib.request
import zipfile

import pytest

from tests.conftest import DR, PRIMARY
from tests.functional.emulator.test_dynamodb_global import TABLE, add_replica, create_table, key_of, wait_active
from tests.functional.emulator.test_s3_replication import DESTINATION, SOURCE, make_bucket, replicate, rule, status


def items(client, table=TABLE):
    return sorted(item["transactionId"]["S"] for item in client.scan(TableName=table)["Items"])


def put(client, tx, table=TABLE):
    client.put_item(TableName=table, Item=dict(key_of(tx), amount={"N": "10"}))


@pytest.fixture
def stocked(aws, control):
    """A global table with an item, a replicating bucket pair with a replicated version, a role."""
    primary, dr = aws("dynamodb", PRIMARY), aws("dynamodb", DR)
    create_table(primary)
    add_replica(primary)
    wait_active(primary)
    put(primary, "tx-before")
    s3_primary, s3_dr = aws("s3", PRIMARY), aws("s3", DR)
    make_bucket(s3_primary, SOURCE, PRIMARY)
    make_bucket(s3_dr, DESTINATION, DR)
    replicate(s3_primary, rule())
    s3_primary.put_object(Bucket=SOURCE, Key="ledger", Body=b"v1")
    aws("iam").create_role(RoleName="kept", AssumeRolePolicyDocument="{}")
    control.post("snapshots", {"name": "stocked"})
    return primary, dr, s3_primary, s3_dr


def test_restore_gives_back_resources_extension_state_and_outages(stocked, aws, control):
    primary, dr, s3_primary, s3_dr = stocked
    primary.delete_item(TableName=TABLE, Key=key_of("tx-before"))
    s3_primary.delete_object(Bucket=SOURCE, Key="ledger")
    aws("iam").delete_role(RoleName="kept")
    aws("iam").create_role(RoleName="added-after", AssumeRolePolicyDocument="{}")
    control.region_down(DR)

    assert control.post("snapshots/restore", {"name": "stocked"}) == {"restored": "stocked"}

    assert control.get("outage")["down"] == []
    assert items(primary) == items(dr) == ["tx-before"]
    assert s3_dr.get_object(Bucket=DESTINATION, Key="ledger")["Body"].read() == b"v1"
    assert [v["IsLatest"] for v in s3_primary.list_object_versions(Bucket=SOURCE)["Versions"]] == [True]
    assert sorted(r["RoleName"] for r in aws("iam").list_roles()["Roles"]) == ["kept"]
    # The extensions' state came back with the resources it describes: the table still replicates,
    # the destination's copy is still a replica (S3 reports REPLICA only on versions it wrote).
    put(primary, "tx-after")
    assert items(dr) == ["tx-after", "tx-before"]
    assert status(s3_dr, DESTINATION, "ledger") == "REPLICA"
    assert status(s3_primary, SOURCE, "ledger") == "COMPLETED"


def test_delayed_replications_and_their_delays_come_back(stocked, control):
    primary, dr, s3_primary, s3_dr = stocked
    control.post("dynamodb/settings", {"replication_delay": 300})
    control.post("s3/settings", {"replication_delay": 300})
    put(primary, "tx-delayed")
    s3_primary.put_object(Bucket=SOURCE, Key="delayed", Body=b"d")
    control.post("snapshots", {"name": "delayed"})
    control.post("dynamodb/settings", {"replication_delay": 0})
    control.post("s3/settings", {"replication_delay": 0})
    control.advance_clock(300)
    assert items(dr) == ["tx-before", "tx-delayed"] and status(s3_dr, DESTINATION, "delayed") == "REPLICA"

    control.post("snapshots/restore", {"name": "delayed"})
    assert control.get("dynamodb/settings")["replication_delay"] == 300.0
    assert control.get("s3/settings") == {"replication_delay": 300.0}
    assert control.get("dynamodb/pending") == control.get("s3/pending") == {"pending": {DR: 1}}
    # Due already (the clock never goes back): the DR region's next requests complete them.
    assert items(dr) == ["tx-before", "tx-delayed"]
    assert status(s3_dr, DESTINATION, "delayed") == "REPLICA"
    control.post("snapshots/delete", {"name": "delayed"})


def others(control):
    """Snapshots this worker's other tests keep (a shared stack's), not this module's own."""
    return [name for name in control.get("snapshots")["snapshots"] if name != "stocked"]


def test_a_snapshot_restores_again_after_more_changes(stocked, control):
    primary, dr = stocked[:2]
    kept = others(control)
    put(primary, "tx-first-run")
    control.post("snapshots/restore", {"name": "stocked"})
    put(primary, "tx-second-run")
    assert items(dr) == ["tx-before", "tx-second-run"]
    control.post("snapshots/restore", {"name": "stocked"})
    assert items(primary) == items(dr) == ["tx-before"]
    assert control.get("snapshots") == {"snapshots": sorted(kept + ["stocked"])}


def test_reset_empties_the_account_but_keeps_what_aws_provides(stocked, aws, control):
    kept = others(control)
    control.reset()
    assert aws("dynamodb", PRIMARY).list_tables()["TableNames"] == []
    assert aws("dynamodb", DR).list_tables()["TableNames"] == []
    assert aws("s3", PRIMARY).list_buckets()["Buckets"] == []
    assert aws("iam").list_roles()["Roles"] == []
    # AWS managed policies and each region's default VPC are there from the start, as on AWS.
    aws("iam").get_policy(PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    for region in (PRIMARY, DR, "eu-west-1"):
        assert [v["IsDefault"] for v in aws("ec2", region).describe_vpcs()["Vpcs"]] == [True], region
    # Snapshots are the test's own: a reset does not forget them.
    assert control.get("snapshots") == {"snapshots": sorted(kept + ["stocked"])}
    control.post("snapshots/delete", {"name": "stocked"})
    assert control.get("snapshots") == {"snapshots": kept}


def test_vpcs_peer_across_regions_after_a_reset(aws, control):
    """moto's EC2 backends find each other through class-level registries: restored ones must be in them."""
    control.reset()
    primary, dr = aws("ec2", PRIMARY), aws("ec2", DR)
    vpc = primary.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    peer = dr.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    pcx = primary.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer, PeerRegion=DR)["VpcPeeringConnection"]
    dr.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    answer = primary.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx["VpcPeeringConnectionId"]])
    assert answer["VpcPeeringConnections"][0]["Status"]["Code"] == "active"


@pytest.mark.parametrize("route, body, code", [
    ("snapshots/restore", {"name": "never-taken"}, 404),
    ("snapshots", {"name": ""}, 400),
    ("snapshots", {"name": 7}, 400),
    ("snapshots", {}, 400),
])
def test_bad_snapshot_requests_are_refused(emulator, control, route, body, code):
    request = urllib.request.Request(f"{emulator.endpoint_url}/_dr/{route}", method="POST",
                                     data=json.dumps(body).encode())
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
    assert err.value.code == code


def test_a_restored_function_can_be_deleted(aws, control):
    """moto finds functions by ARN through a weak-valued dict: restored, it must name the restored functions."""
    role = aws("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    control.advance_clock(control.get("iam-propagation/settings")["propagation_seconds"])  # IAM propagation
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    functions = aws("lambda", DR)
    functions.create_function(FunctionName="kept", Runtime="python3.11", Role=role, Handler="handler.handle",
                              Code={"ZipFile": code.getvalue()})
    control.post("snapshots", {"name": "function"})
    control.reset()
    control.post("snapshots/restore", {"name": "function"})
    gc.collect()  # the objects the snapshot was taken from are gone, as in a long test run
    functions.delete_function(FunctionName="kept")
    assert functions.list_functions()["Functions"] == []
