from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.payments.dr.plugins.module_utils import apigateway
from ansible_collections.payments.dr.plugins.modules import apigateway_rest_api as mod

from .conftest import model_errors

DOC = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}
DIGEST = mod.openapi_digest(DOC)
SETTINGS = {"*/*": {"throttlingRateLimit": 100.0, "throttlingBurstLimit": 200, "metricsEnabled": True}}
NOT_FOUND = botocore.exceptions.ClientError({"Error": {"Code": "NotFoundException", "Message": "x"}}, "GetStage")
WRITES = ("create_rest_api", "put_rest_api", "create_deployment", "update_stage", "tag_resource",
          "untag_resource", "delete_rest_api")


def client_with(api=None, stage=None):
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value = [{"items": [api] if api else []}]
    if stage is None:
        client.get_stage.side_effect = NOT_FOUND
    else:
        client.get_stage.return_value = stage
    client.create_rest_api.return_value = {"id": "new", "name": "n", "tags": {}}
    client.create_deployment.return_value = {"id": "dep"}
    return client


def api(digest=DIGEST, tags=None):
    return {"id": "abc", "name": "n", "rootResourceId": "r", "tags": dict(tags or {}, **{mod.DIGEST_TAG: digest})}


def stage(settings=None, **extra):
    return dict({"stageName": "prod", "deploymentId": "d1",
                 "methodSettings": SETTINGS if settings is None else settings}, **extra)


def test_digest_ignores_key_order():
    assert mod.openapi_digest({"a": 1, "b": [1, {"c": 2, "d": 3}]}) == \
        mod.openapi_digest({"b": [1, {"d": 3, "c": 2}], "a": 1})


def test_unchanged_api_is_a_no_op(run_module):
    client = client_with(api(), stage())
    result, failed = run_module(mod, {"name": "n", "openapi": DOC}, client)
    assert not failed and result["changed"] is False
    for write in WRITES:
        getattr(client, write).assert_not_called()
    assert result["invoke_url"] == "https://abc.execute-api.us-east-1.amazonaws.com/prod"


@pytest.mark.parametrize("current_api, current_stage, calls", [
    (None, None, {"create_rest_api", "put_rest_api", "create_deployment"}),
    (api(digest="old"), stage(), {"put_rest_api", "create_deployment"}),
    (api(), None, {"create_deployment"}),
])
def test_document_imported_and_deployed_only_when_needed(run_module, current_api, current_stage, calls):
    client = client_with(current_api, current_stage)
    if current_stage is None:
        client.get_stage.side_effect = [NOT_FOUND, stage()]
    result, failed = run_module(mod, {"name": "n", "openapi": DOC}, client)
    assert not failed and result["changed"] is True
    for write in ("create_rest_api", "put_rest_api", "create_deployment"):
        assert getattr(client, write).called is (write in calls), write


@pytest.mark.parametrize("current_api, current_stage", [
    (None, None), (api(digest="old"), stage()), (api(), stage(settings={})), (api(tags={"x": "1"}), stage()),
])
def test_check_mode_never_writes(run_module, current_api, current_stage):
    client = client_with(current_api, current_stage)
    result, failed = run_module(mod, {"name": "n", "openapi": DOC}, client, check_mode=True)
    assert not failed and result["changed"] is True
    for write in WRITES:
        getattr(client, write).assert_not_called()


def test_stage_drift_is_patched(run_module):
    drifted = stage(settings={"*/*": dict(SETTINGS["*/*"], throttlingRateLimit=5.0)}, tracingEnabled=True)
    client = client_with(api(), drifted)
    result, failed = run_module(mod, {"name": "n", "openapi": DOC}, client)
    assert not failed and result["changed"] is True
    patches = client.update_stage.call_args.kwargs["patchOperations"]
    assert {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100.0"} in patches
    assert {"op": "replace", "path": "/tracingEnabled", "value": "false"} in patches
    assert len(patches) == 2


def test_two_apis_with_the_same_name_fail(run_module):
    client = client_with(api())
    client.get_paginator.return_value.paginate.return_value = [{"items": [api(), api()]}]
    result, failed = run_module(mod, {"name": "n", "openapi": DOC}, client)
    assert failed and "unique" in result["msg"]


def test_absent_deletes_existing_api(run_module):
    client = client_with(api(), stage())
    result, failed = run_module(mod, {"name": "n", "state": "absent"}, client)
    assert not failed and result["changed"] is True
    client.delete_rest_api.assert_called_once_with(aws_retry=True, restApiId="abc")


def test_listing_the_apis_is_retried_when_throttled(run_module, monkeypatch):
    # A paginator bypasses the client's retry wrapper; the module retries the whole listing.
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    client = client_with(api(), stage())
    throttled = botocore.exceptions.ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "x"}},
                                                "GetRestApis")
    client.get_paginator.return_value.paginate.side_effect = [throttled] + [[{"items": [api()]}]] * 2
    # The client as AnsibleAWSModule.client makes it for dr_retry.client without botocore retries configured:
    # the listing is retried by the client's own retry layer.
    result, failed = run_module(mod, {"name": "n", "openapi": DOC}, RetryingBotoClientWrapper(client, apigateway.RETRY))
    assert not failed and result["changed"] is False
    assert client.get_paginator.return_value.paginate.call_count == 3  # the throttled listing, again, the final read
    assert model_errors(["apigateway"], client) == []
