"""Getting replies to Telegram and handling each update once.

- `RetryingRateLimiter`: PTB's AIORateLimiter (waits out 429 retry_after) that also retries a
  request Telegram answered with a server error or that never reached it (a refused or reset
  connection). Nothing else is retried: a 4xx (chat not found, can't parse entities, message too
  long, bot blocked) fails the same way every time, and a request that timed out may have been
  delivered, and a reader must not get the same answer twice.
- `TelegramRequest`: PTB's HTTPX request that lets every 4xx read as the refusal it is. PTB
  raises its retryable-looking `NetworkError` for the 4xx codes it has no class for (413, 414,
  ...), so those are handed to PTB as 400s: `BadRequest` with Telegram's own description. It
  also passes every message it sends through a `SendGate`, the last step before the wire.
- `claim_update`: a handler run before all others that drops an update already handled (a
  webhook redelivery of the same update_id, or polling across a restart), by claiming the
  update_id in the store.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import logging
import time
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, ApplicationHandlerStop, ContextTypes
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)


#: `rate_limit_args` of a request the outbox sends (bot/outbox.py): already paced.
PACED = "paced"
#: The span the overall limit is counted over: a little over a second (see `SendGate`).
OVERALL_WINDOW_S = 1.1
#: The priority at the `SendGate` of the messages a task sends: `ANSWER` unless it says otherwise.
ANSWER, ALERT = 0, 1
SEND_PRIORITY: contextvars.ContextVar[int] = contextvars.ContextVar("send_priority", default=ANSWER)
#: The Bot API methods that post a message into a chat: what Telegram's 30 a second counts.
MESSAGE_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendAnimation",
    "sendVoice", "sendVideoNote", "sendMediaGroup", "sendLocation", "sendVenue", "sendContact",
    "sendPoll", "sendDice", "sendSticker", "sendInvoice", "forwardMessage", "forwardMessages",
    "copyMessage", "copyMessages",
})


class SendGate:
    """Messages go onto the wire one at a time, evenly spaced: `limit` in each `window_s`;
    answers to readers before alerts (`SEND_PRIORITY`).

    Why evenly spaced, and why at the HTTP send: Telegram counts messages as they arrive. A
    gate that lets a burst through at the start of each window, or one that sits before PTB's
    own work and the connection pool, lets a starved event loop deliver two windows' worth in
    one calendar second. Spaced requests that pass the gate right before they are written
    cannot bunch by more than the few in flight at a stall; a window of 1.1 s leaves that
    margin (bench/alerts.py counts arrivals at the server). Why priorities: when the loop is
    starved the gate passes fewer than planned, and a reader's answer must not queue behind a
    fan-out's alerts."""

    def __init__(self, limit: int, window_s: float = OVERALL_WINDOW_S) -> None:
        self.interval_s = window_s / max(1, limit)
        self._next = 0.0
        self._waiting: list[tuple[int, int, asyncio.Future]] = []  # a heap: (priority, arrival, waiter)
        self._arrivals = itertools.count()
        self._releaser: asyncio.Task | None = None

    @property
    def backlog(self) -> int:
        """Requests waiting for their turn."""
        return len(self._waiting)

    async def wait(self) -> None:
        """Wait for this request's turn (at `SEND_PRIORITY`'s priority: lower goes first)."""
        now = time.monotonic()
        if not self._waiting and now >= self._next:
            self._next = now + self.interval_s
            return
        waiter = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (SEND_PRIORITY.get(), next(self._arrivals), waiter))
        if self._releaser is None or self._releaser.done():
            self._releaser = asyncio.create_task(self._release())
        await waiter

    async def _release(self) -> None:
        while self._waiting:
            delay = self._next - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            waiter = heapq.heappop(self._waiting)[2]
            if waiter.done():  # its request was cancelled while it waited
                continue
            waiter.set_result(None)
            self._next = max(time.monotonic(), self._next) + self.interval_s


class RetryingRateLimiter(AIORateLimiter):
    def __init__(self, *args: Any, network_retries: int = 3, backoff_s: float = 0.5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network_retries = network_retries
        self.backoff_s = backoff_s

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[override]
        for attempt in range(self.network_retries + 1):
            try:
                if rate_limit_args == PACED:
                    # The outbox keeps Telegram's limits per chat and waits out a 429 for that chat
                    # alone; AIORateLimiter would pause every chat's requests for it.
                    return await callback(*args, **kwargs)
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except (TimedOut, BadRequest):  # maybe delivered; or refused for good
                raise
            except NetworkError as exc:  # a server error, or a connection refused or cut
                if attempt == self.network_retries or endpoint == "getUpdates":
                    raise  # the updater has its own back-off for getUpdates
                log.warning("%s failed (%s); retrying", endpoint, exc)
                await asyncio.sleep(self.backoff_s * (2**attempt))
        raise AssertionError("unreachable")


#: The 4xx codes PTB gives classes of their own (Forbidden, InvalidToken, Conflict, BadRequest,
#: RetryAfter), none of them a NetworkError but BadRequest, which RetryingRateLimiter does not retry.
_PTB_CLIENT_ERRORS = {400, 401, 403, 404, 409, 429}


class TelegramRequest(HTTPXRequest):
    def __init__(self, *args: Any, gate: SendGate | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = gate

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self.gate is not None and url.rsplit("/", 1)[-1] in MESSAGE_METHODS:
            await self.gate.wait()
        code, payload = await super().do_request(url, *args, **kwargs)
        if 400 <= code < 500 and code not in _PTB_CLIENT_ERRORS:
            return 400, payload
        return code, payload


async def claim_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop an update that was already handled here or by another replica."""
    store = context.bot_data["engine"].chats
    if not await asyncio.to_thread(store.claim_update, update.update_id):
        log.info("update %s was already handled; ignored", update.update_id)
        raise ApplicationHandlerStop
