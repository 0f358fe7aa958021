"""Execution environment of one Lambda function version, run as a separate process.

Started by ``lambda_runtime`` as ``python -I -u _lambda_worker.py TASK_ROOT LOG_FILE [LAYER_DIR...]``
(``-I`` keeps the emulator's own modules off ``sys.path``; the worker imports
nothing from the emulator).  Like Lambda's Python runtime it imports the
handler once (the "init" phase) and then serves events one at a time: each
request is one JSON line on stdin, each answer one JSON line on the original
stdout.  Everything the handler writes, print/logging or child processes, goes
to LOG_FILE, which is handed back with the answer and truncated, so each
invocation carries its own log like Lambda's LogType=Tail.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import time
import traceback
from types import SimpleNamespace
from typing import Any, Callable


class LambdaContext:
    """The ``context`` argument of a Python handler (the documented attributes)."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.function_name: str = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version: str = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.memory_limit_in_mb: str = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.log_group_name: str = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name: str = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.invoked_function_arn: str = request["invoked_function_arn"]
        self.aws_request_id: str = request["request_id"]
        context = request.get("client_context")
        # ClientContext as the runtime exposes it: .client, .custom, .env
        self.client_context = None if context is None else SimpleNamespace(
            client=context.get("client"), custom=context.get("custom"), env=context.get("env"))
        self.identity = None
        self._deadline_ms: int = request["deadline_ms"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


class _RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


class _CurrentStdout(logging.StreamHandler):
    """A handler that always writes to the current sys.stdout (the log file)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def _install_logging(request_filter: _RequestIdFilter) -> None:
    # Lambda's Python runtime puts a handler on the root logger with this layout.
    handler = _CurrentStdout(sys.stdout)
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
    logging.Formatter.converter = time.gmtime
    handler.addFilter(request_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


def _error(exc: BaseException, error_type: str | None = None, message: str | None = None) -> dict[str, Any]:
    # Only the function's own frames, as Lambda's runtime reports them.
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename != __file__]
    return {
        "errorMessage": str(exc) if message is None else message,
        "errorType": error_type or type(exc).__name__,
        "stackTrace": traceback.format_list(frames),
    }


def _load_handler(spec: str) -> tuple[Callable | None, dict[str, Any] | None]:
    """Import ``module.function`` the way Lambda's Python runtime does; errors as Lambda names them."""
    try:
        module_path, function_name = spec.rsplit(".", 1)
    except ValueError as exc:
        return None, _error(exc, "Runtime.MalformedHandlerName", f"Bad handler '{spec}': {exc}")
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return None, _error(exc, "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}")
    except SyntaxError as exc:
        return None, _error(exc, "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}")
    except Exception as exc:  # noqa: BLE001 - any init failure is reported to the caller, as Lambda does
        return None, _error(exc)
    handler = getattr(module, function_name, None)
    if handler is None:
        return None, {"errorMessage": f"Handler '{function_name}' missing on module '{module_name}'",
                      "errorType": "Runtime.HandlerNotFound", "stackTrace": []}
    return handler, None


def _take_log(log_path: str) -> str:
    sys.stdout.flush()
    sys.stderr.flush()
    with open(log_path, "rb") as handle:
        text = handle.read().decode("utf-8", "replace")
    os.truncate(log_path, 0)  # the fd is O_APPEND, so later writes start again at 0
    return text


def main(argv: list[str]) -> int:
    task_root, log_path, layer_dirs = argv[1], argv[2], argv[3:]
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    # The handler's stdin is empty and its stdout joins stderr in the log file.
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.dup2(2, 1)
    os.chdir(task_root)
    sys.path[:0] = [task_root] + [os.path.join(layer, "python") for layer in layer_dirs]

    request_filter = _RequestIdFilter()
    _install_logging(request_filter)
    handler, init_error = _load_handler(os.environ["_HANDLER"])
    proto_out.write(b'{"ready": true}\n')  # end of the init phase (an init error is reported per event)

    for line in proto_in:
        request = json.loads(line)
        request_filter.request_id = request["request_id"]
        answer: dict[str, Any]
        if init_error is not None:
            answer = {"error": dict(init_error, requestId=request["request_id"])}
            print(f"[ERROR] {init_error['errorType']}: {init_error['errorMessage']}", flush=True)
        else:
            try:
                result = handler(json.loads(request["event"]), LambdaContext(request))
                try:
                    answer = {"payload": json.dumps(result)}
                except (TypeError, ValueError) as exc:
                    answer = {"error": {"errorMessage": f"Unable to marshal response: {exc}",
                                        "errorType": "Runtime.MarshalError", "requestId": request["request_id"],
                                        "stackTrace": []}}
            except Exception as exc:  # noqa: BLE001 - the handler's exception is the function error
                answer = {"error": dict(_error(exc), requestId=request["request_id"])}
                print(f"[ERROR] {type(exc).__name__}: {exc}\n{''.join(traceback.format_exception(exc))}",
                      end="", flush=True)
        answer["log"] = _take_log(log_path)
        proto_out.write(json.dumps(answer).encode() + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
