"""A stage playbook run alone, on an account without what an earlier stage makes, stops before any write.

Each consumer takes what another role made from that role's published fact or, when that role did
not run in the play, looks it up by its convention name (the producer's tasks/published.yml). Not
found, the run fails naming the missing resource and the playbook that makes it; it never deploys
with an empty default (no table to grant, no topic to notify, no database endpoint, no API for the
records). That the look-ups find a deployed stack is test_faults.py's rerun, stage by stage.
"""

from __future__ import annotations

import pytest

from tests.functional.ansible_run import run_playbook

# What the earlier stages would have published, set on purpose so the run gets as far as the case.
NO_KEY_NO_VPC = {"security_kms_key_arn": "", "security_db_secret_arn": "", "network_private_subnet_ids": [],
                 "network_lambda_sg_id": ""}
TABLE = {"dynamodb_global_table_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/payments-transactions-global-local"}
TOPIC = {"cloudwatch_sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:payments-alerts-primary-local"}

CASES = [
    ("api.yml", NO_KEY_NO_VPC, "No table payments-transactions-global-local in us-east-1", "playbooks/dynamodb.yml"),
    ("api.yml", dict(NO_KEY_NO_VPC, **TABLE), "No topic payments-alerts-primary-local in us-east-1",
     "playbooks/monitoring.yml"),
    ("api.yml", dict(NO_KEY_NO_VPC, **TABLE, **TOPIC), "No cluster payments-aurora-primary-local in us-east-1",
     "playbooks/aurora.yml"),
    ("dns.yml", {}, "No REST API payments-api-primary-local in us-east-1", "playbooks/api.yml"),
]


@pytest.mark.parametrize("stage, extra_vars, missing, maker", CASES,
                         ids=["api-without-table", "api-without-topic", "api-without-cluster", "dns-without-api"])
def test_a_stage_alone_without_an_earlier_stage_fails_naming_it_before_any_write(emulator, control, stage, extra_vars,
                                                                                 missing, maker):
    run = run_playbook(f"playbooks/{stage}", emulator.endpoint_url, extra_vars=extra_vars)

    assert run.rc != 0, run.stdout[-3000:]
    messages = " ".join(str(failure[2]) for failure in run.failures())
    assert missing in messages and maker in messages, messages
    writes = [(row["service"], row["action"]) for row in control.counters()["rows"] if not row["read"]]
    assert writes == [], writes
