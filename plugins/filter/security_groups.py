# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which security groups are already as the network role wants them.

ec2_security_group costs about half a second a call and rewrites nothing it need not, but it
still reads and compares; the role calls it only for the groups this filter does not name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def _port(value):
    """A port as ec2_security_group_info returns it; absent means every port (-1), null 0 (as Jinja's int)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def permissions_found(permissions):
    """The rules of one direction of a group as read (ec2_security_group_info), one flat row each:
    [protocol, from, to, kind, target, description]."""
    rows = []
    for permission in permissions or []:
        head = [str(permission.get("ip_protocol")), _port(permission.get("from_port", -1)),
                _port(permission.get("to_port", -1))]
        rows += [head + ["cidr", r.get("cidr_ip"), r.get("description", "")] for r in permission.get("ip_ranges", [])]
        rows += [head + ["group", p.get("group_id"), p.get("description", "")]
                 for p in permission.get("user_id_group_pairs", [])]
        rows += [head + ["other", str(r), ""]
                 for r in permission.get("ipv6_ranges", []) + permission.get("prefix_list_ids", [])]
    return rows


def rules_wanted(rules, group_ids):
    """The rules of one direction as the role writes them (ec2_security_group's ``rules``), in the
    rows of permissions_found; a rule naming a group takes its id from ``group_ids`` (by name)."""
    rows = []
    for rule in rules or []:
        for port in rule.get("ports", []):
            head = [rule["proto"], _port(port), _port(port)]
            cidrs = rule.get("cidr_ip", [])
            for cidr in [cidrs] if isinstance(cidrs, str) else cidrs:
                rows.append(head + ["cidr", cidr, rule.get("rule_desc", "")])
            if "group_name" in rule:
                rows.append(head + ["group", group_ids.get(rule["group_name"], rule["group_name"]),
                                    rule.get("rule_desc", "")])
    return rows


def _same(rows, other_rows):
    """The same rules in any order (repr orders rows whose cells mix types and nulls)."""
    return sorted(rows, key=repr) == sorted(other_rows, key=repr)


def security_groups_in_state(wanted, found, tags):
    """Names of the ``wanted`` groups (the role's ``_network_security_groups``) that ``found`` (the VPC's
    groups from ec2_security_group_info) already has with the same rules both ways, description, and
    ``tags`` plus their Name (``tag_name``, else the group name)."""
    by_name = dict((group["group_name"], group) for group in found or [])
    group_ids = dict((name, group["group_id"]) for name, group in by_name.items())
    in_state = []
    for group in wanted:
        current = by_name.get(group["name"])
        if current is None:
            continue
        same_rules = all(
            _same(permissions_found(current.get(have)), rules_wanted(group.get(want), group_ids))
            for have, want in (("ip_permissions", "rules"), ("ip_permissions_egress", "rules_egress")))
        same_tags = (current.get("tags") or {}) == dict(tags, Name=group.get("tag_name", group["name"]))
        if same_rules and current.get("description") == group.get("description") and same_tags:
            in_state.append(group["name"])
    return in_state


class FilterModule(object):
    def filters(self):
        return {"security_groups_in_state": security_groups_in_state}
