"""Aurora clusters and instances take time to create, and a secondary joins only an available primary.

moto 5.2.5 reports a new DB cluster ``creating`` on its first read and ``available`` after, and a new
DB instance ``available`` at once, and lets a cluster join a global database as a secondary whatever
state the primary is in. On AWS a cluster and an instance are ``creating`` for minutes, and
CreateDBCluster of a secondary (``GlobalClusterIdentifier`` of a global database that already has
a primary) is refused while the primary cluster is not ``available`` with an ``available`` writer
instance: ``InvalidDBClusterStateFault`` "Source cluster: <primary ARN> is in a state which is not
valid for physical replication" (the answer reported in hashicorp/terraform-provider-aws#28546;
the reference example of ``aws_rds_global_cluster`` creates the secondary after the primary's
instance, ``depends_on = [aws_rds_cluster_instance.primary]``; Aurora User Guide, "Getting started
with Amazon Aurora Global Database": "After you create the primary Aurora DB cluster, you then add
the secondary AWS Region").

This extension:
- keeps each cluster and instance created through the API ``creating`` for ``cluster_create_seconds``
  / ``instance_create_seconds`` on the emulator clock (default 0: available on the next call), then
  ``available``;
- refuses such a secondary CreateDBCluster as above (after the credentials checks of
  rds_global_credentials, which AWS makes on the request itself).

Control routes: ``GET/POST /_dr/rds-creation/settings {"cluster_create_seconds", "instance_create_seconds"}``.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

# moto keeps every global cluster in us-east-1's backend (RDSResponse.global_backend).
GLOBAL_HOME = "us-east-1"
_SETTINGS = ("cluster_create_seconds", "instance_create_seconds")


def _json(status: int, payload: Any) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


class RdsCreation(Extension):
    name = "rds-creation"
    state_attributes = ("cluster_create_seconds", "instance_create_seconds", "_creating")
    order = 65  # after rds_global_credentials: a request with refused parameters is refused for them first

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()
        self.cluster_create_seconds = 0.0
        self.instance_create_seconds = 0.0
        # (region, "cluster" | "instance", identifier) -> emulator clock (monotonic) it becomes available
        self._creating: dict[tuple[str, str, str], float] = {}

    def reset(self) -> None:
        with self._lock:
            self.cluster_create_seconds = self.instance_create_seconds = 0.0
            self._creating.clear()

    def control_routes(self):
        return {("GET", "settings"): self._settings_get, ("POST", "settings"): self._settings_post}

    def _settings_get(self, body: dict, query: dict) -> Response:
        return _json(200, {name: getattr(self, name) for name in _SETTINGS})

    def _settings_post(self, body: dict, query: dict) -> Response:
        values = {name: float(body[name]) for name in _SETTINGS if name in body}
        if any(not 0 <= value <= 7200 for value in values.values()):
            raise ValueError("creation seconds must be within 0..7200")
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)
        return self._settings_get(body, query)

    # -- statuses --------------------------------------------------------------------------------
    def _model(self, region: str, kind: str, identifier: str):
        backend = self.emulator.backend("rds", region)
        return (backend.clusters if kind == "cluster" else backend.databases).get(identifier)

    def _settle(self) -> None:
        """Put each resource still being created in its status: ``creating`` until due, then ``available``."""
        now = self.emulator.clock.monotonic()
        with self._lock:
            for key, due in list(self._creating.items()):
                model = self._model(*key)
                if model is None:
                    del self._creating[key]
                    continue
                attribute = "_status" if key[1] == "cluster" else "status"
                if now < due:
                    setattr(model, attribute, "creating")
                else:
                    if getattr(model, attribute) == "creating":
                        setattr(model, attribute, "available")
                    del self._creating[key]

    # -- extension interface ---------------------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "rds":
            return None
        self._settle()
        if call.action == "CreateDBCluster" and call.param("GlobalClusterIdentifier"):
            return self._refuse_secondary(call)
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "rds" or status != 200 or call.action not in ("CreateDBCluster", "CreateDBInstance"):
            return None
        kind, identifier, seconds = (("cluster", call.param("DBClusterIdentifier", ""), self.cluster_create_seconds)
                                     if call.action == "CreateDBCluster" else
                                     ("instance", call.param("DBInstanceIdentifier", ""), self.instance_create_seconds))
        identifier = identifier.lower()  # RDS identifiers are stored in lower case
        if self._model(call.region, kind, identifier) is not None:
            with self._lock:
                self._creating[(call.region, kind, identifier)] = self.emulator.clock.monotonic() + seconds
            self._settle()
        return None

    def _refuse_secondary(self, call: AwsCall) -> Response | None:
        gc = self.emulator.backend("rds", GLOBAL_HOME).global_clusters.get(call.param("GlobalClusterIdentifier"))
        primary = next((member for member in gc.members if member.is_writer), None) if gc is not None else None
        if primary is None:
            return None  # the first member becomes the primary
        writer_ready = any(instance.is_cluster_writer and instance.status == "available"
                           for instance in primary._members)
        if primary._status == "available" and writer_ready:
            return None
        return error_response(call, 400, "InvalidDBClusterStateFault",
                              f"Source cluster: {primary.db_cluster_arn} is in a state which is not valid for "
                              "physical replication")


EXTENSIONS = [RdsCreation]
