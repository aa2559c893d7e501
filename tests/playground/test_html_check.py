"""check_html/parse_html against Telegram's HTML parse-mode rules."""

from __future__ import annotations

import pytest

from bot.playground.html_check import HtmlParseError, check_html, parse_html, utf16_len

GOOD = [
    ("plain text", "plain text"),
    ("<b>bold</b> <strong>strong</strong>", "bold strong"),
    ("<i>i</i><em>em</em><u>u</u><ins>ins</ins>", "iemuins"),
    ("<s>s</s><strike>st</strike><del>del</del>", "sstdel"),
    ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link"),
    ("<code>x &lt; y</code>", "x < y"),
    ('<pre><code class="language-python">print(1)</code></pre>', "print(1)"),
    ("<tg-spoiler>secret</tg-spoiler>", "secret"),
    ('<span class="tg-spoiler">secret</span>', "secret"),
    ("<blockquote>quote</blockquote>", "quote"),
    ("<blockquote expandable>long quote</blockquote>", "long quote"),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
    ("&lt;&gt;&amp;&quot;", '<>&"'),
    ("&#65;&#x42;&#X43;", "ABC"),
    ("<B>upper case tags</B>", "upper case tags"),
    ("<b><i>nested</i></b>", "nested"),
    ("<b>closed by empty end tag</>", "closed by empty end tag"),
    ("a > b is fine", "a > b is fine"),
    ("<b >spaces in tags</b >", "spaces in tags"),
    ("<code class=language-py>bare value</code>", "bare value"),
]

BAD = [
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
    ("Ünïcode <div>", 'Unsupported start tag "div" at byte offset 10'),
    ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
    ("Tom & Jerry", 'Character "&" is reserved'),
    ("&nbsp;", 'Character "&" is reserved'),
    ("&#xD800;", 'Character "&" is reserved'),
    ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
    ("</b>", "Unexpected end tag at byte offset 0"),
    ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
    ("<b", "Unclosed start tag at byte offset 0"),
    ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ('<a href="x>link</a>', 'Unclosed start tag "a"'),
    ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
    ('<span class="other">x</span>', 'Tag "span" must have class "tg-spoiler"'),
    ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
    ("<a href=a&b>x</a>", "Unexpected end of name token at byte offset 8"),
    ("<a href=https://example.com>x</a>", "Unexpected end of name token at byte offset 8"),
]


@pytest.mark.parametrize(("source", "plain"), GOOD)
def test_accepts_what_telegram_accepts(source: str, plain: str) -> None:
    assert check_html(source) == plain


@pytest.mark.parametrize(("source", "fragment"), BAD)
def test_rejects_what_telegram_rejects(source: str, fragment: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        check_html(source)
    assert fragment in caught.value.description
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert isinstance(caught.value, ValueError)


def test_entities_use_utf16_offsets() -> None:
    plain, entities = parse_html("😀 <b>bold</b> <i>it</i>")
    assert plain == "😀 bold it"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "italic", "offset": 8, "length": 2},
    ]


def test_entity_details() -> None:
    _, entities = parse_html(
        '<pre><code class="language-py">x</code></pre><a href="https://t.me">t</a>'
        "<blockquote expandable>q</blockquote><b></b>"
    )
    assert entities == [
        {"type": "pre", "offset": 0, "length": 1, "language": "py"},
        {"type": "text_link", "offset": 1, "length": 1, "url": "https://t.me"},
        {"type": "expandable_blockquote", "offset": 2, "length": 1},
    ]


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("é") == 1
    assert utf16_len("😀") == 2
