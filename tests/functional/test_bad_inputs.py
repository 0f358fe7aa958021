"""Every stage playbook refuses bad inputs before its first AWS call, and says which input is wrong.

Each case runs a stage playbook (playbooks/*.yml, the runbooks and site.yml excepted) against the
session emulator with bad extra vars, then asserts: ansible-playbook failed, the failure message
names the offending input (and, where it shows one, its value), and the emulator counted no AWS
request at all - not even a read.

The inputs every stage shares are checked by payments.dr.preflight, which every stage playbook runs
first over both hosts (test_every_stage_starts_with_preflight pins that down). So each shared case
runs against one stage, rotating over the stages, rather than against all of them: every stage and
every shared case is exercised at least once. Each stage's own role inputs get their own cases.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.functional.ansible_run import REPO, PlaybookRun, run_playbook

# Playbooks that are not deploy stages: the runbooks, site.yml itself, the demo's report and the
# runner principals' install (its policy-file check: test_runner_principals.py).
RUNBOOKS = {"failover", "failback", "drill", "readiness", "site", "demo_summary", "runner_iam"}
STAGES = sorted(p.name for p in (REPO / "playbooks").glob("*.yml") if p.stem not in RUNBOOKS)

# Facts another stage would publish, so a stage under test reaches its own validation.
API_FQDNS = {"primary": "abc123.execute-api.us-east-1.amazonaws.com",
             "dr": "def456.execute-api.us-east-2.amazonaws.com"}
API_UPSTREAM = {"lambda_apigw_table_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/payments-transactions",
                "lambda_apigw_topic_arn": "arn:aws:sns:us-east-1:123456789012:payments-alerts"}


@dataclass
class Case:
    id: str
    extra_vars: dict
    expect: list  # substrings every one of which the failure messages must contain
    stage: str | None = None  # None: a shared input, checked by preflight in every stage
    inventory_patch: dict = field(default_factory=dict)  # host -> vars, for a one-host-only bad input


SHARED = [
    Case("lag-threshold-not-a-number", {"replication_lag_threshold": "abc"},
         ["replication_lag_threshold", "float"]),
    Case("extra-tags-not-a-dict", {"dr_extra_tags": "x"}, ["dr_extra_tags", "dict"]),
    Case("unknown-region", {"region": "mars-1"}, ["region", '"mars-1"']),
    Case("equal-regions", {"region": "us-east-1"}, ["two different regions", "'us-east-1', 'us-east-1'"]),
    Case("empty-suffix", {"environment_suffix": ""}, ['environment_suffix ""']),
    Case("uppercase-suffix", {"environment_suffix": "Prod"}, ['environment_suffix "Prod"']),
    Case("invalid-email", {"alert_email": "not-an-email"}, ['alert_email "not-an-email"']),
    Case("negative-lag-threshold", {"replication_lag_threshold": -1}, ["replication_lag_threshold -1"]),
    # Only the DR host's inventory is wrong: the primary must not go ahead alone.
    Case("one-host-bad-region", {}, ['region "mars-2" of dr'], inventory_patch={"dr": {"region": "mars-2"}}),
]

OWN = [
    Case("negative-alarm-thresholds",
         {"cloudwatch_sns_api_latency_p99_ms": -5, "cloudwatch_sns_lambda_errors_threshold": 0},
         ["cloudwatch_sns_api_latency_p99_ms=-5", "cloudwatch_sns_lambda_errors_threshold=0"], "monitoring.yml"),
    Case("record-label-and-failure-threshold",
         {"route53_failover_target_fqdns": API_FQDNS, "route53_failover_probe_fqdns": API_FQDNS,
          "route53_failover_record_name": "pay_api", "route53_failover_failure_threshold": 11},
         ['route53_failover_record_name "pay_api"', "route53_failover_failure_threshold 11"], "dns.yml"),
    Case("function-limits", dict(API_UPSTREAM, lambda_apigw_timeout=0, lambda_apigw_memory_size=64),
         ["lambda_apigw_timeout 0", "lambda_apigw_memory_size 64"], "api.yml"),
    # ACM certificates are regional: the primary's ARN given to the DR region (and a lone ARN for both).
    Case("certificate-of-another-region", dict(API_UPSTREAM, lambda_apigw_certificate_arns={
        "primary": "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        "dr": "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"}),
         ["lambda_apigw_certificate_arns.dr", "must be an ACM certificate ARN in us-east-2"], "api.yml"),
    Case("one-certificate-for-both-regions", dict(API_UPSTREAM, lambda_apigw_certificate_arn="arn:aws:acm:x"),
         ["lambda_apigw_certificate_arn is gone", "set lambda_apigw_certificate_arns"], "api.yml"),
    Case("callers-and-waf-rate", dict(API_UPSTREAM, lambda_apigw_invoke_principals=["payments-operator"],
                                      lambda_apigw_invoke_roles=["role/with/slashes"], lambda_apigw_waf_rate_limit=5),
         ['lambda_apigw_invoke_principals: "payments-operator" is not an IAM principal ARN',
          'lambda_apigw_invoke_roles: "role/with/slashes" is not an IAM role name',
          "lambda_apigw_waf_rate_limit 5 must be 10-2000000000 requests"], "api.yml"),
    Case("domain-outside-the-zone", dict(API_UPSTREAM, lambda_apigw_custom_domain="api.elsewhere.example.org"),
         ['lambda_apigw_custom_domain "api.elsewhere.example.org" is not under the hosted zone'], "api.yml"),
    Case("malformed-cidr", {"network_vpc_cidrs": {"primary": "10.0.0.0/33", "dr": "10.1.0.0/16"}},
         ["network_vpc_cidrs.primary", '"10.0.0.0/33"'], "network.yml"),
    Case("overlapping-vpcs", {"network_vpc_cidrs": {"primary": "10.0.0.0/16", "dr": "10.0.128.0/17"}},
         ["network_vpc_cidrs overlap", "10.0.0.0/16", "10.0.128.0/17"], "network.yml"),
    Case("unknown-aurora-engine", {"aurora_global_engine": "oracle-ee"},
         ["aurora_global_engine", "oracle-ee"], "aurora.yml"),
    Case("short-db-password", {"security_db_password_length": 8},
         ["security_db_password_length", "got 8"], "security.yml"),
    Case("unknown-table-class", {"dynamodb_global_table_class": "FAST"},
         ["dynamodb_global_table_class", "FAST"], "dynamodb.yml"),
    Case("unknown-replica-storage-class", {"s3_replication_storage_class": "TAPE"},
         ["s3_replication_storage_class", "TAPE"], "s3.yml"),
]


def _plan() -> list:
    """(stage, case) pairs: every shared case on a stage, rotating so every stage gets at least one."""
    if not STAGES:
        return []
    pairs = [(STAGES[k % len(STAGES)], SHARED[k % len(SHARED)]) for k in range(max(len(STAGES), len(SHARED)))]
    pairs += [(case.stage, case) for case in OWN if case.stage in STAGES]
    return [pytest.param(stage, case, id=f"{stage.removesuffix('.yml')}-{case.id}") for stage, case in pairs]


def failure_messages(run: PlaybookRun) -> str:
    """Every failed host result's msg and argument errors, as one text."""
    parts = []
    for play in run.plays:
        for task in play["tasks"]:
            for result in task["hosts"].values():
                if result.get("failed"):
                    parts.append(str(result.get("msg", "")))
                    parts.extend(str(error) for error in result.get("argument_errors", []))
    return "\n".join(parts)


def bad_inventory(tmp_path: Path, patch: dict) -> Path:
    """inventories/local with some host vars replaced."""
    source = REPO / "inventories" / "local"
    shutil.copytree(source / "group_vars", tmp_path / "group_vars")
    hosts = yaml.safe_load((source / "hosts.yml").read_text())
    for host, values in patch.items():
        hosts["all"]["children"]["dr_regions"]["hosts"][host].update(values)
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    return tmp_path


def test_every_stage_starts_with_preflight():
    """Why a shared case need not run on every stage: each stage is one play over both hosts that
    validates with payments.dr.preflight before anything else."""
    assert {"preflight.yml", "monitoring.yml", "dns.yml", "api.yml"} <= set(STAGES)
    for stage in STAGES:
        plays = yaml.safe_load((REPO / "playbooks" / stage).read_text())
        assert len(plays) == 1, stage
        (only,) = plays
        assert only["hosts"] == "primary:dr" and not only.get("pre_tasks") and not only.get("tasks"), stage
        first = only["roles"][0]
        assert (first["role"] if isinstance(first, dict) else first) == "payments.dr.preflight", stage


def test_the_counters_see_aws_calls(aws, control):
    """The zero-call assertions below mean something: a request to the emulator is counted."""
    aws("sts").get_caller_identity()
    assert control.counters()["total"] == 1


@pytest.mark.parametrize("stage, case", _plan())
def test_bad_input_is_refused_before_any_aws_call(emulator, control, tmp_path, stage, case):
    inventory = str(bad_inventory(tmp_path, case.inventory_patch)) if case.inventory_patch else "inventories/local"
    run = run_playbook(f"playbooks/{stage}", emulator.endpoint_url, extra_vars=case.extra_vars, inventory=inventory)

    assert run.rc != 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.failed() >= 1 and run.changed() == 0
    messages = failure_messages(run)
    for expected in case.expect:
        assert expected in messages, f"{expected!r} not in the failure messages:\n{messages}"
    assert control.counters()["total"] == 0, control.counters()["rows"]
