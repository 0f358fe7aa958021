# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja filters turning the collection's runner policies (files/iam/*.json.j2) into managed policies.

dr_policy_statements: the rendered text of a policy file -> its statements, or an error naming the
file and what is wrong (not JSON, no statements, a statement without Effect, Action or Resource).
dr_policy_documents: statements -> as few policy documents as fit IAM's managed-policy size
(6,144 characters, whitespace not counted: IAM and STS quotas), splitting a statement's actions
when one alone is too large.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.errors import AnsibleFilterError

MANAGED_POLICY_CHARS = 6144
VERSION = "2012-10-17"


def _size(value):
    return len(json.dumps(value, separators=(",", ":")))


def policy_statements(text, source):
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise AnsibleFilterError("%s is not valid JSON: %s" % (source, exc))
    statements = document.get("Statement") if isinstance(document, dict) else None
    if not isinstance(statements, list) or not statements:
        raise AnsibleFilterError("%s has no Statement list" % source)
    for index, statement in enumerate(statements):
        missing = [key for key in ("Effect", "Action", "Resource") if not isinstance(statement, dict) or key not in statement]
        if missing:
            raise AnsibleFilterError("%s: statement %d (%s) has no %s" % (
                source, index, statement.get("Sid", "no Sid") if isinstance(statement, dict) else statement,
                ", ".join(missing)))
        if statement["Effect"] not in ("Allow", "Deny"):
            raise AnsibleFilterError("%s: statement %d has Effect %r" % (source, index, statement["Effect"]))
    return statements


def _split(statement, limit):
    """``statement`` as pieces of at most ``limit`` characters each, by its actions."""
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    pieces, current = [], []
    for action in actions:
        trial = dict(statement, Action=current + [action])
        if current and _size(trial) > limit:
            pieces.append(dict(statement, Action=current))
            current = [action]
        else:
            current.append(action)
    pieces.append(dict(statement, Action=current))
    for index, piece in enumerate(pieces):
        if "Sid" in piece and len(pieces) > 1:
            piece["Sid"] = "%s%d" % (piece["Sid"], index + 1)
    return pieces


def policy_documents(statements, max_chars=MANAGED_POLICY_CHARS):
    overhead = _size({"Version": VERSION, "Statement": []})
    documents, current = [], []
    for statement in statements:
        for piece in (_split(statement, max_chars - overhead - 1) if _size(statement) > max_chars - overhead else [statement]):
            if current and _size({"Version": VERSION, "Statement": current + [piece]}) > max_chars:
                documents.append({"Version": VERSION, "Statement": current})
                current = []
            current.append(piece)
    if current:
        documents.append({"Version": VERSION, "Statement": current})
    return documents


class FilterModule(object):
    def filters(self):
        return {"dr_policy_statements": policy_statements, "dr_policy_documents": policy_documents}
