"""ec2_vpc_flow_log against the emulator: create, no-op, retag, replace, check mode, delete."""

from __future__ import annotations

from tests.functional.ansible_run import play, run_playbook

GROUP = "flow-logs-test"
ROLE = "arn:aws:iam::123456789012:role/flow-logs-test"
# Given explicitly so this test does not depend on meta/runtime.yml's action group.
CONNECTION = {"region": "{{ region }}", "endpoint_url": "{{ aws_endpoint_url }}",
              "access_key": "{{ aws_access_key }}", "secret_key": "{{ aws_secret_key }}"}


def flow_log_task(name, vpc_id, check_mode=False, **options):
    args = dict(CONNECTION, resource_id=vpc_id, log_group_name=GROUP, **options)
    if options.get("state") != "absent":
        args.setdefault("deliver_logs_permission_arn", ROLE)
    task = {"name": name, "payments.dr.ec2_vpc_flow_log": args, "register": name.replace(" ", "_")}
    if check_mode:
        task["check_mode"] = True
    return task


def flow_logs_of(ec2, vpc_id):
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]


def test_flow_log_lifecycle(emulator, aws):
    ec2 = aws("ec2", "us-east-1")
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    aws("logs", "us-east-1").create_log_group(logGroupName=GROUP)
    url = emulator.endpoint_url

    first = run_playbook(play([
        flow_log_task("create", vpc_id, tags={"Team": "payments"}),
        flow_log_task("again", vpc_id, tags={"Team": "payments"}),
        flow_log_task("retag", vpc_id, tags={"Team": "payments-sre"}),
    ], hosts="primary", preflight=False), url)
    assert first.rc == 0, first.stdout
    assert [first.results(t)["changed"] for t in ("create", "again", "retag")] == [True, False, True]
    (created,) = flow_logs_of(ec2, vpc_id)
    assert (created["LogGroupName"], created["DeliverLogsPermissionArn"], created["TrafficType"]) == (GROUP, ROLE, "ALL")
    assert created["MaxAggregationInterval"] == 600
    assert created["FlowLogId"] == first.results("create")["flow_log"]["flow_log_id"]
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [created["FlowLogId"]]}])["Tags"]
    assert {(t["Key"], t["Value"], t["ResourceType"]) for t in tags} == {("Team", "payments-sre", "vpc-flow-log")}

    second = run_playbook(play([
        flow_log_task("replace", vpc_id, traffic_type="REJECT", tags={"Team": "payments-sre"}),
        flow_log_task("check delete", vpc_id, check_mode=True, state="absent"),
    ], hosts="primary", preflight=False), url)
    assert second.rc == 0, second.stdout
    assert second.results("replace")["replaced"] is True
    assert second.results("check delete")["changed"] is True
    (replaced,) = flow_logs_of(ec2, vpc_id)  # check mode deleted nothing
    assert replaced["FlowLogId"] != created["FlowLogId"] and replaced["TrafficType"] == "REJECT"

    third = run_playbook(play([flow_log_task("delete", vpc_id, state="absent"),
                               flow_log_task("delete again", vpc_id, state="absent")],
                              hosts="primary", preflight=False), url)
    assert third.rc == 0, third.stdout
    assert [third.results(t)["changed"] for t in ("delete", "delete again")] == [True, False]
    assert flow_logs_of(ec2, vpc_id) == []
