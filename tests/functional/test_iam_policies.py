"""Every IAM policy document the collection writes grants no wildcard it does not need."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.functional.policy_lint import ALLOWED, Allowed, lint, render, resource_problem

REPO = Path(__file__).resolve().parents[2]


def test_collection_policies_grant_no_wildcard_they_do_not_need():
    violations, used, statements, errors = lint(REPO)
    assert errors == [], "policy files the lint could not read:\n" + "\n".join(errors)
    assert violations == [], "unneeded wildcards (fix the policy, or add an Allowed entry with the reason):\n" + \
        "\n".join(str(v) for v in violations)
    # A stale exception is a hole waiting for a policy to fall into.
    assert [entry for entry in ALLOWED if entry not in used] == [], "allow-list entries nothing needs any more"


def test_the_lint_sees_the_collections_policies():
    """A scanner that finds nothing would pass the test above: check it reads each kind of source."""
    _, _, statements, _ = lint(REPO)
    where = {(s.path, s.sid) for s in statements}
    assert ("roles/security/templates/kms-key-policy.json.j2", "AccountUsesTheKeyOnlyThroughTheStackServices") in where
    # Optional blocks ({% if %}) are rendered too.
    assert ("roles/security/templates/kms-key-policy.json.j2", "CloudTrailEncryptsTheTrailLogs") in where
    assert ("roles/security/templates/cloudtrail-bucket-policy.json.j2", "DenyInsecureTransport") in where
    assert any(path == "roles/security/files/backup-trust.json" for path, _ in where)
    assert ("roles/lambda_apigw/templates/lambda-policy.json.j2", "DatabaseSecret") in where
    assert any(path.startswith("roles/s3_replication/vars/") for path, _ in where)  # statements kept in variables


def test_every_exception_says_why():
    for entry in ALLOWED:
        assert len(entry.reason) > 20, entry


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def test_wildcards_are_caught_in_templates_files_and_inline_policies(tmp_path):
    write(tmp_path, "roles/demo/templates/admin.json.j2", """\
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "{{ demo_table_arn }}"},
        {% if demo_optional %}
          {"Sid": "AnyBucket", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
        {% endif %}
        ]}
        """)
    write(tmp_path, "roles/demo/files/s3.json", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AllOfS3", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::demo-bucket"}]}))
    write(tmp_path, "roles/demo/tasks/main.yml", """\
        - name: Inline policy
          amazon.aws.iam_policy:
            iam_type: role
            iam_name: demo
            policy_name: demo
            policy_json:
              Version: "2012-10-17"
              Statement:
                - Sid: AllTables
                  Effect: Allow
                  Action: dynamodb:GetItem
                  Resource: "arn:aws:dynamodb:{{ region }}:{{ account_id }}:table/*"
                - Sid: TlsOnly
                  Effect: Deny
                  Principal: "*"
                  Action: "s3:*"
                  Resource: "*"
        """)
    violations, _, statements, errors = lint(tmp_path, allowed=[])
    assert errors == []
    found = {(v.statement.sid, v.field, v.value) for v in violations}
    assert found == {
        ("Everything", "Action", "*"),
        ("AnyBucket", "Resource", "*"),
        ("AllOfS3", "Action", "s3:*"),
        ("AllTables", "Resource", "arn:aws:dynamodb:us-east-1:123456789012:table/*"),
    }
    assert len(statements) == 5  # the Deny statement was read, and passes


def test_an_allow_list_entry_covers_only_its_file_and_field(tmp_path):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Key", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "kms:Decrypt", "Resource": "*"}]}
    write(tmp_path, "roles/demo/files/key-policy.json", json.dumps(policy))
    write(tmp_path, "roles/demo/files/other.json", json.dumps(policy))
    entry = Allowed("roles/demo/files/key-policy.json", "Key", "Resource", "*", "key policies name their key as *")
    violations, used, _, _ = lint(tmp_path, allowed=[entry])
    assert used == [entry]
    assert [(v.statement.path, v.field) for v in violations] == [("roles/demo/files/other.json", "Resource")]


def test_unreadable_policy_templates_are_reported(tmp_path):
    write(tmp_path, "roles/demo/templates/broken.json.j2", '{"Statement": [{"Effect": "Allow",}]}')
    _, _, _, errors = lint(tmp_path, allowed=[])
    assert len(errors) == 1 and "broken.json.j2" in errors[0]


@pytest.mark.parametrize("resource, problem", [
    ("*", "every resource"),
    ("arn:aws:s3:::*", "every resource of its type"),
    ("arn:aws:s3:::payments-*", "every resource of its type"),
    ("arn:aws:lambda:us-east-1:123456789012:function:*", "every resource of its type"),
    ("arn:aws:dynamodb:*:123456789012:table/t", "every region"),
    ("arn:aws:sns:us-east-1:*:topic", "every account"),
    ("arn:aws:s3:::payments-data-primary-test/*", None),
    ("arn:aws:dynamodb:us-east-1:123456789012:table/t/index/*", None),
    ("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*", None),
    ("arn:aws:sns:us-east-1:123456789012:payments-alerts-primary-test", None),
])
def test_resource_wildcards(resource, problem):
    assert resource_problem(resource) == problem


def test_templates_render_optional_blocks_with_dummy_arns():
    text = render('{% if x %}{{ x | to_json }}{% endif %} '
                  '{{ "db" | payments.dr.dr_name(dr_role, environment_suffix) }}')
    assert text == '"arn:aws:dummy:us-east-1:123456789012:x" db-primary-lint'
