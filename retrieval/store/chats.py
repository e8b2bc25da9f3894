"""What the bot keeps in the store about its chats: conversations, feedback, the questions it
could not answer, the updates it has handled, and its outbox. Kept apart from the articles:
`Engine.chats` is this."""

from __future__ import annotations

import json
import time
from typing import Any

from .base import Store

#: Tables `newsbot migrate` copies so that the bot carries on where it was.
CARRIED = {
    "conversations": "chat_key, state, updated_at",
    "feedback": "id, chat_key, user_id, question, article_ids, helpful, at",
    "handled_updates": "update_id, at",
    "unanswered": "id, question, at",
}
#: Unanswered questions are kept this long: enough for a month's view of what readers miss.
UNANSWERED_KEEP_S = 90 * 86_400


class ChatState:
    def __init__(self, store: Store) -> None:
        self.store = store

    def load_conversation(self, chat_key: str, max_age_s: float) -> dict | None:
        rows = self.store.query("SELECT state, updated_at FROM conversations WHERE chat_key = ?", (chat_key,))
        if not rows or time.time() - rows[0][1] > max_age_s:
            return None
        return json.loads(rows[0][0])

    def save_conversation(self, chat_key: str, state: dict | None) -> None:
        with self.store.transaction() as db:
            if state is None:
                db.execute("DELETE FROM conversations WHERE chat_key = ?", (chat_key,))
            else:
                db.execute(
                    "INSERT INTO conversations VALUES (?, ?, ?) ON CONFLICT(chat_key) DO UPDATE "
                    "SET state = excluded.state, updated_at = excluded.updated_at",
                    (chat_key, json.dumps(state), time.time()),
                )

    def add_feedback(
        self, chat_key: str, user_id: int | None, question: str, article_ids: list[str], helpful: bool
    ) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO feedback (chat_key, user_id, question, article_ids, helpful, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (chat_key, user_id, question, json.dumps(article_ids), int(helpful), time.time()),
            )

    def add_unanswered(self, question: str) -> None:
        """A question nothing was cited for: its words and the time, not who asked (gaps.py).
        Rows past UNANSWERED_KEEP_S are dropped as new ones come."""
        with self.store.transaction() as db:
            now = time.time()
            row = db.execute("INSERT INTO unanswered (question, at) VALUES (?, ?) RETURNING id", (question[:1000], now)).fetchone()
            if row[0] % 100 == 0:
                db.execute("DELETE FROM unanswered WHERE at < ?", (now - UNANSWERED_KEEP_S,))

    def asked_since(self, since: float, limit: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(question, time) newest first, at most `limit` of each, since `since`: the questions
        nothing was cited for, and those whose answer a reader marked not helpful."""
        unanswered = self.store.query("SELECT question, at FROM unanswered WHERE at >= ? ORDER BY at DESC LIMIT ?", (since, limit))
        unhelpful = self.store.query(
            "SELECT question, at FROM feedback WHERE helpful = 0 AND at >= ? ORDER BY at DESC LIMIT ?", (since, limit)
        )
        return [(r[0], r[1]) for r in unanswered], [(r[0], r[1]) for r in unhelpful]

    def claim_update(self, update_id: int, keep_s: float = 86_400) -> bool:
        """True the first time an update id is claimed; False for a redelivery."""
        with self.store.transaction() as db:
            now = time.time()
            cur = db.execute("INSERT INTO handled_updates VALUES (?, ?) ON CONFLICT DO NOTHING", (update_id, now))
            if update_id % 1000 == 0:
                db.execute("DELETE FROM handled_updates WHERE at < ?", (now - keep_s,))
            return cur.rowcount == 1

    # --- the outbox --------------------------------------------------------------------
    def outbox_put(self, chat_id: int, is_group: bool, payload: dict) -> int:
        with self.store.transaction() as db:
            return int(db.execute(
                "INSERT INTO outbox (chat_id, is_group, payload, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                (chat_id, int(is_group), json.dumps(payload), time.time()),
            ).fetchone()[0])

    def outbox_waiting(self) -> dict[int, tuple[bool, int, float, bool]]:
        """chat id -> (is a group, messages pending, when the oldest was queued, only alerts
        pending), for chats with pending messages and none being sent."""
        rows = self.store.query(
            "SELECT chat_id, MAX(is_group), COUNT(*), MIN(created_at), MIN(alert) FROM outbox o WHERE state = 'pending' "
            "AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.chat_id = o.chat_id AND s.state = 'sending') "
            "GROUP BY chat_id"
        )
        return {r[0]: (bool(r[1]), r[2], r[3], bool(r[4])) for r in rows}

    def outbox_claim(self, chat_id: int, owner: str, limit: int) -> list[tuple[int, dict, float]]:
        """The chat's oldest pending messages (at most `limit`), claimed for `owner`: none when
        another sender holds a message of the chat, so a chat's messages go out in order and
        each through one sender (one replica, on PostgreSQL)."""
        return self.outbox_claim_many([(chat_id, limit)], owner).get(chat_id, [])

    def outbox_claim_many(self, wanted: list[tuple[int, int]], owner: str) -> dict[int, list[tuple[int, dict, float]]]:
        """`outbox_claim` for several (chat id, limit) at once, in one transaction."""
        claimed: dict[int, list[tuple[int, dict, float]]] = {}
        with self.store.transaction() as db:
            for chat_id, limit in wanted:
                rows = db.execute(
                    "UPDATE outbox SET state = 'sending', owner = ?, claimed_at = ? WHERE state = 'pending' AND id IN "
                    "(SELECT id FROM outbox WHERE chat_id = ? AND state = 'pending' ORDER BY id LIMIT ?) "
                    "AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.chat_id = ? AND s.state = 'sending') "
                    "RETURNING id, payload, created_at",
                    (owner, time.time(), chat_id, limit, chat_id),
                ).fetchall()
                if rows:
                    claimed[chat_id] = sorted((r[0], json.loads(r[1]), r[2]) for r in rows)
        return claimed

    def outbox_finish(self, ids: list[int], state: str, message_id: int | None = None) -> None:
        """Mark claimed messages `sent` (with the message id Telegram gave), `dropped`,
        `unknown`, or `pending` again (to be retried)."""
        self.outbox_finish_many([(ids, state, message_id)])

    def outbox_finish_many(self, outcomes: list[tuple[list[int], str, int | None]]) -> None:
        """`outbox_finish` for several outcomes, in one transaction."""
        outcomes = [o for o in outcomes if o[0]]
        if not outcomes:
            return
        with self.store.transaction() as db:
            for ids, state, message_id in outcomes:
                db.execute(
                    f"UPDATE outbox SET state = ?, message_id = ?, owner = NULL WHERE id IN ({','.join('?' * len(ids))})",
                    (state, message_id, *ids),
                )

    def outbox_recover(self, lease_s: float) -> int:
        """Messages claimed more than `lease_s` ago and never finished (their sender died
        mid-send): they may have reached Telegram, so they are not sent again (`unknown`), and
        their chat's next messages may go."""
        with self.store.transaction() as db:
            return db.execute(
                "UPDATE outbox SET state = 'unknown' WHERE state = 'sending' AND claimed_at < ?", (time.time() - lease_s,)
            ).rowcount

    def outbox_prune(self, older_than_s: float = 86_400) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM outbox WHERE state != 'pending' AND created_at < ?", (time.time() - older_than_s,))

    def outbox_states(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.store.query("SELECT state, COUNT(*) FROM outbox GROUP BY state")}

    def feedback(self) -> list[dict]:
        return [dict(r) for r in self.store.query("SELECT * FROM feedback ORDER BY id")]

    # --- copying to another store (newsbot migrate) ------------------------------------
    def rows(self, table: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.store.query(f"SELECT {CARRIED[table]} FROM {table}")]

    def copy_into(self, target: "ChatState") -> dict[str, int]:
        """Conversations, feedback and handled update ids, into another store; rows it has are kept."""
        copied = {}
        with target.store.transaction() as db:
            for table, columns in CARRIED.items():
                rows = self.rows(table)
                marks = ", ".join("?" * len(columns.split(",")))
                db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING", rows)
                copied[table] = len(rows)
        target.store.after_copy("feedback")
        target.store.after_copy("unanswered")
        return {"conversations": copied["conversations"], "feedback": copied["feedback"]}
