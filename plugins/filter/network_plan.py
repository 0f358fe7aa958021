# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network role's plans: which subnets, NAT gateways and private route tables a region needs,
each compared with what one read found, so the write modules run only for those missing or
drifted, and which ones found the plan no longer has (after a network_nat_gateway_mode change)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.payments.dr.plugins.filter.dr import dr_name


def _first(items, key, value):
    found = [item for item in items or [] if item.get(key) == value]
    return found[0] if found else None


def subnet_plan(zones, public_cidrs, private_cidrs, found, tags, dr_role, environment_suffix):
    """One public and one private subnet per zone, named ``payments-<tier>-<zone letter>``, found by
    CIDR among ``found`` (ec2_vpc_subnet_info's subnets). A subnet is in state when it is in its zone,
    gives no public IPs and carries exactly ``tags`` plus its Name and Tier."""
    plan = []
    for tier, cidrs in (("public", public_cidrs), ("private", private_cidrs)):
        for zone, cidr in zip(zones, cidrs):
            name = dr_name("payments-%s-%s" % (tier, zone[-1:]), dr_role, environment_suffix)
            wanted_tags = dict(tags, Name=name, Tier=tier)
            current = _first(found, "cidr_block", cidr)
            plan.append({
                "tier": tier, "name": name, "az": zone, "cidr": cidr, "tags": wanted_tags,
                "id": current["id"] if current else "",
                "in_state": bool(current) and current.get("availability_zone") == zone
                and not current.get("map_public_ip_on_launch") and current.get("tags") == wanted_tags,
            })
    return plan


def nat_gateway_plan(public_subnet_ids, zones, mode, found, addresses, tags, dr_role, environment_suffix):
    """The NAT gateways: one per public subnet (``per_az``) or one in the first (``single``), named
    ``payments-nat-<zone letter>``, found by subnet among ``found`` (ec2_vpc_nat_gateway_info). Each
    gateway's Elastic IP is ``payments-nat-eip-<zone letter>``; ``eip_in_state`` is false when the address
    of an existing gateway lacks those tags (``addresses``: ec2_eip_info's)."""
    plan = []
    for subnet_id, zone in zip(public_subnet_ids[:1] if mode == "single" else public_subnet_ids, zones):
        letter = zone[-1:]
        wanted_tags = dict(tags, Name=dr_name("payments-nat-%s" % letter, dr_role, environment_suffix))
        eip_name = dr_name("payments-nat-eip-%s" % letter, dr_role, environment_suffix)
        eip_tags = dict(tags, Name=eip_name)
        current = _first(found, "subnet_id", subnet_id)
        gateway_addresses = (current or {}).get("nat_gateway_addresses") or [{}]
        eip_id = gateway_addresses[0].get("allocation_id", "")
        eip = _first(addresses, "allocation_id", eip_id) if eip_id else None
        plan.append({
            "subnet_id": subnet_id, "tags": wanted_tags,
            "eip_name": eip_name, "eip_tags": eip_tags, "eip_id": eip_id,
            "eip_in_state": not eip_id or (eip is not None and (eip.get("tags") or {}) == eip_tags),
            "id": current["nat_gateway_id"] if current else "",
            "in_state": bool(current) and current.get("state") == "available" and (current.get("tags") or {}) == wanted_tags,
        })
    return plan


def private_route_table_plan(private_subnet_ids, zones, mode, nat_gateway_ids, peer_routes, dr_role, environment_suffix):
    """The private route tables: one per zone (``per_az``, ``payments-private-rt-<zone letter>``, its
    default route to its zone's NAT gateway) or one for every private subnet (``single``,
    ``payments-private-rt``, to the one gateway). Each also routes ``peer_routes`` (the peering)."""
    if mode == "single":
        return [{"name": dr_name("payments-private-rt", dr_role, environment_suffix),
                 "subnets": list(private_subnet_ids),
                 "routes": [{"dest": "0.0.0.0/0", "gateway_id": nat_gateway_ids[0]}] + list(peer_routes)}]
    return [{"name": dr_name("payments-private-rt-%s" % zone[-1:], dr_role, environment_suffix),
             "subnets": [subnet_id],
             "routes": [{"dest": "0.0.0.0/0", "gateway_id": nat_id}] + list(peer_routes)}
            for subnet_id, zone, nat_id in zip(private_subnet_ids, zones, nat_gateway_ids)]


def nat_gateways_unplanned(found, plan):
    """The NAT gateways ``found`` (ec2_vpc_nat_gateway_info, pending or available) in a subnet the
    plan (nat_gateway_plan's) has no gateway in: what ``single`` leaves of ``per_az``."""
    planned = set(item["subnet_id"] for item in plan)
    return [nat for nat in found or [] if nat.get("subnet_id") not in planned and nat.get("state") in ("pending", "available")]


def route_tables_unplanned(found, planned_names, dr_role, environment_suffix):
    """The private route tables ``found`` (ec2_vpc_route_table_info) named as this role names them
    (``payments-private-rt[-<zone letter>]``) that ``planned_names`` no longer has."""
    prefix, suffix = "payments-private-rt", "-%s-%s" % (dr_role, environment_suffix)
    unplanned = []
    for table in found or []:
        name = (table.get("tags") or {}).get("Name", "")
        middle = name[len(prefix):-len(suffix)] if name.startswith(prefix) and name.endswith(suffix) else None
        if middle is not None and (middle == "" or (len(middle) == 2 and middle[0] == "-")) and name not in planned_names:
            unplanned.append(table)
    return unplanned


class FilterModule(object):
    def filters(self):
        return {"subnet_plan": subnet_plan, "nat_gateway_plan": nat_gateway_plan,
                "private_route_table_plan": private_route_table_plan,
                "nat_gateways_unplanned": nat_gateways_unplanned, "route_tables_unplanned": route_tables_unplanned}
