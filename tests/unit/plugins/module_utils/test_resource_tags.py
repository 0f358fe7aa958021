"""module_utils/resource_tags.py: an error is AnsibleResourceTagsError naming the resource;
GetResources filters on every tag."""

from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.module_utils import resource_tags


def client_error(code, operation):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_role_tags_are_a_dict_and_an_error_names_the_role():
    client = MagicMock()
    client.list_role_tags.return_value = {"Tags": [{"Key": "Environment", "Value": "prod"}]}
    assert resource_tags.list_role_tags(client, "payments-a") == {"Environment": "prod"}
    client.list_role_tags.assert_called_once_with(aws_retry=True, RoleName="payments-a")
    client.list_role_tags.side_effect = client_error("NoSuchEntity", "ListRoleTags")
    with pytest.raises(resource_tags.AnsibleResourceTagsError) as raised:
        resource_tags.list_role_tags(client, "payments-a")
    assert raised.value.message == "Failed to list the tags of IAM role payments-a"


@pytest.mark.parametrize("types, expected", [
    ([], {}), (["ec2:vpc"], {"ResourceTypeFilters": ["ec2:vpc"]}),
])
def test_get_resources_filters_on_every_tag(types, expected):
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {
        "ResourceTagMappingList": ["m"]}
    assert resource_tags.get_resources(client, {"Environment": "prod", "Project": "P"}, types) == ["m"]
    client.get_paginator.assert_called_once_with("get_resources")
    client.get_paginator.return_value.paginate.assert_called_once_with(
        TagFilters=[{"Key": "Environment", "Values": ["prod"]}, {"Key": "Project", "Values": ["P"]}], **expected)


def test_a_failed_listing_says_so():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = client_error(
        "InvalidParameterException", "GetResources")
    with pytest.raises(resource_tags.AnsibleResourceTagsError) as raised:
        resource_tags.get_resources(client, {"Environment": "prod"}, [])
    assert raised.value.message == "Failed to list tagged resources"
