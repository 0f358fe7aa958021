"""destroy.yml's dns, api and monitoring layers against the emulator.

- on a deployed API tier (custom domains included): --check deletes nothing; the destroy removes the
  failover records, the zone, the health checks and their alarms, both regions' custom domains,
  REST APIs, functions, log groups, execution roles, alarms, dashboards, topics and subscriptions,
  and leaves the other layers' resources alone; a second destroy changes nothing;
- with a hosted zone the deploy was given (not created), half deployed (no API was ever made): only
  the failover records go, the zone and its other records stay, and alarms and health checks of
  another environment are not touched.
"""

from __future__ import annotations

import pytest

from tests.emulator.control import EmulatorControl, aws_client
from tests.functional.ansible_run import REPO, WITHOUT_AURORA, WITHOUT_NETWORK, WITHOUT_SECURITY, run_playbook

REGIONS = {"us-east-1": "primary", "us-east-2": "dr"}
ZONE = "payments.local.example.com."
API_NAME = "api.payments.local.example.com"
TAGS = "dns,api,monitoring"
CONFIRM = {"teardown_confirm": "local"}



def stages(*names):
    """One playbook importing the stage playbooks, so facts flow from one stage to the next."""
    return [{"import_playbook": str(REPO / "playbooks" / f"{name}.yml")} for name in names]


def fresh(emulator):
    control = EmulatorControl(emulator.endpoint_url)
    control.reset()
    control.post("route53/settings", {"probe_interval": 3600})  # no probing: not what is tested here


def api_tier(emulator):
    """What the dns, api and monitoring stages create, read back from the emulator."""
    found = {}
    for region in REGIONS:
        apigateway, logs = aws_client(emulator.endpoint_url, "apigateway", region), aws_client(emulator.endpoint_url, "logs", region)
        cloudwatch, sns = aws_client(emulator.endpoint_url, "cloudwatch", region), aws_client(emulator.endpoint_url, "sns", region)
        found[region] = {
            "domains": [d["domainName"] for d in apigateway.get_domain_names().get("items", [])],
            "certificates": [c["DomainName"] for c in aws_client(emulator.endpoint_url, "acm", region).list_certificates()[
                "CertificateSummaryList"]],
            "apis": [a["name"] for a in apigateway.get_rest_apis().get("items", [])],
            "functions": [f["FunctionName"] for f in aws_client(emulator.endpoint_url, "lambda", region).list_functions()["Functions"]],
            "log_groups": [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]],
            "alarms": sorted(a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]),
            "dashboards": [d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]],
            "topics": [t["TopicArn"] for t in sns.list_topics()["Topics"]],
            "subscriptions": [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]],
        }
    route53 = aws_client(emulator.endpoint_url, "route53")
    zones = route53.list_hosted_zones()["HostedZones"]
    found["global"] = {
        "zones": [z["Name"] for z in zones],
        "records": sorted((r["Name"], r["Type"], r.get("SetIdentifier", "")) for z in zones
                          for r in route53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]),
        "health_checks": sorted(c["Id"] for c in route53.list_health_checks()["HealthChecks"]),
        "roles": sorted(r["RoleName"] for r in aws_client(emulator.endpoint_url, "iam").list_roles()["Roles"]),
    }
    return found


def destroy(emulator, check=False, **extra_vars):
    run = run_playbook("destroy.yml", emulator.endpoint_url, tags=TAGS, check=check,
                       extra_vars=dict(CONFIRM, **extra_vars), timeout=1200)
    assert run.rc == 0, run.failures() or run.stdout[-3000:] + run.stderr[-2000:]
    return run


@pytest.fixture
def deployed(emulator):
    """The API tier in both regions, each served through a regional custom domain on a certificate
    the deploy requested and validated through the zone."""
    fresh(emulator)
    run = run_playbook(stages("preflight", "dynamodb", "monitoring", "api", "dns"), emulator.endpoint_url,
                       extra_vars={**WITHOUT_SECURITY, **WITHOUT_NETWORK, **WITHOUT_AURORA}, timeout=1200)
    assert run.rc == 0, run.failures() or run.stdout[-3000:]
    return api_tier(emulator)


def test_check_deletes_nothing_destroy_deletes_the_api_tier_and_a_second_run_changes_nothing(deployed, emulator):
    for region, role in REGIONS.items():
        assert deployed[region]["domains"] == deployed[region]["certificates"] == [API_NAME], region
        assert deployed[region]["apis"] == [f"payments-api-{role}-local"]
        # 10 in each region (cloudwatch_sns), S3's one per region, and us-east-1 has the DNS alarms
        assert len(deployed[region]["alarms"]) == {"primary": 13, "dr": 11}[role]
    assert deployed["global"]["zones"] == [ZONE] and len(deployed["global"]["health_checks"]) == 2
    assert deployed["global"]["roles"] == ["payments-apigateway-logs-global-local", "payments-lambda-dr-local",
                                           "payments-lambda-primary-local"]
    for region in REGIONS:  # stage logging works on AWS only with the account's logs role set
        account = aws_client(emulator.endpoint_url, "apigateway", region).get_account()
        assert account["cloudwatchRoleArn"].endswith(":role/payments-apigateway-logs-global-local"), region

    destroy(emulator, check=True)
    assert api_tier(emulator) == deployed

    destroy(emulator)
    gone = api_tier(emulator)
    for region in REGIONS:
        assert all(found == [] for found in gone[region].values()), (region, gone[region])
        # The other layers are theirs to tear down.
        assert sorted(aws_client(emulator.endpoint_url, "dynamodb", region).list_tables()["TableNames"]) == [
            "payments-dr-control-global-local", "payments-transactions-global-local"]
    assert gone["global"] == {"zones": [], "records": [], "health_checks": [], "roles": []}

    again = destroy(emulator)
    assert again.changed() == 0, again.changed_tasks()


def test_a_given_zone_and_another_environments_resources_survive_a_half_deployed_teardown(emulator):
    fresh(emulator)
    route53, cloudwatch = aws_client(emulator.endpoint_url, "route53"), aws_client(emulator.endpoint_url, "cloudwatch")
    zone_id = route53.create_hosted_zone(Name=ZONE, CallerReference="owned-elsewhere")["HostedZone"]["Id"]
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": {
        "Name": "www." + ZONE, "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '"kept"'}]}}]})
    other_check = route53.create_health_check(CallerReference="staging", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "staging.example.com", "Port": 443, "ResourcePath": "/health"})
    route53.change_tags_for_resource(ResourceType="healthcheck", ResourceId=other_check["HealthCheck"]["Id"],
                                     AddTags=[{"Key": "Name", "Value": "payments-api-health-primary-staging"}])
    cloudwatch.put_metric_alarm(AlarmName="payments-lambda-errors-primary-staging", Namespace="AWS/Lambda",
                                MetricName="Errors", Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                                ComparisonOperator="GreaterThanOrEqualToThreshold")
    # Half deployed: alerting and DNS, but no API was ever made (the records point at given names).
    given = {"route53_failover_hosted_zone_id": zone_id.split("/")[-1]}
    targets = {f"route53_failover_{kind}_fqdns": {role: f"abc{role}.execute-api.{region}.amazonaws.com"
                                                   for region, role in REGIONS.items()} for kind in ("target", "probe")}
    targets["route53_failover_target_zone_ids"] = {"primary": "Z1UJRXOUMOOFQ8", "dr": "ZOJJZC49E0EPZ"}
    run = run_playbook(stages("preflight", "monitoring", "dns"), emulator.endpoint_url, extra_vars=dict(given, **targets, **WITHOUT_SECURITY))
    assert run.rc == 0, run.failures() or run.stdout[-3000:]
    before = api_tier(emulator)
    assert ("api." + ZONE, "A", "primary") in before["global"]["records"]
    assert len(before["global"]["health_checks"]) == 3

    destroy(emulator, **given)
    after = api_tier(emulator)
    assert after["global"]["zones"] == [ZONE]
    assert [r for r in after["global"]["records"] if r[1] not in ("NS", "SOA")] == [("www." + ZONE, "TXT", "")]
    assert after["global"]["health_checks"] == [other_check["HealthCheck"]["Id"]]
    assert after["us-east-1"]["alarms"] == ["payments-lambda-errors-primary-staging"]
    assert after["us-east-2"]["alarms"] == [] and after["us-east-1"]["topics"] == after["us-east-2"]["topics"] == []
