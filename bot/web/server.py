"""uvicorn inside the bot's own event loop, started and stopped by the bot, not by signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The bot owns SIGTERM and SIGINT: it stops taking updates, finishes the work in hand,
        # then stops this server. uvicorn's own handlers would re-raise the signal at exit.
        yield


class ServerStartError(RuntimeError):
    """The server could not listen (address in use, not permitted, no such address)."""


class OpsServer:
    """One HTTP server on host:port (port 0: any free port, read `port` after `start`)."""

    def __init__(self, app: ASGIApp, *, host: str, port: int, graceful_seconds: int = 10) -> None:
        self.host = host
        self.port = port
        self._config = uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=graceful_seconds,
        )
        self._server = _Server(self._config)
        self._task: asyncio.Task[None] | None = None

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise ServerStartError(
                f"cannot listen on {self.host}:{self.port}: {exc.strerror}"
            ) from None
        sock.setblocking(False)
        return sock

    async def start(self) -> None:
        sock = self._bind()
        self.port = int(sock.getsockname()[1])
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="http-server")
        while not self._server.started:
            if self._task.done():
                await self._task
                raise ServerStartError(f"the HTTP server on {self.host}:{self.port} did not start")
            await asyncio.sleep(0.01)
        log.info("listening on http://%s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop accepting connections, let requests in flight finish, then return."""
        task, self._task = self._task, None
        if task is None:
            return
        self._server.should_exit = True
        await task
