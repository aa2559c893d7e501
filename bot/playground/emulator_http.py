"""Minimal HTTP/1.1 plumbing for the Bot API emulator (stdlib only)."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote

__all__ = [
    "HttpError",
    "HttpRequest",
    "UploadedFile",
    "build_response",
    "decode_params",
    "read_request",
]

MAX_BODY = 64 * 1024 * 1024
_HEADER_END = b"\r\n\r\n"
_REASONS: dict[int, str] = {}

# Parameters Telegram always treats as strings, even if they look like numbers or JSON.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "data",
        "description",
        "short_description",
        "name",
        "title",
        "language_code",
        "action",
        "file_id",
        "secret_token",
        "ip_address",
        "emoji",
        "query",
        "message_effect_id",
        "business_connection_id",
    }
)
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "media",
        "menu_button",
        "rights",
        "results",
        "message_ids",
    }
)
_INT_RE = re.compile(r"-?[0-9]{1,19}")
_FLOAT_RE = re.compile(r"-?[0-9]+\.[0-9]+")
_DISPOSITION_PARAM = re.compile(r';\s*([A-Za-z0-9_*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')
_PERCENT_CTRL = re.compile(r"%(22|[01][0-9A-Fa-f])")


class HttpError(Exception):
    """A request the server cannot parse; answered with this status, then the socket closes."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(slots=True, frozen=True)
class UploadedFile:
    """One file part of a multipart/form-data body."""

    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class HttpRequest:
    """One parsed HTTP request."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


async def read_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> HttpRequest | None:
    """Read one request; None when the peer closed the connection between requests."""
    try:
        head = await reader.readuntil(_HEADER_END)
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise HttpError(400, "Bad Request: incomplete request head") from exc
        return None
    except asyncio.LimitOverrunError as exc:
        raise HttpError(431, "Request Header Fields Too Large") from exc
    lines = head[: -len(_HEADER_END)].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpError(400, "Bad Request: malformed request line")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise HttpError(400, "Bad Request: malformed header")
        headers[name.strip().lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    else:
        length_text = headers.get("content-length", "0") or "0"
        if not length_text.isdigit():
            raise HttpError(400, "Bad Request: invalid Content-Length")
        length = int(length_text)
        if length > MAX_BODY:
            raise HttpError(413, "Request Entity Too Large")
        body = await reader.readexactly(length) if length else b""
    path, _, query = target.partition("?")
    return HttpRequest(method.upper(), unquote(path), query, headers, body, keep_alive)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        size_line = (await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError as exc:
            raise HttpError(400, "Bad Request: invalid chunk size") from exc
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers are ignored
            return b"".join(chunks)
        total += size
        if total > MAX_BODY:
            raise HttpError(413, "Request Entity Too Large")
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


def build_response(
    status: int, body: bytes, *, content_type: str = "application/json", keep_alive: bool = True
) -> bytes:
    """Serialize a complete HTTP/1.1 response."""
    reason = _REASONS.get(status)
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        _REASONS[status] = reason
    connection = "keep-alive" if keep_alive else "close"
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: {connection}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def decode_params(request: HttpRequest) -> dict[str, Any]:
    """Query-string and body parameters (form, multipart or JSON), decoded to Python values."""
    params: dict[str, Any] = {}
    if request.query:
        for key, value in parse_qsl(request.query, keep_blank_values=True):
            params[key] = coerce_param(key, value)
    if not request.body:
        return params
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        for key, value in parse_qsl(
            request.body.decode("utf-8", "replace"), keep_blank_values=True
        ):
            params[key] = coerce_param(key, value)
    elif content_type.startswith("multipart/form-data"):
        boundary = _boundary(request.headers["content-type"])
        for key, part in _parse_multipart(request.body, boundary).items():
            params[key] = part if isinstance(part, UploadedFile) else coerce_param(key, part)
    elif content_type.startswith("application/json"):
        try:
            decoded = json.loads(request.body)
        except ValueError as exc:
            raise HttpError(400, "Bad Request: can't parse JSON request body") from exc
        if not isinstance(decoded, dict):
            raise HttpError(400, "Bad Request: JSON request body must be an object")
        for key, value in decoded.items():
            params[key] = coerce_param(key, value) if isinstance(value, str) else value
    else:
        raise HttpError(400, f"Bad Request: unsupported Content-Type {content_type!r}")
    return params


def coerce_param(name: str, value: str) -> Any:
    """Turn a form value into what Telegram would read it as."""
    if name in _STRING_PARAMS:
        return value
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value  # the method handler reports the malformed value
    if _INT_RE.fullmatch(value):
        return int(value)
    if value == "true":
        return True
    if value == "false":
        return False
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if _FLOAT_RE.fullmatch(value):
        return float(value)
    return value


def _boundary(content_type: str) -> bytes:
    for piece in content_type.split(";")[1:]:
        key, _, value = piece.strip().partition("=")
        if key.lower() == "boundary" and value:
            return value.strip('"').encode("latin-1")
    raise HttpError(400, "Bad Request: multipart body without boundary")


def _unescape_quoted(value: str) -> str:
    value = re.sub(r"\\(.)", r"\1", value)
    return _PERCENT_CTRL.sub(lambda m: chr(int(m.group(1), 16)), value)


def _parse_multipart(body: bytes, boundary: bytes) -> dict[str, str | UploadedFile]:
    result: dict[str, str | UploadedFile] = {}
    # Prefixing CRLF lets one delimiter split the first part like the others.
    pieces = (b"\r\n" + body).split(b"\r\n--" + boundary)
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        head, sep, content = piece.partition(b"\r\n\r\n")
        if not sep:
            raise HttpError(400, "Bad Request: malformed multipart part")
        name: str | None = None
        filename: str | None = None
        content_type = "application/octet-stream"
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            key = key.strip().lower()
            if key == "content-type":
                content_type = value.strip()
            elif key == "content-disposition":
                for match in _DISPOSITION_PARAM.finditer(value):
                    pname = match.group(1).lower()
                    quoted, bare = match.group(2), match.group(3)
                    pvalue = _unescape_quoted(quoted) if quoted is not None else bare
                    if pname == "name":
                        name = pvalue
                    elif pname == "filename":
                        filename = pvalue
                    elif pname == "filename*" and "''" in pvalue:
                        charset, _, encoded = pvalue.partition("''")
                        filename = unquote(encoded, encoding=charset or "utf-8")
        if name is None:
            raise HttpError(400, "Bad Request: multipart part without a name")
        if filename is not None:
            result[name] = UploadedFile(filename, content_type, content)
        else:
            result[name] = content.decode("utf-8", "replace")
    return result
