"""TagResource / UntagResource / GetTags on REST APIs (moto only routes stage tags)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_rest_api_tags_round_trip(aws, control):
    client = aws("apigateway", "us-east-2")
    api_id = client.create_rest_api(name="tagged", tags={"a": "1"})["id"]
    arn = f"arn:aws:apigateway:us-east-2::/restapis/{api_id}"
    client.tag_resource(resourceArn=arn, tags={"b": "2", "a": "one"})
    assert client.get_tags(resourceArn=arn)["tags"] == {"a": "one", "b": "2"}
    assert client.get_rest_api(restApiId=api_id)["tags"] == {"a": "one", "b": "2"}
    client.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert client.get_tags(resourceArn=arn)["tags"] == {"b": "2"}


def test_tags_on_unknown_api_are_not_found(aws, control):
    with pytest.raises(ClientError) as err:
        aws("apigateway").tag_resource(resourceArn="arn:aws:apigateway:us-east-1::/restapis/nope", tags={"a": "1"})
    assert err.value.response["Error"]["Code"] == "NotFoundException"
