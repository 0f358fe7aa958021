"""Every alarm the stack creates can fire: its condition is caused on the deployed stack, the alarm
goes to ALARM and the region's alert topic receives the notification.

Conditions are caused the way they happen on AWS, never with SetAlarmState: the emulator publishes
each service's metrics on AWS's dimension sets when the event happens (docs/emulator.md, Vended
metrics), so an alarm on the wrong namespace, metric or dimension set stays quiet here as it would
on AWS and its test fails. Direct invocations carry an API Gateway proxy event, as the integration
sends it.
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import site_group
from tests.emulator.control import EmulatorControl, aws_client, subscribe_queue

SUFFIX = "local"
REGIONS = {"primary": "us-east-1", "dr": "us-east-2"}
TABLE = f"payments-transactions-global-{SUFFIX}"
GLOBAL_CLUSTER = f"payments-aurora-global-{SUFFIX}"

pytestmark = site_group


def topic(role: str) -> str:
    return f"arn:aws:sns:{REGIONS[role]}:123456789012:payments-alerts-{role}-{SUFFIX}"


def proxy_event(method: str, resource: str, body: dict | None = None) -> bytes:
    headers = {"Content-Type": "application/json", "Idempotency-Key": f"alarm-{uuid.uuid4()}"}
    return json.dumps({
        "resource": resource, "path": resource, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
        "pathParameters": None, "stageVariables": None, "isBase64Encoded": False,
        "requestContext": {"requestId": str(uuid.uuid4()), "stage": "prod", "httpMethod": method, "resourcePath": resource},
        "body": None if body is None else json.dumps(body)}).encode()


PAYMENT = {"amount": "25.00", "currency": "USD", "customerId": "cus_alarmtest0000001"}


def invoke(emulator, role: str, event: bytes) -> dict:
    client = aws_client(emulator.endpoint_url, "lambda", REGIONS[role])
    return client.invoke(FunctionName=f"payments-validate-{role}-{SUFFIX}", Payload=event)


def health_through_the_api(emulator, role: str) -> int:
    """GET /health through the region's API stage (its execute-api host)."""
    import urllib.error
    import urllib.request

    region = REGIONS[role]
    apis = aws_client(emulator.endpoint_url, "apigateway", region).get_rest_apis()["items"]
    api_id = next(a["id"] for a in apis if a["name"] == f"payments-api-{role}-{SUFFIX}")
    request = urllib.request.Request(f"{emulator.endpoint_url}/prod/health",
                                     headers={"Host": f"{api_id}.execute-api.{region}.amazonaws.com"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


# -- causes: each makes the alarm's condition true in the host's region ------------------------------
def aurora_lag(emulator, control, role):
    control.post("rds/lag", {"global_cluster": GLOBAL_CLUSTER, "lag_ms": 5000})


def function_times_out(emulator, control, role):
    # Each of the health check's two reads answers 6 s late: past the function's 10 s timeout.
    control.post("faults", {"service": "dynamodb", "rate": 1.0, "kind": "latency", "latency_ms": 6000})
    assert invoke(emulator, role, proxy_event("GET", "/health")).get("FunctionError") == "Unhandled"


def function_throttled(emulator, control, role):
    client = aws_client(emulator.endpoint_url, "lambda", REGIONS[role])
    client.put_function_concurrency(FunctionName=f"payments-validate-{role}-{SUFFIX}", ReservedConcurrentExecutions=0)
    with pytest.raises(client.exceptions.TooManyRequestsException):
        invoke(emulator, role, proxy_event("GET", "/health"))


def api_answers_5xx(emulator, control, role):
    control.post("faults", {"service": "dynamodb", "rate": 1.0, "kind": "5xx"})
    assert health_through_the_api(emulator, role) == 503


def api_is_slow(emulator, control, role):
    control.post("faults", {"service": "dynamodb", "rate": 1.0, "kind": "latency", "latency_ms": 1200})
    assert health_through_the_api(emulator, role) == 200


def table_reads_throttled(emulator, control, role):
    control.post("faults", {"service": "dynamodb", "rate": 1.0, "kind": "throttle", "actions": ["GetItem"]})
    answer = json.loads(invoke(emulator, role, proxy_event("GET", "/health"))["Payload"].read())
    assert answer["statusCode"] == 503


def table_writes_throttled(emulator, control, role):
    control.post("faults", {"service": "dynamodb", "rate": 1.0, "kind": "throttle", "actions": ["TransactWriteItems"]})
    answer = json.loads(invoke(emulator, role, proxy_event("POST", "/validate", PAYMENT))["Payload"].read())
    assert answer["statusCode"] == 503


BUCKETS = {role: f"payments-data-{role}-{SUFFIX}" for role in REGIONS}


def s3(emulator, role):
    return aws_client(emulator.endpoint_url, "s3", REGIONS[role])


def table_replication_slow(emulator, control, role):
    # A write in this region reaches the peer's replica 120 s later (emulator clock): above 60 s.
    peer = "dr" if role == "primary" else "primary"
    control.post("dynamodb/settings", {"replication_delay": 120})
    aws_client(emulator.endpoint_url, "dynamodb", REGIONS[role]).put_item(
        TableName=TABLE, Item={"transactionId": {"S": f"alarm-{uuid.uuid4()}"}, "timestamp": {"S": "2026-12-08T00:00:00Z"}})
    control.advance_clock(120)
    control.post("dynamodb/settings", {"replication_delay": 0})
    aws_client(emulator.endpoint_url, "dynamodb", REGIONS[peer]).describe_table(TableName=TABLE)  # applies what is due


def object_replication_fails(emulator, control, role):
    # The DR bucket stops keeping versions: S3 cannot replicate into it (FAILED).
    s3(emulator, "dr").put_bucket_versioning(Bucket=BUCKETS["dr"], VersioningConfiguration={"Status": "Suspended"})
    s3(emulator, "primary").put_object(Bucket=BUCKETS["primary"], Key=f"alarm/{uuid.uuid4()}", Body=b"lost")


def object_replication_slow(emulator, control, role):
    # An object reaches the DR bucket 960 s after its write: above Replication Time Control's 900 s.
    control.post("s3/settings", {"replication_delay": 960})
    key = f"alarm/{uuid.uuid4()}"
    s3(emulator, "primary").put_object(Bucket=BUCKETS["primary"], Key=key, Body=b"slow")
    control.advance_clock(960)
    control.post("s3/settings", {"replication_delay": 0})
    s3(emulator, "dr").head_object(Bucket=BUCKETS["dr"], Key=key)  # the destination's next request completes it


def minute_of_probes(control, region=None):
    """A minute passes: EventBridge runs each region's peer-probe schedule."""
    control.advance_clock(60)
    runs = control.post("events/run", {"region": region} if region else {})["runs"]
    assert runs and all(run["invoked"] and not run["failed"] for run in runs), runs


def primary_goes_dark_for_the_dr_probe(emulator, control, role):
    control.region_down(REGIONS["primary"])
    minute_of_probes(control, REGIONS["dr"])


def probe_rounds(control, rounds=5):
    """Route 53 marks a check unhealthy after FailureThreshold (3 here) failed probes in a row."""
    for _round in range(rounds):
        control.post("route53/probe")


def dr_region_goes_dark(emulator, control, role):
    control.region_down(REGIONS["dr"])
    probe_rounds(control)


def primary_api_fails(emulator, control, role):
    # The alarms of us-east-1 go dark with the region itself (the DR region's probe covers that,
    # see peer-unreachable): here the primary's API fails while its region still answers.
    aws_client(emulator.endpoint_url, "lambda", REGIONS["primary"]).put_function_concurrency(
        FunctionName=f"payments-validate-primary-{SUFFIX}", ReservedConcurrentExecutions=0)
    probe_rounds(control)


# signal (alarm payments-<signal>-<role>-<suffix>, or a full name) -> (role, cause)
CAUSES = {
    "aurora-replication-lag": ("dr", aurora_lag),
    "aurora-rpo-lag": ("dr", aurora_lag),
    "lambda-errors": ("primary", function_times_out),
    "lambda-throttles": ("dr", function_throttled),
    "api-5xx": ("primary", api_answers_5xx),
    "api-latency": ("dr", api_is_slow),
    "dynamodb-throttles-getitem": ("primary", table_reads_throttled),
    "dynamodb-throttles-transactwriteitems": ("dr", table_writes_throttled),
    "dynamodb-replication-latency": ("primary", table_replication_slow),
    "s3-replication-failures": ("primary", object_replication_fails),
    "s3-replication-latency": ("dr", object_replication_slow),
    "peer-unreachable": ("dr", primary_goes_dark_for_the_dr_probe),
}
# Route 53's health-check alarms live in us-east-1 and page the primary region's topic.
HEALTH_CHECK_ALARMS = {f"payments-api-health-primary-{SUFFIX}": primary_api_fails,
                       f"payments-api-health-dr-{SUFFIX}": dr_region_goes_dark}


def fire(emulator, control: EmulatorControl, name: str, role: str, cause) -> None:
    region = REGIONS[role]
    cloudwatch = aws_client(emulator.endpoint_url, "cloudwatch", region)
    control.post("route53/probe")  # the deployed stack's health checks have not probed yet (missing: breaching)
    minute_of_probes(control)  # nor have the regions' peer probes
    control.post("cloudwatch/evaluate", {"region": region})  # every alarm settles first (OK notices)
    [before] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert before["StateValue"] != "ALARM", before["StateReason"]
    received = subscribe_queue(emulator.endpoint_url, topic(role), f"alarm-{uuid.uuid4().hex[:12]}")
    try:
        cause(emulator, control, role)
    finally:
        control.post("faults", {"service": "dynamodb", "rate": 0})
    control.post("cloudwatch/evaluate", {"region": region})
    [after] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert after["StateValue"] == "ALARM", after["StateReason"]
    notices, batch = [], received()
    while batch:  # a queue answers ten messages at most
        notices += [json.loads(envelope["Message"]) for envelope in batch]
        batch = received()
    assert [n["NewStateValue"] for n in notices if n["AlarmName"] == name] == ["ALARM"], notices


@pytest.mark.parametrize("signal", sorted(CAUSES))
def test_the_alarm_fires_and_pages_the_region_topic(site_stack, emulator, control, signal):
    role, cause = CAUSES[signal]
    fire(emulator, control, f"payments-{signal}-{role}-{SUFFIX}", role, cause)


@pytest.mark.parametrize("name", sorted(HEALTH_CHECK_ALARMS))
def test_the_health_check_alarm_fires_when_the_region_goes_dark(site_stack, emulator, control, name):
    fire(emulator, control, name, "primary", HEALTH_CHECK_ALARMS[name])


@pytest.mark.parametrize("role", sorted(REGIONS))
def test_every_alarm_of_the_stack_has_a_cause_here(site_stack, emulator, role):
    """A new alarm without a test here fails: it would be an alarm nobody has seen fire."""
    cloudwatch = aws_client(emulator.endpoint_url, "cloudwatch", REGIONS[role])
    created = {a["AlarmName"] for a in cloudwatch.describe_alarms(AlarmNamePrefix="payments-")["MetricAlarms"]}
    # The regions carry the same definitions (on their own resources): one region's test covers both;
    # the S3 alarms exist in one region each.
    tested = {f"payments-{signal}-{role}-{SUFFIX}" for signal in CAUSES}
    tested |= set(HEALTH_CHECK_ALARMS) if role == "primary" else set()
    assert created - tested == set()
