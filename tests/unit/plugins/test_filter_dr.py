from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.dr.plugins.filter.dr import FilterModule


def test_filters_expose_naming_and_tags():
    filters = FilterModule().filters()
    assert filters["dr_name"]("payments-api", "dr", "prod") == "payments-api-dr-prod"
    assert filters["dr_tags"]("prod", "us-east-1", "primary")["DR-Role"] == "primary"


def test_filter_errors_are_ansible_errors():
    with pytest.raises(AnsibleFilterError, match="environment_suffix"):
        FilterModule().filters()["dr_name"]("payments-api", "dr", "")
