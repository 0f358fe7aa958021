"""Property-based tests: whatever arrives, a refused request answers 4xx JSON and writes nothing."""

from __future__ import annotations

import base64
import itertools
import json
import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payment_lambda_support import CUSTOMER, TABLE, call, make_event, payment

import payment_validation
from payment_core.currencies import MINOR_UNITS, MONETARY, decimal_places
from payment_core.validation import FIELDS

PROPERTY = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MAX = Decimal("1000000")
AMOUNT_TEXT = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?")

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
not_strings = st.booleans() | st.integers() | st.floats(allow_nan=False) | st.lists(json_scalars, max_size=3) \
    | st.dictionaries(st.text(max_size=5), json_scalars, max_size=3)


def valid_amount_text(text: str) -> bool:
    return bool(AMOUNT_TEXT.fullmatch(text)) and Decimal(0) < Decimal(text) <= MAX


bad_amounts = st.one_of(
    st.booleans(), st.lists(json_scalars, max_size=2), st.dictionaries(st.text(max_size=3), json_scalars, max_size=2),
    st.integers(max_value=0), st.integers(min_value=int(MAX) + 1),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e9"), max_value=MAX, places=3)
    .filter(lambda d: d != d.quantize(Decimal("0.01"))).map(str),
    st.text(max_size=30).filter(lambda s: not valid_amount_text(s)),
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda f: not (0 < f <= float(MAX))),
)
mutations = st.one_of(
    st.tuples(st.just("amount"), bad_amounts),
    st.tuples(st.just("currency"), not_strings | st.text(max_size=6).filter(lambda s: s not in MINOR_UNITS)),
    st.tuples(st.just("customerId"),
              not_strings | st.text(max_size=40).filter(lambda s: not re.fullmatch(r"cus_[A-Za-z0-9]{8,32}", s))),
    st.tuples(st.just("merchantId"),
              not_strings | st.text(max_size=80).filter(
                  lambda s: not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", s))),
    st.tuples(st.just("description"), not_strings | st.text(min_size=256, max_size=300)),
    st.tuples(st.text(max_size=20).filter(lambda k: k not in FIELDS), json_values),
)


def assert_refused_and_nothing_written(stack, answer) -> None:
    assert 400 <= answer.status < 500, answer.text
    assert isinstance(answer.body, dict) and answer.body["error"] in ("VALIDATION_FAILED", "INVALID_REQUEST")
    field_errors = answer.body["fieldErrors"]
    assert field_errors and all(set(error) == {"field", "code", "message"} for error in field_errors)
    assert stack.dynamodb.scan(TableName=TABLE, Select="COUNT")["Count"] == 0


@PROPERTY
@given(value=json_values)
def test_any_json_value_is_refused(stack, value):
    raw = json.dumps(value)  # non-finite floats become NaN/Infinity: not JSON, also refused
    assert_refused_and_nothing_written(stack, call(payment_validation.handler, make_event(raw=raw)))


@PROPERTY
@given(text=st.text(max_size=300))
def test_any_text_is_refused(stack, text):
    assert_refused_and_nothing_written(stack, call(payment_validation.handler, make_event(raw=text)))


@PROPERTY
@given(data=st.binary(max_size=300))
def test_any_bytes_are_refused(stack, data):
    event = make_event(raw=base64.b64encode(data).decode(), base64=True)
    assert_refused_and_nothing_written(stack, call(payment_validation.handler, event))


@PROPERTY
@given(mutation=mutations)
def test_one_bad_field_is_named(stack, mutation):
    field, value = mutation
    body = {**payment(), field: value}
    raw = json.dumps(body)
    answer = call(payment_validation.handler, make_event(raw=raw))
    assert_refused_and_nothing_written(stack, answer)
    if answer.body["error"] == "VALIDATION_FAILED":
        named = {error["field"] for error in answer.body["fieldErrors"]}
        clipped = field if len(field) <= 64 else field[:64] + "..."
        assert clipped in named
    else:  # only a non-finite float can make the body itself unreadable
        assert "NaN" in raw or "Infinity" in raw


@PROPERTY
@given(key=st.text(max_size=200).filter(lambda k: not re.fullmatch(r"[A-Za-z0-9._:-]{8,128}", k)))
def test_bad_idempotency_keys_are_refused(stack, key):
    answer = call(payment_validation.handler, make_event(payment(), key=None, headers={"Idempotency-Key": key}))
    assert_refused_and_nothing_written(stack, answer)
    assert [error["field"] for error in answer.body["fieldErrors"]] == ["Idempotency-Key"]


@PROPERTY
@given(digits=st.integers(min_value=8, max_value=6000), quoted=st.booleans(), fraction=st.booleans())
def test_huge_amounts_are_refused(stack, digits, quoted, fraction):
    number = "9" * digits + (".99" if fraction else "")
    literal = f'"{number}"' if quoted else number
    raw = f'{{"amount": {literal}, "currency": "USD", "customerId": "{CUSTOMER}"}}'
    answer = call(payment_validation.handler, make_event(raw=raw))
    assert_refused_and_nothing_written(stack, answer)
    assert answer.body["fieldErrors"] == [
        {"field": "amount", "code": "ABOVE_MAXIMUM", "message": "must not exceed 1000000"}]


@PROPERTY
@given(depth=st.integers(min_value=1, max_value=5000), opener=st.sampled_from(["[", '{"a":']))
def test_nested_junk_is_refused(stack, depth, opener):
    closer = "]" if opener == "[" else "}"
    raw = f'{{"amount": "1", "currency": "USD", "customerId": "{CUSTOMER}", "description": ' \
          f'{opener * depth}1{closer * depth}}}'
    assert_refused_and_nothing_written(stack, call(payment_validation.handler, make_event(raw=raw)))


_unique = itertools.count()
two_place_currencies = sorted(code for code in MONETARY if decimal_places(code) == 2)


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(amount=st.decimals(min_value=Decimal("0.01"), max_value=MAX, places=2),
       currency=st.sampled_from(two_place_currencies), as_number=st.booleans())
def test_valid_payments_are_stored_exactly_once(stack, amount, currency, as_number):
    key = f"property-{next(_unique):08d}"  # a fresh key per example: hypothesis may repeat drawn values
    literal = str(amount) if as_number else json.dumps(str(amount))
    raw = f'{{"amount": {literal}, "currency": "{currency}", "customerId": "{CUSTOMER}"}}'
    first = call(payment_validation.handler, make_event(raw=raw, key=key))
    assert first.status == 201, first.text
    assert Decimal(first.body["amount"]) == amount
    [record] = stack.payments(first.body["transactionId"])
    assert Decimal(record["amount"]["N"]) == amount
    again = call(payment_validation.handler, make_event(raw=raw, key=key))
    assert (again.status, again.text) == (200, first.text)
    assert len(stack.payments(first.body["transactionId"])) == 1
    stack.alerts()  # drain: REVIEW payments alert
