from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.dr.plugins.filter.network import FilterModule
from ansible_collections.payments.dr.plugins.test.network import TestModule as JinjaTests

FILTERS = FilterModule().filters()
TESTS = JinjaTests().tests()


@pytest.mark.parametrize("prefix, newbits, netnum, expected", [
    ("10.0.0.0/16", 8, 0, "10.0.0.0/24"),
    ("10.0.0.0/16", 8, 2, "10.0.2.0/24"),
    ("10.0.0.0/16", 4, 1, "10.0.16.0/20"),
    ("10.1.0.0/16", 4, 15, "10.1.240.0/20"),
    ("172.16.8.0/22", 2, 3, "172.16.11.0/24"),
    ("10.0.0.0/16", 0, 0, "10.0.0.0/16"),
])
def test_cidr_subnet(prefix, newbits, netnum, expected):
    assert FILTERS["cidr_subnet"](prefix, newbits, netnum) == expected


@pytest.mark.parametrize("prefix, newbits, netnum, message", [
    ("10.0.0.0/16", 4, 16, "no subnet number 16"),
    ("10.0.0.0/16", 17, 0, "cannot add 17 prefix bits"),
    ("10.0.0.0/16", -1, 0, "cannot add -1"),
    ("10.0.0.1/16", 8, 0, "'10.0.0.1/16'"),
    ("10.0.300.0/16", 8, 0, "'10.0.300.0/16'"),
    ("not-a-cidr", 8, 0, "'not-a-cidr'"),
    ("10.0.0.0/16", "x", 0, "integer newbits"),
])
def test_cidr_subnet_names_the_bad_input(prefix, newbits, netnum, message):
    with pytest.raises(AnsibleFilterError, match=message):
        FILTERS["cidr_subnet"](prefix, newbits, netnum)


def test_cidr_subnets_lists_consecutive_subnets_from_an_offset():
    assert FILTERS["cidr_subnets"]("10.0.0.0/16", 4, 3, 1) == ["10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/20"]
    assert FILTERS["cidr_subnets"]("10.0.0.0/16", 8, 3) == ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
    assert FILTERS["cidr_subnets"]("10.0.0.0/16", 8, 0) == []


@pytest.mark.parametrize("cidrs, overlaps", [
    (["10.0.0.0/16", "10.1.0.0/16"], []),
    (["10.0.0.0/16", "10.0.128.0/17"], [["10.0.0.0/16", "10.0.128.0/17"]]),
    (["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/16"], [["10.0.0.0/8", "10.1.0.0/16"]]),
    (["10.0.0.0/24", "10.0.0.0/24"], [["10.0.0.0/24", "10.0.0.0/24"]]),
    ([], []),
])
def test_cidr_overlaps_lists_every_overlapping_pair(cidrs, overlaps):
    assert FILTERS["cidr_overlaps"](cidrs) == overlaps


def test_cidr_overlaps_rejects_malformed_input():
    with pytest.raises(AnsibleFilterError, match="'10.0.0.0/33'"):
        FILTERS["cidr_overlaps"](["10.0.0.0/16", "10.0.0.0/33"])


@pytest.mark.parametrize("value, bounds, expected", [
    ("10.0.0.0/16", (), True),
    ("10.0.0.0/16", (16, 28), True),
    ("10.0.0.0/8", (16, 28), False),
    ("10.0.0.0/29", (16, 28), False),
    ("10.0.0.1/16", (), False),
    ("10.0.300.0/16", (), False),
    ("10.0.0.0/255.255.0.0", (), False),
    ("10.0.0.0", (), False),
    ("fd00::/8", (), False),
    (16, (), False),
    (None, (), False),
])
def test_ipv4_cidr(value, bounds, expected):
    assert TESTS["ipv4_cidr"](value, *bounds) is expected
