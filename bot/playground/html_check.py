"""Telegram's HTML parse mode, re-implemented to reject what Telegram rejects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["HtmlParseError", "check_html", "parse_html", "utf16_len"]

_SPECIAL = re.compile(r"[<&]")
_ENTITY = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z][a-zA-Z0-9]{0,31}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\f\v")
_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
}


class HtmlParseError(ValueError):
    """Text Telegram would refuse with ``Bad Request: can't parse entities: ...``."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        self.description = f"Bad Request: can't parse entities: {detail}"
        super().__init__(self.description)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def check_html(text: str) -> str:
    """Return the plain text Telegram would show; raise HtmlParseError if it would reject it."""
    return parse_html(text)[0]


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, message entities with UTF-16 offsets) like Telegram's HTML mode."""
    if "<" not in text and "&" not in text:
        return text, []
    return _Parser(text).run()


@dataclass(slots=True)
class _Open:
    tag: str
    arg: str
    start: int  # UTF-16 offset in the output
    byte_pos: int


def _decode_entity(match: re.Match[str]) -> str | None:
    dec, hexa, name = match.groups()
    if name is not None:
        return _NAMED.get(name)
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _decode_attr_value(raw: str) -> str:
    # Inside attribute values Telegram keeps an "&" that starts no entity as is.
    def repl(match: re.Match[str]) -> str:
        decoded = _decode_entity(match)
        return match.group(0) if decoded is None else decoded

    return _ENTITY.sub(repl, raw) if "&" in raw else raw


class _Parser:
    __slots__ = ("ascii", "entities", "n", "out", "stack", "text", "u16")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self.n = len(text)
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def fail(self, detail: str) -> HtmlParseError:
        return HtmlParseError(detail)

    def byte_offset(self, pos: int) -> int:
        return len(self.text[:pos].encode("utf-8"))

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.u16 += len(chunk) if self.ascii else utf16_len(chunk)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text = self.text
        pos = 0
        while True:
            found = _SPECIAL.search(text, pos)
            if found is None:
                if pos < self.n:
                    self.emit(text[pos:])
                break
            i = found.start()
            if i > pos:
                self.emit(text[pos:i])
            if text[i] == "&":
                pos = self.entity(i)
            elif i + 1 < self.n and text[i + 1] == "/":
                pos = self.end_tag(i)
            else:
                pos = self.start_tag(i)
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def entity(self, i: int) -> int:
        match = _ENTITY.match(self.text, i)
        decoded = _decode_entity(match) if match is not None else None
        if match is None or decoded is None:
            raise self.fail(
                'Character "&" is reserved and must be escaped as "&amp;" '
                f"at byte offset {self.byte_offset(i)}"
            )
        self.emit(decoded)
        return match.end()

    def skip_spaces(self, j: int) -> int:
        text, n = self.text, self.n
        while j < n and text[j] in _SPACES:
            j += 1
        return j

    def start_tag(self, i: int) -> int:
        text, n = self.text, self.n
        j = i + 1
        while j < n and text[j] not in _SPACES and text[j] != ">":
            j += 1
        name = text[i + 1 : j].lower()
        if j >= n:
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(i)}")
        if name not in _TAGS:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {self.byte_offset(i)}')
        arg = ""
        while True:
            j = self.skip_spaces(j)
            if j >= n:
                raise self.fail(f'Unclosed start tag "{name}" at byte offset {self.byte_offset(i)}')
            if text[j] == ">":
                break
            attr_start = j
            while j < n and text[j] not in _SPACES and text[j] not in "=>":
                j += 1
            attr = text[attr_start:j].lower()
            if not attr:
                raise self.fail(
                    f'Empty attribute name in the tag "{name}" at byte offset {self.byte_offset(i)}'
                )
            j = self.skip_spaces(j)
            if j >= n or text[j] != "=":
                if name == "blockquote" and attr == "expandable":
                    arg = "expandable"
                    continue
                raise self.fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {self.byte_offset(i)}'
                )
            j = self.skip_spaces(j + 1)
            if j >= n:
                raise self.fail(f'Unclosed start tag "{name}" at byte offset {self.byte_offset(i)}')
            quote = text[j]
            if quote in "\"'":
                end = text.find(quote, j + 1)
                if end < 0:
                    raise self.fail(
                        f'Unclosed start tag "{name}" at byte offset {self.byte_offset(i)}'
                    )
                value = _decode_attr_value(text[j + 1 : end])
                j = end + 1
            else:
                k = j
                while k < n and ((text[k].isascii() and text[k].isalnum()) or text[k] in ".-"):
                    k += 1
                if k >= n:
                    raise self.fail(
                        f'Unclosed start tag "{name}" at byte offset {self.byte_offset(i)}'
                    )
                if text[k] not in _SPACES and text[k] != ">":
                    raise self.fail(
                        f"Unexpected end of name token at byte offset {self.byte_offset(j)}"
                    )
                value = text[j:k].lower()
                j = k
            arg = _attribute_argument(name, attr, value, arg)
        if name == "span" and arg != "spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(i)}'
            )
        if name == "tg-emoji" and not (arg.isdigit() and int(arg) > 0):
            raise self.fail("Invalid custom emoji identifier specified")
        self.stack.append(_Open(name, arg, self.u16, i))
        return j + 1

    def end_tag(self, i: int) -> int:
        text, n = self.text, self.n
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(i)}")
        j = i + 2
        while j < n and text[j] not in _SPACES and text[j] != ">":
            j += 1
        end_name = text[i + 2 : j].lower()
        j = self.skip_spaces(j)
        if j >= n or text[j] != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(i)}")
        top = self.stack.pop()
        if end_name and end_name != top.tag:
            raise self.fail(
                f"Unmatched end tag at byte offset {self.byte_offset(i)}, "
                f'expected "</{top.tag}>", found "</{end_name}>"'
            )
        self.close(top)
        return j + 1

    def close(self, top: _Open) -> None:
        length = self.u16 - top.start
        if length == 0:
            return
        entity: dict[str, Any] = {"type": "", "offset": top.start, "length": length}
        tag = top.tag
        if tag == "code" and self.stack:
            parent = self.stack[-1]
            if parent.tag == "pre" and parent.start == top.start:
                # <pre><code class="language-x"> is one pre entity carrying the language.
                parent.arg = top.arg or parent.arg
                return
        if tag in _SIMPLE_TYPES:
            entity["type"] = _SIMPLE_TYPES[tag]
        elif tag == "pre":
            entity["type"] = "pre"
            if top.arg:
                entity["language"] = top.arg
        elif tag == "a":
            if not top.arg:
                return
            entity["type"] = "text_link"
            entity["url"] = top.arg
        elif tag == "blockquote":
            entity["type"] = "expandable_blockquote" if top.arg else "blockquote"
        else:  # tg-emoji
            entity["type"] = "custom_emoji"
            entity["custom_emoji_id"] = top.arg
        self.entities.append(entity)


def _attribute_argument(tag: str, attr: str, value: str, current: str) -> str:
    if tag == "a" and attr == "href":
        return value
    if tag == "code" and attr == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attr == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attr == "emoji-id":
        return value
    return current
