"""A throw-away PostgreSQL cluster for the tests, on a loopback port in a temporary folder.

Set TEST_POSTGRES_URL (postgresql+asyncpg://user@host:port/db) to use a server you run
yourself; otherwise the suite starts its own from the machine's PostgreSQL binaries.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PgServer:
    url: str  # postgresql+asyncpg://postgres@127.0.0.1:PORT/postgres
    data_dir: Path | None
    pg_ctl: str | None
    run_as: list[str]

    def stop(self) -> None:
        if self.pg_ctl and self.data_dir:
            subprocess.run(
                [*self.run_as, self.pg_ctl, "-D", str(self.data_dir), "-m", "immediate", "stop"],
                check=False,
                capture_output=True,
            )
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def find_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_postgres() -> PgServer:
    """Start a cluster with trust auth on 127.0.0.1 only; PostgreSQL refuses to run as root."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    base = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    data = base / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
         "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    port = _free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    return PgServer(
        url=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres",
        data_dir=data,
        pg_ctl=pg_ctl,
        run_as=run_as,
    )
