"""module_defaults are defined once (playbooks/vars/aws_calls.yml): every play that calls AWS takes
them from there, deploy stages with 10 botocore attempts, runbooks with 3."""

import pytest
import yaml

from tests.functional.ansible_run import AWS_CALLS, REPO

DEPLOY_STAGES = {"api", "aurora", "dns", "dynamodb", "monitoring", "network", "s3", "security"}
PLAYBOOKS = sorted([*REPO.glob("*.yml"), *(REPO / "playbooks").glob("*.yml"),
                    *(REPO / "extensions" / "molecule" / "shared").glob("*.yml")])


def plays(path):
    return [p for p in yaml.safe_load(path.read_text()) or [] if "hosts" in p]


AWS_MODULES = ("payments.dr.", "amazon.aws.", "community.aws.")


def module_names(tasks):
    for task in tasks or []:
        yield from task
        for key in ("block", "rescue", "always"):
            yield from module_names(task.get(key))


def calls_aws(play):
    """A play that runs a role besides preflight (which makes no AWS call) or an AWS module itself."""
    roles = [r["role"] if isinstance(r, dict) else r for r in play.get("roles", [])]
    tasks = [t for k in ("pre_tasks", "tasks", "post_tasks") for t in play.get(k) or []]
    return any(r != "payments.dr.preflight" for r in roles) or any(
        name.startswith(AWS_MODULES) for name in module_names(tasks))


CASES = [(path, index, play) for path in PLAYBOOKS for index, play in enumerate(plays(path)) if calls_aws(play)]


@pytest.mark.parametrize("path, index, play", CASES,
                         ids=[f"{c[0].relative_to(REPO)}#{c[1]}" for c in CASES])
def test_every_play_takes_its_module_defaults_from_the_one_file(path, index, play):
    wanted = "dr_aws_deploy_call" if path.stem in DEPLOY_STAGES else "dr_aws_call"
    assert play.get("module_defaults") == {"group/payments.dr.aws": "{{ %s }}" % wanted}
    assert [(path.parent / f).resolve() for f in play.get("vars_files", [])] == [AWS_CALLS]


def test_the_cases_cover_every_stage_and_runbook():
    stems = {c[0].stem for c in CASES}
    assert DEPLOY_STAGES | {"failover", "failback", "drill", "readiness", "destroy", "demo_summary"} <= stems


def test_one_retry_layer_botocore_standard_mode_deploys_patient_runbooks_quick():
    calls = yaml.safe_load(AWS_CALLS.read_text())
    assert set(calls["dr_aws_call"]) == {"region", "endpoint_url", "access_key", "secret_key", "session_token",
                                         "profile", "aws_config"}
    assert calls["dr_aws_call"]["aws_config"] == {"retries": {"mode": "standard", "max_attempts": 3}}
    assert "dr_aws_call" in calls["dr_aws_deploy_call"]
    assert "{'mode': 'standard', 'max_attempts': 10}" in calls["dr_aws_deploy_call"]
