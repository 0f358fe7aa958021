"""The runner principals of runner_iam.yml (files/iam/*.json.j2), authorized by the emulator's IAM.

- runner_iam.yml: --check on an account without them creates nothing; the run creates three roles
  with their managed policies; a rerun changes nothing; a policy file that is not JSON fails, naming
  it, before any IAM write;
- the operator cannot run destroy.yml: it is denied at the teardown's first call, before anything is
  deleted, and the stack is whole;
- the operator runs an unplanned failover (the primary region down), the failback and a drill; then
  every action of its policy was used by one of its runs. (The deployer's and the auditor's policies are
  checked the same way in test_stack_e2e.py, after the destroy, rebuild and audit they run there.)
"""

from __future__ import annotations

import shutil

from tests.conftest import site_group
from tests.emulator.control import aws_client
from tests.functional import principals
from tests.functional.ansible_run import REPO, run_playbook


def runner_roles(emulator) -> list[str]:
    roles = aws_client(emulator.endpoint_url, "iam").list_roles()["Roles"]
    return sorted(r["RoleName"] for r in roles if r["RoleName"].startswith(("payments-deployer", "payments-operator",
                                                                              "payments-auditor")))


def test_runner_iam_installs_three_principals_once(emulator, control, tmp_path):
    dry = run_playbook("runner_iam.yml", emulator.endpoint_url, check=True)
    assert dry.rc == 0, dry.failures()
    assert runner_roles(emulator) == []

    first = run_playbook("runner_iam.yml", emulator.endpoint_url)
    assert first.rc == 0, first.failures()
    assert runner_roles(emulator) == ["payments-auditor-global-local", "payments-deployer-global-local",
                                      "payments-operator-global-local"]
    iam = aws_client(emulator.endpoint_url, "iam")
    attached = iam.list_attached_role_policies(RoleName="payments-deployer-global-local")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["payments-runner-deployer-global-local-1",
                                                   "payments-runner-deployer-global-local-2"]  # IAM's 6,144 characters
    again = run_playbook("runner_iam.yml", emulator.endpoint_url)
    assert again.rc == 0 and again.changed() == 0, again.changed_tasks()

    broken = tmp_path / "iam"
    shutil.copytree(REPO / "files" / "iam", broken)
    (broken / "operator.json.j2").write_text('{"Version": "2012-10-17", "Statement": [')
    control.reset()
    run = run_playbook("runner_iam.yml", emulator.endpoint_url, extra_vars={"runner_iam_policy_dir": str(broken)})
    assert run.rc != 0 and "operator.json.j2 is not valid JSON" in str(run.failures()), run.failures()
    assert runner_roles(emulator) == [] and iam.list_policies(Scope="Local")["Policies"] == []


@site_group
def test_the_operator_fails_over_back_and_drills_but_cannot_destroy(emulator, site_stack, control, tmp_path):
    tagging = aws_client(emulator.endpoint_url, "resourcegroupstaggingapi", "us-east-1")
    before = len(tagging.get_resources()["ResourceTagMappingList"])
    operator = principals.credentials(emulator.endpoint_url, "operator")
    destroy = run_playbook("destroy.yml", emulator.endpoint_url, timeout=900,
                           extra_vars=dict(operator, teardown_confirm="local", teardown_lift_protection=True))
    assert destroy.rc != 0
    assert "payments-operator-global-local" in str(destroy.failures()) and "AccessDenied" in str(destroy.failures())
    assert len(tagging.get_resources()["ResourceTagMappingList"]) == before  # nothing deleted

    control.post("route53/settings", {"probe_interval": 1})  # the health checks follow the outage
    control.region_down("us-east-1")
    try:
        failover = run_playbook("playbooks/failover.yml", emulator.endpoint_url, timeout=900,
                                extra_vars=dict(operator, mode="unplanned", failover_report_dir=str(tmp_path)))
    finally:
        control.region_up("us-east-1")
    assert failover.rc == 0, (failover.failures(), principals.denied(emulator.endpoint_url))
    failback = run_playbook("playbooks/failback.yml", emulator.endpoint_url, timeout=900,
                            extra_vars=dict(operator, failover_report_dir=str(tmp_path)))
    assert failback.rc == 0, (failback.failures(), principals.denied(emulator.endpoint_url))
    drill = run_playbook("playbooks/drill.yml", emulator.endpoint_url, timeout=900,
                         extra_vars=dict(operator, failover_report_dir=str(tmp_path)))
    assert drill.rc == 0, (drill.failures(), principals.denied(emulator.endpoint_url))

    unused = principals.policy_actions("operator") - principals.actions_used(emulator.endpoint_url, "operator")
    assert unused == set(), f"files/iam/operator.json.j2 allows actions no run used: {sorted(unused)}"
