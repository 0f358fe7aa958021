"""Names come from one place: preflight's dr_names, so a base-name override reaches the runbooks,
the readiness audit and the teardown as it reaches the role that creates the resource."""

from __future__ import annotations

from tests.functional.ansible_run import play, run_playbook

# Each consumer's name inputs, with the family and role of dr_names they must equal.
CONSUMERS = {
    "readiness_global_cluster_id": "ledger-db-global-local",
    "readiness_cluster_id": "ledger-db-{role}-local",
    "failover_global_cluster_id": "ledger-db-global-local",
    "failover_transactions_table": "ledger-txn-global-local",
    "readiness_table_names": ["ledger-txn-global-local", "payments-dr-control-global-local"],
    "readiness_source_bucket": "ledger-data-primary-local",
    # What the alarms watch and what the function writes to: they had literals before.
    "cloudwatch_sns_function_name": "ledger-fn-{role}-local",
    "cloudwatch_sns_api_name": "ledger-api-{role}-local",
    "cloudwatch_sns_table_name": "ledger-txn-global-local",
    "cloudwatch_sns_source_bucket": "ledger-data-primary-local",
    "cloudwatch_sns_destination_bucket": "ledger-data-dr-local",
    "lambda_apigw_table_name": "ledger-txn-global-local",
}
OVERRIDES = {"aurora_global_base_name": "ledger-db", "dynamodb_global_table_base_name": "ledger-txn",
             "lambda_apigw_function_base_name": "ledger-fn", "lambda_apigw_api_base_name": "ledger-api",
             "s3_replication_bucket_base_name": "ledger-data"}


def test_a_base_name_override_reaches_readiness_failover_and_teardown(emulator):
    plays = play([{"name": "Show the names", "ansible.builtin.debug": {"var": "_names"},
                   "vars": {"_names": {name: "{{ %s }}" % name for name in CONSUMERS} | {
                       "dr_names": "{{ dr_names }}", "teardown_topic": "{{ dr_names.alert_topic[dr_role] }}"}}}])
    # The roles are loaded for their defaults only (when: false): nothing calls AWS.
    plays[0]["roles"] += [{"role": role, "when": False} for role in
                          ("payments.dr.readiness", "payments.dr.failover", "payments.dr.aurora_global",
                           "payments.dr.cloudwatch_sns", "payments.dr.lambda_apigw")]
    run = run_playbook(plays, emulator.endpoint_url, extra_vars=OVERRIDES)
    assert run.rc == 0, run.failures() or run.stderr[-2000:]
    for host, role in (("primary", "primary"), ("dr", "dr")):
        names = run.results("Show the names", host)["_names"]
        for name, wanted in CONSUMERS.items():
            expected = [w.format(role=role) for w in wanted] if isinstance(wanted, list) else wanted.format(role=role)
            assert names[name] == expected, name
        assert names["dr_names"]["aurora"] == {"primary": "ledger-db-primary-local", "dr": "ledger-db-dr-local",
                                               "global": "ledger-db-global-local"}
        assert names["dr_names"]["aurora_master_secret"]["global"] == "ledger-db-master-global-local"
        assert names["teardown_topic"] == f"payments-alerts-{role}-local"
        assert names["dr_names"]["vpc"][role] == f"payments-vpc-{role}-local"  # a fixed family
