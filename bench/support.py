"""Plumbing the benchmark parts share: the emulator process, child processes, CPU and memory.

Every measured part runs in a fresh child process (``python -m bench.child``) pinned to one
core, so its CPU time and peak RSS are its own; the Bot API emulator runs as a separate
standalone process pinned to the other core, so its work is never charged to the bot.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "bench" / "results"
TOKEN = "123456:TEST-TOKEN"  # noqa: S105 - the emulator's fake token
BOT_CPU = 0
EMULATOR_ARGS = ("--port", "0", "--auto-register-chats")  # standalone; counts, not call logs
EMULATOR_CPU = 1

JSONDict = dict[str, Any]


# ---------------------------------------------------------------------- measuring


def pin_to_cpu(pid: int, cpu: int) -> bool:
    """Keep a process on one core (when there are two), so bot and emulator never share one."""
    if not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        return False
    os.sched_setaffinity(pid, {cpu})
    return True


def peak_rss_mib() -> float:
    """This process's peak resident set size (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    """This process's resident set size now, from /proc."""
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds another process has used so far, from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by each live thread of this process, summed by thread name.

    The database drivers do their work on threads of their own (aiosqlite runs one per
    connection), which cProfile cannot see; this shows how the process's CPU splits.
    """
    totals: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            stat = (task / "stat").read_text()
        except OSError:  # the thread ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        key = "main" if task.name == str(os.getpid()) else name
        totals[key] = totals.get(key, 0.0) + seconds
    return totals


class OffsetClock:
    """A clock that starts at a chosen instant and then runs at wall-clock speed.

    The bench can place "now" just after the seeded due minute whatever the real date is,
    while time still moves during a long drain as it would in production.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("OffsetClock needs an aware datetime")
        self._start = start
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


# ---------------------------------------------------------------------- the emulator process


class EmulatorProcess:
    """``python -m bot.playground.emulator --auto-register-chats`` on a free loopback port."""

    def __init__(self, log_path: Path, *, start_timeout: float = 30.0) -> None:
        self._log_path = log_path
        self._start_timeout = start_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def __enter__(self) -> EmulatorProcess:
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "bot.playground.emulator", *EMULATOR_ARGS],
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        try:
            self.base_url = self._read_base_url()
            pin_to_cpu(self._proc.pid, EMULATOR_CPU)
        except BaseException:
            self.close()
            raise
        return self

    def _read_base_url(self) -> str:
        proc = self._proc
        assert proc is not None
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], self._start_timeout)
        line = proc.stdout.readline().decode().strip() if ready else ""
        if not line.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the emulator did not start (see {self._log_path})")
        return line

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    @property
    def file_url(self) -> str:
        return self.base_url.removesuffix("/bot") + "/file/bot"

    @property
    def endpoint(self) -> JSONDict:
        """What a child needs to reach this emulator and read its CPU time."""
        return {"base_url": self.base_url, "file_url": self.file_url, "pid": self.pid}


def emulator_stats(base_url: str, timeout: float = 30.0) -> JSONDict:
    """The standalone emulator's control API: calls per method and chats it has seen."""
    url = base_url.removesuffix("/bot") + "/_emu/stats"
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"not a loopback emulator: {url}")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
        payload: JSONDict = json.loads(response.read())
    result: JSONDict = payload["result"]
    return result


# ---------------------------------------------------------------------- child processes


@dataclass
class ChildFailed(Exception):
    part: str
    reason: str
    log_path: Path

    def __str__(self) -> str:
        return f"{self.part}: {self.reason} (log: {self.log_path})"


def run_child(part: str, params: JSONDict, *, work_dir: Path, timeout: float) -> JSONDict:
    """Run ``bench.parts.<part>`` in a fresh interpreter pinned to the bot's core; its JSON."""
    out_path = work_dir / f"{part}-{time.monotonic_ns()}.json"
    log_path = work_dir / f"{part}.log"
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.child", part, json.dumps(params), str(out_path)],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            raise ChildFailed(part, f"timed out after {timeout:.0f} s", log_path) from None
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            raise
    if code != 0 or not out_path.exists():
        tail = log_path.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise ChildFailed(part, f"exit code {code}: {tail[0]}", log_path)
    result: JSONDict = json.loads(out_path.read_text())
    return result
