"""Credentials of clusters created into an Aurora global database, as AWS handles them.

moto 5.2.5 accepts a master user name, password and database name for a
cluster that joins a global cluster as a cross-region secondary, and silently
drops the master password of a cluster created with GlobalClusterIdentifier
even when it becomes the primary. AWS:

- refuses them for a secondary (the global cluster already has a member):
  InvalidParameterCombination "Cannot specify user name / password / database
  name for cross region replication cluster" - a secondary takes them from the
  primary;
- requires MasterUsername for the first member (the primary), like any new
  cluster, and keeps its password.
The emulator keeps the primary's password on moto's cluster model (write-only
``master_user_password``, stored as ``_master_user_password``), where tests can
compare it with the secret it came from.
"""

from __future__ import annotations

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

# moto keeps every global cluster in us-east-1's backend (RDSResponse.global_backend).
GLOBAL_HOME = "us-east-1"
_REFUSED_FOR_SECONDARY = (("MasterUsername", "user name"), ("MasterUserPassword", "password"),
                          ("DatabaseName", "database name"))


class AuroraGlobalCredentials(Extension):
    name = "rds-global-credentials"
    order = 60

    def _joined(self, call: AwsCall):
        identifier = call.param("GlobalClusterIdentifier")
        if call.service != "rds" or call.action != "CreateDBCluster" or not identifier:
            return None
        return self.emulator.backend("rds", GLOBAL_HOME).global_clusters.get(identifier)

    def intercept(self, call: AwsCall) -> Response | None:
        gc = self._joined(call)
        if gc is None:
            return None
        if gc.members:
            for param, what in _REFUSED_FOR_SECONDARY:
                if call.param(param):
                    return error_response(call, 400, "InvalidParameterCombination",
                                          f"Cannot specify {what} for cross region replication cluster")
        elif not call.param("MasterUsername"):
            return error_response(call, 400, "InvalidParameterValue",
                                  "The parameter MasterUsername must be provided and must not be blank.")
        elif call.param("MasterUserPassword") is not None and len(call.param("MasterUserPassword")) < 8:
            return error_response(call, 400, "InvalidParameterValue",
                                  "The parameter MasterUserPassword is not a valid password because it is shorter "
                                  "than 8 characters.")
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if status != 200 or self._joined(call) is None or not call.param("MasterUserPassword"):
            return None
        cluster = self.emulator.backend("rds", call.region).clusters.get(call.param("DBClusterIdentifier", ""))
        if cluster is not None:
            cluster.master_user_password = call.param("MasterUserPassword")
        return None


EXTENSIONS = [AuroraGlobalCredentials]
