#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apigateway_domain_info
short_description: Read API Gateway custom domain names and their base path mappings
version_added: 0.1.0
description:
  - Describes the API Gateway (REST) custom domain names of the module's region with C(GetDomainName) or
    C(GetDomainNames), each with its base path mappings (C(GetBasePathMappings)).
  - M(community.aws.api_gateway_domain) has no way to ask whether a domain exists (its O(community.aws.api_gateway_domain#module:state=absent)
    fails on a missing domain and always reports a change); this module answers that question, so a
    playbook deletes a custom domain only when there is one.
  - Read-only; safe in check mode.
author:
  - payments.dr maintainers (@payments-dr)
options:
  domain_name:
    description:
      - Describe only this custom domain name; RV(domain_names) is empty when it does not exist.
      - Unset describes every custom domain name of the region.
    type: str
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Is the failover name served through a custom domain in this region
  payments.dr.apigateway_domain_info:
    domain_name: api.payments.example.com
  register: api_domain

- name: Delete it when it exists
  community.aws.api_gateway_domain:
    domain_name: api.payments.example.com
    certificate_arn: "{{ api_domain.domain_names[0].regional_certificate_arn }}"
    domain_mappings: []
    state: absent
  when: api_domain.domain_names | length > 0
"""

RETURN = r"""
domain_names:
  description: The custom domain names found, as API Gateway describes them (snake_case).
  returned: always
  type: list
  elements: dict
  contains:
    domain_name:
      description: The custom domain name.
      returned: always
      type: str
      sample: api.payments.example.com
    regional_domain_name:
      description: Host name a regional custom domain's DNS records point at.
      returned: when the domain is regional
      type: str
      sample: d-abcde12345.execute-api.us-east-1.amazonaws.com
    regional_certificate_arn:
      description: ACM certificate of a regional custom domain.
      returned: when the domain is regional
      type: str
    certificate_arn:
      description: ACM certificate of an edge-optimized custom domain.
      returned: when the domain is edge-optimized
      type: str
    endpoint_configuration:
      description: Endpoint types of the domain.
      returned: always
      type: dict
    tags:
      description: Tags of the domain (as a dictionary, not converted).
      returned: always
      type: dict
    base_path_mappings:
      description: The domain's base path mappings (C(base_path) C((none)) is the empty path).
      returned: always
      type: list
      elements: dict
      sample: [{"base_path": "(none)", "rest_api_id": "a1b2c3d4e5", "stage": "prod"}]
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import apigateway
from ansible_collections.payments.dr.plugins.module_utils import dr_retry


def find_domains(client, domain_name):
    """The named domain (none when missing) or every domain of the region."""
    if domain_name:
        domain = apigateway.get_domain_name(client, domain_name)
        return [domain] if domain is not None else []
    return apigateway.get_domain_names(client)


def base_path_mappings(client, domain_name):
    mappings = apigateway.get_base_path_mappings(client, domain_name)
    return mappings if mappings is not None else []  # deleted between the two calls


def describe(domain, mappings):
    described = camel_dict_to_snake_dict(domain, ignore_list=["tags"])
    described.setdefault("tags", {})
    described["base_path_mappings"] = [camel_dict_to_snake_dict(mapping) for mapping in mappings]
    return described


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(domain_name=dict(type="str")),
        supports_check_mode=True,
    )
    client = dr_retry.client(module, "apigateway", retry=apigateway.RETRY)
    try:
        domains = find_domains(client, module.params["domain_name"])
        module.exit_json(
            changed=False,
            domain_names=[describe(domain, base_path_mappings(client, domain["domainName"])) for domain in domains],
        )
    except apigateway.AnsibleAPIGatewayError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
