"""The Starlette application: the webhook (webhook mode) and the operations endpoints."""

from __future__ import annotations

import hmac
import json
import logging
from collections import OrderedDict

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.metrics import CONTENT_TYPE, Metrics
from bot.services.health import Readiness
from bot.telegram.context import CoachApplication

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few kilobytes; anything larger is not Telegram


class RecentIds:
    """The last `capacity` update ids seen, oldest forgotten first (bounded memory)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._capacity = capacity

    def add(self, update_id: int) -> bool:
        """Remember the id; False if it was already there (a redelivery)."""
        if update_id in self._ids:
            self._ids.move_to_end(update_id)
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._ids)


class WebhookEndpoint:
    """Check the secret, queue the update for PTB, answer 200 at once; Telegram waits for no
    handler. A redelivered update_id is acknowledged and dropped."""

    def __init__(
        self,
        app: CoachApplication,
        *,
        secret: str,
        metrics: Metrics,
        recent: RecentIds | None = None,
    ) -> None:
        self._app = app
        self._secret = secret.encode("latin-1")
        self._metrics = metrics
        self._recent = recent if recent is not None else RecentIds()

    def _reject(self, request: Request, why: str) -> Response:
        self._metrics.webhook_requests.labels("forbidden").inc()
        client = request.client.host if request.client else None
        # Never the header's value: a near miss may be the real secret mistyped.
        log.warning("webhook request rejected: %s secret token", why, extra={"client": client})
        return Response(status_code=403)

    def _bad_request(self, why: str, *, status: int = 400) -> Response:
        self._metrics.webhook_requests.labels("bad_request").inc()
        log.warning("webhook request refused: %s", why)
        return Response(status_code=status)

    async def receive(self, request: Request) -> Response:
        """Queue one update from Telegram."""
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return self._reject(request, "missing")
        if not hmac.compare_digest(given.encode("latin-1"), self._secret):
            return self._reject(request, "wrong")
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_UPDATE_BYTES):
            return self._bad_request("body too large", status=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_UPDATE_BYTES:
                return self._bad_request("body too large", status=413)
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            update = Update.de_json(data, self._app.bot)
        except Exception as exc:
            return self._bad_request(f"not an update ({type(exc).__name__})")
        if not self._recent.add(update.update_id):
            self._metrics.webhook_requests.labels("duplicate").inc()
            log.info("redelivered update ignored", extra={"update_id": update.update_id})
            return Response(status_code=200)
        await self._app.update_queue.put(update)
        self._metrics.webhook_requests.labels("accepted").inc()
        return Response(status_code=200)


def build_web_app(
    *, metrics: Metrics, readiness: Readiness, webhook: tuple[str, WebhookEndpoint] | None = None
) -> Starlette:
    """The ASGI app: /healthz, /readyz, /metrics, and the webhook at its path when given."""

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok\n")

    async def readyz(request: Request) -> Response:
        report = await readiness.check()
        metrics.ready.set(1 if report.ready else 0)
        body = {
            "ready": report.ready,
            "database": report.database,
            "migrations": report.migrations,
            "telegram": report.telegram,
        }
        return JSONResponse(body, status_code=200 if report.ready else 503)

    async def metrics_text(request: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    routes = [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/readyz", readyz, methods=["GET", "HEAD"]),
        Route("/metrics", metrics_text, methods=["GET"]),
    ]
    if webhook is not None:
        path, endpoint = webhook
        routes.append(Route(path, endpoint.receive, methods=["POST"]))
    return Starlette(routes=routes)
