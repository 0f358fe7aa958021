#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apigateway_domain
short_description: A regional API Gateway custom domain name with its base path mappings
version_added: 0.2.0
description:
  - Creates, updates or deletes a regional API Gateway (REST) custom domain name in the module's region
    and makes its base path mappings exactly O(base_path_mappings).
  - M(community.aws.api_gateway_domain) compares C(certificate_arn) where a regional domain answers
    C(regionalCertificateArn), so it patches the certificate on every run and never reports C(changed=false);
    it has no check mode and deletes a missing domain with an error. This module compares what the domain
    returns, changes only what differs (C(UpdateDomainName), mapping by mapping), and honours check mode and diff.
  - The certificate is checked before any write, as API Gateway will - an ACM certificate of the module's
    region, C(ISSUED), whose names cover O(domain_name).
  - Deleting a domain deletes its mappings. The records pointing at the domain are not touched.
author:
  - payments.dr maintainers (@payments-dr)
options:
  domain_name:
    description: The custom domain name, for example C(api.payments.example.com).
    required: true
    type: str
  certificate_arn:
    description: ACM certificate of the module's region covering O(domain_name). Required with O(state=present).
    type: str
  security_policy:
    description: Minimum TLS version clients must use.
    type: str
    choices: [TLS_1_0, TLS_1_2]
    default: TLS_1_2
  base_path_mappings:
    description: The domain's base path mappings; mappings not listed are removed.
    type: list
    elements: dict
    default: []
    suboptions:
      base_path:
        description: First path segment that selects the API; empty maps the domain's root.
        type: str
        default: ''
      rest_api_id:
        description: REST API served under the base path.
        type: str
        required: true
      stage:
        description: Stage of the API served.
        type: str
        required: true
  state:
    description: Whether the domain should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Serve https://api.payments.example.com/prod/... from this region's API
  payments.dr.apigateway_domain:
    region: us-east-1
    domain_name: api.payments.example.com
    certificate_arn: "{{ api_certificate.certificate.arn }}"
    base_path_mappings:
      - base_path: prod
        rest_api_id: a1b2c3d4e5
        stage: prod
    tags:
      Environment: prod
  register: api_domain

- name: Alias record target
  ansible.builtin.debug:
    msg: "{{ api_domain.domain.regional_domain_name }} in zone {{ api_domain.domain.regional_hosted_zone_id }}"
"""

RETURN = r"""
domain:
  description: The domain after the run (empty when absent, or when check mode would create it).
  returned: always
  type: dict
  contains:
    domain_name:
      description: The custom domain name.
      type: str
    regional_domain_name:
      description: Host name the domain's DNS records point at (an alias record's target).
      type: str
      sample: d-abcde12345.execute-api.us-east-1.amazonaws.com
    regional_hosted_zone_id:
      description: Hosted zone of RV(domain.regional_domain_name), for an alias record.
      type: str
      sample: Z1UJRXOUMOOFQ8
    regional_certificate_arn:
      description: The certificate served.
      type: str
    security_policy:
      description: Minimum TLS version.
      type: str
    base_path_mappings:
      description: The mappings (C(base_path) empty for the root).
      type: list
      elements: dict
    tags:
      description: The domain's tags.
      type: dict
changes:
  description: What the run changed, or would change in check mode.
  returned: always
  type: list
  elements: str
"""

import fnmatch
import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.payments.dr.plugins.module_utils import acm
from ansible_collections.payments.dr.plugins.module_utils import apigateway
from ansible_collections.payments.dr.plugins.module_utils import dr_retry

CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$")
ROOT = "(none)"  # how API Gateway names the empty base path


# --- validation --------------------------------------------------------------------------------

def covers(names, domain):
    """Does a certificate for ``names`` cover ``domain``? A wildcard stands for exactly one label."""
    domain = domain.lower().rstrip(".")
    return any(name == domain or (name.startswith("*.") and fnmatch.fnmatchcase(domain, name)
                                  and domain.count(".") == name.count("."))
               for name in (n.lower().rstrip(".") for n in names))


def validate_params(module):
    params = module.params
    if params["state"] != "present":
        return
    arn = params["certificate_arn"] or ""
    match = CERTIFICATE_ARN.match(arn)
    if not match:
        module.fail_json(msg="certificate_arn %r is not an ACM certificate ARN (required with state=present)" % arn)
    if match["region"] != module.region:
        module.fail_json(msg="certificate %s is in %s, not %s: ACM certificates are regional, a regional custom domain "
                         "needs one of its own region" % (arn, match["region"], module.region))
    paths = [m["base_path"] for m in params["base_path_mappings"]]
    if len(set(paths)) != len(paths) or any("/" in p for p in paths):
        module.fail_json(msg="base_path_mappings: base paths must be unique single path segments, got %s" % paths)


def validate_certificate(module, acm_client):
    """The certificate API Gateway will accept: found, ISSUED, covering the name (read before any write)."""
    arn, name = module.params["certificate_arn"], module.params["domain_name"]
    certificate = acm.describe_certificate(acm_client, arn)
    if certificate is None:
        module.fail_json(msg="certificate %s does not exist in %s" % (arn, module.region))
    if certificate.get("Status") != "ISSUED":
        module.fail_json(msg="certificate %s is %s, not ISSUED: a custom domain needs an issued certificate (is its "
                         "DNS validation record published?)" % (arn, certificate.get("Status")))
    names = certificate.get("SubjectAlternativeNames") or [certificate.get("DomainName", "")]
    if not covers(names, name):
        module.fail_json(msg="certificate %s covers %s, not %s" % (arn, ", ".join(names), name))


# --- reading and comparing ---------------------------------------------------------------------

def read_state(client, name):
    domain = apigateway.get_domain_name(client, name)
    if domain is None:
        return None
    mappings = apigateway.get_base_path_mappings(client, name) or []
    return dict(domain_name=domain["domainName"],
                regional_domain_name=domain.get("regionalDomainName"),
                regional_hosted_zone_id=domain.get("regionalHostedZoneId"),
                regional_certificate_arn=domain.get("regionalCertificateArn"),
                security_policy=domain.get("securityPolicy"),
                endpoint_types=(domain.get("endpointConfiguration") or {}).get("types", []),
                tags=domain.get("tags") or {},
                base_path_mappings=sorted(
                    (dict(base_path="" if m.get("basePath", ROOT) == ROOT else m["basePath"],
                          rest_api_id=m["restApiId"], stage=m.get("stage")) for m in mappings),
                    key=lambda m: m["base_path"]))


def wanted_mappings(params):
    return sorted((dict(base_path=m["base_path"], rest_api_id=m["rest_api_id"], stage=m["stage"])
                   for m in params["base_path_mappings"]), key=lambda m: m["base_path"])


# --- planning ----------------------------------------------------------------------------------

class Step:
    def __init__(self, description, apply):
        self.description = description
        self.apply = apply


def plan(client, module, current):
    """The steps from ``current`` (None: no domain) to the wanted domain, and the state they lead to."""
    params, name = module.params, module.params["domain_name"]
    tags = params["tags"] if params["tags"] is not None else (current or {}).get("tags", {})
    steps = []
    if current is None:
        steps.append(Step("create regional domain %s" % name, lambda: apigateway.create_domain_name(
            client, name, params["certificate_arn"], params["security_policy"], tags)))
        current = dict(domain_name=name, tags=tags, base_path_mappings=[])
    else:
        if current["endpoint_types"] != ["REGIONAL"]:
            module.fail_json(msg="custom domain %s is %s, not REGIONAL: delete it first (this module manages regional "
                             "domains)" % (name, "/".join(current["endpoint_types"])))
        patches = [dict(op="replace", path="/" + field, value=params[key]) for field, key in (
            ("regionalCertificateArn", "certificate_arn"), ("securityPolicy", "security_policy"))
            if current[_snake(field)] != params[key]]
        if patches:
            steps.append(Step("update %s of %s" % (", ".join(p["path"][1:] for p in patches), name),
                              lambda: apigateway.update_domain_name(client, name, patches)))
        to_add, to_remove = compare_aws_tags(current["tags"], tags, purge_tags=params["purge_tags"])
        # The domain's ARN, in the certificate's partition (validate_params checked its form).
        arn = "arn:%s:apigateway:%s::/domainnames/%s" % (params["certificate_arn"].split(":")[1], module.region, name)
        if to_remove:
            steps.append(Step("remove tags %s" % ", ".join(sorted(to_remove)),
                              lambda: apigateway.untag_resource(client, arn, to_remove)))
        if to_add:
            steps.append(Step("set tags %s" % ", ".join(sorted(to_add)),
                              lambda: apigateway.tag_resource(client, arn, to_add)))
    steps.extend(plan_mappings(client, name, current["base_path_mappings"], wanted_mappings(params)))
    after = dict(current, regional_certificate_arn=params["certificate_arn"], security_policy=params["security_policy"],
                 tags=tags, base_path_mappings=wanted_mappings(params))
    return steps, after


def plan_mappings(client, name, current, wanted):
    have = dict((m["base_path"], m) for m in current)
    want = dict((m["base_path"], m) for m in wanted)
    steps = []
    for path in sorted(set(have) - set(want)):
        steps.append(Step("unmap base path %r" % path,
                          lambda p=path: apigateway.delete_base_path_mapping(client, name, p or ROOT)))
    for path in sorted(want):
        mapping = want[path]
        if path not in have:
            steps.append(Step("map base path %r to %s/%s" % (path, mapping["rest_api_id"], mapping["stage"]),
                              lambda p=path, m=mapping: apigateway.create_base_path_mapping(
                                  client, name, p, m["rest_api_id"], m["stage"])))
        elif have[path] != mapping:
            patches = [dict(op="replace", path="/restapiId", value=mapping["rest_api_id"]),
                       dict(op="replace", path="/stage", value=mapping["stage"])]
            steps.append(Step("remap base path %r to %s/%s" % (path, mapping["rest_api_id"], mapping["stage"]),
                              lambda p=path, ops=patches: apigateway.update_base_path_mapping(
                                  client, name, p or ROOT, ops)))
    return steps


def _snake(field):
    return re.sub(r"([A-Z])", r"_\1", field).lower()


# --- main --------------------------------------------------------------------------------------

def main():
    mapping_options = dict(
        base_path=dict(type="str", default=""),
        rest_api_id=dict(type="str", required=True),
        stage=dict(type="str", required=True),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            domain_name=dict(type="str", required=True),
            certificate_arn=dict(type="str"),
            security_policy=dict(type="str", choices=["TLS_1_0", "TLS_1_2"], default="TLS_1_2"),
            base_path_mappings=dict(type="list", elements="dict", options=mapping_options, default=[]),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    validate_params(module)
    client = dr_retry.client(module, "apigateway", retry=apigateway.RETRY)
    try:
        run(module, client)
    except (apigateway.AnsibleAPIGatewayError, acm.AnsibleACMError) as e:
        module.fail_json_aws_error(e)


def run(module, client):
    name = module.params["domain_name"]
    current = read_state(client, name)
    if module.params["state"] == "absent":
        steps = [Step("delete domain %s and its mappings" % name,
                      lambda: apigateway.delete_domain_name(client, name))] if current else []
        after = None
    else:
        validate_certificate(module, dr_retry.client(module, "acm", retry=acm.RETRY))
        steps, after = plan(client, module, current)
    if steps and not module.check_mode:
        for step in steps:
            step.apply()
        after = read_state(client, name)
    result = dict(changed=bool(steps), changes=[step.description for step in steps], domain=after or {})
    if module._diff:
        result["diff"] = dict(before=current or {}, after=after or {})
    module.exit_json(**result)


if __name__ == "__main__":
    main()
