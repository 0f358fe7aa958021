# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPv4 address-plan filters for the network role, on the standard library only.

ansible.utils' ipaddr filters need the netaddr package, which the collection does not
require; these cover what the role needs and name the offending input on error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import itertools
import re

from ansible.errors import AnsibleFilterError

_CIDR = re.compile(r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$")


def _network(value, what="CIDR"):
    if not isinstance(value, str) or not _CIDR.match(value):
        raise AnsibleFilterError("%s %r is not an IPv4 network in CIDR notation (like 10.0.0.0/16)" % (what, value))
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise AnsibleFilterError("%s %r is not an IPv4 network in CIDR notation: %s" % (what, value, exc))


def cidr_subnet(prefix, newbits, netnum):
    """Terraform's cidrsubnet: the netnum-th subnet of ``prefix`` with ``newbits`` more prefix bits.

    ``'10.0.0.0/16' | payments.dr.cidr_subnet(8, 2)`` -> ``'10.0.2.0/24'``.
    """
    network = _network(prefix)
    try:
        newbits, netnum = int(newbits), int(netnum)
    except (TypeError, ValueError):
        raise AnsibleFilterError("cidr_subnet needs integer newbits and netnum, got %r and %r" % (newbits, netnum))
    new_prefix = network.prefixlen + newbits
    if newbits < 0 or new_prefix > 32:
        raise AnsibleFilterError("cannot add %d prefix bits to %s" % (newbits, prefix))
    if not 0 <= netnum < 2 ** newbits:
        raise AnsibleFilterError("%s has no subnet number %d of size /%d (only %d)"
                                 % (prefix, netnum, new_prefix, 2 ** newbits))
    size = 2 ** (32 - new_prefix)
    return str(ipaddress.IPv4Network((int(network.network_address) + netnum * size, new_prefix)))


def cidr_subnets(prefix, newbits, count, offset=0):
    """``count`` consecutive subnets of ``prefix`` from subnet number ``offset``:
    ``'10.0.0.0/16' | payments.dr.cidr_subnets(4, 3, 1)`` -> ``['10.0.16.0/20', '10.0.32.0/20', '10.0.48.0/20']``."""
    try:
        count, offset = int(count), int(offset)
    except (TypeError, ValueError):
        raise AnsibleFilterError("cidr_subnets needs integer count and offset, got %r and %r" % (count, offset))
    return [cidr_subnet(prefix, newbits, offset + index) for index in range(count)]


def cidr_overlaps(cidrs):
    """Every pair of overlapping networks in ``cidrs``, as ``[[a, b], ...]`` (empty when all are disjoint)."""
    networks = [(value, _network(value)) for value in cidrs]
    return [[a, b] for (a, net_a), (b, net_b) in itertools.combinations(networks, 2) if net_a.overlaps(net_b)]


class FilterModule(object):
    def filters(self):
        return {"cidr_subnet": cidr_subnet, "cidr_subnets": cidr_subnets, "cidr_overlaps": cidr_overlaps}
