"""Telegram's rules, as the fake Bot API server (fake_telegram.py) enforces them: the Bot API
spec's methods and parameters, HTML parse mode (only Telegram's tags, entities closed and nested
as it demands), lengths in UTF-16 units, and callback data sizes."""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
                "a", "code", "pre", "blockquote", "tg-emoji"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None, chat_id: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after, self.chat_id = code, description, retry_after, chat_id


def parse_html(text: str) -> str:
    """Validate Telegram HTML as Telegram does and return the visible text."""
    out, stack, pos = [], [], 0
    for match in re.finditer(r"<(/?)([a-zA-Z][\w-]*)([^<>]*)>|<|&(#\d+|#x[0-9a-fA-F]+|\w+);|&", text):
        out.append(text[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        if token == "<":
            raise ApiError(400, f"Bad Request: can't parse entities: Unexpected character at byte offset {match.start()}")
        if token == "&":
            raise ApiError(400, "Bad Request: can't parse entities: Unexpected end of name token")
        if token.startswith("&"):
            name = match.group(4)
            if name.startswith("#"):
                out.append(html.unescape(token))
            elif name in ("lt", "gt", "amp", "quot"):
                out.append(html.unescape(token))
            else:
                raise ApiError(400, f"Bad Request: can't parse entities: Unsupported entity {name}")
            continue
        closing, tag = match.group(1), match.group(2).lower()
        if tag not in ALLOWED_TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        if closing:
            if not stack or stack.pop() != tag:
                raise ApiError(400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')
        else:
            if tag == "blockquote" and "blockquote" in stack:
                raise ApiError(400, "Bad Request: can't parse entities: nested blockquote")
            stack.append(tag)
    if stack:
        raise ApiError(400, f'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    out.append(text[pos:])
    return "".join(out)


def check_against_spec(spec: dict, method: str, params: dict) -> list[str]:
    """Raise what Telegram answers a request that breaks the spec; return the parameters it
    does not know (Telegram ignores them; a test should not send them)."""
    method_spec = spec["methods"].get(method)
    if method_spec is None:
        raise ApiError(404, "Not Found")
    for f in method_spec.get("fields", []):
        if f["required"] and f["name"] not in params:
            raise ApiError(400, f"Bad Request: parameter {f['name']} is required")
        if f["name"] in params and f["types"] == ["Integer"]:
            try:
                int(params[f["name"]])
            except (TypeError, ValueError):
                raise ApiError(400, f"Bad Request: {f['name']} must be an Integer") from None
    unknown = set(params) - {f["name"] for f in method_spec.get("fields", [])}
    return [f"{method}: parameters not in the spec: {sorted(unknown)}"] if unknown else []


def check_message(p: dict, key: str = "text") -> str:
    """A message's visible text, after Telegram's checks of its text and buttons."""
    text = p.get(key, "")
    visible = parse_html(text) if p.get("parse_mode") == "HTML" else text
    if not visible.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(visible) > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    markup = p.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return visible


def check_inline_results(results: list[dict]) -> None:
    """Telegram's checks on answerInlineQuery: at most 50 results, unique ids of at most 64
    bytes, each message's HTML valid and within 4096 units."""
    if len(results) > 50:
        raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
    if len({r["id"] for r in results}) != len(results):
        raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
    for result in results:
        if len(result["id"].encode()) > 64:
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        content = result["input_message_content"]
        text = parse_html(content["message_text"]) if content.get("parse_mode") == "HTML" else content["message_text"]
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
