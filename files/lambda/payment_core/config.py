"""Settings read from the Lambda environment (validated on every invocation: it is cheap)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .currencies import MINOR_UNITS, MONETARY

DEFAULT_HIGH_VALUE_THRESHOLD = Decimal("10000")
DEFAULT_MAX_AMOUNT = Decimal("1000000")
_PLAIN_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,2})?")


class ConfigError(Exception):
    """The function's environment is missing or malformed (an operator error: HTTP 500)."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    region: str
    topic_arn: str | None
    high_value_threshold: Decimal
    max_amount: Decimal
    accepted_currencies: frozenset[str]
    dr_role: str | None
    control_table: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, require_topic: bool = True) -> Settings:
        env = os.environ if environ is None else environ
        table_name = _text(env, "DYNAMODB_TABLE")
        region = _text(env, "REGION") or _text(env, "AWS_REGION")
        topic_arn = _text(env, "SNS_TOPIC_ARN")
        missing = [name for name, value in (("DYNAMODB_TABLE", table_name), ("REGION or AWS_REGION", region),
                                            ("SNS_TOPIC_ARN", topic_arn if require_topic else "-")) if not value]
        if missing:
            raise ConfigError(f"missing environment: {', '.join(missing)}")
        return cls(
            table_name=table_name,
            region=region,
            topic_arn=topic_arn,
            high_value_threshold=_amount(env, "HIGH_VALUE_THRESHOLD", DEFAULT_HIGH_VALUE_THRESHOLD),
            max_amount=_amount(env, "MAX_AMOUNT", DEFAULT_MAX_AMOUNT),
            accepted_currencies=_currencies(env, "ACCEPTED_CURRENCIES"),
            dr_role=_text(env, "DR_ROLE"),
            control_table=_text(env, "CONTROL_TABLE"),
        )


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = (env.get(name) or "").strip()
    return value or None


def _amount(env: Mapping[str, str], name: str, default: Decimal) -> Decimal:
    raw = _text(env, name)
    if raw is None:
        return default
    if not _PLAIN_DECIMAL.fullmatch(raw) or Decimal(raw) <= 0:
        raise ConfigError(f"{name} must be a positive decimal with at most 2 places, got {raw!r}")
    return Decimal(raw)


def _currencies(env: Mapping[str, str], name: str) -> frozenset[str]:
    raw = _text(env, name)
    if raw is None:
        return MONETARY
    codes = frozenset(code.strip() for code in raw.split(",") if code.strip())
    unknown = sorted(code for code in codes if code not in MINOR_UNITS)
    if not codes or unknown:
        raise ConfigError(f"{name} must list ISO 4217 codes separated by commas; unknown: {unknown}")
    return codes
