"""Answering and sending apart: a handler computes the answer and puts the message in the
outbox (a table of the store); one sender drains the outbox within Telegram's limits.

Why: Telegram allows about 30 messages a second overall, 20 a minute into one group and about
one a second into one private chat. A handler that sends its own answer waits whenever its group
is at its limit, holding one of the application's few concurrent slots; a few busy groups then
hold every slot, and private chats queue behind them. Here a handler's slot is free as soon as
its answer is queued, and only the sender waits, per chat:

- A chat's messages go out in the order they were queued, one at a time.
- Each chat has its own pace (a group 20 messages in any minute, a private chat one a second)
  and its own `retry_after` when Telegram answers 429; the overall pace is 30 a second. The
  pace is planned when messages are claimed and enforced again as each request goes onto the
  wire (`SendGate` in bot/delivery.py): a slow pass over the store must not release two
  seconds' claims at once.
- A group that asks faster than it can be answered gets its waiting answers merged into one
  message (each under its question) rather than queued one per message, and an answer that
  would arrive more than `deadline_s` after its question becomes a short apology, merged the
  same way: a busy group sees fewer, fuller messages and no stale answers.
- The outbox is in the store: a restart loses nothing; a message claimed by a sender that died
  mid-send is not sent again (it may have arrived). On PostgreSQL each chat's messages are
  claimed by one replica at a time.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from retrieval.store import ChatState

from .delivery import ALERT, OVERALL_WINDOW_S, PACED, SEND_PRIORITY, SendGate
from .render import MAX_UNITS, esc, headed, utf16_len, visible_text

log = logging.getLogger(__name__)

#: Telegram's limits (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
PRIVATE_INTERVAL_S = 1.0
#: The share of the overall pace alerts may take: answers to readers never wait behind a
#: fan-out of alerts (bench/alerts.py).
ALERT_SHARE = 2 / 3
#: Answers merged into one message at most.
MERGE_MAX = 5
#: A message claimed this long ago and not finished belongs to a sender that died mid-send
#: (a send takes seconds even when Telegram asks to retry after a while).
LEASE_S = 120.0


@dataclass
class ChatPace:
    """When a chat may be sent its next message."""

    is_group: bool
    sent: collections.deque = field(default_factory=collections.deque)  # send times, last minute
    not_before: float = 0.0

    def ready_at(self, now: float) -> float:
        at = self.not_before
        if self.is_group:
            while self.sent and now - self.sent[0] >= 60.0:
                self.sent.popleft()
            if len(self.sent) >= GROUP_PER_MINUTE:
                at = max(at, self.sent[0] + 60.0)
        elif self.sent:
            at = max(at, self.sent[-1] + PRIVATE_INTERVAL_S)
        return at

    def record(self, now: float) -> None:
        self.sent.append(now)
        if not self.is_group:
            while len(self.sent) > 1:
                self.sent.popleft()


class Outbox:
    """Queue messages with `put`; `run` sends them (start it once per process)."""

    def __init__(self, chats: ChatState, deadline_s: float = 120.0, per_second: int = OVERALL_PER_SECOND,
                 gate: SendGate | None = None) -> None:
        # The overall pace is planned here and enforced by the HTTP request's `gate`; alerts
        # are claimed only while the gate holds less than a second's messages, so none waits
        # there anywhere near the lease.
        self.gate = gate
        self.chats = chats
        self.deadline_s = deadline_s
        self.per_second = per_second
        self.owner = f"{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        self._paces: dict[int, ChatPace] = {}
        self._overall: collections.deque = collections.deque()
        self._sending: set[asyncio.Task] = set()
        #: How each finished send ended, recorded in the store at the next pass, all at once:
        #: (outbox ids, state, Telegram's message id, payload).
        self._done: list[tuple[list[int], str, int | None, dict | None]] = []
        self._courtesies: set[asyncio.Task] = set()  # chat actions in flight (kept referenced)
        self._stopping = False
        #: The outbox's own thread for the store: its reads and writes never queue behind the
        #: answers being computed on the default executor.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox")
        #: Called with (what to remember, message id) after an answer is sent: the bot's
        #: conversations remember answers by the id Telegram gave them.
        self.on_sent = None
        #: Called with the chat id when a chat refuses the bot for good (blocked it, deleted):
        #: what the chat follows goes.
        self.on_refused = None

    async def _db(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    async def put(self, chat_id: int, is_group: bool, text: str, reply_to: int | None = None,
                  thread_id: int | None = None, markup: InlineKeyboardMarkup | None = None,
                  question: str = "", remember: dict | None = None, by_button: bool = False) -> None:
        """Queue `text`, the answer to `question`; `by_button`: asked by a button, so the chat shows
        no question and the answer goes under it (once: a merged message heads each answer)."""
        payload = {
            "text": text, "reply_to": reply_to, "thread_id": thread_id,
            "markup": markup.to_dict() if markup else None, "question": question, "remember": remember,
            "by_button": by_button,
        }
        await self._db(self.chats.outbox_put, chat_id, is_group, payload)
        self._wake.set()

    # --- the sender ------------------------------------------------------------------------
    async def run(self, bot: Bot) -> None:
        """Send until `stop`: each pass claims the next message(s) of every chat whose pace
        allows one now, sends them concurrently (one at a time per chat), then sleeps until the
        next chat is due or something is queued."""
        recovered_at = 0.0
        while True:
            if self._stopping and self._sending:  # let what is being sent finish, then record it
                await asyncio.gather(*self._sending, return_exceptions=True)
            now = time.monotonic()
            if now - recovered_at > LEASE_S / 4:
                await self._db(self.chats.outbox_recover, LEASE_S)
                recovered_at = now
            if self._done:  # what was sent since the last pass, in one transaction
                done, self._done = self._done, []
                await self._db(self._settle, done)
            if self._stopping:
                break
            waiting = await self._db(self.chats.outbox_waiting)
            next_at = now + 1.0  # look again at least every second (other replicas' messages)
            busy = {t.get_name() for t in self._sending}
            wanted: list[tuple[int, int]] = []
            # Chats with an answer waiting first, then those with only alerts, oldest first.
            for chat_id, (is_group, _count, _oldest, alerts) in sorted(waiting.items(), key=lambda item: (item[1][3], item[1][2])):
                if str(chat_id) in busy:
                    continue
                if alerts and self.gate is not None and self.gate.backlog >= self.per_second:
                    next_at = min(next_at, now + 0.1)
                    continue
                pace = self._paces.setdefault(chat_id, ChatPace(is_group))
                at = max(pace.ready_at(now), self._overall_ready(now, ALERT_SHARE if alerts else 1.0))
                if at > now:
                    next_at = min(next_at, at)
                    continue
                pace.record(now)
                self._overall.append(now)
                wanted.append((chat_id, MERGE_MAX if is_group else 1))
            claimed = await self._db(self.chats.outbox_claim_many, wanted, self.owner) if wanted else {}
            for chat_id, rows in claimed.items():
                task = asyncio.create_task(self._send(bot, chat_id, rows), name=str(chat_id))
                self._sending.add(task)
                task.add_done_callback(self._sent)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, next_at - time.monotonic()))
            except asyncio.TimeoutError:
                pass

    def _settle(self, done: list[tuple[list[int], str, int | None, dict | None]]) -> None:
        """Record how each send ended; then remember the answers sent (for follow-ups)."""
        self.chats.outbox_finish_many([(ids, state, message_id) for ids, state, message_id, _ in done])
        for _ids, state, message_id, payload in done:
            if state == "sent" and payload and payload.get("remember") and self.on_sent is not None:
                try:
                    self.on_sent(payload["remember"], message_id)
                except Exception:  # remembering is a convenience; the answer is out
                    log.exception("could not remember an answer")

    def _sent(self, task: asyncio.Task) -> None:
        self._sending.discard(task)
        self._wake.set()

    def _overall_used(self, now: float) -> int:
        while self._overall and now - self._overall[0] >= OVERALL_WINDOW_S:
            self._overall.popleft()
        return len(self._overall)

    def _overall_ready(self, now: float, share: float = 1.0) -> float:
        """When the overall pace allows the next message; `share` of it for alerts."""
        used = self._overall_used(now)
        if used < share * self.per_second:
            return now
        oldest = self._overall[used - int(share * self.per_second)] if share < 1.0 else self._overall[0]
        return oldest + OVERALL_WINDOW_S

    def has_room(self) -> bool:
        """Whether this second's overall budget is less than half used."""
        return self._overall_used(time.monotonic()) < self.per_second / 2

    def courtesy(self, request) -> None:
        """Send a request that may fail or be dropped (a chat action) without waiting for it."""
        async def run() -> None:
            try:
                await request
            except Exception as exc:  # a courtesy: its failure changes nothing
                log.info("chat action not sent: %s", exc)

        task = asyncio.create_task(run())
        self._courtesies.add(task)
        task.add_done_callback(self._courtesies.discard)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def compose(self, claimed: list[tuple[int, dict, float]]) -> tuple[list[int], dict]:
        """The message to send for the claimed rows: one answer as it is; several (a busy
        group) under their questions in one message, as many as fit; an answer older than the
        deadline as an apology. Returns the ids it covers and the payload to send."""
        now = time.time()

        def body(payload: dict, created: float) -> str:
            if now - created > self.deadline_s and not payload.get("alert"):  # an alert is news however late
                return (f"Sorry, I could not answer “{esc(payload['question'][:200])}” in time. "
                        "Please ask again in a minute.")
            return payload["text"]

        first_id, first, created = claimed[0]
        if first.get("alert"):  # an alert goes alone, as it is
            return [first_id], first
        claimed = claimed[: next((i for i, (_, p, _) in enumerate(claimed) if p.get("alert")), len(claimed))]
        if len(claimed) == 1:
            late = now - created > self.deadline_s
            if late:  # an apology: no buttons, and nothing to follow up on
                return [first_id], {**first, "text": body(first, created), "markup": None, "remember": None}
            return [first_id], {**first, "text": headed(first["question"], first["text"])} if first.get("by_button") else first
        def merged(parts: list[str]) -> str:
            return f"I was asked {len(parts)} questions at once here; the answers, in order:\n\n" + "\n\n".join(parts)

        ids, parts = [], []
        for row_id, payload, created in claimed:
            part = f"<b>↪ {esc(payload['question'][:200])}</b>\n{body(payload, created)}" if payload["question"] else body(payload, created)
            if parts and utf16_len(visible_text(merged([*parts, part]))) > MAX_UNITS:
                break
            ids.append(row_id)
            parts.append(part)
        if len(ids) == 1:
            return self.compose(claimed[:1])
        last = claimed[len(ids) - 1][1]
        return ids, {**last, "text": merged(parts), "markup": None, "remember": None}

    async def _send(self, bot: Bot, chat_id: int, claimed: list[tuple[int, dict, float]]) -> None:
        ids, payload = self.compose(claimed)
        rest = [row_id for row_id, _, _ in claimed if row_id not in ids]
        self._done.append((rest, "pending", None, None))  # did not fit: next time
        markup = InlineKeyboardMarkup.de_json(payload["markup"], bot) if payload["markup"] else None
        if payload.get("alert"):  # this task's own context: readers' answers pass the gate first
            SEND_PRIORITY.set(ALERT)
        try:
            sent = await bot.send_message(
                chat_id, payload["text"], message_thread_id=payload["thread_id"], reply_markup=markup,
                reply_to_message_id=payload["reply_to"], allow_sending_without_reply=True,
                **({"rate_limit_args": PACED} if isinstance(bot, ExtBot) and bot.rate_limiter is not None else {}),
            )
        except RetryAfter as exc:  # this chat waits; no other does
            delay = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else float(exc.retry_after)
            self._paces[chat_id].not_before = time.monotonic() + delay
            self._done.append((ids, "pending", None, None))
            return
        except TimedOut:  # it may have arrived: never sent twice
            log.warning("Telegram did not confirm a message to %s in time; it is not repeated", chat_id)
            self._done.append((ids, "unknown", None, None))
            return
        except (BadRequest, Forbidden) as exc:  # refused for good: chat gone, bot blocked, ...
            log.warning("message to %s refused: %s", chat_id, exc)
            self._done.append((ids, "dropped", None, None))
            if (isinstance(exc, Forbidden) or "chat not found" in str(exc).lower()) and self.on_refused is not None:
                await self._db(self.on_refused, chat_id)
            return
        except NetworkError as exc:  # server errors and cut connections, after the limiter's retries
            log.warning("message to %s failed (%s); it will be tried again", chat_id, exc)
            self._paces[chat_id].not_before = time.monotonic() + 5.0
            self._done.append((ids, "pending", None, None))
            return
        finally:  # the chat's pace counts from when this send ended: the gate may have held it
            pace = self._paces[chat_id]
            if pace.sent:
                pace.sent[-1] = max(pace.sent[-1], time.monotonic())
        self._done.append((ids, "sent", sent.message_id, payload))
