"""Idempotency key -> transaction id, and the request fingerprint retries are compared by."""

from __future__ import annotations

import hashlib
import json

from .validation import PaymentRequest

_NAMESPACE = b"payments.dr/payment-validation/idempotency/v1\x00"


def transaction_id(idempotency_key: str) -> str:
    """txn_ + 32 hex digits (128 bits of SHA-256): the same key always names the same transaction."""
    return "txn_" + hashlib.sha256(_NAMESPACE + idempotency_key.encode("ascii")).hexdigest()[:32]


def fingerprint(payment: PaymentRequest) -> str:
    canonical = json.dumps(payment.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
