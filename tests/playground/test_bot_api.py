"""The emulator driven by a real python-telegram-bot Bot, as the coach bot will drive it."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time

import pytest
from telegram import (
    Bot,
    BotCommand,
    ChatMemberBanned,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.warnings import PTBUserWarning

from bot.playground.emulator import BotApiEmulator
from tests.playground.conftest import OTHER_USER, USER, png_bytes


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


async def test_get_me(bot: Bot, emu: BotApiEmulator) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.username == "inner_thigh_coach_bot"
    assert me.is_bot
    assert emu.counts["getMe"] >= 1


async def test_long_poll_returns_promptly_when_an_update_is_injected(
    bot: Bot, emu: BotApiEmulator
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await emu.wait_for(lambda: emu.is_polling)
    started = time.monotonic()
    emu.inject_message(USER, "hello")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.0
    assert [u.message.text for u in updates if u.message] == ["hello"]


async def test_long_poll_without_updates_waits_for_its_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=0.3)) == ()
    assert time.monotonic() - started >= 0.25


async def test_offset_confirms_earlier_updates(bot: Bot, emu: BotApiEmulator) -> None:
    ids = [emu.inject_message(USER, f"m{i}")["update_id"] for i in range(3)]
    first = await bot.get_updates()
    assert [u.update_id for u in first] == ids
    assert [u.update_id for u in await bot.get_updates()] == ids  # not confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1], limit=1)] == [ids[1]]
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    assert emu.pending_updates() == []
    later = [emu.inject_message(USER, f"n{i}")["update_id"] for i in range(3)]
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == [later[2]]
    assert [u["update_id"] for u in emu.pending_updates()] == [later[2]]


async def test_allowed_updates_filters_and_persists(bot: Bot, emu: BotApiEmulator) -> None:
    emu.inject_message(USER, "plain message")
    edited = emu.inject_update(
        {
            "edited_message": {
                "message_id": 1,
                "date": 1,
                "edit_date": 2,
                "chat": {"id": USER, "type": "private", "first_name": "Test"},
                "text": "edited",
            }
        }
    )
    updates = await bot.get_updates(allowed_updates=["edited_message"])
    assert [u.update_id for u in updates] == [edited["update_id"]]
    emu.inject_message(USER, "dropped too")
    assert [u.update_id for u in await bot.get_updates()] == [edited["update_id"]]


async def test_chat_member_updates_need_opting_in(bot: Bot, emu: BotApiEmulator) -> None:
    joiner = {"id": 9, "is_bot": False, "first_name": "U"}
    member = {
        "chat": {"id": -5, "type": "group", "title": "g"},
        "from": {"id": USER, "is_bot": False, "first_name": "T"},
        "date": 1,
        "old_chat_member": {"user": joiner, "status": "left"},
        "new_chat_member": {"user": joiner, "status": "member"},
    }
    emu.inject_update({"chat_member": member})
    assert await bot.get_updates() == ()
    emu.inject_update({"chat_member": member})
    updates = await bot.get_updates(allowed_updates=["chat_member"])
    assert updates[0].chat_member is not None


async def test_second_poller_terminates_the_first(bot: Bot, emu: BotApiEmulator) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await emu.wait_for(lambda: emu.is_polling)
    # A second bot instance; PTB serializes getUpdates within one Bot.
    async with Bot(emu.token, base_url=emu.base_url) as second_instance:
        second = asyncio.create_task(
            second_instance.get_updates(timeout=dtm.timedelta(seconds=0.1))
        )
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)
        assert await second == ()


async def test_send_message_html_round_trip(bot: Bot, emu: BotApiEmulator) -> None:
    emu.inject_message(USER, "/start")
    source = "<b>Day 1</b> &amp; <i>easy</i> 😀"
    sent = await bot.send_message(
        USER, source, parse_mode=ParseMode.HTML, reply_markup=keyboard("done", "skip")
    )
    assert sent.text == "Day 1 & easy 😀"
    assert sent.text_html == source
    assert sent.chat.id == USER
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    assert sent.message_id == 2  # the user's /start was message 1 in this chat
    assert sent.reply_markup == keyboard("done", "skip")
    stored = emu.last_message(USER)
    assert stored is not None
    assert stored.text == source
    assert stored.plain_text == "Day 1 & easy 😀"
    assert stored.parse_mode == "HTML"
    assert stored.button_texts == ["done", "skip"]
    assert not stored.edited
    (call,) = emu.calls_to("sendMessage")
    assert call.response_ok
    assert call.params["chat_id"] == USER
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "done"


async def test_text_is_trimmed_and_empty_text_rejected(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    sent = await bot.send_message(USER, "  <b>hi</b>\n", parse_mode=ParseMode.HTML)
    assert sent.text == "hi"
    assert sent.text_html == "<b>hi</b>"
    for empty in ("   ", "<b></b>"):
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(USER, empty, parse_mode=ParseMode.HTML)


@pytest.mark.parametrize(
    "text", ["1 < 2", "Tom & Jerry", "<b>unclosed", "<p>para</p>", "<b><i>x</b></i>"]
)
async def test_malformed_html_is_a_bad_request(bot: Bot, emu: BotApiEmulator, text: str) -> None:
    emu.register_chat(USER)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    assert emu.messages(USER) == []
    (call,) = emu.calls_to("sendMessage")
    assert not call.response_ok
    assert call.error_code == 400


async def test_same_text_without_parse_mode_is_fine(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    sent = await bot.send_message(USER, "1 < 2 & <p>")
    assert sent.text == "1 < 2 & <p>"


async def test_text_limit_counts_utf16_units_after_parsing(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    await bot.send_message(USER, "a" * 4096)
    await bot.send_message(USER, "😀" * 2048)
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    await bot.send_message(USER, "&amp;" * 4096, parse_mode=ParseMode.HTML)
    for too_long in ("a" * 4097, "😀" * 2049, "😀" * 2048 + "a"):
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(USER, too_long)
    assert len(emu.messages(USER)) == 4


async def test_caption_limit(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    await bot.send_photo(USER, png_bytes(), caption="c" * 1024)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(USER, png_bytes(), caption="c" * 1025)


async def test_callback_data_must_be_1_to_64_bytes(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    await bot.send_message(USER, "ok", reply_markup=keyboard("x" * 64))
    await bot.send_message(USER, "ok", reply_markup=keyboard("é" * 32))
    for bad in ("x" * 65, "é" * 33):
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(USER, "no", reply_markup=keyboard(bad))
    assert len(emu.messages(USER)) == 2


async def test_inline_button_needs_an_action(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("text only")]])
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await bot.send_message(USER, "no", reply_markup=markup)


async def test_edit_message_text(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    sent = await bot.send_message(USER, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<b>v1</b>", USER, sent.message_id, parse_mode="HTML", reply_markup=keyboard("a")
        )
    edited = await bot.edit_message_text(
        "<b>v2</b>", USER, sent.message_id, parse_mode="HTML", reply_markup=keyboard("a")
    )
    assert not isinstance(edited, bool)
    assert edited.text == "v2"
    assert edited.edit_date is not None
    stored = emu.last_message(USER)
    assert stored is not None
    assert (stored.text, stored.edited, stored.button_texts) == ("<b>v2</b>", True, ["a"])
    # Like Telegram, an edit that omits reply_markup removes the inline keyboard.
    await bot.edit_message_text("v3", USER, sent.message_id)
    stored = emu.last_message(USER)
    assert stored is not None
    assert stored.reply_markup is None


async def test_edit_unknown_message(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER, 999)
    user_message = emu.inject_message(USER, "mine")["message"]["message_id"]
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", USER, user_message)


async def test_edit_reply_markup_and_delete(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("b"))
    stored = emu.last_message(USER)
    assert stored is not None
    assert stored.button_texts == ["b"]
    assert await bot.delete_message(USER, sent.message_id)
    assert emu.messages(USER) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


async def test_reply_keyboard_is_stored_but_not_echoed(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    sent = await bot.send_message(USER, "choose", reply_markup=ReplyKeyboardMarkup([["Yes"]]))
    assert sent.reply_markup is None
    stored = emu.last_message(USER)
    assert stored is not None
    assert stored.reply_markup == {"keyboard": [[{"text": "Yes"}]]}


async def test_callback_query_answered_once(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("done"))
    emu.inject_button_press(USER, "done")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None
    assert query.data == "done"
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query.id, text="x" * 201)
    assert await bot.answer_callback_query(query.id, text="Nice!")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    assert [a["text"] for a in emu.callback_answers()] == ["Nice!"]


async def test_callback_on_unknown_message_is_inaccessible(bot: Bot, emu: BotApiEmulator) -> None:
    emu.inject_callback(USER, 77, "stale")
    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert not update.callback_query.message.is_accessible


async def test_unknown_method(bot: Bot, emu: BotApiEmulator) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("fooBar")
    (call,) = emu.calls_to("fooBar")
    assert (call.error_code, call.description) == (404, "Not Found: method not found")


async def test_wrong_token(emu: BotApiEmulator) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=emu.base_url):
            pass  # Bot.__aenter__ calls getMe
    (call,) = emu.calls_to("getMe")
    assert (call.response_ok, call.error_code, call.description) == (False, 401, "Unauthorized")


async def test_retry_after(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    emu.fail_next(
        "sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 7",
        retry_after=7,
    )
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert (await bot.send_message(USER, "hi again")).text == "hi again"


async def test_server_error_is_a_network_error(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    emu.fail_next("sendMessage", error_code=502, description="Bad Gateway", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(USER, "hi")
        assert not isinstance(caught.value, BadRequest)
    await bot.send_message(USER, "third time lucky")


async def test_fault_for_one_chat_only(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    emu.register_chat(OTHER_USER)
    emu.fail_next("sendMessage", error_code=400, description="Bad Request: nope", chat_id=USER)
    await bot.send_message(OTHER_USER, "unaffected")
    with pytest.raises(BadRequest, match="Nope"):
        await bot.send_message(USER, "hit")


async def test_internal_error_becomes_500(
    bot: Bot, emu: BotApiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(params: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setitem(emu._methods, "sendchataction", ("sendChatAction", broken))
    emu.register_chat(USER)
    with pytest.raises(NetworkError, match="RuntimeError: boom"):
        await bot.send_chat_action(USER, ChatAction.TYPING)
    assert await bot.get_me()  # the server survived


async def test_blocked_user(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    emu.block_user(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, ChatAction.TYPING)
    emu.unblock_user(USER)
    await bot.send_message(USER, "welcome back")


async def test_my_chat_member_blocks(bot: Bot, emu: BotApiEmulator) -> None:
    emu.inject_my_chat_member(USER, blocked=True)
    (update,) = await bot.get_updates()
    assert update.my_chat_member is not None
    assert isinstance(update.my_chat_member.new_chat_member, ChatMemberBanned)
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "hi")
    emu.inject_my_chat_member(USER, blocked=False)
    await bot.send_message(USER, "hi")


async def test_chat_must_be_known(bot: Bot, emu: BotApiEmulator) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER, "hi")
    emu.register_chat(USER)
    await bot.send_message(USER, "hi")


async def test_auto_register_chats() -> None:
    async with (
        BotApiEmulator(auto_register_chats=True) as emu,
        Bot(emu.token, base_url=emu.base_url) as bot,
    ):
        await bot.send_message(424242, "hi")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(-100, "no groups")
        assert [m.plain_text for m in emu.messages(424242)] == ["hi"]


async def test_reply_to_unknown_message(bot: Bot, emu: BotApiEmulator) -> None:
    incoming = emu.inject_message(USER, "question")["message"]["message_id"]
    answer = await bot.send_message(USER, "answer", reply_to_message_id=incoming)
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "question"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(USER, "answer", reply_to_message_id=999)


async def test_send_photo_and_document_store_bytes(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    picture = png_bytes(40, 30)
    photo_message = await bot.send_photo(
        USER, picture, caption="<b>Form</b> check", parse_mode="HTML", filename="form.png"
    )
    assert photo_message.caption == "Form check"
    assert (photo_message.photo[-1].width, photo_message.photo[-1].height) == (40, 30)
    document_message = await bot.send_document(USER, b"notes\n", filename="plan.txt")
    assert document_message.document is not None
    assert document_message.document.file_name == "plan.txt"
    photo, document = emu.messages(USER)
    assert (photo.kind, photo.photo, photo.file_name) == ("photo", picture, "form.png")
    assert (document.kind, document.document, document.file_name) == (
        "document",
        b"notes\n",
        "plan.txt",
    )
    assert document.file_bytes == b"notes\n"
    file = await bot.get_file(document_message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"notes\n"
    # Re-sending by file_id reuses the stored bytes.
    again = await bot.send_document(USER, document_message.document.file_id)
    assert again.document is not None
    assert emu.messages(USER)[-1].file_bytes == b"notes\n"


async def test_photo_must_be_an_image(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER, b"not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(USER, "no-such-file-id")


async def test_chat_action(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    assert await bot.send_chat_action(USER, ChatAction.TYPING)
    with (
        pytest.warns(PTBUserWarning, match="Please use 'Bot.sendChatAction'"),
        pytest.raises(BadRequest, match="Wrong parameter action"),
    ):
        await bot.do_api_request("sendChatAction", {"chat_id": USER, "action": "dancing"})


async def test_commands(bot: Bot, emu: BotApiEmulator) -> None:
    assert await bot.get_my_commands() == ()
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("today", "Session")])
    await bot.set_my_commands([BotCommand("start", "Beginnen")], language_code="de")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "today"]
    assert [c.description for c in await bot.get_my_commands(language_code="de")] == ["Beginnen"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Command", "x")])


async def test_webhook_blocks_get_updates(bot: Bot, emu: BotApiEmulator) -> None:
    with pytest.raises(BadRequest, match=r"(?i)an https url must be provided"):
        await bot.set_webhook("http://example.com/hook")
    emu.inject_message(USER, "waiting")
    await bot.set_webhook("https://example.com/hook")
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("https://example.com/hook", 1)
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_close_and_log_out(bot: Bot, emu: BotApiEmulator) -> None:
    assert await bot.close()
    assert await bot.log_out()
    assert [c.method for c in emu.calls[-2:]] == ["close", "logOut"]


async def test_delay_seconds(bot: Bot, emu: BotApiEmulator) -> None:
    emu.delay_seconds = 0.05
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.05


async def test_wait_for_call_and_timeout_message(bot: Bot, emu: BotApiEmulator) -> None:
    emu.register_chat(USER)
    task = asyncio.create_task(bot.send_message(USER, "hi"))
    (call,) = await emu.wait_for_call("sendMessage", chat_id=USER)
    assert call.params["text"] == "hi"
    await task
    with pytest.raises(TimeoutError, match=r"expected 2 sendMessage call\(s\).*got 1"):
        await emu.wait_for_call("sendMessage", count=2, timeout=0.05)
    with pytest.raises(TimeoutError, match="last_message"):
        await emu.wait_for(lambda: emu.last_message(OTHER_USER) is not None, timeout=0.05)


async def test_reset_calls_and_counts_only_mode() -> None:
    async with BotApiEmulator(record_calls=False) as emu, Bot(emu.token, emu.base_url) as bot:
        emu.register_chat(USER)
        for _ in range(3):
            await bot.send_message(USER, "x")
        assert emu.calls == []
        assert emu.counts["sendMessage"] == 3
        assert len(emu.messages(USER)) == 3
        emu.reset_calls()
        assert emu.counts == {}
