"""Run the emulator: python -m tests.emulator [--port 4566] [--pidfile FILE]."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from .server import DEFAULT_PORT, Emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="payments.dr AWS emulator (loopback only)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DR_EMULATOR_PORT", DEFAULT_PORT)))
    parser.add_argument("--pidfile")
    parser.add_argument("--seed", type=int, default=0, help="seed for injected faults")
    args = parser.parse_args(argv)
    emulator = Emulator(host=args.host, port=args.port, seed=args.seed)
    if args.pidfile:
        with open(args.pidfile, "w", encoding="utf-8") as handle:
            handle.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"payments.dr emulator on {emulator.endpoint_url}", flush=True)
    emulator.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
