"""EC2 deletions refused while something still depends on the resource, as AWS refuses them.

moto 5.2.5 deletes VPC resources that AWS would not, so a teardown in the wrong order (or one
that does not wait) passes on moto and fails on AWS. This extension answers as AWS does:

- ``DeleteSubnet``: ``DependencyViolation`` while a network interface (a NAT gateway's, a Lambda
  function's, an RDS instance's...) is in the subnet.
- ``DeleteSecurityGroup``: ``DependencyViolation`` while a rule of another group refers to it or a
  network interface uses it; ``CannotDelete`` for a VPC's default group.
- ``DetachInternetGateway``: ``DependencyViolation`` while an Elastic IP is mapped to a network
  interface of the VPC (a NAT gateway's address).
- ``DeleteVpc``: ``DependencyViolation`` while an internet gateway is attached, a group other than
  the default one, a network interface or a VPC endpoint (not ``deleted``) exists (moto checks only
  subnets and route tables). AWS: "You must detach or delete all gateways and resources that are
  associated with the VPC before you can delete it" (DeleteVpc, EC2 API Reference).
- ``ModifyVpcEndpoint``: for a gateway endpoint AWS adds the route to the service's prefix list in
  each of ``AddRouteTableId.N`` and removes it from each of ``RemoveRouteTableId.N``; moto only
  updates the endpoint's list of route tables. The routes are added and removed here, as
  CreateVpcEndpoint and DeleteVpcEndpoints already do in moto.
- ``ReleaseAddress``: ``InvalidIPAddress.InUse`` while the address is associated.
- ``DeleteNatGateway``: moto marks the gateway ``deleted`` at once and keeps its network interface
  and address association forever. On AWS the gateway is ``deleting`` for a while, then
  ``deleted``: its network interface is gone and its Elastic IP disassociated (still allocated).
  Here it stays ``deleting`` for ``nat_gateway_delete_seconds`` (default 0), then is finished the
  same way on the next EC2 call of that region.
- Resource Groups Tagging API ``GetResources``: AWS keeps describing a deleted NAT gateway or VPC
  peering connection for a while, but the tagging API no longer lists it once deleted; moto lists
  it (with its tags) forever, so a "nothing tagged is left" audit would never pass.

Control routes: ``GET/POST /_dr/ec2-dependencies/settings {"nat_gateway_delete_seconds": s}``.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

DEFAULT_NAT_DELETE_SECONDS = 0.0


def _json(status: int, payload: Any) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


class Ec2Dependencies(Extension):
    name = "ec2-dependencies"
    state_attributes = ("nat_gateway_delete_seconds", "_nat_deletions")
    order = 45

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()
        self.nat_gateway_delete_seconds = DEFAULT_NAT_DELETE_SECONDS
        # (region, NAT gateway id) -> monotonic time its deletion finishes
        self._nat_deletions: dict[tuple[str, str], float] = {}

    def reset(self) -> None:
        with self._lock:
            self.nat_gateway_delete_seconds = DEFAULT_NAT_DELETE_SECONDS
            self._nat_deletions.clear()

    def control_routes(self):
        return {("GET", "settings"): self._settings_get, ("POST", "settings"): self._settings_post}

    def _settings_get(self, body: dict, query: dict) -> Response:
        return _json(200, {"nat_gateway_delete_seconds": self.nat_gateway_delete_seconds})

    def _settings_post(self, body: dict, query: dict) -> Response:
        seconds = float(body["nat_gateway_delete_seconds"])
        if not 0 <= seconds <= 3600:
            raise ValueError("nat_gateway_delete_seconds must be within 0..3600")
        with self._lock:
            self.nat_gateway_delete_seconds = seconds
        return self._settings_get(body, query)

    # -- dispatch --------------------------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "ec2":
            return None
        self._finish_nat_deletions(call.region)
        handler = {
            "DeleteSubnet": self._delete_subnet,
            "DeleteSecurityGroup": self._delete_security_group,
            "DetachInternetGateway": self._detach_internet_gateway,
            "DeleteVpc": self._delete_vpc,
            "ReleaseAddress": self._release_address,
        }.get(call.action or "")
        return handler(call) if handler else None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service == "ec2" and call.action == "ModifyVpcEndpoint" and status == 200:
            self._sync_endpoint_routes(call)
            return None
        if call.service == "tagging" and call.action == "GetResources" and status == 200 and call.region:
            return self._without_deleted(call.region, body)
        if call.service == "ec2" and call.action == "DeleteNatGateway" and status == 200:
            nat = self._backend(call.region).nat_gateways.get(call.param("NatGatewayId", ""))
            if nat is not None:
                nat.state = "deleting"
                with self._lock:
                    self._nat_deletions[(call.region, nat.id)] = self.emulator.clock.monotonic() + self.nat_gateway_delete_seconds
                self._finish_nat_deletions(call.region)
        return None

    # -- helpers -------------------------------------------------------------------------------
    def _backend(self, region: str):
        return self.emulator.backend("ec2", region)

    @staticmethod
    def _violation(call: AwsCall, message: str) -> Response:
        return error_response(call, 400, "DependencyViolation", message)

    def _finish_nat_deletions(self, region: str) -> None:
        now = self.emulator.clock.monotonic()
        with self._lock:
            due = [key for key, when in self._nat_deletions.items() if key[0] == region and when <= now]
            for key in due:
                del self._nat_deletions[key]
        backend = self._backend(region) if due else None
        for _, nat_id in due:
            nat = backend.nat_gateways.get(nat_id)
            if nat is None:
                continue
            eni = getattr(nat, "_eni", None)
            if eni is not None:
                for address in backend.addresses:
                    if address.eni is eni:
                        address.eni, address.instance, address.association_id = None, None, None
                backend.enis.pop(eni.id, None)
            nat.state = "deleted"

    def _without_deleted(self, region: str, body: bytes) -> bytes | None:
        self._finish_nat_deletions(region)
        backend = self._backend(region)
        gone = {nat.id for nat in backend.nat_gateways.values() if nat.state == "deleted"}
        gone |= {pcx.id for pcx in backend.vpc_pcxs.values()
                 if pcx._status.code in ("deleted", "rejected", "expired", "failed")}
        if not gone:
            return None
        answer = json.loads(body or b"{}")
        mappings = answer.get("ResourceTagMappingList", [])
        kept = [m for m in mappings if m.get("ResourceARN", "").rsplit("/", 1)[-1] not in gone
                or ":ec2:" not in m.get("ResourceARN", "")]
        if len(kept) == len(mappings):
            return None
        answer["ResourceTagMappingList"] = kept
        return json.dumps(answer).encode()

    def _enis(self, region: str) -> list:
        return list(self._backend(region).enis.values())

    # -- DeleteSubnet ---------------------------------------------------------------------------
    def _delete_subnet(self, call: AwsCall) -> Response | None:
        subnet_id = call.param("SubnetId", "")
        if any(getattr(eni.subnet, "id", None) == subnet_id for eni in self._enis(call.region)):
            return self._violation(call, f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
        return None

    # -- DeleteSecurityGroup ------------------------------------------------------------------
    def _delete_security_group(self, call: AwsCall) -> Response | None:
        backend = self._backend(call.region)
        group = None
        if call.param("GroupId"):
            group = backend.get_security_group_from_id(call.param("GroupId"))
        elif call.param("GroupName"):
            group = backend.get_security_group_from_name(call.param("GroupName"))
        if group is None:
            return None  # moto answers InvalidGroup.NotFound
        if group.vpc_id and group.name == "default":
            return error_response(call, 400, "CannotDelete",
                                  f'the specified group: "{group.id}" name: "default" cannot be deleted by a user')
        for other_vpc_groups in list(backend.groups.values()):
            for other in list(other_vpc_groups.values()):
                if other.id == group.id:
                    continue
                for rule in list(other.ingress_rules) + list(other.egress_rules):
                    source = rule.source_group or {}
                    if source.get("GroupId") == group.id or (
                            source.get("GroupName") == group.name and not source.get("GroupId")
                            and other.vpc_id == group.vpc_id):
                        return self._violation(call, f"resource {group.id} has a dependent object")
        for eni in self._enis(call.region):
            if any(getattr(member, "id", member) == group.id for member in eni.group_set):
                return self._violation(call, f"resource {group.id} has a dependent object")
        return None

    # -- DetachInternetGateway ----------------------------------------------------------------
    def _detach_internet_gateway(self, call: AwsCall) -> Response | None:
        vpc_id = call.param("VpcId", "")
        for address in self._backend(call.region).addresses:
            eni = address.eni
            if eni is not None and getattr(eni.subnet, "vpc_id", None) == vpc_id:
                return self._violation(call, f"Network {vpc_id} has some mapped public address(es). Please unmap "
                                             "those public address(es) before detaching the gateway.")
        return None

    # -- DeleteVpc ----------------------------------------------------------------------------------
    def _delete_vpc(self, call: AwsCall) -> Response | None:
        vpc_id = call.param("VpcId", "")
        backend = self._backend(call.region)
        attached = any(igw.vpc is not None and igw.vpc.id == vpc_id for igw in backend.internet_gateways.values())
        groups = [g for g in backend.groups.get(vpc_id, {}).values() if g.name != "default"]
        enis = [eni for eni in self._enis(call.region) if getattr(eni.subnet, "vpc_id", None) == vpc_id]
        endpoints = [e for e in backend.vpc_end_points.values() if e.vpc_id == vpc_id and e.state != "deleted"]
        if attached or groups or enis or endpoints:
            return self._violation(call, f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
        return None

    # -- ModifyVpcEndpoint -------------------------------------------------------------------------
    @staticmethod
    def _listed(call: AwsCall, name: str) -> list[str]:
        return [value for key, value in sorted(call.params.items()) if key.startswith(name + ".")]

    @staticmethod
    def _routes(table) -> list:
        routes = table.routes
        return list(routes.values() if isinstance(routes, dict) else routes)

    def _sync_endpoint_routes(self, call: AwsCall) -> None:
        backend = self._backend(call.region)
        endpoint = backend.vpc_end_points.get(call.param("VpcEndpointId", ""))
        prefix_list = getattr(endpoint, "destination_prefix_list_id", None)
        if endpoint is None or not prefix_list or (endpoint.vpc_endpoint_type or "").lower() != "gateway":
            return
        for table_id in self._listed(call, "AddRouteTableId"):
            table = backend.route_tables.get(table_id)
            if table is not None and not any(getattr(r, "destination_prefix_list_id", None) == prefix_list
                                             for r in self._routes(table)):
                backend.create_route(table_id, None, gateway_id=endpoint.id, destination_prefix_list_id=prefix_list)
        for table_id in self._listed(call, "RemoveRouteTableId"):
            table = backend.route_tables.get(table_id)
            if table is not None and any(getattr(r, "destination_prefix_list_id", None) == prefix_list
                                         for r in self._routes(table)):
                backend.delete_route(table_id, prefix_list)

    # -- ReleaseAddress ----------------------------------------------------------------------------
    def _release_address(self, call: AwsCall) -> Response | None:
        backend = self._backend(call.region)
        for address in backend.addresses:
            if (call.param("AllocationId") and address.allocation_id == call.param("AllocationId")) or (
                    call.param("PublicIp") and address.public_ip == call.param("PublicIp")):
                if address.eni is not None or address.instance is not None:
                    return error_response(call, 400, "InvalidIPAddress.InUse",
                                          f"Address {address.public_ip} is in use.")
        return None


EXTENSIONS = [Ec2Dependencies]
