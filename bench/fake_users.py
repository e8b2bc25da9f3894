"""What the people on the fake Bot API server do (fake_telegram.py): send messages (privacy
mode deciding what reaches the bot), upload files, tap buttons, type inline queries and post in
channels. Each action becomes an update the bot receives by getUpdates or its webhook."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from .telegram_rules import utf16_len

BOT_ID = 7000001
BOT_USERNAME = "NewsQABot"


class UserActions:
    """Part of `FakeTelegram`: its chats, messages and update queue are the server's."""

    def _entities(self, text: str) -> list[dict]:
        entities = []
        for match in re.finditer(r"(?<!\S)/\w+(@\w+)?|@\w+", text):
            start16 = utf16_len(text[: match.start()])
            kind = "bot_command" if match.group().startswith("/") else "mention"
            if kind == "bot_command" and match.start() != 0:
                continue
            entities.append({"type": kind, "offset": start16, "length": utf16_len(match.group())})
        return entities

    def _meant_for_bot(self, message: dict) -> bool:
        text = message.get("text") or message.get("caption") or ""
        if re.match(r"^/\w+(@" + BOT_USERNAME + r")?\b", text, re.I):
            return True
        if re.search(r"@" + BOT_USERNAME + r"\b", text, re.I):
            return True
        replied = message.get("reply_to_message")
        return bool(replied and replied["from"]["id"] == BOT_ID and "forum_topic_created" not in replied)

    def user_sends(self, user_id: int, chat_id: int, text: str | None = None, reply_to: dict | None = None,
                   topic: dict | None = None, **extra: Any) -> dict | None:
        """A user's message; in a group with privacy mode it may never reach the bot (None)."""
        chat = self.chats[chat_id]
        fields: dict[str, Any] = dict(extra)
        if text is not None:
            key = "caption" if "document" in extra else "text"
            fields[key] = text
            entities = self._entities(text)
            if entities:
                fields["caption_entities" if key == "caption" else "entities"] = entities
        if topic is not None:
            fields["message_thread_id"] = topic["message_thread_id"]
            fields["is_topic_message"] = True
            reply_to = reply_to or topic  # the forum quirk: a topic message replies to its root
        if reply_to is not None:
            fields["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        message = self._store(chat, self.user(user_id), **fields)
        sees_all = not self.privacy or chat.id in self.bot_admin_in
        if chat.type != "private" and not sees_all and not self._meant_for_bot(message):
            self.filtered_by_privacy.append(message)
            return None
        return self.push({"message": message})

    def channel_posts(self, chat_id: int, text: str, edit: dict | None = None) -> dict:
        """A post in a channel the bot administers (a channel_post update), or an edit of `edit`
        (edited_channel_post). Links in the text carry url entities, as Telegram sends them."""
        chat = self.chats[chat_id]
        entities = [{"type": "url", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
                    for m in re.finditer(r"https?://\S+", text)]
        if edit is not None:
            message = {**edit, "text": text, "edit_date": int(time.time())}
            message.pop("entities", None)
        else:
            message = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat.to_json(),
                       "sender_chat": chat.to_json(), "text": text}
        if entities:
            message["entities"] = entities
        self.messages[(chat.id, message["message_id"])] = message
        return self.push({"edited_channel_post" if edit is not None else "channel_post": message})

    def user_uploads(self, user_id: int, chat_id: int, file_name: str, content: bytes, caption: str | None = None,
                     reply_to: dict | None = None) -> dict | None:
        file_id = f"file{next(self._ids)}"
        self.files[file_id] = content
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name, "file_size": len(content)}
        return self.user_sends(user_id, chat_id, caption, reply_to=reply_to, document=document)

    def user_inline_query(self, user_id: int, query: str) -> dict:
        """`@bot query` typed in any chat (an inline_query update)."""
        return self.push({"inline_query": {"id": str(next(self._ids)), "from": self.user(user_id), "query": query,
                                           "offset": "", "chat_type": "supergroup"}})

    def user_clicks(self, user_id: int, message: dict, data: str) -> dict:
        query = {"id": str(next(self._ids)), "from": self.user(user_id), "chat_instance": "ci",
                 "message": message, "data": data}
        return self.push({"callback_query": query})

    def push(self, payload: dict) -> dict:
        update = {"update_id": next(self._update_ids), **payload}
        self.updates.append(update)
        self._new_update.set()
        if self.webhook:
            asyncio.get_running_loop().create_task(self._deliver(update))
        return update
