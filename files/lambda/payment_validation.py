"""Payment-validation Lambda for API Gateway REST API Lambda proxy integration (payload v1).

Handlers (set one per API Gateway integration, or use ``handler`` for both routes):
    payment_validation.handler          POST /validate  (also answers GET /health)
    payment_validation.health_handler   GET /health

The request/response contract and environment variables are described in README.md.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from payment_core import apigw, aws, idempotency, logs, notify, peer_probe, rules, store
from payment_core.config import ConfigError, Settings
from payment_core.validation import IDEMPOTENCY_HEADER, ValidationFailed, parse_json_object, validate_payment

RETRY_AFTER_SECONDS = "2"

Route = Callable[[dict, dict], dict]


def handler(event: dict, context: Any) -> dict:
    """POST /validate; GET /health is routed to the health check so one function may serve both;
    the scheduled peer probe (EventBridge's constant input) checks the other region."""
    if peer_probe.is_probe_event(event):
        return probe_peer(event, context)
    method, path = apigw.route(event)
    if (method, path) == ("GET", "/health"):
        return _serve(event, context, _health)
    if (method, path) == ("POST", "/validate"):
        return _serve(event, context, _validate)
    return _serve(event, context, _not_routed)


def health_handler(event: dict, context: Any) -> dict:
    """GET /health: 200 when this region's table serves traffic, else 503."""
    return _serve(event, context, _health)


def probe_peer(event: dict, context: Any) -> dict:
    """GET the peer region's /health and publish PeerHealthy in this region (peer_probe)."""
    region = os.environ.get("REGION") or os.environ.get("AWS_REGION")
    fields: dict[str, Any] = {"requestId": getattr(context, "aws_request_id", None), "route": "peer-probe",
                              "region": region}
    probe = peer_probe.Probe.from_event(event)  # a bad input is a function error: EventBridge's failure metrics see it
    healthy, status, seconds = peer_probe.check(probe)
    fields.update(outcome="peer_healthy" if healthy else "peer_unhealthy", probedRegion=probe.region,
                  peerStatus=status, latency_ms=round(seconds * 1000, 1))
    try:
        peer_probe.publish(aws.client("cloudwatch", region), probe, healthy)
    finally:
        logs.emit(fields)
    return {"probedRegion": probe.region, "healthy": healthy, "status": status}


def _serve(event: Any, context: Any, route: Route) -> dict:
    """Run a route; map failures to clean JSON answers; log one line whatever happens."""
    started = time.perf_counter()
    event = event if isinstance(event, dict) else {}
    method, path = apigw.route(event)
    request_context = event.get("requestContext") if isinstance(event.get("requestContext"), dict) else {}
    fields: dict[str, Any] = {
        "requestId": getattr(context, "aws_request_id", None) or request_context.get("requestId"),
        "apiRequestId": request_context.get("requestId"),
        "route": f"{method} {path}",
        "region": os.environ.get("REGION") or os.environ.get("AWS_REGION"),
    }
    request_id = fields["requestId"]
    try:
        response = route(event, fields)
    except store.StoreUnavailable as exc:
        fields.update(outcome="unavailable", error=exc.reason)
        response = apigw.error(503, "SERVICE_UNAVAILABLE", "the payment store is unavailable; retry later",
                               request_id, headers={"Retry-After": RETRY_AFTER_SECONDS})
    except ConfigError as exc:
        fields.update(outcome="config_error", error=str(exc))
        response = apigw.error(500, "INTERNAL_ERROR", "internal error", request_id)
    except Exception as exc:  # noqa: BLE001 - last resort: a clean 500, the details go to the log only
        fields.update(outcome="error", error=type(exc).__name__, stack=traceback.format_exc(limit=20))
        response = apigw.error(500, "INTERNAL_ERROR", "internal error", request_id)
    fields["statusCode"] = response["statusCode"]
    fields["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    try:
        logs.emit(fields)
    except Exception:  # noqa: BLE001, S110 - a log line must never turn an answer into an error
        pass
    return response


def _validate(event: dict, fields: dict) -> dict:
    settings = Settings.from_env(require_topic=True)
    fields.update(region=settings.region, drRole=settings.dr_role)
    request_id = fields["requestId"]
    region_header = {"X-Served-Region": settings.region}

    if _is_fenced(settings):
        fields["outcome"] = "fenced"
        return apigw.error(503, "REGION_FENCED", "this region is fenced by a failover; retry against the API name",
                           request_id, headers={**region_header, "Retry-After": RETRY_AFTER_SECONDS})

    try:
        body = parse_json_object(apigw.body_bytes(event))
    except apigw.BodyError as exc:
        fields.update(outcome="invalid", errors=[exc.code])
        return apigw.error(400, "INVALID_REQUEST", exc.message, request_id, headers=region_header,
                           field_errors=[{"field": "body", "code": exc.code, "message": exc.message}])
    try:
        payment = validate_payment(body, apigw.header(event, IDEMPOTENCY_HEADER), settings.max_amount)
    except ValidationFailed as exc:
        fields.update(outcome="invalid", errors=sorted({error.code for error in exc.errors}))
        return apigw.error(400, "VALIDATION_FAILED", "the payment request is invalid", request_id,
                           headers=region_header, field_errors=[error.as_dict() for error in exc.errors])

    transaction_id = idempotency.transaction_id(payment.idempotency_key)
    fingerprint = idempotency.fingerprint(payment)
    decision = rules.decide(payment, settings)
    timestamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields["transactionId"] = transaction_id
    result = {
        "transactionId": transaction_id,
        "status": decision.status,
        "reasons": list(decision.reasons),
        "amount": str(payment.amount),
        "currency": payment.currency,
        "region": settings.region,
        "timestamp": timestamp,
    }
    body_text = json.dumps(result, separators=(",", ":"))
    record = store.record_item(
        transaction_id=transaction_id, timestamp=timestamp, customer_id=payment.customer_id,
        status=decision.status, reasons=decision.reasons, amount=str(payment.amount), currency=payment.currency,
        region=settings.region, fingerprint=fingerprint, merchant_id=payment.merchant_id,
        description=payment.description, dr_role=settings.dr_role)
    marker = store.marker_item(transaction_id=transaction_id, timestamp=timestamp, fingerprint=fingerprint,
                               status_code=201, body=body_text, region=settings.region)

    earlier = store.save_payment(aws.client("dynamodb", settings.region), settings.table_name, record, marker)
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            fields["outcome"] = "conflict"
            return apigw.error(409, "IDEMPOTENCY_CONFLICT",
                               f"the {IDEMPOTENCY_HEADER} was already used for a different payment",
                               request_id, headers=region_header)
        fields["outcome"] = "replayed"
        return apigw.respond_raw(200, earlier.body, {**region_header, "Idempotent-Replay": "true"})

    fields.update(outcome=decision.status.lower(), status=decision.status)
    if decision.notify:
        fields["notification"] = _notify(settings, result, decision, fields)
    return apigw.respond_raw(201, body_text, region_header)


def _notify(settings: Settings, result: dict, decision: rules.Decision, fields: dict) -> str:
    """Publish the alert; the payment is already committed, so a failed publish is logged, not raised."""
    message = notify.alert_message(
        transaction_id=result["transactionId"], status=decision.status, reasons=decision.reasons,
        amount=result["amount"], currency=result["currency"], region=settings.region, timestamp=result["timestamp"])
    try:
        notify.publish(aws.client("sns", settings.region), settings.topic_arn, message)
    except ClientError as exc:
        fields["notificationError"] = "sns:" + str(exc.response.get("Error", {}).get("Code", "Unknown"))
        return "failed"
    except BotoCoreError as exc:
        fields["notificationError"] = "sns:" + type(exc).__name__
        return "failed"
    return "sent"


def _health(event: dict, fields: dict) -> dict:
    """Data-plane reads only: the transactions table answers a GetItem, and the routing-control
    item (GetItem) does not fence this region."""
    settings = Settings.from_env(require_topic=False)
    fields.update(region=settings.region, drRole=settings.dr_role)
    payload: dict[str, Any] = {"region": settings.region}
    try:
        store.probe(aws.client("dynamodb", settings.region), settings.table_name)
        fenced = _is_fenced(settings)
    except store.StoreUnavailable as exc:
        fields.update(outcome="unhealthy", error=exc.reason)
        return apigw.respond(503, {"status": "unhealthy", **payload, "checks": {"dynamodb": "UNAVAILABLE"}})
    if fenced:
        # A fenced region fails its Route 53 health check, so traffic goes to the other region.
        fields["outcome"] = "fenced"
        return apigw.respond(503, {"status": "fenced", **payload, "checks": {"dynamodb": "OK", "routing": "FENCED"}})
    fields["outcome"] = "healthy"
    return apigw.respond(200, {"status": "healthy", **payload, "checks": {"dynamodb": "OK"}})


def _is_fenced(settings: Settings) -> bool:
    """Whether the failover runbook fenced this region (no control table configured: never)."""
    if not settings.control_table:
        return False
    return settings.region in store.fenced_regions(aws.client("dynamodb", settings.region), settings.control_table)


def _not_routed(event: dict, fields: dict) -> dict:
    method, path = apigw.route(event)
    fields["outcome"] = "not_found"
    if path in ("/validate", "/health"):
        allowed = "POST" if path == "/validate" else "GET"
        return apigw.error(405, "METHOD_NOT_ALLOWED", f"{path} accepts {allowed} only", fields["requestId"],
                           headers={"Allow": allowed})
    return apigw.error(404, "NOT_FOUND", "no such route", fields["requestId"])
