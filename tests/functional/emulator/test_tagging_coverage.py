"""GetResources reports tagged REST APIs, hosted zones, health checks and trails (moto leaves them out)."""

from __future__ import annotations

from tests.conftest import DR, PRIMARY

ENV = [{"Key": "Environment", "Values": ["t1"]}]


def tagged(aws, region, tag_filters=ENV, types=None):
    tagging = aws("resourcegroupstaggingapi", region)
    kwargs = {"TagFilters": tag_filters, **({"ResourceTypeFilters": types} if types else {})}
    return sorted(r["ResourceARN"] for page in tagging.get_paginator("get_resources").paginate(**kwargs)
                  for r in page["ResourceTagMappingList"])


def test_rest_apis_and_stages_in_their_region(aws):
    dr_api = aws("apigateway", DR).create_rest_api(name="a", tags={"Environment": "t1"})["id"]
    aws("apigateway", PRIMARY).create_rest_api(name="b", tags={"Environment": "other"})
    assert tagged(aws, DR) == [f"arn:aws:apigateway:{DR}::/restapis/{dr_api}"]
    assert tagged(aws, PRIMARY) == []


def test_route53_is_global_and_only_existing_resources_count(aws):
    route53 = aws("route53", PRIMARY)
    zone = route53.create_hosted_zone(Name="t1.example.com", CallerReference="z1")["HostedZone"]["Id"].split("/")[-1]
    check = route53.create_health_check(CallerReference="h1", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "api.t1.example.com", "Port": 443,
        "ResourcePath": "/health"})["HealthCheck"]["Id"]
    for kind, ident in (("hostedzone", zone), ("healthcheck", check)):
        route53.change_tags_for_resource(ResourceType=kind, ResourceId=ident,
                                         AddTags=[{"Key": "Environment", "Value": "t1"}])
    assert tagged(aws, PRIMARY) == [f"arn:aws:route53:::healthcheck/{check}", f"arn:aws:route53:::hostedzone/{zone}"]
    assert tagged(aws, PRIMARY, types=["route53:hostedzone"]) == [f"arn:aws:route53:::hostedzone/{zone}"]
    assert tagged(aws, DR) == []  # global resources answer in us-east-1
    route53.delete_hosted_zone(Id=zone)
    route53.delete_health_check(HealthCheckId=check)
    assert tagged(aws, PRIMARY) == []


def test_trails_with_and_filters_and_moto_resources_kept(aws):
    aws("s3", PRIMARY).create_bucket(Bucket="trail-bucket-t1")
    trail = aws("cloudtrail", PRIMARY).create_trail(
        Name="t1-trail", S3BucketName="trail-bucket-t1",
        TagsList=[{"Key": "Environment", "Value": "t1"}, {"Key": "Project", "Value": "P"}])["TrailARN"]
    queue = aws("sqs", PRIMARY).create_queue(QueueName="q1", tags={"Environment": "t1"})["QueueUrl"]
    assert queue
    both = [{"Key": "Environment", "Values": ["t1"]}, {"Key": "Project", "Values": ["P", "Q"]}]
    assert tagged(aws, PRIMARY, tag_filters=both) == [trail]
    found = tagged(aws, PRIMARY)
    assert trail in found and any(":sqs:" in arn for arn in found)  # moto's own answer is kept
