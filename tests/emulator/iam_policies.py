"""IAM policy evaluation shared by the control plane (iam_authorization) and execute-api (apigateway_dataplane).

``evaluate(documents, action, resource, context)`` answers ``"Deny"`` (an explicit Deny matched),
``"Allow"`` (an Allow matched and no Deny) or ``None`` (implicit deny), IAM's evaluation of a set of
policies (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
With ``caller`` set, the documents are resource-based policies and a statement applies only when its
``Principal`` (or ``NotPrincipal``) names the caller.

Conditions: the operators ``StringEquals``, ``StringNotEquals``, ``StringLike``, ``StringNotLike``,
``ArnEquals``, ``ArnLike``, ``ArnNotEquals``, ``ArnNotLike``, ``IpAddress``, ``NotIpAddress`` (each
with ``IfExists``), on the keys ``context`` carries (``aws:PrincipalArn``, ``aws:PrincipalAccount``,
``aws:SourceIp``...). A key missing from the request fails a positive operator and satisfies a
negated one, as IAM documents. An operator not listed here fails closed: its Allow does not apply,
its Deny does.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from .iam_actions import matches, statement_list

_NEGATED = {"StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NotIpAddress"}


@dataclass(frozen=True)
class Caller:
    """Who signed a request: ``arn`` (user, role session or root), the account, and for a role session
    the role's ARN (what ``Principal`` and ``aws:PrincipalArn`` name). ``arn`` None is anonymous."""

    arn: str | None
    account: str | None = None
    role_arn: str | None = None
    context: dict[str, str] = field(default_factory=dict)

    @property
    def principal_arn(self) -> str | None:
        return self.role_arn or self.arn


def _listed(value: Any) -> list:
    return [value] if isinstance(value, str) else list(value or [])


def principal_match(principal: Any, caller: Caller) -> str | None:
    """How a statement's ``Principal`` names the caller: "exact" (the caller, its role, or ``*``),
    "account" (its account only: a delegation to the account's own IAM policies), or None."""
    if principal == "*":
        return "exact"
    if not isinstance(principal, dict) or caller.arn is None:
        return None
    found = None
    for value in _listed(principal.get("AWS")):
        if value == "*" or value in (caller.arn, caller.role_arn):
            return "exact"
        if caller.account and value in (caller.account, f"arn:aws:iam::{caller.account}:root"):
            found = "exact" if caller.arn.endswith(":root") else "account"
    return found


def _condition_holds(operator: str, key: str, wanted: Any, context: dict[str, str]) -> bool:
    base = operator[:-len("IfExists")] if operator.endswith("IfExists") else operator
    value = context.get(key) if key in context else next(
        (v for k, v in context.items() if k.lower() == key.lower()), None)
    if value is None:
        return base in _NEGATED or operator.endswith("IfExists")
    patterns = [str(p) for p in _listed(wanted)]
    if base in ("StringEquals", "ArnEquals", "StringNotEquals", "ArnNotEquals"):
        if base.startswith("String"):
            hit = value in patterns
        else:
            hit = any(matches(p, value, ignore_case=False) for p in patterns)
    elif base in ("StringLike", "ArnLike", "StringNotLike", "ArnNotLike"):
        hit = any(matches(p, value, ignore_case=False) for p in patterns)
    elif base in ("IpAddress", "NotIpAddress"):
        try:
            address = ipaddress.ip_address(value)
            hit = any(address in ipaddress.ip_network(p, strict=False) for p in patterns)
        except ValueError:
            hit = False
    else:
        raise KeyError(operator)
    return not hit if base in _NEGATED else hit


def conditions_hold(conditions: dict | None, context: dict[str, str], effect: str) -> bool:
    """Whether every condition of a statement holds (an unknown operator: only for a Deny)."""
    for operator, tests in (conditions or {}).items():
        for key, wanted in (tests or {}).items():
            try:
                if not _condition_holds(operator, key, wanted, context):
                    return False
            except KeyError:
                return effect == "Deny"
    return True


def _concerned(statement: dict, action: str) -> bool:
    if "NotAction" in statement:
        return not any(matches(p, action) for p in _listed(statement["NotAction"]))
    return any(matches(p, action) for p in _listed(statement.get("Action")))


def _resource_applies(statement: dict, resource: str | None) -> bool:
    if "NotResource" in statement:
        return resource is not None and not any(matches(p, resource, ignore_case=False)
                                                for p in _listed(statement["NotResource"]))
    patterns = _listed(statement.get("Resource", "*"))
    if resource is None:  # a request naming no resource here: only Allows scoped to resources apply
        return "*" in patterns or statement.get("Effect") == "Allow"
    return any(matches(p, resource, ignore_case=False) for p in patterns)


def evaluate(documents: list[dict], action: str, resource: str | None, context: dict[str, str] | None = None,
             caller: Caller | None = None, conditions: bool = True) -> str | None:
    """"Deny", "Allow" or None (no statement applies) for ``action`` on ``resource``. ``conditions=False``
    ignores Condition blocks (the control plane, which does not model condition keys)."""
    context = dict(context or {})
    allowed = None
    for document in documents:
        for statement in statement_list(document):
            effect = statement.get("Effect")
            if caller is not None:
                if "NotPrincipal" in statement:
                    named = principal_match(statement["NotPrincipal"], caller)
                    if named is not None:
                        continue
                else:
                    named = principal_match(statement.get("Principal"), caller)
                    # An Allow to the caller's account delegates to the account's IAM policies: it
                    # grants nothing by itself; a Deny to the account denies its every principal.
                    if named is None or (named == "account" and effect == "Allow"):
                        continue
            if not _resource_applies(statement, resource) or not _concerned(statement, action):
                continue
            if conditions and not conditions_hold(statement.get("Condition"), context, effect):
                continue
            if effect == "Deny":
                return "Deny"
            if effect == "Allow":
                allowed = "Allow"
    return allowed
