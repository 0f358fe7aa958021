# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API Gateway calls of the payments.dr modules (apigateway_rest_api, apigateway_domain,
apigateway_domain_info, apigateway_account):
one function per call.

Each raises AnsibleAPIGatewayError (module_utils/dr_errors.py says why); a missing stage, domain
or REST API (NotFoundException) is None, not an error. Retries: one layer, chosen by
dr_retry.client with RETRY (``aws_retry=True`` on every call; ``dr_retry.paginated`` on the reads
that page).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()


class AnsibleAPIGatewayError(AnsibleAWSError):
    pass


class APIGatewayErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAPIGatewayError
    _MISSING_CODES = ("NotFoundException",)


# --- REST APIs -----------------------------------------------------------------------------------

@APIGatewayErrorHandler.common_error_handler("list REST APIs")
@dr_retry.paginated
def list_rest_apis(client):
    """Every REST API of the client's region (all pages)."""
    return [api for page in client.get_paginator("get_rest_apis").paginate() for api in page.get("items", [])]


@APIGatewayErrorHandler.common_error_handler("create REST API {name}")
def create_rest_api(client, name, description, tags):
    """A regional REST API."""
    return client.create_rest_api(aws_retry=True, name=name, description=description,
                                  endpointConfiguration={"types": ["REGIONAL"]}, tags=tags)


@APIGatewayErrorHandler.common_error_handler("import the OpenAPI document into {api_id}")
def put_rest_api(client, api_id, document):
    """Replaces the API's definition by ``document`` (a dict), refusing one with warnings."""
    client.put_rest_api(aws_retry=True, restApiId=api_id, mode="overwrite", failOnWarnings=True,
                        body=json.dumps(document).encode("utf-8"))


@APIGatewayErrorHandler.deletion_error_handler("delete REST API {api_id}")
def delete_rest_api(client, api_id):
    client.delete_rest_api(aws_retry=True, restApiId=api_id)
    return True


# --- stages and deployments ----------------------------------------------------------------------

@APIGatewayErrorHandler.list_error_handler("get stage {stage_name} of {api_id}")
def get_stage(client, api_id, stage_name):
    """The stage, or None when it does not exist."""
    return client.get_stage(aws_retry=True, restApiId=api_id, stageName=stage_name)


@APIGatewayErrorHandler.common_error_handler("deploy {api_id} to stage {stage_name}")
def create_deployment(client, api_id, stage_name, description):
    """The new deployment's id."""
    return client.create_deployment(aws_retry=True, restApiId=api_id, stageName=stage_name,
                                    description=description)["id"]


@APIGatewayErrorHandler.common_error_handler("update stage {stage_name} of {api_id}")
def update_stage(client, api_id, stage_name, patches):
    client.update_stage(aws_retry=True, restApiId=api_id, stageName=stage_name, patchOperations=patches)


# --- custom domain names -------------------------------------------------------------------------

@APIGatewayErrorHandler.list_error_handler("get custom domain name {domain_name}")
def get_domain_name(client, domain_name):
    """The domain, or None when it does not exist."""
    domain = client.get_domain_name(aws_retry=True, domainName=domain_name)
    domain.pop("ResponseMetadata", None)
    return domain


@APIGatewayErrorHandler.common_error_handler("list custom domain names")
@dr_retry.paginated
def get_domain_names(client):
    """Every custom domain name of the client's region (all pages)."""
    return client.get_paginator("get_domain_names").paginate().build_full_result().get("items", [])


@APIGatewayErrorHandler.list_error_handler("get the base path mappings of {domain_name}")
@dr_retry.paginated
def get_base_path_mappings(client, domain_name):
    """The domain's base path mappings (all pages), or None when the domain does not exist."""
    paginator = client.get_paginator("get_base_path_mappings")
    return paginator.paginate(domainName=domain_name).build_full_result().get("items", [])


@APIGatewayErrorHandler.common_error_handler("create custom domain name {domain_name}")
def create_domain_name(client, domain_name, certificate_arn, security_policy, tags):
    """A regional custom domain name served with ``certificate_arn``."""
    domain = client.create_domain_name(aws_retry=True, domainName=domain_name, regionalCertificateArn=certificate_arn,
                                       endpointConfiguration={"types": ["REGIONAL"]}, securityPolicy=security_policy,
                                       tags=tags)
    domain.pop("ResponseMetadata", None)
    return domain


@APIGatewayErrorHandler.common_error_handler("update custom domain name {domain_name}")
def update_domain_name(client, domain_name, patches):
    client.update_domain_name(aws_retry=True, domainName=domain_name, patchOperations=patches)


@APIGatewayErrorHandler.deletion_error_handler("delete custom domain name {domain_name}")
def delete_domain_name(client, domain_name):
    """True when deleted (with its base path mappings), False when it was already gone."""
    client.delete_domain_name(aws_retry=True, domainName=domain_name)
    return True


@APIGatewayErrorHandler.common_error_handler("map base path {base_path} of {domain_name}")
def create_base_path_mapping(client, domain_name, base_path, api_id, stage):
    client.create_base_path_mapping(aws_retry=True, domainName=domain_name, basePath=base_path, restApiId=api_id,
                                    stage=stage)


@APIGatewayErrorHandler.common_error_handler("update base path {base_path} of {domain_name}")
def update_base_path_mapping(client, domain_name, base_path, patches):
    client.update_base_path_mapping(aws_retry=True, domainName=domain_name, basePath=base_path,
                                    patchOperations=patches)


@APIGatewayErrorHandler.deletion_error_handler("delete base path {base_path} of {domain_name}")
def delete_base_path_mapping(client, domain_name, base_path):
    client.delete_base_path_mapping(aws_retry=True, domainName=domain_name, basePath=base_path)
    return True


# --- account ---------------------------------------------------------------------------------------

@APIGatewayErrorHandler.common_error_handler("read the API Gateway account settings")
def get_account(client):
    return client.get_account(aws_retry=True)


@APIGatewayErrorHandler.common_error_handler("update the API Gateway account settings")
def update_account(client, patches):
    client.update_account(aws_retry=True, patchOperations=patches)


# --- tags ----------------------------------------------------------------------------------------

@APIGatewayErrorHandler.common_error_handler("tag {arn}")
def tag_resource(client, arn, tags):
    client.tag_resource(aws_retry=True, resourceArn=arn, tags=tags)


@APIGatewayErrorHandler.common_error_handler("untag {arn}")
def untag_resource(client, arn, keys):
    client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=keys)
