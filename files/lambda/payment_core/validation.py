"""Parse and validate a payment request body into a PaymentRequest, or a list of field errors."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .apigw import BodyError
from .currencies import MINOR_UNITS, decimal_places

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_FIELD = "idempotencyKey"
FIELDS = (IDEMPOTENCY_FIELD, "amount", "currency", "customerId", "merchantId", "description")
MAX_FIELD_ERRORS = 20
MAX_AMOUNT_CHARS = 32
MAX_DESCRIPTION_CHARS = 255

IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9._:-]{8,128}")
CUSTOMER_ID_RE = re.compile(r"cus_[A-Za-z0-9]{8,32}")
MERCHANT_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
_AMOUNT_RE = re.compile(r"(0|[1-9][0-9]*)(?:\.([0-9]+))?")


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class ValidationFailed(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} field error(s)")
        self.errors = errors[:MAX_FIELD_ERRORS]


@dataclass(frozen=True)
class PaymentRequest:
    idempotency_key: str
    amount: Decimal  # quantized to the currency's places (at most 2): Decimal("10.50")
    currency: str
    customer_id: str
    merchant_id: str | None = None
    description: str | None = None

    def canonical(self) -> dict[str, str | None]:
        """The payment as compared between a request and its retries (the idempotency key excluded)."""
        return {
            "amount": str(self.amount),
            "currency": self.currency,
            "customerId": self.customer_id,
            "merchantId": self.merchant_id,
            "description": self.description,
        }


class _Number:
    """A JSON number literal, kept as written so no float ever touches an amount."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _DuplicateKey(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """Strict RFC 8259 parsing: UTF-8, no NaN/Infinity, no duplicate keys, numbers kept verbatim."""
    try:
        text = raw.decode("utf-8")
        document = json.loads(text, parse_float=_Number, parse_int=_Number,
                              parse_constant=_reject_constant, object_pairs_hook=_object)
    except _DuplicateKey as exc:
        raise BodyError("DUPLICATE_KEY", f"the body repeats the key {_clip(str(exc))}") from None
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BodyError("INVALID_JSON", "the body is not valid JSON") from None
    if not isinstance(document, dict):
        raise BodyError("NOT_AN_OBJECT", "the body must be a JSON object")
    return document


def validate_payment(body: dict[str, Any], header_keys: list[str], max_amount: Decimal) -> PaymentRequest:
    """A PaymentRequest from a parsed body and the Idempotency-Key header values, or ValidationFailed."""
    errors: list[FieldError] = []

    key = _idempotency_key(body, header_keys, errors)

    currency = _required(body, "currency", errors)
    if currency is not None:
        currency = _currency(currency, errors)
    places = decimal_places(currency) if currency else 2

    amount = _required(body, "amount", errors)
    if amount is not None:
        amount = _amount(amount, places, max_amount, errors)

    customer_id = _required(body, "customerId", errors)
    if customer_id is not None:
        customer_id = _pattern("customerId", customer_id, CUSTOMER_ID_RE,
                               "must match cus_ followed by 8 to 32 letters or digits", errors)

    merchant_id = body.get("merchantId")
    if merchant_id is not None:
        merchant_id = _pattern("merchantId", merchant_id, MERCHANT_ID_RE,
                               "must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit",
                               errors)

    description = body.get("description")
    if description is not None:
        description = _description(description, errors)

    for name in sorted(set(body) - set(FIELDS)):
        errors.append(FieldError(_clip(name), "UNKNOWN_FIELD", "is not a field of a payment request"))

    if errors:
        raise ValidationFailed(errors)
    return PaymentRequest(key, amount, currency, customer_id, merchant_id, description)


def _clip(text: str, limit: int = 64) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _required(body: dict[str, Any], name: str, errors: list[FieldError]) -> Any:
    value = body.get(name)
    if value is None:
        errors.append(FieldError(name, "REQUIRED", "is required"))
    return value


def _idempotency_key(body: dict[str, Any], header_keys: list[str], errors: list[FieldError]) -> str | None:
    in_body = body.get(IDEMPOTENCY_FIELD)
    if len(header_keys) > 1 and len(set(header_keys)) > 1:
        errors.append(FieldError(IDEMPOTENCY_HEADER, "AMBIGUOUS", "was sent more than once with different values"))
        return None
    in_header = header_keys[0] if header_keys else None
    if in_header is None and in_body is None:
        errors.append(FieldError(IDEMPOTENCY_HEADER, "REQUIRED",
                                 f"is required (the {IDEMPOTENCY_HEADER} header or the {IDEMPOTENCY_FIELD} field)"))
        return None
    if in_header is not None and in_body is not None and in_header != in_body:
        errors.append(FieldError(IDEMPOTENCY_FIELD, "CONFLICT", f"differs from the {IDEMPOTENCY_HEADER} header"))
        return None
    name, value = (IDEMPOTENCY_HEADER, in_header) if in_header is not None else (IDEMPOTENCY_FIELD, in_body)
    return _pattern(name, value, IDEMPOTENCY_KEY_RE,
                    "must be 8 to 128 characters from A-Z a-z 0-9 . _ : - (a UUID works)", errors)


def _pattern(name: str, value: Any, pattern: re.Pattern[str], rule: str, errors: list[FieldError]) -> str | None:
    if not isinstance(value, str):
        errors.append(FieldError(name, "INVALID_TYPE", "must be a string"))
        return None
    if not pattern.fullmatch(value):
        errors.append(FieldError(name, "INVALID_FORMAT", rule))
        return None
    return value


def _currency(value: Any, errors: list[FieldError]) -> str | None:
    code = _pattern("currency", value, CURRENCY_RE, "must be an upper-case ISO 4217 code such as USD", errors)
    if code is not None and code not in MINOR_UNITS:
        errors.append(FieldError("currency", "UNKNOWN_CURRENCY", "is not an ISO 4217 currency code"))
        return None
    return code


def _amount(value: Any, places: int, max_amount: Decimal, errors: list[FieldError]) -> Decimal | None:
    if isinstance(value, _Number):
        text = value.text
    elif isinstance(value, str):
        text = value
    else:  # booleans, objects, arrays
        errors.append(FieldError("amount", "INVALID_TYPE", 'must be a decimal string such as "10.50" or a JSON number'))
        return None
    if len(text) > MAX_AMOUNT_CHARS and _AMOUNT_RE.fullmatch(text):
        errors.append(FieldError("amount", "ABOVE_MAXIMUM", f"must not exceed {max_amount}"))
        return None
    match = _AMOUNT_RE.fullmatch(text) if len(text) <= MAX_AMOUNT_CHARS else None
    if match is None:
        if text.startswith("-") and _AMOUNT_RE.fullmatch(text[1:]):
            errors.append(FieldError("amount", "NOT_POSITIVE", "must be greater than zero"))
        else:
            errors.append(FieldError("amount", "INVALID_FORMAT",
                                     "must be plain decimal digits with an optional '.' and fraction "
                                     "(no sign, exponent, spaces, NaN or Infinity)"))
        return None
    fraction = match.group(2) or ""
    if len(fraction) > places:
        errors.append(FieldError("amount", "TOO_MANY_DECIMALS", f"must have at most {places} decimal places"))
        return None
    amount = Decimal(text)
    if amount <= 0:
        errors.append(FieldError("amount", "NOT_POSITIVE", "must be greater than zero"))
        return None
    if amount > max_amount:
        errors.append(FieldError("amount", "ABOVE_MAXIMUM", f"must not exceed {max_amount}"))
        return None
    return amount.quantize(Decimal(1).scaleb(-places))


def _description(value: Any, errors: list[FieldError]) -> str | None:
    if not isinstance(value, str):
        errors.append(FieldError("description", "INVALID_TYPE", "must be a string"))
        return None
    if len(value) > MAX_DESCRIPTION_CHARS:
        errors.append(FieldError("description", "TOO_LONG", f"must be at most {MAX_DESCRIPTION_CHARS} characters"))
        return None
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        errors.append(FieldError("description", "INVALID_CHARACTERS",
                                 "must not contain control characters or unpaired surrogates"))
        return None
    return value
