"""deploy/: the Dockerfile, the compose file and the systemd unit are checked, not just kept.

Real linters run where they are installed (hadolint, `docker compose`, systemd-analyze); the
structural checks below run everywhere, so a broken file fails here even without them.
"""

from __future__ import annotations

import asyncio
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ops.conftest import RunningBot

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in dockerfile.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "a continuation line runs off the end"
    result = []
    for line in logical:
        word, _, rest = line.partition(" ")
        result.append((word.upper(), rest.strip()))
    return result


def test_dockerfile_is_slim_non_root_pinned_and_health_checked() -> None:
    steps = _instructions(DEPLOY / "Dockerfile")
    known = {"FROM", "ENV", "RUN", "WORKDIR", "COPY", "USER", "VOLUME", "EXPOSE", "STOPSIGNAL",
             "HEALTHCHECK", "CMD"}  # fmt: skip
    assert {word for word, _ in steps} <= known
    froms = [args for word, args in steps if word == "FROM"]
    assert froms == ["python:3.11-slim"]
    users = [args for word, args in steps if word == "USER"]
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    runs = " ".join(args for word, args in steps if word == "RUN")
    assert re.search(r"useradd .*\bcoach\b", runs)
    # Every pip install is bound by the constraints file.
    installs = re.findall(r"pip install[^&]*", runs)
    assert len(installs) == 2
    for command in installs:
        assert "-c constraints.txt" in command, command
    health = [args for word, args in steps if word == "HEALTHCHECK"]
    assert len(health) == 1
    assert "/app/deploy/healthcheck.py" in health[0]
    assert "/healthz" in (DEPLOY / "healthcheck.py").read_text()
    assert [args for word, args in steps if word == "STOPSIGNAL"] == ["SIGTERM"]
    assert steps[-1] == ("CMD", '["coach", "run"]')
    env = " ".join(args for word, args in steps if word == "ENV")
    assert "MIGRATE_ON_START=true" in env
    assert "WEBHOOK_LISTEN=0.0.0.0" in env


def test_dockerfile_copies_only_what_exists_and_the_ignore_file_lets_through() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    for word, args in _instructions(DEPLOY / "Dockerfile"):
        if word != "COPY" or args.startswith("--from"):
            continue
        *sources, _dest = args.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert source.rstrip("/") in allowed, f"{source} is not in the build context"


def test_dockerfile_passes_hadolint_when_installed() -> None:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed here; the structural checks above still ran")
    result = subprocess.run(
        [hadolint, str(DEPLOY / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _compose() -> dict[str, object]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_the_bot_on_a_healthy_postgresql() -> None:
    compose = _compose()
    services = compose["services"]
    assert isinstance(services, dict)
    assert set(services) == {"db", "bot"}
    db, bot = services["db"], services["bot"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert bot["env_file"] == [{"path": ".env", "required": True}]
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://coach:")
    assert "@db:5432/coach" in bot["environment"]["DATABASE_URL"]
    # deploy/.env copies .env.example, whose loopback defaults must not win in a container.
    assert bot["environment"]["WEBHOOK_LISTEN"] == "0.0.0.0"  # noqa: S104 - in a container
    assert bot["environment"]["METRICS_PORT"] == "9090"
    assert "healthcheck.py" in " ".join(bot["healthcheck"]["test"])
    assert bot["stop_signal"] == "SIGTERM"
    assert all(port.startswith("127.0.0.1:") for port in bot["ports"])
    volumes = compose["volumes"]
    assert isinstance(volumes, dict)
    assert {"pgdata", "botdata"} <= set(volumes)


def _has_docker_compose() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0


def test_compose_file_passes_docker_compose_config(tmp_path: Path) -> None:
    if not _has_docker_compose():
        pytest.skip("the docker compose plugin is not installed here (docker CLI alone)")
    (tmp_path / "deploy").mkdir()
    shutil.copy(DEPLOY / "compose.yaml", tmp_path / "deploy" / "compose.yaml")
    (tmp_path / "deploy" / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=123456:TEST-TOKEN\nPOSTGRES_PASSWORD=0123456789abcdef\n"
    )
    result = subprocess.run(
        ["docker", "compose", "-f", str(tmp_path / "deploy" / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "coach.service")
    return parser


def test_systemd_unit_runs_coach_hardened_and_stops_on_sigterm() -> None:
    unit = _unit()
    service = unit["Service"]
    assert service["ExecStart"].endswith("/bin/coach run")
    assert service["User"] not in ("root", "0")
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) >= 30
    assert service["Restart"] == "on-failure"
    for option, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "CapabilityBoundingSet": "",
        "RestrictNamespaces": "yes",
        "StateDirectory": "coach",
    }.items():
        assert service.get(option) == value, option
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here; the structural check still ran")
    # verify insists that ExecStart exists: point /opt/coach at this checkout's virtualenv.
    install = tmp_path / "opt-coach"
    (install / ".venv" / "bin").mkdir(parents=True)
    (install / ".venv" / "bin" / "coach").symlink_to(Path(sys.executable).parent / "coach")
    unit = tmp_path / "coach.service"
    unit.write_text((DEPLOY / "coach.service").read_text().replace("/opt/coach", str(install)))
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "coach.service" not in result.stderr, result.stderr


async def _run_probe(env: dict[str, str]) -> tuple[int | None, bytes]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(DEPLOY / "healthcheck.py"), env=env, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    return proc.returncode, stderr


async def test_container_healthcheck_script_probes_healthz(webhook_bot: RunningBot) -> None:
    assert webhook_bot.runner.server is not None
    env = {
        **os.environ,
        "WEBHOOK_URL": "https://coach.example.test/telegram/hook",
        "WEBHOOK_PORT": str(webhook_bot.runner.server.port),
    }
    code, stderr = await _run_probe(env)
    assert code == 0, stderr
    env.pop("WEBHOOK_URL")
    env["METRICS_PORT"] = "1"  # polling mode, and nothing listens there
    code, _ = await _run_probe(env)
    assert code == 1
