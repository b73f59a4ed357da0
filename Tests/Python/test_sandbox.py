"""The shipped systemd unit's system-call filter (contrib/pushcast.service) around the real
`pushcast serve`: the filter is read from the unit, expanded the way systemd expands it
(`systemd-analyze syscall-filter`), and loaded with libseccomp in the server's process before
it starts, with the unit's `NoNewPrivileges=` and `SystemCallErrorNumber=`. Under it the
server starts, logs a published item and streams it, and its event loops and publish thread
are batch threads (SCHED_BATCH, docs/PUSH.md). A unit without `SystemCallErrorNumber=` kills
the server at start (libdispatch's threads call `setpriority`, of @resources): this test is
how that was found.

Run by `make test-sandbox` (which `make test` calls): python3 Tests/Python/test_sandbox.py
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import http.client
import os
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pushcast_server import PushcastServer, run_suite  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("PUSHCAST_BINARY", ROOT / ".build" / "debug" / "pushcast"))
UNIT = ROOT / "contrib" / "pushcast.service"

# libseccomp's actions (seccomp.h).
ACT_KILL_PROCESS = 0x80000000
ACT_ALLOW = 0x7FFF0000
PR_SET_NO_NEW_PRIVS = 38


def act_errno(number: int) -> int:
    return 0x00050000 | (number & 0xFFFF)


def syscall_groups() -> dict[str, list[str]]:
    """Every group systemd knows (`@system-service` …), with its members as listed."""
    listing = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"], check=True,
                             capture_output=True, text=True).stdout
    groups: dict[str, list[str]] = {}
    current = None
    for line in listing.splitlines():
        if line.startswith("@"):
            current = line.split()[0]
            groups[current] = []
        elif current and line.strip() and not line.strip().startswith("#"):
            groups[current].append(line.split()[0])
    return groups


def expand(names: list[str], groups: dict[str, list[str]]) -> set[str]:
    calls: set[str] = set()
    for name in names:
        calls |= expand(groups[name], groups) if name.startswith("@") else {name}
    return calls


class UnitFilter:
    """The unit's `SystemCallFilter=` lines in order (the first sets allow or deny, the next
    add to it or, with `~`, take from it, as systemd.exec(5) says), its
    `SystemCallErrorNumber=`, and whether it sets `NoNewPrivileges=`."""

    def __init__(self, unit: Path) -> None:
        settings = [line.strip().split("=", 1) for line in unit.read_text().splitlines()
                    if "=" in line and not line.lstrip().startswith("#")]
        groups = syscall_groups()
        self.allowed: set[str] = set()
        self.allow_list = None
        self.error_number = None
        self.no_new_privileges = False
        for key, value in settings:
            if key == "SystemCallFilter":
                deny = value.startswith("~")
                calls = expand(value.lstrip("~").split(), groups)
                if self.allow_list is None:
                    self.allow_list = not deny
                    if deny:
                        raise AssertionError("the test reads allow lists only; the unit's first filter is a deny list")
                self.allowed = self.allowed - calls if deny else self.allowed | calls
            elif key == "SystemCallErrorNumber":
                self.error_number = getattr(errno, value)
            elif key == "NoNewPrivileges":
                self.no_new_privileges = value == "yes"

    def enter(self) -> None:
        """In the child, before the server is executed: the unit's filter, loaded."""
        libc = ctypes.CDLL(None, use_errno=True)
        if self.no_new_privileges and libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
        seccomp = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2")
        seccomp.seccomp_init.restype = ctypes.c_void_p
        seccomp.seccomp_init.argtypes = [ctypes.c_uint32]
        seccomp.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
        seccomp.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
        seccomp.seccomp_load.argtypes = [ctypes.c_void_p]
        default = ACT_KILL_PROCESS if self.error_number is None else act_errno(self.error_number)
        context = seccomp.seccomp_init(default)
        for name in sorted(self.allowed):
            number = seccomp.seccomp_syscall_resolve_name(name.encode())
            if number >= 0:  # a call this kernel or libseccomp does not know is left out, as systemd does
                seccomp.seccomp_rule_add(context, ACT_ALLOW, number, 0)
        if seccomp.seccomp_load(context) != 0:
            raise OSError("seccomp_load failed")


def first_item_part(url: str, path: str, timeout: float = 10) -> bytes:
    """Reads the stream at `path` until its first item part has come, and returns what came."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    connection.request("GET", path)
    response = connection.getresponse()
    received = b""
    deadline = time.monotonic() + timeout
    while b"Pushcast-Event: item" not in received and time.monotonic() < deadline:
        received += response.read1(65536)
    connection.close()
    return received


class SandboxTests(unittest.TestCase):
    def test_the_server_runs_under_the_units_system_call_filter(self) -> None:
        unit = UnitFilter(UNIT)
        self.assertTrue(unit.allow_list and "sched_setscheduler" in unit.allowed and "setpriority" not in unit.allowed)
        server = PushcastServer(BINARY, preexec=unit.enter)
        try:
            status = Path(f"/proc/{server.process.pid}/status").read_text()
            self.assertIn("Seccomp:\t2", status, "the filter is in force")
            server.publish("news", ["First under the filter"])
            server.wait_logged("news", 1)
            part = first_item_part(server.url, "/channels/news/stream?since=0")
            self.assertIn(b"First under the filter", part)
            policies: dict[str, list[int]] = {}
            for task in Path(f"/proc/{server.process.pid}/task").iterdir():
                name = (task / "comm").read_text().strip()
                policies.setdefault(name, []).append(os.sched_getscheduler(int(task.name)))
            loops = [policy for name, found in policies.items() if name.startswith("NIO-SGLTN") for policy in found]
            self.assertTrue(loops, policies)
            self.assertEqual(set(loops), {os.SCHED_BATCH}, policies)
            self.assertEqual(policies.get("pushcast-pub"), [os.SCHED_BATCH], policies)
            self.assertNotIn("refused to make the server's threads batch threads", server.log_text())
        finally:
            server.stop()
        self.assertEqual(server.process.returncode, 0, "SIGTERM ends the server cleanly under the filter")


if __name__ == "__main__":
    run_suite("sandbox", BINARY)
