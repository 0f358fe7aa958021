"""A runbook that refuses says why in one line, tells the on-call topic and writes its report, marked refused.

A planned switchover over the lag threshold is refused at precheck. The run fails with one
runbook-level line (what it found, what to do); the on-call topic gets a notice saying REFUSED;
the report says refused, at which step and why, and prints no unit after an unknown value; and
nothing was changed: the primary cluster is still the writer.
"""

from __future__ import annotations

import json

from tests.conftest import site_group
from tests.emulator.control import aws_client, subscribe_queue
from tests.functional.ansible_run import run_playbook

GLOBAL_CLUSTER = "payments-aurora-global-local"
DR_TOPIC = "arn:aws:sns:us-east-2:123456789012:payments-alerts-dr-local"


def writer(emulator):
    rds = aws_client(emulator.endpoint_url, "rds", "us-east-1")
    members = rds.describe_global_clusters(GlobalClusterIdentifier=GLOBAL_CLUSTER)["GlobalClusters"][0]["GlobalClusterMembers"]
    return [m["DBClusterArn"] for m in members if m["IsWriter"]]


@site_group
def test_a_refused_switchover_notifies_and_reports_refused(emulator, site_stack, control, tmp_path):
    notices = subscribe_queue(emulator.endpoint_url, DR_TOPIC, "runbook-notices")
    before = writer(emulator)
    control.post("rds/lag", {"global_cluster": GLOBAL_CLUSTER, "lag_ms": 4000})

    run = run_playbook("playbooks/failover.yml", emulator.endpoint_url, timeout=900,
                       extra_vars={"mode": "planned", "failover_report_dir": str(tmp_path)})

    assert run.rc != 0
    final = [f for f in run.failures() if f[0].startswith("payments.dr.failover : Fail the run")]
    assert len(final) == 1, run.failures()
    assert "failover refused at step precheck" in final[0][2] and "failover_force=true" in final[0][2], final

    reports = sorted(tmp_path.glob("failover-planned-*.json"))
    assert len(reports) == 1, list(tmp_path.iterdir())
    report = json.loads(reports[0].read_text())
    assert report["outcome"] == "refused" and report["failure"]["step"] == "precheck", report
    assert "above failover_max_replication_lag" in report["failure"]["message"]
    markdown = reports[0].with_suffix(".md").read_text()
    assert "**REFUSED at step precheck**" in markdown and ") s" not in markdown and "datapoint) s" not in markdown

    subjects = [n.get("Subject", "") for n in notices()]
    assert any("REFUSED at precheck" in s for s in subjects), subjects
    assert writer(emulator) == before


@site_group
def test_failback_to_a_primary_region_that_does_not_answer_is_refused_in_one_line(emulator, site_stack, control,
                                                                                   tmp_path):
    before = writer(emulator)
    control.region_down("us-east-1")
    try:
        run = run_playbook("playbooks/failback.yml", emulator.endpoint_url, timeout=900,
                           extra_vars={"failover_report_dir": str(tmp_path)})
    finally:
        control.region_up("us-east-1")
    assert run.rc != 0
    final = [f for f in run.failures() if f[0].startswith("payments.dr.failover : Fail the run")]
    assert len(final) == 1, run.failures()
    line = final[0][2]
    assert "failback refused at step precheck" in line and "the target region does not answer" in line, line
    assert "ServiceUnavailable" in line and "Run it again once us-east-1 answers" in line, line
    report = json.loads(next(tmp_path.glob("failback-planned-*.json")).read_text())
    assert report["outcome"] == "refused" and report["failure"]["step"] == "precheck", report
    # The notice goes to the target region's topic, which is down too: the report says it was not sent.
    assert "unavailable" in (report["notify_error"] or "").lower(), report
    assert writer(emulator) == before
