"""Cadres sitting the test through the cluster the way the exam page does, for the fault
tests (tests/ops/test_cluster_*.py)."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from bench.exam_day.load import Cadre, Client

SAVES_EACH = 6


def run_loop(coroutine):
    """``asyncio.run`` in a thread of its own: Playwright's sync API (the e2e journeys, earlier
    in the same pytest process) keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Sitting:
    """Cadres sitting the test the way the exam page does: an unacknowledged save stays in
    the queue and is sent again; after a failure the page reloads (resumes the attempt)."""

    def __init__(self, base: str, prepared, usernames: list[str]) -> None:
        self.client = Client(base, usernames, prepared.password, prepared.exam_id, connections=256)
        self.exam_id = prepared.exam_id
        self.rng = random.Random(16)
        self.acked = 0
        self.failures = 0
        self.resumed: dict[str, int] = {}
        self.wrong_resume: list[str] = []
        self.refused: list[str] = []
        self.at_halfway = 0
        self.not_applied: list[str] = []
        self.unavailable: Counter = Counter()  # the messages of the 503s the page was given

    async def _resume(self, cadre: Cadre, deadline: float | None = None) -> None:
        """A reload of the exam page: POST …/attempts gives back the attempt in progress.
        With ``deadline`` it is tried again, as the page does, until it answers: a POST that
        was on its way to a host killed mid-request is not retried by nginx (not idempotent)
        and comes back 502."""
        while True:
            status, data = await self.client.call(
                cadre,
                "resume",
                "POST",
                f"/api/v1/exams/{self.exam_id}/attempts",
                {},
                (200, 0, 502, 503, 504),
            )
            if status == 200:
                self.resumed[cadre.username] = self.resumed.get(cadre.username, 0) + 1
                if (data or {}).get("attempt_id") != cadre.attempt_id:
                    self.wrong_resume.append(cadre.username)
                return
            if deadline is None or time.monotonic() >= deadline:
                return
            await asyncio.sleep(0.2)  # the page's retry timer

    async def _until_ok(
        self, cadre: Cadre, endpoint: str, method: str, path: str, body: dict, deadline: float
    ):
        while time.monotonic() < deadline:
            status, data = await self.client.call(
                cadre, endpoint, method, path, body, expect=(200, 0, 502, 503, 504)
            )
            if status == 200 and isinstance(data, dict):
                return data
            # A 200 whose body cannot be read (the host died while nginx was passing its
            # answer on) is no acknowledgement: the page sends it again.
            if status not in (0, 200, 502, 503, 504):
                self.refused.append(f"{cadre.username} {method} {path}: {status} {data}")
                return None
            self.failures += 1
            if status == 503:
                self.unavailable[
                    (data or {}).get("message") if isinstance(data, dict) else data
                ] += 1
            await asyncio.sleep(0.2)  # the page's retry timer
            await self._resume(cadre)
        self.refused.append(f"{cadre.username}: gave up on {path}")
        return None

    async def sit(self, cadre: Cadre, deadline: float, halfway: asyncio.Event | None = None):
        for k in range(SAVES_EACH):
            if k == SAVES_EACH // 2:
                self.at_halfway += 1
                if halfway is not None:
                    await halfway.wait()  # everyone is mid-test when the fault comes
                await self._resume(cadre, deadline)  # and every cadre reloads once
            question = cadre.questions[k]
            seq = cadre.seq.get(question.id, 0) + 1
            cadre.seq[question.id] = seq
            response = question.random_response(self.rng)
            path = f"/api/v1/attempts/{cadre.attempt_id}/answers/{question.id}"
            data = await self._until_ok(
                cadre, "save", "PUT", path, {"response": response, "seq": seq}, deadline
            )
            if data and data.get("applied") is True:
                cadre.acked[question.id] = (seq, response)
                self.acked += 1
            elif data:  # answered 200 but not applied: shown in the test's failure
                self.not_applied.append(f"{cadre.username} {path} seq {seq}: {data}")
        data = await self._until_ok(
            cadre, "submit", "POST", f"/api/v1/attempts/{cadre.attempt_id}/submit", {}, deadline
        )
        cadre.submit_sent = True
        cadre.submitted = bool(data and data.get("status") == "submitted")

    async def begin(self) -> None:
        await self.client.login_all(32)
        await self.client.start_all(3)
        assert all(c.attempt_id for c in self.client.cadres), self.client.recorder.samples

    async def until_a_quarter_saved(
        self, give_up_seconds: float
    ) -> tuple[list[asyncio.Task], asyncio.Event]:
        """Every cadre sitting (each pauses at half its saves until ``halfway`` is set), back
        once a quarter of all saves are acknowledged: the moment a fault test strikes."""
        deadline = time.monotonic() + give_up_seconds
        halfway = asyncio.Event()
        tasks = [asyncio.create_task(self.sit(c, deadline, halfway)) for c in self.client.cadres]
        quarter = len(self.client.cadres) * SAVES_EACH // 4
        while self.acked < quarter and not all(t.done() for t in tasks):
            await asyncio.sleep(0.05)
        return tasks, halfway
