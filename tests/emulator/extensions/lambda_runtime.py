"""Lambda Invoke without Docker: run a function's Python handler in a warm worker process.

moto keeps a function's deployment package (``LambdaFunction.code_bytes``) but
runs it only in Docker.  This extension answers Invoke itself: it unpacks the
package into a cache directory keyed by CodeSha256 and runs the handler in a
worker subprocess (``_lambda_worker.py``), one warm worker per concurrent
invocation of a function version, like Lambda's execution environments.  A
worker is recycled when the function's code or configuration changes.

The worker gets what a Lambda execution environment gets: the function's
Environment variables, AWS_REGION/AWS_DEFAULT_REGION of the function, the
AWS_LAMBDA_* variables, dummy credentials, and AWS_ENDPOINT_URL pointing at
this emulator so the handler's boto3 calls land here (and nowhere else).

Answers follow the Invoke API: Timeout ends the invocation with a
``Sandbox.Timedout`` function error, an exception is ``X-Amz-Function-Error:
Unhandled`` with {errorMessage, errorType, stackTrace}, LogType=Tail returns
the last 4 KB of the log in ``X-Amz-Log-Result``, InvocationType Event answers
202 at once and DryRun 204; reserved concurrency throttles with 429.  Logs also
go to CloudWatch Logs (/aws/lambda/<name>) as on AWS, and each invocation publishes
AWS/Lambda Invocations, Errors (function errors and timeouts) and Duration, each throttled
one Throttles, under the dimension sets {FunctionName} and {FunctionName, Resource}.  Outages need nothing
here: Invoke is signed for the function's region, which the core refuses.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import io
import json
import math
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .. import metrics
from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
_INVOKE_ASYNC = re.compile(r"^/2014-11-13/functions/(?P<name>[^/]+)/invoke-async/?$")
_WORKER_SCRIPT = str(Path(__file__).with_name("_lambda_worker.py"))
MAX_PAYLOAD = 6 * 1024 * 1024  # Invoke's synchronous request/response limit
LOG_TAIL_BYTES = 4096
INIT_TIMEOUT = 10.0  # Lambda's init phase budget, separate from the function's Timeout
MAX_IDLE_WORKERS = 4  # warm environments kept per function version


def lambda_permits(emulator: Any, region: str, function: str, service: str, source_arn: str) -> bool:
    """Does the function's resource-based policy let ``service`` (apigateway.amazonaws.com,
    events.amazonaws.com...) invoke it for ``source_arn``, as Lambda checks a service's invocation?"""
    import fnmatch

    from moto.core.exceptions import JsonRESTError

    try:
        fn = emulator.backend("lambda", region).get_function(function)
    except JsonRESTError:  # no such function: nothing may invoke it
        return False
    for statement in fn.policy.statements:
        principal = statement.get("Principal")
        services = principal.get("Service") if isinstance(principal, dict) else principal
        services = [services] if isinstance(services, str) else services or []
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else actions or []
        if statement.get("Effect") != "Allow" or not ({service, "*"} & set(services)):
            continue
        if not {"lambda:InvokeFunction", "lambda:*", "*"} & set(actions):
            continue
        patterns = [value for test in (statement.get("Condition") or {}).values()
                    for key, value in test.items() if key.lower() == "aws:sourcearn"]
        if all(fnmatch.fnmatchcase(source_arn, p) for p in patterns):
            return True
    return False


class InvokeError(Exception):
    """An error of the Invoke API itself (not a function error): status, code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class InvokeResult:
    status: int
    headers: dict[str, str]
    body: bytes
    function_error: str | None = None
    log: str = ""

    @property
    def response(self) -> Response:
        return self.status, self.headers, self.body


@dataclass(frozen=True)
class FunctionSpec:
    """What an execution environment is built from: a snapshot of moto's LambdaFunction."""

    region: str
    name: str
    version: str
    arn: str
    handler: str
    runtime: str
    timeout: float
    memory: int
    env: tuple[tuple[str, str], ...]
    code_sha: str
    layers: tuple[str, ...]
    reserved_concurrency: int | None
    fingerprint: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.region, self.name, self.version


class _WorkerExited(Exception):
    def __init__(self, returncode: int | None) -> None:
        super().__init__(f"worker exited with {returncode}")
        self.returncode = returncode


class _Worker:
    """One execution environment: a worker process speaking JSON lines."""

    def __init__(self, spec: FunctionSpec, task_root: Path, layer_dirs: list[Path],
                 env: dict[str, str], scratch: Path) -> None:
        self.spec = spec
        self.scratch = scratch
        self.log_path = scratch / "output.log"
        self.log_stream = env["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.ready = False
        with open(self.log_path, "ab") as log:  # O_APPEND: the worker truncates it between events
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-u", _WORKER_SCRIPT, str(task_root), str(self.log_path),
                 *map(str, layer_dirs)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env, cwd=task_root,
                start_new_session=True)  # its own process group, so a kill also ends its children
        self._pending = b""

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self) -> None:
        if not self.ready:
            if self._exchange(None, time.monotonic() + INIT_TIMEOUT) is None:
                raise TimeoutError("init phase timed out")
            self.ready = True

    def call(self, request: dict[str, Any], deadline: float) -> dict[str, Any] | None:
        """Send one event; the worker's answer, or None when the deadline passed first."""
        return self._exchange(json.dumps(request).encode() + b"\n", deadline)

    def _exchange(self, data: bytes | None, deadline: float) -> dict[str, Any] | None:
        # One selector loop for both directions, so neither a large event nor a hung
        # handler can block the emulator beyond the deadline.
        assert self.proc.stdin is not None and self.proc.stdout is not None
        out_fd, in_fd = self.proc.stdout.fileno(), self.proc.stdin.fileno()
        os.set_blocking(in_fd, False)
        with selectors.DefaultSelector() as selector:
            selector.register(out_fd, selectors.EVENT_READ)
            if data:
                selector.register(in_fd, selectors.EVENT_WRITE)
            complete = b"\n" in self._pending
            while not complete:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                for key, _ in selector.select(remaining):
                    if key.fd == in_fd:
                        try:
                            data = data[os.write(in_fd, data):]
                        except BrokenPipeError:
                            data = b""
                        if not data:
                            selector.unregister(in_fd)
                    else:
                        chunk = os.read(out_fd, 1 << 16)
                        if not chunk:
                            raise _WorkerExited(self.proc.wait())
                        self._pending += chunk
                        complete = b"\n" in chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)

    def read_log(self) -> str:
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""

    def max_memory_mb(self) -> int | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return math.ceil(int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            pass
        return None

    def kill(self) -> None:
        if self.alive:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


@dataclass
class _Pool:
    fingerprint: str
    idle: list[_Worker] = field(default_factory=list)


class LambdaRuntime(Extension):
    name = "lambda"
    order = 40

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._root = Path(tempfile.mkdtemp(prefix="dr-emulator-lambda-"))
        self._lock = threading.Lock()
        self._pools: dict[tuple[str, str, str], _Pool] = {}
        self._busy: set[_Worker] = set()
        self._inflight: Counter = Counter()  # by (region, function name), for reserved concurrency
        atexit.register(self.shutdown)

    # -- extension interface -------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "lambda" or call.method != "POST" or call.region is None:
            return None
        match = _INVOKE.match(call.path)
        legacy = _INVOKE_ASYNC.match(call.path) if match is None else None
        if match is None and legacy is None:
            return None
        try:
            if legacy is not None:  # InvokeAsync (deprecated): an Event invocation answered {"Status": 202}
                self.invoke(call.region, unquote(legacy["name"]), None, call.body, "Event")
                return 202, {"Content-Type": "application/json"}, b'{"Status": 202}'
            return self.invoke(
                call.region, unquote(match["name"]), (call.query.get("Qualifier") or [None])[0],
                call.body, call.headers.get("x-amz-invocation-type", "RequestResponse"),
                log_tail=call.headers.get("x-amz-log-type") == "Tail",
                client_context=call.headers.get("x-amz-client-context")).response
        except InvokeError as err:
            return error_response(call, err.status, err.code, err.message)

    def control_routes(self):
        return {("GET", "workers"): self._workers_route}

    def reset(self) -> None:
        with self._lock:
            pools, self._pools = self._pools, {}
        for pool in pools.values():
            for worker in pool.idle:
                worker.kill()

    def restore_state(self, state: dict) -> None:
        self.reset()  # warm workers hold the code of functions the restored account may not have

    def shutdown(self) -> None:
        self.reset()
        with self._lock:
            busy = list(self._busy)
        for worker in busy:
            worker.kill()
        shutil.rmtree(self._root, ignore_errors=True)

    # -- Invoke ----------------------------------------------------------------------
    def invoke(self, region: str, function: str, qualifier: str | None, payload: bytes,
               invocation_type: str = "RequestResponse", log_tail: bool = False,
               client_context: str | None = None) -> InvokeResult:
        """Invoke a function as the Invoke API does; raises InvokeError for API errors."""
        fn = self._function(region, function, qualifier)
        if len(payload) > MAX_PAYLOAD:
            raise InvokeError(413, "RequestTooLargeException",
                              f"Request must be smaller than {MAX_PAYLOAD} bytes for the InvokeFunction operation")
        event = payload.decode("utf-8", "replace") if payload.strip() else "{}"
        try:
            json.loads(event)
        except ValueError as exc:
            raise InvokeError(400, "InvalidRequestContentException",
                              f"Could not parse request body into json: {exc}") from None
        if invocation_type not in ("RequestResponse", "Event", "DryRun"):
            raise InvokeError(400, "InvalidParameterValueException", f"Unsupported InvocationType {invocation_type}")
        spec = self._spec(fn)
        headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": spec.version}
        if invocation_type == "DryRun":
            return InvokeResult(204, headers, b"")
        if not (spec.runtime or "").startswith("python"):
            raise InvokeError(502, "InvalidRuntimeException",
                              f"The emulator runs Python handlers only, not runtime {spec.runtime!r}")
        invoked_arn = f"{spec.arn}:{qualifier}" if qualifier else spec.arn
        context = self._client_context(client_context)
        resource = f"{spec.name}:{qualifier}" if qualifier else spec.name
        try:
            self._admit(spec)
        except InvokeError:
            self._publish(spec, resource, {"Throttles": (1, "Count")})
            raise
        if invocation_type == "Event":
            threading.Thread(target=self._run_measured, args=(spec, fn, event, invoked_arn, context, resource),
                             daemon=True).start()
            return InvokeResult(202, headers, b"")
        body, error, log, request_id = self._run_measured(spec, fn, event, invoked_arn, context, resource)
        headers["x-amzn-RequestId"] = request_id
        if error:
            headers["X-Amz-Function-Error"] = "Unhandled"
        if log_tail:
            headers["X-Amz-Log-Result"] = base64.b64encode(log.encode()[-LOG_TAIL_BYTES:]).decode()
        return InvokeResult(200, headers, body, "Unhandled" if error else None, log)

    def _function(self, region: str, function: str, qualifier: str | None) -> Any:
        from moto.core.exceptions import JsonRESTError

        try:
            return self.emulator.backend("lambda", region).get_function(function, qualifier)
        except JsonRESTError as err:
            raise InvokeError(err.code, err.error_type, err.message) from None

    def _spec(self, fn: Any) -> FunctionSpec:
        env = tuple(sorted((str(k), str(v)) for k, v in (fn.environment_vars or {}).items()))
        layers = tuple(layer["Arn"] for layer in fn.layers)
        reserved = fn.reserved_concurrency
        parts = [fn.code_sha_256, fn.handler, fn.run_time, fn.timeout, fn.memory_size, env, layers,
                 fn.last_modified, fn.function_arn]
        return FunctionSpec(
            region=fn.region, name=fn.function_name, version=str(fn.version),
            arn=fn.function_arn.rsplit(f":{fn.version}", 1)[0] if str(fn.version) != "$LATEST" else fn.function_arn,
            handler=fn.handler or "", runtime=fn.run_time or "", timeout=float(fn.timeout or 3),
            memory=int(fn.memory_size or 128), env=env, code_sha=fn.code_sha_256, layers=layers,
            reserved_concurrency=None if reserved in (None, "") else int(reserved),
            fingerprint=hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest())

    @staticmethod
    def _client_context(header: str | None) -> Any:
        if not header:
            return None
        try:
            return json.loads(base64.b64decode(header))
        except ValueError:
            raise InvokeError(400, "InvalidParameterValueException", "Client context must be base64 JSON") from None

    def _admit(self, spec: FunctionSpec) -> None:
        """Count an invocation in flight, refusing it beyond the function's reserved concurrency."""
        key = (spec.region, spec.name)
        with self._lock:
            if spec.reserved_concurrency is not None and self._inflight[key] >= spec.reserved_concurrency:
                raise InvokeError(429, "TooManyRequestsException", "Rate Exceeded.")
            self._inflight[key] += 1

    def _run_measured(self, spec: FunctionSpec, fn: Any, event: str, invoked_arn: str, client_context: Any,
                      resource: str) -> tuple[bytes, bool, str, str]:
        """Run an admitted invocation and publish its Invocations, Errors and Duration."""
        started = time.monotonic()
        body, error, log, request_id = self._run_admitted(spec, fn, event, invoked_arn, client_context)
        self._publish(spec, resource, {"Invocations": (1, "Count"), "Errors": (1 if error else 0, "Count"),
                                       "Duration": ((time.monotonic() - started) * 1000, "Milliseconds")})
        return body, error, log, request_id

    def _publish(self, spec: FunctionSpec, resource: str, values: dict[str, tuple[float, str]]) -> None:
        """AWS/Lambda metrics, per function and per function + Resource (the name, or name:qualifier)."""
        metrics.publish(self.emulator, spec.region, "AWS/Lambda", values,
                        [{"FunctionName": spec.name}, {"FunctionName": spec.name, "Resource": resource}])

    def _run_admitted(self, spec: FunctionSpec, fn: Any, event: str, invoked_arn: str,
                      client_context: Any) -> tuple[bytes, bool, str, str]:
        """Run one event: (payload, is function error, log text, request id)."""
        request_id = str(uuid.uuid4())
        try:
            worker = self._acquire(spec, fn)
        except BaseException:
            self._finish(spec)
            raise
        started = time.monotonic()
        try:
            body, error, output = self._exchange(worker, spec, event, invoked_arn, client_context, request_id)
        finally:
            duration_ms = (time.monotonic() - started) * 1000
            self._release(worker)
            self._finish(spec)
        memory = worker.max_memory_mb()
        log = (f"START RequestId: {request_id} Version: {spec.version}\n{output}"
               f"END RequestId: {request_id}\n"
               f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
               f"Billed Duration: {math.ceil(duration_ms)} ms\tMemory Size: {spec.memory} MB\t"
               + (f"Max Memory Used: {memory} MB\t" if memory else "") + "\n")
        self._ship_log(spec, worker, log)
        return body, error, log, request_id

    def _exchange(self, worker: _Worker, spec: FunctionSpec, event: str, invoked_arn: str,
                  client_context: Any, request_id: str) -> tuple[bytes, bool, str]:
        def failure(error_type: str, message: str) -> bytes:
            return json.dumps({"errorType": error_type, "errorMessage": message}).encode()

        try:
            worker.wait_ready()
            deadline = time.monotonic() + spec.timeout
            answer = worker.call({"event": event, "request_id": request_id, "invoked_function_arn": invoked_arn,
                                  "deadline_ms": int((time.time() + spec.timeout) * 1000),
                                  "client_context": client_context}, deadline)
        except TimeoutError:
            answer = None
        except _WorkerExited as exited:
            worker.kill()
            status = (f"signal: {signal.Signals(-exited.returncode).name}" if (exited.returncode or 0) < 0
                      else f"exit status {exited.returncode}")
            message = f"RequestId: {request_id} Error: Runtime exited with error: {status}"
            return failure("Runtime.ExitError", message), True, worker.read_log() + message + "\n"
        if answer is None:
            # The environment is torn down on timeout, as Lambda does.
            output = worker.read_log()
            worker.kill()
            stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            note = f"{stamp} {request_id} Task timed out after {spec.timeout:.2f} seconds\n"
            message = f"RequestId: {request_id} Error: Task timed out after {spec.timeout:.2f} seconds"
            return failure("Sandbox.Timedout", message), True, output + note
        output = answer.get("log", "")
        if "error" in answer:
            return json.dumps(answer["error"]).encode(), True, output
        payload = answer["payload"].encode()
        if len(payload) > MAX_PAYLOAD:
            message = (f"Response payload size ({len(payload)} bytes) exceeded maximum allowed payload size "
                       f"({MAX_PAYLOAD} bytes).")
            return failure("Function.ResponseSizeTooLarge", message), True, output
        return payload, False, output

    def _finish(self, spec: FunctionSpec) -> None:
        with self._lock:
            self._inflight[(spec.region, spec.name)] -= 1

    # -- execution environments ---------------------------------------------------------
    def _acquire(self, spec: FunctionSpec, fn: Any) -> _Worker:
        stale: list[_Worker] = []
        with self._lock:
            pool = self._pools.get(spec.key)
            if pool is None or pool.fingerprint != spec.fingerprint:
                # New code or configuration: the old environments must not serve it.
                stale = pool.idle if pool is not None else []
                pool = self._pools[spec.key] = _Pool(spec.fingerprint)
            worker = pool.idle.pop() if pool.idle else None
            if worker is not None:
                self._busy.add(worker)
        for old in stale:
            old.kill()
        if worker is not None and worker.alive:
            return worker
        worker = self._spawn(spec, fn)
        with self._lock:
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            pool = self._pools.get(worker.spec.key)
            keep = (pool is not None and pool.fingerprint == worker.spec.fingerprint and worker.alive
                    and len(pool.idle) < MAX_IDLE_WORKERS)
            if keep:
                pool.idle.append(worker)
        if not keep:
            worker.kill()

    def _spawn(self, spec: FunctionSpec, fn: Any) -> _Worker:
        task_root = self._unpack(spec.code_sha, fn.code_bytes)
        layer_dirs = []
        for arn in spec.layers:
            layer = self.emulator.backend("lambda", spec.region).layers_versions_by_arn(arn)
            if layer is not None:
                layer_dirs.append(self._unpack(layer.code_sha_256, layer.code_bytes))
        scratch = Path(tempfile.mkdtemp(prefix="env-", dir=self._root))
        (scratch / "tmp").mkdir()
        return _Worker(spec, task_root, layer_dirs, self._environment(spec, task_root, scratch), scratch)

    def _unpack(self, code_sha: str, code: bytes) -> Path:
        """Extract a package once per CodeSha256 (content-addressed, so never stale)."""
        target = self._root / "code" / base64.urlsafe_b64decode(code_sha.encode()).hex()
        with self._lock:
            if not target.exists():
                partial = Path(tempfile.mkdtemp(prefix="unpack-", dir=self._root))
                try:
                    with zipfile.ZipFile(io.BytesIO(code)) as archive:
                        archive.extractall(partial)  # extractall drops absolute and ".." member paths
                except zipfile.BadZipFile:
                    shutil.rmtree(partial, ignore_errors=True)
                    raise InvokeError(502, "InvalidZipFileException", "Lambda was not able to unzip the file") from None
                target.parent.mkdir(parents=True, exist_ok=True)
                partial.rename(target)
        return target

    def _environment(self, spec: FunctionSpec, task_root: Path, scratch: Path) -> dict[str, str]:
        now = datetime.now(timezone.utc)
        # Function variables first: the reserved ones below win, as Lambda refuses to let them be set.
        env = {k: v for k, v in spec.env if not k.startswith("AWS_ENDPOINT_URL")}
        env.update({
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "TMPDIR": str(scratch / "tmp"),
            "HOME": str(scratch),
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(Path(_WORKER_SCRIPT).parent),
            "_HANDLER": spec.handler,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"{now:%Y/%m/%d}/[{spec.version}]{uuid.uuid4().hex}",
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            # Every SDK call of the handler goes to this emulator, never to AWS.
            "AWS_ENDPOINT_URL": self.emulator.endpoint_url,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        })
        return env

    def _ship_log(self, spec: FunctionSpec, worker: _Worker, log: str) -> None:
        """Write the invocation's log to CloudWatch Logs, as Lambda does."""
        logs = self.emulator.backend("logs", spec.region)
        group = f"/aws/lambda/{spec.name}"
        logs.ensure_log_group(group)
        if worker.log_stream not in logs.groups[group].streams:
            logs.create_log_stream(group, worker.log_stream)
        stamp = int(time.time() * 1000)
        events = [{"timestamp": stamp, "message": line} for line in log.splitlines() if line]
        if events:
            logs.put_log_events(group, worker.log_stream, events)

    def _workers_route(self, body: dict, query: dict) -> Response:
        """GET /_dr/lambda/workers: the warm and busy execution environments."""
        with self._lock:
            idle = [worker for pool in self._pools.values() for worker in pool.idle]
            busy = list(self._busy)
        rows = [{"region": w.spec.region, "function": w.spec.name, "version": w.spec.version,
                 "code_sha256": w.spec.code_sha, "pid": w.proc.pid, "busy": w in busy} for w in idle + busy]
        return 200, {"Content-Type": "application/json"}, json.dumps({"workers": rows}).encode()


EXTENSIONS = [LambdaRuntime]
