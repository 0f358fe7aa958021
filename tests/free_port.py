"""Print a loopback TCP port that is free now (for a gate that starts its own emulator)."""

import socket

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    print(probe.getsockname()[1])
