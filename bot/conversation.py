"""Conversation context per chat and thread, kept in the store so it survives a restart and is
forgotten after `context_ttl_s` idle seconds.

The state remembers the last few answers by the message id the bot sent them under, so a reply
to an answer, a "More sources" press or a feedback press finds the question it belongs to.
"""

from __future__ import annotations

from dataclasses import asdict

from retrieval.answers import Citation
from retrieval.engine import FollowUp
from retrieval.store import ChatState

KEEP_ANSWERS = 20


def chat_key(chat_id: int, thread_id: int | None) -> str:
    return f"{chat_id}:{thread_id or 0}"


class Conversations:
    def __init__(self, chats: ChatState, ttl_s: float) -> None:
        self.chats = chats
        self.ttl_s = ttl_s

    def _load(self, key: str) -> dict:
        return self.chats.load_conversation(key, self.ttl_s) or {"answers": {}, "last": None}

    def follow_up_latest(self, key: str) -> FollowUp | None:
        """The most recent answer in this chat, for a private chat's follow-ups."""
        state = self._load(key)
        last = state.get("last")
        return self._follow_up(state["answers"].get(str(last))) if last is not None else None

    def follow_up_to(self, key: str, message_id: int) -> FollowUp | None:
        """The answer sent as `message_id`, for a reply to it."""
        return self._follow_up(self._load(key)["answers"].get(str(message_id)))

    @staticmethod
    def _follow_up(entry: dict | None) -> FollowUp | None:
        if not entry:
            return None
        return FollowUp(questions=entry["questions"], article_keys=entry["article_keys"])

    @staticmethod
    def entry(key: str, question: str, follow_up: FollowUp | None, shown: list[Citation],
              more: list[Citation], next_questions: list[str] | None = None) -> dict:
        """What is remembered of an answer (kept with it in the outbox until it is sent): its
        questions, what it cited, the citations not shown yet, and the questions its buttons ask."""
        earlier = follow_up.questions[-2:] if follow_up else []
        return {
            "key": key,
            "questions": [*earlier, question],
            "article_keys": [c.article_id for c in shown],
            "more": [asdict(c) for c in more],
            "next": list(next_questions or []),
        }

    def remember(self, key: str, message_id: int, question: str, follow_up: FollowUp | None,
                 shown: list[Citation], more: list[Citation]) -> None:
        self.remember_entry(message_id, self.entry(key, question, follow_up, shown, more))

    def remember_entry(self, message_id: int, entry: dict) -> None:
        """Remember an answer under the id of the message it was sent as."""
        key = entry["key"]
        state = self._load(key)
        state["answers"][str(message_id)] = {k: v for k, v in entry.items() if k != "key"}
        for old in sorted(state["answers"], key=int)[:-KEEP_ANSWERS]:
            del state["answers"][old]
        state["last"] = message_id
        self.chats.save_conversation(key, state)

    def answer_entry(self, key: str, message_id: int) -> dict | None:
        return self._load(key)["answers"].get(str(message_id))

    def pop_more(self, key: str, message_id: int) -> tuple[dict, list[Citation]] | None:
        """The answer sent as `message_id` and its citations not shown yet (handed over once);
        None if the answer is unknown or expired."""
        state = self._load(key)
        entry = state["answers"].get(str(message_id))
        if entry is None:
            return None
        more = [Citation(**c) for c in entry["more"]]
        entry["more"] = []
        self.chats.save_conversation(key, state)
        return entry, more

    def forget(self, key: str) -> None:
        self.chats.save_conversation(key, None)
