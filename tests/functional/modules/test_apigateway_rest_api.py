"""apigateway_rest_api against the emulator: create + deploy, no-op rerun, document change, stage drift, check mode."""

from __future__ import annotations

from tests.functional.ansible_run import play, run_playbook


def openapi(summary="validate"):
    function = "arn:aws:lambda:us-east-1:123456789012:function:payments"
    integration = {"type": "aws_proxy", "httpMethod": "POST",
                   "uri": f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations"}
    return {
        "openapi": "3.0.1",
        "info": {"title": "payments", "version": "1"},
        "paths": {
            "/validate": {"post": {"summary": summary, "responses": {"200": {"description": "ok"}},
                                   "x-amazon-apigateway-integration": integration}},
            "/health": {"get": {"responses": {"200": {"description": "ok"}},
                                "x-amazon-apigateway-integration": integration}},
        },
    }


def api_task(document, **extra):
    args = {"name": "payments-api-{{ dr_role }}-test", "openapi": document, "stage_name": "prod",
            "throttling_rate_limit": 50, "throttling_burst_limit": 100, "tags": {"Environment": "test"}}
    args.update(extra)
    return [{"name": "api", "payments.dr.apigateway_rest_api": args, "register": "api"}]


def test_rest_api_lifecycle(emulator, aws):
    url = emulator.endpoint_url
    first = run_playbook(play(api_task(openapi()), preflight=False), url)
    assert first.rc == 0, first.stdout + first.stderr
    assert first.changed() == 2
    result = first.results("api", "dr")
    assert result["invoke_url"] == f"https://{result['rest_api']['id']}.execute-api.us-east-2.amazonaws.com/prod"

    client = aws("apigateway", "us-east-2")
    api_id = result["rest_api"]["id"]
    paths = sorted(r["path"] for r in client.get_resources(restApiId=api_id)["items"])
    assert paths == ["/", "/health", "/validate"]
    stage = client.get_stage(restApiId=api_id, stageName="prod")
    assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == 50.0
    assert stage["methodSettings"]["*/*"]["throttlingBurstLimit"] == 100
    assert client.get_rest_api(restApiId=api_id)["tags"]["Environment"] == "test"

    assert run_playbook(play(api_task(openapi()), preflight=False), url).changed() == 0

    # A changed document is imported and deployed again, a check run first writes nothing.
    deployments = len(client.get_deployments(restApiId=api_id)["items"])
    assert run_playbook(play(api_task(openapi("changed")), preflight=False), url, check=True).changed() == 2
    assert len(client.get_deployments(restApiId=api_id)["items"]) == deployments
    changed = run_playbook(play(api_task(openapi("changed")), preflight=False), url)
    assert changed.changed() == 2
    assert len(client.get_deployments(restApiId=api_id)["items"]) == deployments + 1
    assert client.get_stage(restApiId=api_id, stageName="prod")["deploymentId"] == \
        changed.results("api", "dr")["deployment_id"]

    # Stage drift made outside Ansible is put back.
    client.update_stage(restApiId=api_id, stageName="prod",
                        patchOperations=[{"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "5"}])
    drift = run_playbook(play(api_task(openapi("changed")), preflight=False), url, limit="dr")
    assert drift.changed() == 1
    assert client.get_stage(restApiId=api_id, stageName="prod")["methodSettings"]["*/*"]["throttlingRateLimit"] == 50.0

    gone = run_playbook(play([{"name": "api", "payments.dr.apigateway_rest_api": {
        "name": "payments-api-{{ dr_role }}-test", "state": "absent"}}], preflight=False), url)
    assert gone.changed() == 2
    assert client.get_rest_apis()["items"] == []
