"""Find every IAM policy statement the collection writes and flag wildcards it does not need.

Sources scanned (relative to a collection root):
- ``roles/*/templates/*.json.j2``: rendered with Jinja2 and the role's defaults and vars, every
  other or empty variable a dummy ARN (so optional ``{% if %}`` blocks are rendered too);
- ``roles/*/files/*.json``;
- ``roles/*/{tasks,vars,defaults}/*.yml``: inline policies in module arguments or variables,
  each templated string rendered the same way.

A statement is any mapping with ``Effect`` and ``Action``/``NotAction`` (so statement lists kept
in variables are found without their ``Statement`` wrapper). Only ``Allow`` statements are
checked: a wildcard in a ``Deny`` (for example the TLS-only bucket statement) narrows access.

An ``Allow`` statement is flagged for
- an action holding ``*`` (``*``, ``s3:*``, ``s3:Get*``) or any ``NotAction``;
- a resource ``*``, or an ARN whose service, region or account is ``*``, or whose resource id is
  a wildcard (``arn:aws:s3:::*``, ``...:table/*``, ``...:function:*``) - a wildcard *below* a named
  resource (``bucket/*``, ``table/name/index/*``, ``log-group:name:*``) is scoping, not a wildcard;
- any ``NotResource``;
- a principal ``*`` (anyone).
unless an ``Allowed`` entry - which must say why - covers it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import jinja2
import yaml

from ansible_collections.payments.dr.plugins.filter.dr import dr_name, dr_tags

ACCOUNT = "123456789012"
REGION = "us-east-1"
TEMPLATE_GLOBS = ("roles/*/templates/*.json.j2",)
JSON_GLOBS = ("roles/*/files/*.json",)
YAML_GLOBS = ("roles/*/tasks/*.yml", "roles/*/vars/*.yml", "roles/*/defaults/*.yml")


@dataclass(frozen=True)
class Allowed:
    """A wildcard a policy needs: where (path glob, statement Sid or None for any), what, and why."""

    path: str
    sid: str | None
    field: str  # "Action", "Resource" or "Principal"
    value: str
    reason: str


@dataclass(frozen=True)
class Statement:
    path: str
    index: int
    body: dict

    @property
    def sid(self) -> str | None:
        return self.body.get("Sid")

    @property
    def where(self) -> str:
        return f"{self.path} statement {self.sid or '#%d' % self.index}"


@dataclass(frozen=True)
class Violation:
    statement: Statement
    field: str
    value: str
    problem: str

    def __str__(self) -> str:
        return f"{self.statement.where}: {self.field} {self.value!r} - {self.problem}"


ALLOWED: list[Allowed] = [
    Allowed("roles/security/templates/kms-key-policy.json.j2", None, "Resource", "*",
            "In a key policy, Resource '*' means 'this key'; KMS rejects any other value."),
    Allowed("roles/lambda_apigw/templates/resource-policy.json.j2", "CallersMayValidate", "Principal", "*",
            "Narrowed by its aws:PrincipalArn condition to the inventory's callers; a Principal naming them would make "
            "API Gateway refuse the policy while a caller's role does not exist yet."),
    Allowed("roles/lambda_apigw/templates/lambda-policy.json.j2", "PeerProbeMetric", "Resource", "*",
            "cloudwatch:PutMetricData has no resource type; the statement's cloudwatch:namespace condition narrows it "
            "to the PaymentsDR namespace."),
    Allowed("roles/lambda_apigw/templates/resource-policy.json.j2", "HealthIsOpen", "Principal", "*",
            "GET /health is what Route 53's health checkers call, unsigned, from anywhere."),
    Allowed("roles/network/templates/*_endpoint_policy.json.j2", None, "Principal", "*",
            "A gateway endpoint's policy must name Principal '*' (AWS: 'Principals for gateway endpoints'); "
            "the statement's aws:PrincipalAccount condition narrows it to this account's principals."),
]


# --- rendering -----------------------------------------------------------------------------

_STRING_METHODS = {"split", "rsplit", "replace", "lower", "upper", "strip", "startswith", "endswith"}


class _Dummy(jinja2.Undefined):
    """Any variable the templates use: an ARN-like string, truthy, iterable as empty."""

    def _value(self) -> str:
        name = (self._undefined_name or "value").lower()
        if name.endswith("account") or name.endswith("account_id") or name == "account":
            return ACCOUNT
        if name.endswith("region"):
            return REGION
        return f"arn:aws:dummy:{REGION}:{ACCOUNT}:{name}"

    def __str__(self) -> str:
        return self._value()

    def __bool__(self) -> bool:
        return True

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 1

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in _STRING_METHODS:  # x.split(':')[4] and the like work on the dummy ARN
            return getattr(str(self), name)
        return _Dummy(name=f"{self._undefined_name}.{name}")

    def __getitem__(self, key: Any) -> _Dummy:
        return _Dummy(name=f"{self._undefined_name}.{key}")

    def __add__(self, other: Any) -> str:
        return str(self) + str(other)

    def __radd__(self, other: Any) -> str:
        return str(other) + str(self)

    __call__ = __getitem__


def _to_json(value: Any, **kwargs: Any) -> str:
    return json.dumps(value, default=str, **{k: v for k, v in kwargs.items() if k in ("indent", "sort_keys")})


def _regex_replace(value: Any, pattern: str = "", replacement: str = "", ignorecase: bool = False) -> str:
    return re.sub(pattern, replacement, str(value), flags=re.I if ignorecase else 0)


def _dr_name(resource: Any, dr_role: Any, environment_suffix: Any) -> str:
    return dr_name(resource if isinstance(resource, str) else "dummy", str(dr_role), str(environment_suffix))


_FILTERS = {
    "to_json": _to_json, "to_nice_json": _to_json, "from_json": json.loads, "from_yaml": yaml.safe_load,
    "regex_replace": _regex_replace, "flatten": lambda v, levels=None: list(v),
    "dr_name": _dr_name, "payments.dr.dr_name": _dr_name, "dr_tags": dr_tags, "payments.dr.dr_tags": dr_tags,
    "combine": lambda a, *b, **kw: dict(a, **{k: v for d in b for k, v in dict(d).items()}),
    "bool": bool, "mandatory": lambda v, *a: v, "quote": str, "b64encode": str,
}


class _AnyFilter(dict):
    """Known filters, and the identity for any other (a filter never turns a dummy into a wildcard)."""

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(key) or (lambda value, *args, **kwargs: value)

    def __getitem__(self, key: Any) -> Any:
        return self.get(key)

    def __contains__(self, key: object) -> bool:
        return True


def environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=_Dummy, keep_trailing_newline=True,
                             extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"])
    filters = _AnyFilter(env.filters)
    filters.update(_FILTERS)
    env.filters = filters
    env.tests["match"] = lambda value, pattern: re.match(pattern, str(value)) is not None
    env.globals["lookup"] = lambda *args, **kwargs: f"arn:aws:dummy:{REGION}:{ACCOUNT}:lookup"
    env.globals["query"] = lambda *args, **kwargs: []
    return env


BASE_VARIABLES = {"region": REGION, "dr_role": "primary", "environment_suffix": "lint",
                  "dr_primary_region": "us-east-1", "dr_dr_region": "us-east-2", "dr_peer_region": "us-east-2",
                  "dr_partition": "aws", "omit": "__omit__"}


def render(text: str, env: jinja2.Environment | None = None, variables: dict | None = None) -> str:
    env = env or environment()
    return env.from_string(text).render(**dict(BASE_VARIABLES, **(variables or {})))


# --- collecting statements -----------------------------------------------------------------

class _AnsibleYamlLoader(yaml.SafeLoader):
    """safe_load that takes Ansible's tags (!unsafe, !vault) as plain scalars."""


_AnsibleYamlLoader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node)
                                         if isinstance(node, yaml.ScalarNode) else None)


def _render_strings(value: Any, env: jinja2.Environment, variables: dict) -> Any:
    if isinstance(value, dict):
        return {key: _render_strings(item, env, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [_render_strings(item, env, variables) for item in value]
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        try:
            return render(value, env, variables)
        except Exception:  # noqa: BLE001 - a filter the lint does not model: the value stays a dummy
            return f"arn:aws:dummy:{REGION}:{ACCOUNT}:unrenderable"
    return value


def role_variables(role: Path, env: jinja2.Environment) -> dict:
    """The role's defaults and vars, rendered (a few passes resolve variables built from others)."""
    variables: dict = {}
    for name in ("defaults/main.yml", "vars/main.yml"):
        path = role / name
        if path.is_file():
            loaded = yaml.load(path.read_text(), Loader=_AnsibleYamlLoader)  # noqa: S506 - SafeLoader subclass
            variables.update(loaded if isinstance(loaded, dict) else {})
    for _ in range(3):
        variables = {key: _render_strings(value, env, variables) for key, value in variables.items()}
    # Empty inputs (an optional ARN) become dummy ARNs, so the statements they switch on are checked too.
    return {key: _Dummy(name=key) if value in ("", None) else value for key, value in variables.items()}


def _statements_in(value: Any) -> Iterator[dict]:
    if isinstance(value, dict):
        if "Effect" in value and ("Action" in value or "NotAction" in value):
            yield value
            return
        for item in value.values():
            yield from _statements_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _statements_in(item)


def _looks_like_policy(text: str) -> bool:
    return '"Effect"' in text or '"Statement"' in text


def collect(root: Path) -> tuple[list[Statement], list[str]]:
    """Every statement under ``root``, and the files that look like policies but could not be read."""
    env = environment()
    statements: list[Statement] = []
    errors: list[str] = []
    roles: dict[Path, dict] = {}

    def variables_of(path: Path) -> dict:
        role = path.parent.parent
        if role not in roles:
            try:
                roles[role] = role_variables(role, env)
            except yaml.YAMLError as exc:
                errors.append(f"{role.relative_to(root)} variables: {exc}")
                roles[role] = {}
        return roles[role]

    def add(path: Path, document: Any) -> None:
        rel = path.relative_to(root).as_posix()
        for index, body in enumerate(_statements_in(document)):
            statements.append(Statement(rel, index, body))

    for pattern in TEMPLATE_GLOBS:
        for path in sorted(root.glob(pattern)):
            text = path.read_text()
            try:
                add(path, json.loads(render(text, env, variables_of(path))))
            except Exception as exc:  # noqa: BLE001 - reported below when the file is a policy
                if _looks_like_policy(text):
                    errors.append(f"{path.relative_to(root)}: {exc}")
    for pattern in JSON_GLOBS:
        for path in sorted(root.glob(pattern)):
            try:
                add(path, json.loads(path.read_text()))
            except ValueError as exc:
                errors.append(f"{path.relative_to(root)}: {exc}")
    for pattern in YAML_GLOBS:
        for path in sorted(root.glob(pattern)):
            try:
                document = yaml.load(path.read_text(), Loader=_AnsibleYamlLoader)  # noqa: S506 - SafeLoader subclass
            except yaml.YAMLError as exc:
                errors.append(f"{path.relative_to(root)}: {exc}")
                continue
            add(path, _render_strings(document, env, variables_of(path)))
    return statements, errors


# --- checking ------------------------------------------------------------------------------

def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def resource_problem(resource: str) -> str | None:
    """Why ``resource`` is a wildcard, or None when it names (or scopes below) a resource."""
    if resource == "*":
        return "every resource"
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None if "*" not in resource else "wildcard outside an ARN"
    _, _, service, region, account, resource_id = parts
    if "*" in service:
        return "every service"
    if "*" in region:
        return "every region"
    if "*" in account:
        return "every account"
    tokens = re.split(r"[/:]", resource_id)
    # S3 and SNS/SQS ARNs name the resource first; the others start with a resource type.
    named = tokens[0] if service in ("s3", "sns", "sqs") or len(tokens) == 1 else tokens[1]
    if "*" in named:
        return "every resource of its type"
    return None


def _principal_is_anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any("*" in _as_list(value) for value in principal.values())
    return False


def check(statement: Statement) -> list[Violation]:
    body = statement.body
    if body.get("Effect") != "Allow":
        return []
    found = []
    for action in _as_list(body.get("Action", [])):
        if "*" in str(action):
            found.append(Violation(statement, "Action", str(action), "wildcard action"))
    for action in _as_list(body.get("NotAction", [])):
        found.append(Violation(statement, "NotAction", str(action), "Allow with NotAction grants everything else"))
    for resource in _as_list(body.get("Resource", [])):
        problem = resource_problem(str(resource))
        if problem:
            found.append(Violation(statement, "Resource", str(resource), f"wildcard resource ({problem})"))
    for resource in _as_list(body.get("NotResource", [])):
        found.append(Violation(statement, "NotResource", str(resource),
                               "Allow with NotResource grants everything else"))
    if _principal_is_anyone(body.get("Principal")):
        found.append(Violation(statement, "Principal", "*", "anyone"))
    return found


def _allowed(violation: Violation, allowed: list[Allowed]) -> Allowed | None:
    for entry in allowed:
        if (fnmatch.fnmatch(violation.statement.path, entry.path)
                and entry.sid in (None, violation.statement.sid)
                and entry.field == violation.field and entry.value == violation.value):
            return entry
    return None


def lint(root: Path, allowed: list[Allowed] | None = None) -> tuple[list[Violation], list[Allowed], list[Statement],
                                                                    list[str]]:
    """(violations not allowed, allow-list entries used, statements scanned, unreadable policy files)."""
    allowed = ALLOWED if allowed is None else allowed
    statements, errors = collect(root)
    violations, used = [], []
    for statement in statements:
        for violation in check(statement):
            entry = _allowed(violation, allowed)
            if entry is None:
                violations.append(violation)
            elif entry not in used:
                used.append(entry)
    return violations, used, statements, errors
