"""CloudTrail DeleteTrail by name or ARN, only from the trail's home region, unknown trails not found."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY


def error_code(err) -> str:
    return err.value.response["Error"]["Code"]


@pytest.fixture
def trail(aws):
    aws("s3", PRIMARY).create_bucket(Bucket="payments-trail-logs")
    return aws("cloudtrail", PRIMARY).create_trail(Name="payments-trail", S3BucketName="payments-trail-logs",
                                                   IsMultiRegionTrail=True)


def test_delete_by_arn_removes_the_trail(aws, trail):
    cloudtrail = aws("cloudtrail", PRIMARY)
    cloudtrail.delete_trail(Name=trail["TrailARN"])
    assert cloudtrail.describe_trails(trailNameList=["payments-trail"])["trailList"] == []
    assert aws("cloudtrail", DR).describe_trails()["trailList"] == []


def test_multi_region_trail_is_deleted_only_from_its_home_region(aws, trail):
    with pytest.raises(ClientError) as err:
        aws("cloudtrail", DR).delete_trail(Name="payments-trail")
    assert error_code(err) == "InvalidHomeRegionException"
    assert [t["Name"] for t in aws("cloudtrail", PRIMARY).describe_trails()["trailList"]] == ["payments-trail"]
    aws("cloudtrail", PRIMARY).delete_trail(Name="payments-trail")


def test_unknown_trail_is_not_found(aws, trail):
    aws("cloudtrail", PRIMARY).delete_trail(Name="payments-trail")
    with pytest.raises(ClientError) as err:
        aws("cloudtrail", PRIMARY).delete_trail(Name="payments-trail")
    assert error_code(err) == "TrailNotFoundException"
