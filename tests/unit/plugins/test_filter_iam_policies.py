from __future__ import annotations

import json
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.dr.plugins.filter.iam_policies import (
    MANAGED_POLICY_CHARS,
    policy_documents,
    policy_statements,
)

REPO = Path(__file__).resolve().parents[3]


def statement(sid, count, effect="Allow"):
    return {"Sid": sid, "Effect": effect, "Action": [f"ec2:Describe{sid}{i:04d}" for i in range(count)], "Resource": "*"}


def size(document):
    return len(json.dumps(document, separators=(",", ":")))


def test_small_statements_share_one_document_large_ones_are_split_by_action():
    small = [statement("A", 3), statement("B", 3)]
    assert policy_documents(small) == [{"Version": "2012-10-17", "Statement": small}]

    large = statement("Big", 400)  # about 10,000 characters: more than one managed policy holds
    documents = policy_documents([statement("A", 3), large])
    assert len(documents) >= 2 and all(size(d) <= MANAGED_POLICY_CHARS for d in documents)
    actions = [a for d in documents for s in d["Statement"] for a in s["Action"]]
    assert actions == statement("A", 3)["Action"] + large["Action"]  # every action kept, in order, once
    assert {s["Sid"] for d in documents for s in d["Statement"]} >= {"Big1", "Big2"}


@pytest.mark.parametrize("text, message", [
    ('{"Version": "2012-10-17", "Statement": [', "deployer.json.j2 is not valid JSON"),
    ('{"Version": "2012-10-17"}', "deployer.json.j2 has no Statement list"),
    ('{"Statement": [{"Effect": "Allow", "Resource": "*"}]}', "statement 0 (no Sid) has no Action"),
    ('{"Statement": [{"Effect": "Maybe", "Action": "s3:x", "Resource": "*"}]}', "has Effect 'Maybe'"),
])
def test_a_file_that_is_not_a_policy_is_named_with_what_is_wrong(text, message):
    with pytest.raises(AnsibleFilterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        policy_statements(text, "deployer.json.j2")


@pytest.mark.parametrize("principal", ["deployer", "operator", "auditor"])
def test_the_shipped_policies_are_explicit_and_fit_iam(principal):
    document = json.loads((REPO / "files" / "iam" / f"{principal}.json.j2").read_text())
    statements = policy_statements(json.dumps(document), principal)
    allowed = [a for s in statements if s["Effect"] == "Allow" for a in s["Action"]]
    assert all("*" not in action for action in allowed), "least privilege: actions are listed, never wildcards"
    assert len(allowed) == len(set(allowed)), "an action appears in one statement only"
    assert len(policy_documents(statements)) <= 10  # IAM: at most 10 managed policies per role
    if principal == "auditor":  # read-only
        assert all(a.split(":")[1].startswith(("Describe", "Get", "List")) or a == "apigateway:GET" for a in allowed)
    if principal == "operator":  # runs the runbooks; deletes nothing
        assert not [a for a in allowed if a.split(":")[1].startswith(("Delete", "Remove", "Terminate"))]
