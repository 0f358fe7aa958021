"""Business decision for a valid payment: APPROVED, REVIEW (high value) or REJECTED."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .validation import PaymentRequest

APPROVED, REVIEW, REJECTED = "APPROVED", "REVIEW", "REJECTED"
NOTIFY_STATUSES = frozenset({REVIEW, REJECTED})


@dataclass(frozen=True)
class Decision:
    status: str
    reasons: tuple[str, ...] = ()

    @property
    def notify(self) -> bool:
        return self.status in NOTIFY_STATUSES


def decide(payment: PaymentRequest, settings: Settings) -> Decision:
    if payment.currency not in settings.accepted_currencies:
        return Decision(REJECTED, ("CURRENCY_NOT_ACCEPTED",))
    if payment.amount >= settings.high_value_threshold:
        return Decision(REVIEW, ("HIGH_VALUE",))
    return Decision(APPROVED)
