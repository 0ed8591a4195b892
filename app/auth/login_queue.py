"""The login queue (登录排队): a bounded number of password checks at once per process, and
a clear "please wait" for the logins beyond it, which the page and the JSON clients retry by
themselves.

A password check is scrypt, about 130 ms of one core, on purpose; at the synchronised start
of an exam thousands of cadres log in within a minute, far more than the cores check. Left
alone, the logins queue in gunicorn's backlog and at the proxy until some of them time out
(nginx's ``proxy_read_timeout``) — a cadre sees an error page, not why. Here a login is
checked only when

* one of this process's ``LOGIN_CHECKS_PER_PROCESS`` password-check slots comes free within
  ``SLOT_WAIT`` seconds (threaded workers take more requests than they have cores for), and
* it did not wait in the queue in front of the app for more than ``LOGIN_QUEUE_MAX_WAIT``
  seconds (nginx stamps ``X-Request-Start: t=<seconds>`` as it passes the request on; sync
  workers let requests queue there, unseen).

Otherwise it is refused at once with ``LoginBusy``: 503, ``X-Login-Wait`` a few seconds
(more when many are waiting; spread out, so the retries do not come back together), and
the message in Chinese. The hash is not weakened, and a refused login costs no hash check
and counts as no failed login. ``0`` turns either bound off.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import gettext as _

from app.common.errors import DomainError

SLOT_WAIT = 3.0  # seconds a login waits in the process for a slot (some twenty checks)
# The wait told: 2 s and more, spread at random so the retries do not come back together,
# longer the more logins this process turned away in the last ``RECENT`` seconds — a crowd
# retrying every 2 s would cost more than the checks (each answer is a few ms of CPU).
RETRY_MIN, RETRY_MAX, RECENT = 2, 30, 5.0
_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_turned_away: deque[float] = deque()


class LoginBusy(DomainError):
    """Too many logins at this moment: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(
            _(
                "登录的人很多，正在排队。请稍候，页面将在 %(seconds)s 秒后自动重试。",
                seconds=retry_after,
            )
        )
        self.retry_after = retry_after


def queued_for(stamp: str | None, now: float | None = None) -> float | None:
    """Seconds a request waited since the proxy stamped it (``t=1733390000.123``, nginx's
    ``$msec``), or None without a readable stamp."""
    if not stamp:
        return None
    value = stamp[2:] if stamp.startswith("t=") else stamp
    try:
        started = float(value)
    except ValueError:
        return None
    if started != started or started <= 0:  # NaN, nonsense
        return None
    return max(0.0, (time.time() if now is None else now) - started)


def waited(request) -> float | None:
    """How long this request queued in front of the app, from the proxy's stamp."""
    return queued_for(request.headers.get("X-Request-Start"))


WAIT_HEADER = "X-Login-Wait"


def with_wait(response, busy: LoginBusy):
    """The wait on a refused login's response: ``X-Login-Wait`` (what the login page's
    script and the bench follow) and ``Retry-After`` (which Flask-Limiter may move later,
    to the end of its window: it keeps the larger of the two)."""
    response.headers[WAIT_HEADER] = str(busy.retry_after)
    response.headers["Retry-After"] = str(busy.retry_after)
    return response


def _semaphore(size: int) -> threading.BoundedSemaphore:
    with _lock:
        slot = _slots.get(size)
        if slot is None:
            slot = _slots[size] = threading.BoundedSemaphore(size)
        return slot


def retry_after(turned_away_recently: int) -> int:
    """Seconds to wait: with n logins turned away in the last ``RECENT`` seconds, about
    n / RECENT (so the retries come back at about the rate they were turned away), at least
    ``RETRY_MIN``, at most ``RETRY_MAX``, spread by up to half again."""
    base = min(RETRY_MAX, max(RETRY_MIN, round(turned_away_recently / RECENT)))
    return min(RETRY_MAX, base + random.randint(0, max(1, base // 2)))


def _busy() -> LoginBusy:
    now = time.monotonic()
    with _lock:
        _turned_away.append(now)
        while _turned_away and _turned_away[0] < now - RECENT:
            _turned_away.popleft()
        recent = len(_turned_away)
    return LoginBusy(retry_after(recent))


@contextmanager
def password_check(
    *, checks_per_process: int, max_wait: float, waited: float | None
) -> Iterator[None]:
    """Hold one of the process's password-check slots for the block, or raise ``LoginBusy``
    (the login waited too long before it got here, or every slot is taken)."""
    if max_wait and waited is not None and waited > max_wait:
        raise _busy()
    if not checks_per_process:
        yield
        return
    slot = _semaphore(checks_per_process)
    if not slot.acquire(timeout=SLOT_WAIT):
        raise _busy()
    try:
        yield
    finally:
        slot.release()
