"""A fake Telegram Bot API server on 127.0.0.1: the end-to-end tests (tests/) and the load
benchmarks (bench/load*.py) drive the real PTB Application against it.

It behaves like Telegram where it matters: form-encoded requests with JSON-encoded fields,
getUpdates long polling and webhook delivery with the secret header, privacy mode in groups, the
forum-topic quirk (every topic message replies to the topic's root), HTML parse errors and the
4096 UTF-16 limit, 64-byte callback data, and 429 with retry_after on demand. When
../shared/telegram/bot-api.json exists, every request is checked against it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from .fake_users import BOT_ID, BOT_USERNAME, UserActions
from .telegram_rules import ApiError, check_against_spec, check_inline_results, check_message

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "telegram" / "bot-api.json"
JSON_FIELDS = {"reply_markup", "entities", "reply_parameters", "link_preview_options", "commands",
               "scope", "results", "allowed_updates", "caption_entities", "media"}
def load_spec() -> dict | None:
    return json.loads(SPEC_PATH.read_text()) if SPEC_PATH.exists() else None


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    is_forum: bool = False
    username: str | None = None

    def to_json(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        if self.type == "private":
            data["first_name"] = f"user{self.id}"
        return data


@dataclass
class FakeTelegram(UserActions):
    token: str = "123456:TEST-token"
    long_poll_cap: float = 0.2
    privacy: bool = True
    spec: dict | None = field(default_factory=load_spec)
    calls: list[Call] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    filtered_by_privacy: list[dict] = field(default_factory=list)
    #: When set, a group sent more than this many messages in a minute gets 429 with the
    #: retry_after Telegram would give (seconds until the minute frees a slot).
    group_limit_per_minute: int | None = None

    def __post_init__(self) -> None:
        self.group_sends: dict[int, list[float]] = {}  # group chat id -> monotonic send times
        self.chats: dict[int, Chat] = {}
        self.messages: dict[tuple[int, int], dict] = {}
        self.files: dict[str, bytes] = {}
        self.updates: list[dict] = []
        self.confirmed = 0
        self.webhook: dict | None = None
        self.faults: dict[str, list[ApiError]] = {}
        self.network_faults: dict[str, list[tuple[str, float]]] = {}
        self.dropped: list[Call] = []  # requests whose connection was cut before they were handled
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self.url = ""
        self.bot_admin_in: set[int] = set()  # bot admins see every group message
        self.group_admins: dict[int, set[int]] = {}  # chat id -> user ids getChatMember calls admins

    # --- server --------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        await self._session.close()
        await self._runner.cleanup()

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["path"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = value.file.read()
                elif key in JSON_FIELDS or (isinstance(value, str) and value[:1] in "{[" ):
                    try:
                        params[key] = json.loads(value)
                    except ValueError:
                        params[key] = value
                else:
                    params[key] = value
        late = 0.0
        network = self.network_faults.get(method)
        if network:
            kind, late = network.pop(0)
            if kind == "drop":  # cut the connection before handling: nothing happened, no answer
                self.dropped.append(Call(method, params))
                request.transport.close()
                return web.Response(status=500)
        self.calls.append(Call(method, params))
        try:
            self._check_spec(method, params)
            faults = self.faults.get(method, [])
            for fault in faults:
                if fault.chat_id is None or str(fault.chat_id) == str(params.get("chat_id")):
                    faults.remove(fault)
                    raise fault
            handler = getattr(self, f"m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
            await asyncio.sleep(late)  # handled, but answered after the client stopped waiting
            return web.json_response({"ok": True, "result": result})
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return web.json_response(body, status=exc.code)
        except Exception as exc:  # a bug in the fake: fail the test, not silently
            self.internal_errors.append(f"{method}: {exc!r}")
            return web.json_response({"ok": False, "error_code": 500, "description": "internal"}, status=500)

    def _check_spec(self, method: str, params: dict) -> None:
        if self.spec is not None:
            self.internal_errors += check_against_spec(self.spec, method, params)

    def add_chat(self, chat_id: int, type_: str = "private", title: str | None = None, forum: bool = False,
                 username: str | None = None) -> Chat:
        chat = Chat(chat_id, type_, title, forum, username)
        self.chats[chat_id] = chat
        return chat

    def user(self, user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}

    def bot_user(self) -> dict:
        return {"id": BOT_ID, "is_bot": True, "first_name": "News QA", "username": BOT_USERNAME}

    def _store(self, chat: Chat, sender: dict, **fields: Any) -> dict:
        message = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat.to_json(),
                   "from": sender, **fields}
        self.messages[(chat.id, message["message_id"])] = message
        return message

    def add_topic(self, chat_id: int, name: str, by_bot: bool = False) -> dict:
        chat = self.chats[chat_id]
        root = self._store(chat, self.bot_user() if by_bot else self.user(1),
                           forum_topic_created={"name": name, "icon_color": 7322096})
        root["message_thread_id"] = root["message_id"]
        root["is_topic_message"] = True
        return root

    async def _deliver(self, update: dict) -> None:
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        async with self._session.post(self.webhook["url"], json=update, headers=headers) as response:
            self.webhook.setdefault("statuses", []).append(response.status)

    def inject(self, method: str, code: int, description: str, retry_after: int | None = None,
               chat_id: int | None = None) -> None:
        """The next `method` request (into `chat_id` only, when given) fails with this error."""
        self.faults.setdefault(method, []).append(ApiError(code, description, retry_after, chat_id))

    def inject_network(self, method: str, kind: str, seconds: float = 0.0) -> None:
        """"drop": the next `method` request's connection is cut before it is handled; "late": it
        is handled, and answered `seconds` later (after the client's read timeout)."""
        assert kind in ("drop", "late")
        self.network_faults.setdefault(method, []).append((kind, seconds))

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)]

    async def wait_for(self, method: str, predicate=lambda p: True, after: int = 0, timeout: float = 20.0) -> Call:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.calls[after:]:
                if call.method == method and predicate(call.params):
                    return call
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {method} within {timeout}s; calls: {[c.method for c in self.calls[after:]]}")

    def message_of(self, call: Call) -> dict:
        """The message the bot created with a sendMessage call."""
        return self.messages[(int(call.params["chat_id"]), call.params["_message_id"])]

    # --- Bot API methods -----------------------------------------------------------------
    async def m_getMe(self, p: dict) -> dict:
        return {**self.bot_user(), "can_join_groups": True, "can_read_all_group_messages": not self.privacy,
                "supports_inline_queries": True}

    async def m_deleteWebhook(self, p: dict) -> bool:
        self.webhook = None
        return True

    async def m_setWebhook(self, p: dict) -> bool:
        self.webhook = {"url": p["url"], "secret_token": p.get("secret_token")}
        return True

    async def m_getUpdates(self, p: dict) -> list:
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(p.get("offset", 0))
        if offset:
            self.confirmed = max(self.confirmed, offset)
        deadline = time.monotonic() + min(float(p.get("timeout", 0)), self.long_poll_cap)
        while True:
            pending = [u for u in self.updates if u["update_id"] >= self.confirmed]
            if pending or time.monotonic() >= deadline:
                return pending[: int(p.get("limit", 100))]
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), max(0.01, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                pass

    async def m_setMyCommands(self, p: dict) -> bool:
        for command in p["commands"]:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    async def m_sendChatAction(self, p: dict) -> bool:
        return True

    async def m_getChatMember(self, p: dict) -> dict:
        """A group's admins are the users in `group_admins`; everyone else a member."""
        user_id = int(p["user_id"])
        status = "administrator" if user_id in self.group_admins.get(int(p["chat_id"]), set()) else "member"
        rights = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
                  "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                  "can_delete_stories") if status == "administrator" else ()
        extra = {"can_be_edited": False, "is_anonymous": False, **dict.fromkeys(rights, True)} if rights else {}
        return {"status": status, "user": self.user(user_id), **extra}

    async def m_answerInlineQuery(self, p: dict) -> bool:
        check_inline_results(p["results"])
        return True

    async def m_answerCallbackQuery(self, p: dict) -> bool:
        if len(p.get("text", "")) > 200:
            raise ApiError(400, "Bad Request: text is too long")
        return True

    async def m_sendMessage(self, p: dict) -> dict:
        chat = self.chats.get(int(p["chat_id"]))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.type != "private" and self.group_limit_per_minute is not None:
            now = time.monotonic()
            recent = [t for t in self.group_sends.get(chat.id, []) if now - t < 60.0]
            if len(recent) >= self.group_limit_per_minute:
                wait = max(1, int(60.0 - (now - recent[0])) + 1)
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
            self.group_sends.setdefault(chat.id, []).append(now)
        visible = check_message(p)
        fields: dict[str, Any] = {"text": visible}
        reply = p.get("reply_parameters")
        if reply:
            replied = self.messages.get((chat.id, int(reply["message_id"])))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
            if replied:
                fields["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        if "message_thread_id" in p:
            fields["message_thread_id"] = int(p["message_thread_id"])
            fields["is_topic_message"] = True
        if p.get("reply_markup"):
            fields["reply_markup"] = p["reply_markup"]
        message = self._store(chat, self.bot_user(), **fields)
        p["_message_id"] = message["message_id"]
        p["_at"] = time.perf_counter()
        return message

    async def m_editMessageText(self, p: dict) -> dict:
        message = self.messages.get((int(p["chat_id"]), int(p["message_id"])))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        visible = check_message(p)
        if visible == message.get("text") and p.get("reply_markup") == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"] = visible
        return message

    async def m_getFile(self, p: dict) -> dict:
        if p["file_id"] not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": p["file_id"], "file_unique_id": p["file_id"], "file_size": len(self.files[p["file_id"]]),
                "file_path": p["file_id"]}
