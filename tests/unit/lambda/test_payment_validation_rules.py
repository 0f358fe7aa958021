"""Field rules, body parsing, decisions, settings and ids of the payment-validation Lambda (no AWS)."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
from payment_lambda_support import CUSTOMER, VALID_KEY, make_event

from payment_core import apigw, idempotency, rules
from payment_core.config import ConfigError, Settings
from payment_core.currencies import MINOR_UNITS, MONETARY, decimal_places
from payment_core.validation import (
    MAX_DESCRIPTION_CHARS,
    PaymentRequest,
    ValidationFailed,
    parse_json_object,
    validate_payment,
)

MAX = Decimal("1000000")


def parse(text: str) -> dict:
    return parse_json_object(text.encode("utf-8"))


def body_text(amount_literal: str = '"125.50"', currency: str = '"USD"', extra: str = "") -> str:
    return f'{{"amount": {amount_literal}, "currency": {currency}, "customerId": "{CUSTOMER}"{extra}}}'


def validate(text: str, keys: list[str] | None = None, max_amount: Decimal = MAX) -> PaymentRequest:
    return validate_payment(parse(text), [VALID_KEY] if keys is None else keys, max_amount)


def errors_of(text: str, keys: list[str] | None = None, max_amount: Decimal = MAX) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        validate(text, keys, max_amount)
    return [(error.field, error.code) for error in caught.value.errors]


# ---------------------------------------------------------------- amount
@pytest.mark.parametrize(("literal", "currency", "expected"), [
    ('"125.50"', "USD", "125.50"),
    ('"125.5"', "USD", "125.50"),
    ('"125"', "USD", "125.00"),
    ('"0.01"', "USD", "0.01"),
    ('"1000000"', "USD", "1000000.00"),
    ('"1000000.00"', "USD", "1000000.00"),
    ("125.50", "USD", "125.50"),          # a JSON number is read from its text, never through a float
    ("0.1", "USD", "0.10"),               # 0.1 is not representable in binary; here it stays exact
    ("0.29", "USD", "0.29"),
    ("125", "USD", "125.00"),
    ('"1500"', "JPY", "1500"),            # zero-decimal currency
    ('"12.345"', "KWD", None),            # three-decimal currency: capped at 2 places
    ('"12.34"', "KWD", "12.34"),
])
def test_valid_amounts_are_exact_decimals(literal, currency, expected):
    if expected is None:
        assert errors_of(body_text(literal, f'"{currency}"')) == [("amount", "TOO_MANY_DECIMALS")]
        return
    payment = validate(body_text(literal, f'"{currency}"'))
    assert isinstance(payment.amount, Decimal)
    assert str(payment.amount) == expected


@pytest.mark.parametrize(("literal", "code"), [
    ('"0"', "NOT_POSITIVE"),
    ('"0.00"', "NOT_POSITIVE"),
    ("0", "NOT_POSITIVE"),
    ('"-5"', "NOT_POSITIVE"),
    ("-5", "NOT_POSITIVE"),
    ("-0.01", "NOT_POSITIVE"),
    ('"10.505"', "TOO_MANY_DECIMALS"),
    ("10.505", "TOO_MANY_DECIMALS"),
    ('"10.500"', "TOO_MANY_DECIMALS"),    # places are counted as written
    ('"1000000.01"', "ABOVE_MAXIMUM"),
    ("1000001", "ABOVE_MAXIMUM"),
    ('"' + "9" * 40 + '"', "ABOVE_MAXIMUM"),
    ("9" * 5000, "ABOVE_MAXIMUM"),        # beyond Python's int digit limit: never converted to int
    ("1e3", "INVALID_FORMAT"),
    ("1E3", "INVALID_FORMAT"),
    ("1.5e1", "INVALID_FORMAT"),
    ('"1e3"', "INVALID_FORMAT"),
    ('"NaN"', "INVALID_FORMAT"),
    ('"Infinity"', "INVALID_FORMAT"),
    ('"-Infinity"', "INVALID_FORMAT"),
    ('"+10"', "INVALID_FORMAT"),
    ('" 10"', "INVALID_FORMAT"),
    ('"10 "', "INVALID_FORMAT"),
    ('"10\\n"', "INVALID_FORMAT"),        # a trailing newline must not slip past the pattern
    ('"1,000"', "INVALID_FORMAT"),
    ('"1_000"', "INVALID_FORMAT"),
    ('"010"', "INVALID_FORMAT"),
    ('".5"', "INVALID_FORMAT"),
    ('"5."', "INVALID_FORMAT"),
    ('"0x10"', "INVALID_FORMAT"),
    ('"\\u0661\\u0660"', "INVALID_FORMAT"),  # Arabic-Indic digits are digits to Python, not to us
    ('""', "INVALID_FORMAT"),
    ("true", "INVALID_TYPE"),
    ("false", "INVALID_TYPE"),
    ("[]", "INVALID_TYPE"),
    ('{"value": "10"}', "INVALID_TYPE"),
    ("null", "REQUIRED"),
])
def test_invalid_amounts(literal, code):
    assert errors_of(body_text(literal)) == [("amount", code)]


def test_zero_decimal_currency_refuses_fractions():
    assert errors_of(body_text('"1500.5"', '"JPY"')) == [("amount", "TOO_MANY_DECIMALS")]


def test_max_amount_follows_the_setting():
    assert errors_of(body_text('"500.01"'), max_amount=Decimal("500")) == [("amount", "ABOVE_MAXIMUM")]
    assert str(validate(body_text('"500"'), max_amount=Decimal("500")).amount) == "500.00"


# ---------------------------------------------------------------- currency
@pytest.mark.parametrize(("literal", "code"), [
    ('"usd"', "INVALID_FORMAT"),
    ('"US"', "INVALID_FORMAT"),
    ('"USDD"', "INVALID_FORMAT"),
    ('"US1"', "INVALID_FORMAT"),
    ('"ZZZ"', "UNKNOWN_CURRENCY"),
    ('"HRK"', "UNKNOWN_CURRENCY"),        # withdrawn when Croatia adopted the euro
    ("840", "INVALID_TYPE"),
    ("null", "REQUIRED"),
])
def test_invalid_currencies(literal, code):
    assert errors_of(body_text(currency=literal)) == [("currency", code)]


@pytest.mark.parametrize("code", ["USD", "EUR", "GBP", "JPY", "CHF", "XOF", "XCG", "ZWG", "XTS"])
def test_iso_codes_are_accepted(code):
    assert validate(body_text('"10"', f'"{code}"')).currency == code


def test_currency_table():
    assert len(MINOR_UNITS) == 180
    assert all(len(code) == 3 and code.isupper() for code in MINOR_UNITS)
    assert {"XAU", "XTS", "XXX", "XDR"}.isdisjoint(MONETARY)
    assert (decimal_places("JPY"), decimal_places("USD"), decimal_places("BHD"), decimal_places("XAU")) == (0, 2, 2, 2)


# ---------------------------------------------------------------- customerId, merchantId, description
@pytest.mark.parametrize(("value", "code"), [
    ('"cus_1234567"', "INVALID_FORMAT"),                  # 7 characters after the prefix
    ('"cus_' + "a" * 33 + '"', "INVALID_FORMAT"),
    ('"CUS_12345678"', "INVALID_FORMAT"),
    ('"cus_1234-5678"', "INVALID_FORMAT"),
    ('"12345678"', "INVALID_FORMAT"),
    ('"cus_12345678\\n"', "INVALID_FORMAT"),
    ("12345678", "INVALID_TYPE"),
    ("null", "REQUIRED"),
])
def test_invalid_customer_ids(value, code):
    text = f'{{"amount": "1", "currency": "USD", "customerId": {value}}}'
    assert errors_of(text) == [("customerId", code)]


@pytest.mark.parametrize("value", ["cus_12345678", "cus_" + "Z" * 32, "cus_AbCdEf123456"])
def test_valid_customer_ids(value):
    text = f'{{"amount": "1", "currency": "USD", "customerId": "{value}"}}'
    assert validate(text).customer_id == value


@pytest.mark.parametrize(("extra", "expected"), [
    (', "merchantId": "mer_001"', ("mer_001", None)),
    (', "merchantId": "' + "m" * 64 + '"', ("m" * 64, None)),
    (', "merchantId": null', (None, None)),
    (', "description": "Order #1234 \\u2014 caf\\u00e9 \\ud83d\\ude00"',
     (None, "Order #1234 \u2014 caf\u00e9 \U0001f600")),
    (', "description": ""', (None, "")),
    (', "description": "' + "d" * MAX_DESCRIPTION_CHARS + '"', (None, "d" * MAX_DESCRIPTION_CHARS)),
])
def test_valid_optional_fields(extra, expected):
    payment = validate(body_text(extra=extra))
    assert (payment.merchant_id, payment.description) == expected


@pytest.mark.parametrize(("extra", "error"), [
    (', "merchantId": ""', ("merchantId", "INVALID_FORMAT")),
    (', "merchantId": "' + "m" * 65 + '"', ("merchantId", "INVALID_FORMAT")),
    (', "merchantId": "_mer"', ("merchantId", "INVALID_FORMAT")),
    (', "merchantId": "mer 1"', ("merchantId", "INVALID_FORMAT")),
    (', "merchantId": 7', ("merchantId", "INVALID_TYPE")),
    (', "description": "' + "d" * (MAX_DESCRIPTION_CHARS + 1) + '"', ("description", "TOO_LONG")),
    (', "description": "line\\nbreak"', ("description", "INVALID_CHARACTERS")),
    (', "description": "nul\\u0000"', ("description", "INVALID_CHARACTERS")),
    (', "description": "lone \\ud800 surrogate"', ("description", "INVALID_CHARACTERS")),
    (', "description": ["x"]', ("description", "INVALID_TYPE")),
])
def test_invalid_optional_fields(extra, error):
    assert errors_of(body_text(extra=extra)) == [error]


# ---------------------------------------------------------------- idempotency key
@pytest.mark.parametrize(("headers", "extra", "expected"), [
    ([VALID_KEY], "", VALID_KEY),
    ([], f', "idempotencyKey": "{VALID_KEY}"', VALID_KEY),
    ([VALID_KEY], f', "idempotencyKey": "{VALID_KEY}"', VALID_KEY),
    ([VALID_KEY, VALID_KEY], "", VALID_KEY),
    (["order-2026.11.28:0001"], "", "order-2026.11.28:0001"),
    (["k" * 128], "", "k" * 128),
])
def test_idempotency_key_sources(headers, extra, expected):
    assert validate(body_text(extra=extra), headers).idempotency_key == expected


@pytest.mark.parametrize(("headers", "extra", "error"), [
    ([], "", ("Idempotency-Key", "REQUIRED")),
    (["short"], "", ("Idempotency-Key", "INVALID_FORMAT")),
    (["k" * 129], "", ("Idempotency-Key", "INVALID_FORMAT")),
    (["has space 123"], "", ("Idempotency-Key", "INVALID_FORMAT")),
    (["key/with/slash"], "", ("Idempotency-Key", "INVALID_FORMAT")),
    (["ключ-12345678"], "", ("Idempotency-Key", "INVALID_FORMAT")),
    ([VALID_KEY, "another-key-1234"], "", ("Idempotency-Key", "AMBIGUOUS")),
    ([VALID_KEY], ', "idempotencyKey": "another-key-1234"', ("idempotencyKey", "CONFLICT")),
    ([], ', "idempotencyKey": 12345678', ("idempotencyKey", "INVALID_TYPE")),
])
def test_invalid_idempotency_keys(headers, extra, error):
    assert errors_of(body_text(extra=extra), headers) == [error]


# ---------------------------------------------------------------- unknown fields, several errors
@pytest.mark.parametrize("field", ["transactionId", "ammount", "cardNumber", "status", ""])
def test_unknown_fields_are_rejected(field):
    assert errors_of(body_text(extra=f', "{field}": "x"')) == [(field, "UNKNOWN_FIELD")]


def test_every_field_error_is_listed():
    text = '{"amount": "-1", "currency": "usd", "customerId": "bob", "merchantId": "", "extra": 1}'
    assert errors_of(text, keys=[]) == [
        ("Idempotency-Key", "REQUIRED"), ("currency", "INVALID_FORMAT"), ("amount", "NOT_POSITIVE"),
        ("customerId", "INVALID_FORMAT"), ("merchantId", "INVALID_FORMAT"), ("extra", "UNKNOWN_FIELD")]


def test_empty_object_lists_every_required_field():
    assert errors_of("{}", keys=[]) == [("Idempotency-Key", "REQUIRED"), ("currency", "REQUIRED"),
                                        ("amount", "REQUIRED"), ("customerId", "REQUIRED")]


def test_error_list_is_capped_and_names_are_clipped():
    extra = "".join(f', "{"u" * 100}{index}": 1' for index in range(40))
    with pytest.raises(ValidationFailed) as caught:
        validate(body_text(extra=extra))
    assert len(caught.value.errors) == 20
    assert all(len(error.field) <= 67 for error in caught.value.errors)


# ---------------------------------------------------------------- body parsing
@pytest.mark.parametrize(("text", "code"), [
    ("", "INVALID_JSON"),
    ("not json", "INVALID_JSON"),
    ('{"amount": "1",}', "INVALID_JSON"),
    ("{'amount': '1'}", "INVALID_JSON"),
    ('{"amount": NaN}', "INVALID_JSON"),
    ('{"amount": Infinity}', "INVALID_JSON"),
    ('{"amount": -Infinity}', "INVALID_JSON"),
    ("[" * 100_000 + "]" * 100_000, "INVALID_JSON"),   # deep nesting: RecursionError, not a crash
    ("[]", "NOT_AN_OBJECT"),
    ('"a string"', "NOT_AN_OBJECT"),
    ("42", "NOT_AN_OBJECT"),
    ("null", "NOT_AN_OBJECT"),
    ("true", "NOT_AN_OBJECT"),
    ('{"amount": "1", "amount": "1000000"}', "DUPLICATE_KEY"),
    ('{"a": {"b": 1, "b": 2}}', "DUPLICATE_KEY"),
])
def test_unreadable_bodies(text, code):
    with pytest.raises(apigw.BodyError) as caught:
        parse(text)
    assert caught.value.code == code


def test_invalid_utf8_is_invalid_json():
    with pytest.raises(apigw.BodyError) as caught:
        parse_json_object(b'{"description": "\xff\xfe"}')
    assert caught.value.code == "INVALID_JSON"


@pytest.mark.parametrize(("event_body", "base64_flag", "code"), [
    (None, False, "BODY_REQUIRED"),
    ("", False, "BODY_REQUIRED"),
    ("x" * (apigw.MAX_BODY_BYTES + 1), False, "BODY_TOO_LARGE"),
    ("\u00e9" * (apigw.MAX_BODY_BYTES // 2 + 1), False, "BODY_TOO_LARGE"),   # counted in UTF-8 bytes
    (base64.b64encode(b"x" * (apigw.MAX_BODY_BYTES + 1)).decode(), True, "BODY_TOO_LARGE"),
    ("not base64!", True, "INVALID_BODY"),
])
def test_body_reading_limits(event_body, base64_flag, code):
    event = make_event(raw=event_body, base64=base64_flag) if event_body is not None else make_event()
    with pytest.raises(apigw.BodyError) as caught:
        apigw.body_bytes(event)
    assert caught.value.code == code


def test_base64_body_is_decoded():
    raw = json.dumps({"amount": "1"}).encode()
    assert apigw.body_bytes(make_event(raw=base64.b64encode(raw).decode(), base64=True)) == raw
    assert apigw.body_bytes(make_event(raw="x" * apigw.MAX_BODY_BYTES)) == b"x" * apigw.MAX_BODY_BYTES


@pytest.mark.parametrize(("event", "expected"), [
    ({"headers": {"idempotency-key": "a"}}, ["a"]),
    ({"headers": {"IDEMPOTENCY-KEY": "a"}}, ["a"]),
    ({"multiValueHeaders": {"Idempotency-Key": ["a", "b"]}, "headers": {"Idempotency-Key": "b"}}, ["a", "b"]),
    ({"headers": None, "multiValueHeaders": None}, []),
    ({}, []),
])
def test_header_lookup(event, expected):
    assert apigw.header(event, "Idempotency-Key") == expected


@pytest.mark.parametrize(("event", "expected"), [
    ({"httpMethod": "post", "resource": "/validate", "path": "/validate"}, ("POST", "/validate")),
    ({"httpMethod": "GET", "resource": "/health/", "path": "/health/"}, ("GET", "/health")),
    ({"httpMethod": "POST", "resource": "/{proxy+}", "path": "/validate"}, ("POST", "/validate")),
    ({}, ("", "/")),
    ("not an event", ("", "")),
])
def test_route(event, expected):
    assert apigw.route(event) == expected


# ---------------------------------------------------------------- decision
def settings(**env: str) -> Settings:
    return Settings.from_env({"DYNAMODB_TABLE": "t", "REGION": "us-east-1", "SNS_TOPIC_ARN": "arn", **env})


def a_payment(amount: str, currency: str = "USD") -> PaymentRequest:
    return PaymentRequest(VALID_KEY, Decimal(amount), currency, CUSTOMER)


@pytest.mark.parametrize(("amount", "currency", "env", "decision"), [
    ("9999.99", "USD", {}, rules.Decision("APPROVED")),
    ("10000.00", "USD", {}, rules.Decision("REVIEW", ("HIGH_VALUE",))),
    ("1000000.00", "USD", {}, rules.Decision("REVIEW", ("HIGH_VALUE",))),
    ("499.99", "USD", {"HIGH_VALUE_THRESHOLD": "500"}, rules.Decision("APPROVED")),
    ("500.00", "USD", {"HIGH_VALUE_THRESHOLD": "500"}, rules.Decision("REVIEW", ("HIGH_VALUE",))),
    ("10.00", "XTS", {}, rules.Decision("REJECTED", ("CURRENCY_NOT_ACCEPTED",))),
    ("10.00", "XAU", {}, rules.Decision("REJECTED", ("CURRENCY_NOT_ACCEPTED",))),
    ("10.00", "GBP", {"ACCEPTED_CURRENCIES": "USD, EUR"}, rules.Decision("REJECTED", ("CURRENCY_NOT_ACCEPTED",))),
    ("20000.00", "EUR", {"ACCEPTED_CURRENCIES": "USD,EUR"}, rules.Decision("REVIEW", ("HIGH_VALUE",))),
])
def test_decision(amount, currency, env, decision):
    assert rules.decide(a_payment(amount, currency), settings(**env)) == decision
    assert decision.notify == (decision.status != "APPROVED")


# ---------------------------------------------------------------- settings
def test_settings_defaults_and_fallbacks():
    loaded = Settings.from_env({"DYNAMODB_TABLE": "t", "AWS_REGION": "us-east-2", "SNS_TOPIC_ARN": "arn"})
    assert loaded.region == "us-east-2"
    assert (loaded.high_value_threshold, loaded.max_amount) == (Decimal("10000"), Decimal("1000000"))
    assert loaded.accepted_currencies == MONETARY and loaded.dr_role is None
    assert settings(REGION="us-east-1", AWS_REGION="us-east-2", DR_ROLE="dr").region == "us-east-1"
    assert Settings.from_env({"DYNAMODB_TABLE": "t", "REGION": "r"}, require_topic=False).topic_arn is None


@pytest.mark.parametrize("env", [
    {"DYNAMODB_TABLE": ""},
    {"REGION": ""},
    {"SNS_TOPIC_ARN": " "},
    {"HIGH_VALUE_THRESHOLD": "ten"},
    {"HIGH_VALUE_THRESHOLD": "0"},
    {"MAX_AMOUNT": "1e6"},
    {"MAX_AMOUNT": "-5"},
    {"MAX_AMOUNT": "10.001"},
    {"ACCEPTED_CURRENCIES": "USD,DOLLARS"},
    {"ACCEPTED_CURRENCIES": ","},
])
def test_settings_errors(env):
    with pytest.raises(ConfigError):
        settings(**env)


# ---------------------------------------------------------------- ids
def test_transaction_id_is_deterministic_and_distinct():
    first = idempotency.transaction_id(VALID_KEY)
    assert first == idempotency.transaction_id(VALID_KEY)
    assert first != idempotency.transaction_id(VALID_KEY + "x")
    assert first.startswith("txn_") and len(first) == 36 and all(c in "0123456789abcdef" for c in first[4:])


def test_fingerprint_compares_payments_not_spellings():
    as_string = validate(body_text('"10.5"'))
    as_number = validate(body_text("10.50", extra=f', "idempotencyKey": "{VALID_KEY}"'), [])
    assert idempotency.fingerprint(as_string) == idempotency.fingerprint(as_number)
    for changed in (body_text('"10.51"'), body_text('"10.5"', '"EUR"'),
                    body_text('"10.5"', extra=', "description": "x"'), body_text('"10.5"', extra=', "merchantId": "m1"')):
        assert idempotency.fingerprint(validate(changed)) != idempotency.fingerprint(as_string)
