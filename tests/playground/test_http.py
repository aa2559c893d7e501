"""The emulator's HTTP layer, checked on the wire with a raw client."""

from __future__ import annotations

import json
from urllib.parse import quote

from bot.playground.emulator import BotApiEmulator
from tests.playground.conftest import USER, RawClient, png_bytes

FORM = "application/x-www-form-urlencoded"


def api(emu: BotApiEmulator, method: str) -> str:
    return f"/bot{emu.token}/{method}"


async def test_keep_alive_and_form_encoding(emu: BotApiEmulator, raw: RawClient) -> None:
    emu.register_chat(USER)
    markup = quote(json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]}))
    body = f"chat_id={USER}&text=123&disable_notification=true&reply_markup={markup}".encode()
    status, payload = await raw.request("POST", api(emu, "sendMessage"), body, FORM)
    assert status == 200
    assert payload["ok"] is True
    assert payload["result"]["text"] == "123"
    # A second request on the same connection: keep-alive works.
    status, payload = await raw.request("GET", api(emu, "getMe"))
    assert (status, payload["result"]["username"]) == (200, emu.bot_username)
    (call,) = emu.calls_to("sendMessage")
    assert call.params == {
        "chat_id": USER,
        "text": "123",  # text stays a string even when it looks like a number
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]},
    }


async def test_json_body_and_query_string(emu: BotApiEmulator, raw: RawClient) -> None:
    emu.register_chat(USER)
    body = json.dumps({"chat_id": str(USER), "text": "from json"}).encode()
    status, payload = await raw.request("POST", api(emu, "sendMessage"), body, "application/json")
    assert (status, payload["result"]["text"]) == (200, "from json")
    status, payload = await raw.request("GET", api(emu, "sendMessage") + f"?chat_id={USER}&text=q")
    assert (status, payload["result"]["text"]) == (200, "q")


async def test_chunked_body(emu: BotApiEmulator, raw: RawClient) -> None:
    emu.register_chat(USER)
    body = f"chat_id={USER}&text=chunked".encode()
    chunks = b"".join(
        f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in (body[:5], body[5:])
    )
    head = (
        f"POST {api(emu, 'sendMessage')} HTTP/1.1\r\nHost: t\r\n"
        f"Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    status, _, payload = await raw.send(head.encode() + chunks + b"0\r\n\r\n")
    assert status == 200
    assert json.loads(payload)["result"]["text"] == "chunked"


async def test_multipart_upload(emu: BotApiEmulator, raw: RawClient) -> None:
    emu.register_chat(USER)
    boundary = "xyzBOUNDARY"
    picture = png_bytes()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n{USER}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n42\r\n'
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="photo"; filename="a %22q%22.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode()
        + picture
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, payload = await raw.request(
        "POST", api(emu, "sendPhoto"), body, f"multipart/form-data; boundary={boundary}"
    )
    assert status == 200, payload
    assert payload["result"]["caption"] == "42"
    stored = emu.last_message(USER)
    assert stored is not None
    assert (stored.photo, stored.file_name, stored.caption) == (picture, 'a "q".png', "42")


async def test_error_statuses_match_the_body(emu: BotApiEmulator, raw: RawClient) -> None:
    status, payload = await raw.request("GET", "/botWRONG/getMe")
    assert (status, payload) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    status, payload = await raw.request("GET", api(emu, "noSuchMethod"))
    assert (status, payload["description"]) == (404, "Not Found: method not found")
    status, payload = await raw.request("GET", api(emu, "sendMessage") + "?chat_id=5&text=x")
    assert (status, payload["description"]) == (400, "Bad Request: chat not found")
    emu.fail_next(
        "getMe", error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    status, payload = await raw.request("GET", api(emu, "getMe"))
    assert (status, payload["parameters"]) == (429, {"retry_after": 3})


async def test_method_names_are_case_insensitive(emu: BotApiEmulator, raw: RawClient) -> None:
    status, _ = await raw.request("GET", api(emu, "getme"))
    assert status == 200
    assert emu.counts == {"getMe": 1}


async def test_malformed_request_gets_400_and_server_survives(
    emu: BotApiEmulator, raw: RawClient
) -> None:
    status, _, _ = await raw.send(b"NONSENSE\r\n\r\n")
    assert status == 400
    other = await RawClient.open(emu)
    try:
        status, _ = await other.request("GET", api(emu, "getMe"))
        assert status == 200
    finally:
        await other.close()


async def test_file_download(emu: BotApiEmulator, raw: RawClient) -> None:
    status, _ = await raw.request("GET", f"/file/bot{emu.token}/documents/missing.txt")
    assert status == 404


async def test_control_endpoints(emu: BotApiEmulator, raw: RawClient) -> None:
    status, payload = await raw.request(
        "POST", "/_emu/register_chat", json.dumps({"chat_ids": [7, 8]}).encode(), "application/json"
    )
    assert (status, payload["result"]) == (200, True)
    status, payload = await raw.request(
        "POST",
        "/_emu/inject_message",
        json.dumps({"user_id": 7, "text": "/start"}).encode(),
        "application/json",
    )
    assert payload["result"]["message"]["entities"][0]["type"] == "bot_command"
    status, payload = await raw.request("GET", "/_emu/stats")
    assert payload["result"]["pending_updates"] == 1
    assert payload["result"]["chats"] == 2
