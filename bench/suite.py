"""The whole benchmark in one run: each part in a fresh child process, one table at the end.

Order: sendMessage throughput (raw PTB, raw PTB with the app's limiter, the dispatcher), the
30/s sample, the big same-minute burst, then start-up/memory and the claim per size (SQLite),
the claim per size on PostgreSQL, and the run_daily comparison. A part that fails is
reported as an error and the rest still run; every child and temporary folder is removed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import render_table, verdicts
from bench.seed import (
    Population,
    create_pg_database,
    seed_postgres,
    seed_sqlite,
    sqlite_url,
)
from bench.support import (
    REPO_ROOT,
    RESULTS_DIR,
    EmulatorProcess,
    JSONDict,
    run_child,
)

# The throughput part runs raw PTB and the dispatcher at the same `Sizes.concurrency` (8: what
# the app keeps at 30/s, and PTB's cheapest setting here), and raw PTB once more at
# WIDE_CONCURRENCY for context: httpcore's pool costs grow with the connections in use.
WIDE_CONCURRENCY = 64
PARTS = ("throughput", "rate", "burst", "startup", "claim", "postgres", "jobqueue")


@dataclass(frozen=True)
class Sizes:
    """How big each part is; FULL is the issue's run, QUICK the under-a-minute one."""

    name: str
    throughput_n: int
    burst_n: int
    rate_sample_n: int
    users: tuple[int, ...]
    jobqueue_n: int
    jobqueue_lead_s: float
    concurrency: int = 8
    rate: float = 30.0
    due_batch: int = 200
    claim_runs: int = 9
    repeats: int = 1


FULL = Sizes("full", 10_000, 100_000, 300, (1_000, 100_000, 1_000_000), 10_000, 15.0, repeats=3)
# Quick: a smoke run. 2,000 sends per throughput child, so the first claim and start-up
# (about 0.1 s) weigh a few percent of the ratio, not a fifth as at 400.
QUICK = Sizes("quick", 2_000, 1_000, 60, (1_000, 20_000), 500, 2.0, claim_runs=5)


def _log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _load() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def _machine() -> JSONDict:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
        "git_head": git("rev-parse", "--short", "HEAD"),
        "git_dirty_files": len(git("status", "--porcelain", "--", "bot").splitlines()),
    }


class Suite:
    def __init__(self, sizes: Sizes, parts: tuple[str, ...], work: Path, logs: Path) -> None:
        self.sizes = sizes
        self.parts = parts
        self.work = work
        self.logs = logs
        self.results: JSONDict = {"errors": {}}

    # -------------------------------------------------------------- helpers

    def _child(self, part: str, params: JSONDict, timeout: float) -> JSONDict:
        before = _load()[0]
        result = run_child(part, params, work_dir=self.logs, timeout=timeout)
        result["load_before"] = before
        result["load_after"] = _load()[0]
        return result

    def _guard(self, key: str, body: Callable[[], None]) -> None:
        """Run one part; record its failure and go on with the others."""
        try:
            body()
        except Exception as exc:  # one broken part must not lose the others' figures
            _log(f"{key} FAILED: {type(exc).__name__}: {exc}")
            self.results["errors"][key] = f"{type(exc).__name__}: {exc}"

    @contextmanager
    def _emulator(self) -> Iterator[JSONDict]:
        with EmulatorProcess(self.logs / "emulator.log") as emulator:
            yield emulator.endpoint

    def _seeded(self, name: str, population: Population) -> tuple[Path, float]:
        path = self.work / f"{name}.db"
        for old in self.work.glob(f"{name}.db*"):
            old.unlink()
        return path, seed_sqlite(path, population)

    def _drop(self, path: Path) -> None:
        for old in path.parent.glob(f"{path.name}*"):
            old.unlink()

    # -------------------------------------------------------------- parts

    def throughput(self) -> None:
        """Raw PTB and the dispatcher at the same number in flight, interleaved `repeats` times
        (best kept: the machine is shared); then, once each for context, raw PTB through the
        app's rate limiter and raw PTB with many more in flight."""
        n = self.sizes.throughput_n
        runs: dict[str, list[JSONDict]] = {}
        order = [*(["raw", "dispatcher"] * self.sizes.repeats), "raw_limited", "raw_wide"]
        for mode in order:
            in_flight = WIDE_CONCURRENCY if mode == "raw_wide" else self.sizes.concurrency
            params: JSONDict = {"mode": mode, "n": n, "concurrency": in_flight}
            db = None
            if mode == "dispatcher":
                db, params["seed_s"] = self._seeded("throughput", Population(n, n))
                params["database_url"] = sqlite_url(db)
            with self._emulator() as emulator:
                params["emulator"] = emulator
                result = self._child("throughput", params, timeout=120 + n / 20)
            if db is not None:
                self._drop(db)
            runs.setdefault(mode, []).append(result)
            _log(f"throughput {mode}: {result['per_second']} msg/s")
        out: JSONDict = {m: max(rs, key=lambda r: float(r["per_second"])) for m, rs in runs.items()}
        out["runs"] = runs
        self.results["throughput"] = out

    def rate(self) -> None:
        n = self.sizes.rate_sample_n
        db, seed_s = self._seeded("rate", Population(n, n))
        with self._emulator() as emulator:
            params = {"mode": "dispatcher", "n": n, "rate": self.sizes.rate}
            params |= {"database_url": sqlite_url(db), "emulator": emulator, "seed_s": seed_s}
            result = self._child("throughput", params, timeout=120 + 2 * n / self.sizes.rate)
        self._drop(db)
        result["burst_n"] = self.sizes.burst_n
        self.results["rate_sample"] = result
        _log(f"rate sample: {result['per_second']} msg/s at {self.sizes.rate}/s")

    def burst(self) -> None:
        n = self.sizes.burst_n
        db, seed_s = self._seeded("burst", Population(n, n))
        deadline = max(300.0, n / 40)
        with self._emulator() as emulator:
            params = {"n": n, "emulator": emulator, "deadline_s": deadline}
            params |= {"database_url": sqlite_url(db), "database_path": str(db)}
            result = self._child("burst", params, timeout=deadline + 120)
        self._drop(db)
        result["seed_s"] = round(seed_s, 2)
        self.results["burst"] = result
        _log(f"burst: {result['report']['sent']} of {n} sent in {result['wall_s']} s")

    def per_size(self) -> None:
        sizes = self.results.setdefault("sizes", {})
        for users in self.sizes.users:
            entry = sizes.setdefault(str(users), {})
            population = Population(users, self.sizes.due_batch)

            def one_size(entry: JSONDict = entry, population: Population = population) -> None:
                db, seed_s = self._seeded("size", population)
                entry["sqlite_seed_s"] = round(seed_s, 2)
                params: JSONDict = {"database_url": sqlite_url(db), "users": population.total}
                if "claim" in self.parts:
                    claim = {"runs": self.sizes.claim_runs, "batch": self.sizes.due_batch}
                    entry["claim_sqlite"] = self._child("claim", params | claim, timeout=300)
                if "startup" in self.parts:
                    with self._emulator() as emulator:
                        params["emulator"] = emulator
                        entry["startup"] = self._child("startup", params, timeout=300)
                self._drop(db)
                _log(f"{population.total:,} users (SQLite): done")

            self._guard(f"size {users}", one_size)

    def postgres(self) -> None:
        from tests.pg import start_postgres

        given = os.environ.get("TEST_POSTGRES_URL")
        server = None if given else start_postgres()
        server_url = given or (server.url if server else "")
        try:
            sizes = self.results.setdefault("sizes", {})
            for users in self.sizes.users:
                population = Population(users, self.sizes.due_batch)
                url = asyncio.run(create_pg_database(server_url, f"bench_{users}"))
                seed_s = asyncio.run(seed_postgres(url, population))
                params = {"database_url": url, "users": users, "runs": self.sizes.claim_runs}
                params["batch"] = self.sizes.due_batch
                claim = self._child("claim", params, timeout=300)
                claim["seed_s"] = round(seed_s, 2)
                sizes.setdefault(str(users), {})["claim_postgresql"] = claim
                _log(f"{users:,} users (PostgreSQL): claim {claim['median_ms']} ms")
        finally:
            if server is not None:
                server.stop()

    def jobqueue(self) -> None:
        n = self.sizes.jobqueue_n
        with self._emulator() as emulator:
            params = {"n": n, "emulator": emulator, "lead_s": self.sizes.jobqueue_lead_s}
            params |= {"deadline_s": 60 + n / 50, "work_dir": str(self.work)}
            result = self._child("jobqueue", params, timeout=180 + n / 20)
        self.results["jobqueue"] = result
        _log(f"run_daily: {result['ran']} ran, {result['missed']} missed of {n}")

    def run(self) -> JSONDict:
        started = time.perf_counter()
        self.results["meta"] = {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": self.sizes.name,
            "sizes": asdict(self.sizes),
            "parts": list(self.parts),
            "machine": _machine(),
            "load_at_start": _load(),
        }
        steps: list[tuple[str, Callable[[], None]]] = [
            ("throughput", self.throughput),
            ("rate", self.rate),
            ("burst", self.burst),
            ("postgres", self.postgres),
            ("jobqueue", self.jobqueue),
        ]
        if {"startup", "claim"} & set(self.parts):
            steps.insert(3, ("sizes", self.per_size))
        for key, step in steps:
            if key == "sizes" or key in self.parts:
                _log(f"{key} ...")
                self._guard(key, step)
        self.results["meta"]["duration_s"] = round(time.perf_counter() - started, 1)
        self.results["meta"]["load_at_end"] = _load()
        self.results["targets"] = verdicts(self.results)
        return self.results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: under a minute")
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated parts of: {','.join(PARTS)}"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead: cProfile the dispatcher draining the throughput N; writes results/",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        help="sends in flight for raw PTB and the dispatcher (default 8: the app's at 25-30/s)",
    )
    parser.add_argument("--n", type=int, help="messages for the throughput part and --profile")
    args = parser.parse_args(argv)
    parts = tuple(p.strip() for p in args.only.split(",") if p.strip())
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    sizes = QUICK if args.quick else FULL
    if args.n:
        sizes = replace(sizes, throughput_n=args.n)
    if args.concurrency:
        sizes = replace(sizes, concurrency=args.concurrency)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    logs = RESULTS_DIR / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    work = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    try:
        if args.profile:
            return _profile(sizes, work, logs)
        results = Suite(sizes, parts, work, logs).run()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = render_table(results)
    print(table)
    out = RESULTS_DIR / f"bench-{sizes.name}-{stamp}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    (RESULTS_DIR / f"latest-{sizes.name}.json").write_text(out.read_text())
    (RESULTS_DIR / f"latest-{sizes.name}.txt").write_text(table + "\n")
    print(f"\nfigures: {out.relative_to(REPO_ROOT)}  (child logs: {logs.relative_to(REPO_ROOT)})")
    failed = [t for t in results["targets"] if t["result"] != "PASS"]
    return 1 if failed or results["errors"] else 0


def _profile(sizes: Sizes, work: Path, logs: Path) -> int:
    """cProfile raw PTB and the dispatcher sending the same N; text and .prof in results/."""
    n = sizes.throughput_n
    suite = Suite(sizes, ("throughput",), work, logs)
    for mode in ("raw", "dispatcher"):
        text_path = RESULTS_DIR / f"profile-{mode}-{sizes.name}.txt"
        params: JSONDict = {"mode": mode, "n": n, "concurrency": sizes.concurrency}
        params["profile_path"] = str(text_path)
        if mode == "dispatcher":
            db, _ = suite._seeded("profile", Population(n, n))
            params["database_url"] = sqlite_url(db)
        with suite._emulator() as emulator:
            params["emulator"] = emulator
            result: dict[str, Any] = suite._child("throughput", params, timeout=300 + n / 10)
        print(f"{mode} under cProfile: {result['per_second']} msg/s (profiling slows it)")
        print(f"  {text_path.relative_to(REPO_ROOT)} and {text_path.with_suffix('.prof').name}")
    return 0
