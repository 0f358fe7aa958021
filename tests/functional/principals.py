"""The runner principals of runner_iam.yml in tests: install them, then run a playbook as one.

``install(endpoint)`` runs runner_iam.yml as the account's root user (the emulator's ``testing``
keys); ``credentials(endpoint, "deployer")`` assumes that principal's role with STS and answers the
inventory variables that make every module of a playbook sign as it (playbooks/vars/aws_calls.yml),
so the emulator authorizes each call against the principal's policies (docs/emulator.md, iam).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.emulator.control import EmulatorControl, aws_client

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
SUFFIX = "local"


def role_arn(principal: str, suffix: str = SUFFIX) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/payments-{principal}-global-{suffix}"


def install(endpoint_url: str) -> None:
    from tests.functional.ansible_run import run_playbook

    run = run_playbook("runner_iam.yml", endpoint_url, timeout=600)
    assert run.rc == 0, run.failures() or run.stdout[-3000:]


def credentials(endpoint_url: str, principal: str) -> dict[str, str]:
    """Extra vars that make a playbook run as ``principal`` (an STS session of its role)."""
    answer = aws_client(endpoint_url, "sts").assume_role(RoleArn=role_arn(principal),
                                                        RoleSessionName=f"test-{principal}")["Credentials"]
    return {"aws_access_key": answer["AccessKeyId"], "aws_secret_key": answer["SecretAccessKey"],
            "aws_session_token": answer["SessionToken"]}


def actions_used(endpoint_url: str, principal: str) -> set[str]:
    """Every IAM action the principal's sessions asked for in this emulator so far."""
    sessions = EmulatorControl(endpoint_url).get(
        f"iam/actions?principal=arn:aws:sts::{ACCOUNT}:assumed-role/payments-{principal}-global-{SUFFIX}")["actions"]
    return set().union(*sessions.values()) if sessions else set()


def policy_actions(principal: str) -> set[str]:
    """Every action the principal's policy file allows (its templates' Jinja does not touch actions)."""
    document = json.loads((REPO / "files" / "iam" / f"{principal}.json.j2").read_text())
    actions = set()
    for statement in document["Statement"]:
        if statement["Effect"] == "Allow":
            listed = statement["Action"]
            actions.update([listed] if isinstance(listed, str) else listed)
    return actions


def denied(endpoint_url: str) -> list[dict]:
    """The requests the emulator's IAM refused so far (principal, action, resource)."""
    return EmulatorControl(endpoint_url).get("iam/denied")["denied"]
