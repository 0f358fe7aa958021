# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja tests for IPv4 address plans, on the standard library only (no netaddr needed)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re


_CIDR = re.compile(r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$")


def ipv4_cidr(value, min_prefix=0, max_prefix=32):
    """True when ``value`` is an IPv4 network like ``10.0.0.0/16`` (no host bits set), with a prefix
    length between ``min_prefix`` and ``max_prefix``: ``cidr is payments.dr.ipv4_cidr(16, 28)``."""
    if not isinstance(value, str) or not _CIDR.match(value):
        return False
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        return False
    return int(min_prefix) <= network.prefixlen <= int(max_prefix)


class TestModule(object):
    def tests(self):
        return {"ipv4_cidr": ipv4_cidr}
