#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apigateway_rest_api
short_description: Idempotent API Gateway REST API from an OpenAPI document, deployed to one stage
version_added: 0.1.0
description:
  - Creates or updates a regional API Gateway REST API, found by O(name), from an OpenAPI 3
    document (with C(x-amazon-apigateway-integration) extensions), deploys it to O(stage_name)
    and keeps the stage's throttling, metrics, access logging and tracing as asked.
  - API Gateway does not return the document it imported in a comparable form, so the module
    records a SHA-256 of the canonical document in the tag C(payments-dr:openapi-sha256); the
    document is re-imported (mode C(overwrite)) and redeployed only when that digest differs.
  - Unlike M(community.aws.api_gateway) a second run with the same input reports no change.
author:
  - payments.dr maintainers (@payments-dr)
options:
  name:
    description: Name of the REST API. Must be unique in the region.
    required: true
    type: str
  state:
    description: Whether the API should exist.
    choices: ['present', 'absent']
    default: present
    type: str
  description:
    description: Description of the API.
    type: str
    default: ''
  openapi:
    description: The OpenAPI 3 document, as a dictionary. Required when O(state=present).
    type: dict
  stage_name:
    description: Stage the API is deployed to.
    type: str
    default: prod
  throttling_rate_limit:
    description: Steady-state requests per second allowed on every method of the stage.
    type: float
    default: 100
  throttling_burst_limit:
    description: Burst of requests allowed on every method of the stage.
    type: int
    default: 200
  metrics_enabled:
    description: Publish per-method CloudWatch metrics.
    type: bool
    default: true
  access_log_destination_arn:
    description: ARN of the CloudWatch Logs log group receiving access logs. Unset disables access logs.
    type: str
  access_log_format:
    description:
      - Access log line format. Unset means one JSON object per request with the request id, source IP,
        time, method, resource path, status, response length and integration latency.
    type: str
  tracing_enabled:
    description: Enable X-Ray tracing on the stage.
    type: bool
    default: false
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Payment API deployed to prod
  payments.dr.apigateway_rest_api:
    name: payments-api-primary-prod
    openapi: "{{ lookup('ansible.builtin.template', 'openapi.json.j2') | from_json }}"
    stage_name: prod
    throttling_rate_limit: 500
    throttling_burst_limit: 1000
    access_log_destination_arn: "{{ log_group_arn }}"
    tags:
      Environment: prod
"""

RETURN = r"""
rest_api:
  description: The REST API.
  returned: when present
  type: dict
  contains:
    id:
      description: API id.
      type: str
      returned: always
      sample: a1b2c3d4e5
    name:
      description: API name.
      type: str
      returned: always
    root_resource_id:
      description: Id of the C(/) resource.
      type: str
      returned: always
    tags:
      description: Tags of the API.
      type: dict
      returned: always
stage:
  description: The stage, as API Gateway describes it (snake_case).
  returned: when present
  type: dict
deployment_id:
  description: Deployment the stage serves.
  returned: when present
  type: str
invoke_url:
  description: Base URL of the stage, C(https://{id}.execute-api.{region}.amazonaws.com/{stage}).
  returned: when present
  type: str
api_fqdn:
  description: Host name of the API's default endpoint (what a Route 53 health check probes).
  returned: when present
  type: str
"""

import hashlib
import json

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import apigateway
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_tags import sync_tags

DIGEST_TAG = "payments-dr:openapi-sha256"
DEFAULT_ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod", "resourcePath": "$context.resourcePath", "status": "$context.status",
    "responseLength": "$context.responseLength", "integrationLatency": "$context.integrationLatency"},
    separators=(",", ":"))


def openapi_digest(document):
    """SHA-256 of the document in canonical JSON (sorted keys, no white space)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def api_arn(region, api_id):
    return "arn:aws:apigateway:%s::/restapis/%s" % (region, api_id)


class RestApiManager:
    def __init__(self, module):
        self.module = module
        self.client = dr_retry.client(module, "apigateway", retry=apigateway.RETRY)
        self.region = module.region
        self.changed = False

    # -- reads ------------------------------------------------------------------------
    def find_api(self, name):
        apis = [api for api in apigateway.list_rest_apis(self.client) if api["name"] == name]
        if len(apis) > 1:
            self.module.fail_json(msg="%d REST APIs are named %s; names must be unique for this module"
                                      % (len(apis), name))
        return apis[0] if apis else None

    def get_stage(self, api_id, stage_name):
        return apigateway.get_stage(self.client, api_id, stage_name)

    # -- writes -----------------------------------------------------------------------
    def create_api(self, name, tags):
        return apigateway.create_rest_api(self.client, name, self.module.params["description"], tags)

    def import_document(self, api_id, document):
        apigateway.put_rest_api(self.client, api_id, document)

    def deploy(self, api_id, stage_name, digest):
        return apigateway.create_deployment(self.client, api_id, stage_name, "openapi %s" % digest[:12])

    def update_tags(self, api_id, current, desired, purge):
        arn = api_arn(self.region, api_id)
        changed, _after = sync_tags(self.module, current, desired, purge,
                                    tag=lambda tags: apigateway.tag_resource(self.client, arn, tags),
                                    untag=lambda keys: apigateway.untag_resource(self.client, arn, keys))
        self.changed = self.changed or changed

    def stage_patches(self, stage):
        """Patch operations that bring the stage's settings to the desired ones."""
        params = self.module.params
        current = (stage.get("methodSettings") or {}).get("*/*", {})
        wanted = {
            "throttling/rateLimit": (current.get("throttlingRateLimit"), float(params["throttling_rate_limit"])),
            "throttling/burstLimit": (current.get("throttlingBurstLimit"), params["throttling_burst_limit"]),
            "metrics/enabled": (current.get("metricsEnabled"), params["metrics_enabled"]),
        }
        patches = [{"op": "replace", "path": "/*/*/" + path, "value": str(want).lower() if isinstance(want, bool)
                    else str(want)} for path, (have, want) in wanted.items() if have != want]
        if bool(stage.get("tracingEnabled")) != params["tracing_enabled"]:
            patches.append({"op": "replace", "path": "/tracingEnabled", "value": str(params["tracing_enabled"]).lower()})
        logs = stage.get("accessLogSettings") or {}
        destination = params["access_log_destination_arn"]
        if destination:
            if logs.get("destinationArn") != destination:
                patches.append({"op": "replace", "path": "/accessLogSettings/destinationArn", "value": destination})
            log_format = params["access_log_format"] or DEFAULT_ACCESS_LOG_FORMAT
            if logs.get("format") != log_format:
                patches.append({"op": "replace", "path": "/accessLogSettings/format", "value": log_format})
        elif logs:
            patches.append({"op": "remove", "path": "/accessLogSettings"})
        return patches

    def update_stage(self, api_id, stage_name, patches):
        apigateway.update_stage(self.client, api_id, stage_name, patches)

    def delete_api(self, api_id):
        apigateway.delete_rest_api(self.client, api_id)  # already gone: nothing to do

    # -- states -----------------------------------------------------------------------
    def ensure_present(self):
        params = self.module.params
        name, stage_name, document = params["name"], params["stage_name"], params["openapi"]
        digest = openapi_digest(document)
        desired_tags = dict(params["tags"] or {}, **{DIGEST_TAG: digest})
        api = self.find_api(name)
        before = {"openapi_sha256": (api or {}).get("tags", {}).get(DIGEST_TAG)}

        if api is None:
            self.changed = True
            if self.module.check_mode:
                return self.result(None, None, before, digest)
            # The digest tag is written only once the document is in, so an interrupted
            # run re-imports on the next one.
            api = self.create_api(name, params["tags"] or {})
        current_tags = api.get("tags", {})
        document_changed = current_tags.get(DIGEST_TAG) != digest
        stage = self.get_stage(api["id"], stage_name)

        if document_changed or stage is None:
            self.changed = True
            if self.module.check_mode:
                return self.result(api, stage, before, digest)
            if document_changed:
                self.import_document(api["id"], document)
            self.deploy(api["id"], stage_name, digest)
            stage = self.get_stage(api["id"], stage_name)

        self.update_tags(api["id"], current_tags, desired_tags, params["purge_tags"])
        patches = self.stage_patches(stage)
        if patches:
            self.changed = True
            if not self.module.check_mode:
                self.update_stage(api["id"], stage_name, patches)
                stage = self.get_stage(api["id"], stage_name)
        api = self.find_api(name) if not self.module.check_mode else api
        return self.result(api, stage, before, digest)

    def ensure_absent(self):
        api = self.find_api(self.module.params["name"])
        if api is None:
            return {}
        self.changed = True
        if not self.module.check_mode:
            self.delete_api(api["id"])
        return {}

    def result(self, api, stage, before, digest):
        stage_name = self.module.params["stage_name"]
        result = {"diff": {"before": before, "after": {"openapi_sha256": digest}}}
        if api is None:
            return result
        fqdn = "%s.execute-api.%s.amazonaws.com" % (api["id"], self.region)
        result.update(
            rest_api={"id": api["id"], "name": api["name"], "root_resource_id": api.get("rootResourceId"),
                      "tags": api.get("tags", {})},
            stage=camel_dict_to_snake_dict(stage or {}, ignore_list=["variables", "methodSettings"]),
            deployment_id=(stage or {}).get("deploymentId"),
            invoke_url="https://%s/%s" % (fqdn, stage_name),
            api_fqdn=fqdn,
        )
        return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str", default=""),
        openapi=dict(type="dict"),
        stage_name=dict(type="str", default="prod"),
        throttling_rate_limit=dict(type="float", default=100),
        throttling_burst_limit=dict(type="int", default=200),
        metrics_enabled=dict(type="bool", default=True),
        access_log_destination_arn=dict(type="str"),
        access_log_format=dict(type="str"),
        tracing_enabled=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, required_if=[("state", "present", ["openapi"])],
                              supports_check_mode=True)
    manager = RestApiManager(module)
    try:
        result = manager.ensure_present() if module.params["state"] == "present" else manager.ensure_absent()
        if not module._diff:
            result.pop("diff", None)
        module.exit_json(changed=manager.changed, **result)
    except apigateway.AnsibleAPIGatewayError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
