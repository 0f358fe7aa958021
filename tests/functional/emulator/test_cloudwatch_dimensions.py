"""Metric reads match the dimension set exactly, as CloudWatch does (cloudwatch_dimensions)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.conftest import PRIMARY

TABLE = [{"Name": "TableName", "Value": "payments"}]
PER_OPERATION = TABLE + [{"Name": "Operation", "Value": "PutItem"}]


def publish(aws):
    cloudwatch = aws("cloudwatch", PRIMARY)
    cloudwatch.put_metric_data(Namespace="Test/DynamoDB", MetricData=[
        {"MetricName": "ThrottledRequests", "Dimensions": PER_OPERATION, "Value": 3.0, "Unit": "Count"}])
    return cloudwatch, datetime.now(timezone.utc) + timedelta(minutes=1)


def test_statistics_of_a_dimension_subset_are_empty(aws):
    cloudwatch, end = publish(aws)
    query = dict(Namespace="Test/DynamoDB", MetricName="ThrottledRequests", StartTime=end - timedelta(minutes=10),
                 EndTime=end, Period=600, Statistics=["Sum"])
    assert cloudwatch.get_metric_statistics(Dimensions=TABLE, **query)["Datapoints"] == []
    assert [p["Sum"] for p in cloudwatch.get_metric_statistics(Dimensions=PER_OPERATION, **query)["Datapoints"]] == [3.0]


def test_metric_data_queries_match_exactly_each(aws):
    cloudwatch, end = publish(aws)

    def stat(query_id, dimensions):
        metric = {"Namespace": "Test/DynamoDB", "MetricName": "ThrottledRequests", "Dimensions": dimensions}
        return {"Id": query_id, "MetricStat": {"Metric": metric, "Period": 600, "Stat": "Sum"}}

    answer = cloudwatch.get_metric_data(MetricDataQueries=[stat("table", TABLE), stat("operation", PER_OPERATION)],
                                        StartTime=end - timedelta(minutes=10), EndTime=end)
    values = {result["Id"]: result["Values"] for result in answer["MetricDataResults"]}
    assert values == {"table": [], "operation": [3.0]}


def test_list_metrics_still_filters_by_the_dimensions_given(aws):
    cloudwatch = publish(aws)[0]
    metrics = cloudwatch.list_metrics(Namespace="Test/DynamoDB", Dimensions=TABLE)["Metrics"]
    assert [sorted((d["Name"], d["Value"]) for d in m["Dimensions"]) for m in metrics] == [
        [("Operation", "PutItem"), ("TableName", "payments")]]
