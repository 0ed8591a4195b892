"""The load generator: asyncio + aiohttp on the same machine, one cookie jar per cadre.

Phases: login (everyone, measured apart), the synchronised start (open loop: each cadre
starts at its own moment within the window, latency counted from that moment so a
lagging server cannot hide behind a waiting client), and saturation (closed loop: C
virtual users each keep one cadre busy — save, save, …, submit — as fast as answers
come back). Every acknowledged save is remembered for the lost-answer check.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp

ESSAY = "坚持以党的政治建设为统领，把理论学习、政治领导、选人用人、政治训练贯穿始终。"
BLANK_WORDS = ["计划备案", "结果通报", "政治建设", "民主集中制", "第一议题", "两个维护"]


@dataclass
class Question:
    id: int
    type: str
    option_ids: list[str]
    blanks: int

    def random_response(self, rng: random.Random) -> Any:
        if self.type == "single":
            return rng.choice(self.option_ids)
        if self.type == "multiple":
            return rng.sample(self.option_ids, rng.randint(1, len(self.option_ids)))
        if self.type == "judge":
            return rng.random() < 0.5
        if self.type == "blank":
            return [rng.choice(BLANK_WORDS) for _ in range(max(self.blanks, 1))]
        return ESSAY * rng.randint(2, 8)


@dataclass
class Cadre:
    username: str
    session: aiohttp.ClientSession
    csrf: str = ""
    attempt_id: int | None = None
    questions: list[Question] = field(default_factory=list)
    seq: dict[int, int] = field(default_factory=dict)  # last seq sent, per question
    acked: dict[int, tuple[int, Any]] = field(default_factory=dict)  # newest applied
    saves: int = 0
    budget: int = 0  # saves before this cadre submits
    submitted: bool = False
    submit_sent: bool = False


class Recorder:
    """Latencies and statuses per endpoint for one phase."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.failures: dict[str, int] = Counter()
        self.samples: Counter = Counter()  # distinct failures, counted
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.elapsed = 0.0
        self.client_cpu = 0.0
        self.server_cpu = 0.0
        self.server_system_cpu = 0.0  # of it, in the kernel (sockets, files)
        # Each round's rate (rounds: the phase paused and resumed), for medians over rounds.
        self.round_rates: dict[str, list[float]] = defaultdict(list)
        self._round_counts: dict[str, int] = {}
        # Endpoints whose 503s are answers, not failures (the login queue's "please wait").
        self.waits_answered: set[str] = set()

    def record(self, endpoint: str, seconds: float, status: int, ok: bool, note: str = "") -> None:
        self.latency[endpoint].append(seconds)
        self.statuses[endpoint][status] += 1
        if not ok:
            self.failures[endpoint] += 1
            key = f"{endpoint}: HTTP {status} {note[:160]}"
            if key in self.samples or len(self.samples) < 20:
                self.samples[key] += 1

    def flag(self, endpoint: str, note: str) -> None:
        """A request already recorded as answered turned out wrong (its body)."""
        self.failures[endpoint] += 1
        self.samples[f"{endpoint}: {note[:160]}"] += 1

    def resume(self) -> Recorder:
        """Record on after a pause (rounds): elapsed time and CPU add up."""
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self._round_counts = self._ok_counts()
        return self

    def _ok_counts(self) -> dict[str, int]:
        return {e: len(v) - self.failures[e] for e, v in self.latency.items()}

    def finish(self) -> Recorder:
        took = time.perf_counter() - self.started
        self.elapsed += took
        self.client_cpu += time.process_time() - self.cpu_started
        for endpoint, count in self._ok_counts().items():
            done = count - self._round_counts.get(endpoint, 0)
            self.round_rates[endpoint].append(done / took if took else 0.0)
        return self

    def median_rate(self, endpoint: str) -> float:
        rates = self.round_rates.get(endpoint)
        return statistics.median(rates) if rates else 0.0

    def rows(self) -> list[dict]:
        rows = []
        for endpoint, values in self.latency.items():
            ordered = sorted(values)
            errors = self.failures[endpoint]
            rows.append(
                {
                    "endpoint": endpoint,
                    "requests": len(values),
                    "per_second": (len(values) - errors) / self.elapsed if self.elapsed else 0.0,
                    "p50_ms": _pct(ordered, 50) * 1000,
                    "p95_ms": _pct(ordered, 95) * 1000,
                    "p99_ms": _pct(ordered, 99) * 1000,
                    "mean_ms": statistics.fmean(ordered) * 1000,
                    "errors": errors,
                    "status_5xx": sum(
                        n
                        for s, n in self.statuses[endpoint].items()
                        if s >= 500 and not (s == 503 and endpoint in self.waits_answered)
                    ),
                }
            )
        return rows


def _busy(status: int, data: Any) -> bool:
    """The login queue's "please wait" (app/auth/login_queue.py)."""
    return status == 503 and isinstance(data, dict) and data.get("error") == "login_busy"


def _pct(ordered: list[float], p: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Client:
    def __init__(
        self,
        base: str,
        usernames: list[str],
        password: str,
        exam_id: int,
        seed: int = 20261128,
        connections: int = 512,
    ) -> None:
        self.base, self.password, self.exam_id = base, password, exam_id
        self.rng = random.Random(seed)
        self.connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
        timeout = aiohttp.ClientTimeout(total=120)
        self.cadres = [
            Cadre(
                u,
                aiohttp.ClientSession(
                    connector=self.connector,
                    connector_owner=False,
                    cookie_jar=aiohttp.CookieJar(unsafe=True),
                    timeout=timeout,
                ),
            )
            for u in usernames
        ]
        self.recorder = Recorder("unused")
        self.stale_applied = 0
        self.bare_base = ""  # the bare ceiling's server (bench/bare_ceiling.py), if any
        self.phase_base: str | None = None  # the saturation's server, when not ``base``
        self.storm: dict = {}  # the login storm's figures (login_storm)

    async def close(self) -> None:
        for cadre in self.cadres:
            await cadre.session.close()
        await self.connector.close()

    async def call(
        self,
        cadre: Cadre,
        endpoint: str,
        method: str,
        path: str,
        body=None,
        expect=(200,),
        since: float | None = None,
        base: str | None = None,
    ) -> tuple[int, Any]:
        """One request; ``since`` (perf_counter) is the moment it was due (open loop)."""
        began = time.perf_counter() if since is None else since
        headers = {"X-CSRFToken": cadre.csrf} if cadre.csrf and method != "GET" else {}
        status, data, note = 0, None, ""
        try:
            async with cadre.session.request(
                method, (base or self.base) + path, json=body, headers=headers
            ) as response:
                status = response.status
                raw = await response.read()
                try:
                    data = await response.json(content_type=None) if raw else None
                except ValueError:
                    note = raw[:200].decode(errors="replace")
                if status not in expect:
                    note = note or str(data)
        except (TimeoutError, aiohttp.ClientError) as exc:
            note = f"{type(exc).__name__}: {exc}"
        self.recorder.record(endpoint, time.perf_counter() - began, status, status in expect, note)
        return status, data

    # ------------------------------------------------------------ login

    async def login_all(self, concurrency: int) -> Recorder:
        """Everyone logs in, ``concurrency`` at a time; a login the queue turns away (503
        ``login_busy``) waits its ``retry_after`` outside the gate and tries again."""
        self.recorder = Recorder("login")
        self.recorder.waits_answered.add("login")
        gate = asyncio.Semaphore(concurrency)

        async def one(cadre: Cadre) -> None:
            while True:
                async with gate:
                    status, data = await self._login(cadre, "login")
                if not _busy(status, data):
                    break
                await asyncio.sleep(float(data.get("retry_after") or 1))
            if status == 200 and isinstance(data, dict):
                cadre.csrf = data.get("csrf_token", "")

        await asyncio.gather(*(one(c) for c in self.cadres))
        return self.recorder.finish()

    async def _login(self, cadre: Cadre, endpoint: str) -> tuple[int, Any]:
        """One login try; a 503 is an answer only with the login queue's wait in it."""
        body = {"username": cadre.username, "password": self.password}
        status, data = await self.call(
            cadre, endpoint, "POST", "/api/v1/auth/login", body, (200, 503)
        )
        if status == 503 and not _busy(status, data):
            self.recorder.flag(endpoint, f"503 without the wait: {data!r}"[:160])
        return status, data

    async def login_storm(self, window: float, give_up: float = 900.0) -> Recorder:
        """Everyone logs in within ``window`` seconds (open loop, spread evenly), as at the
        start of an exam. A 503 ``login_busy`` (the login queue) is waited out for its
        ``retry_after`` and sent again, as the login page does. Recorded per try ("login
        (each try)") and per cadre from its moment until it is in ("login (until in)");
        ``storm`` gets the time until the last one was in and the count of wait answers."""
        self.recorder = Recorder("login storm")
        self.recorder.waits_answered.add("login (each try)")
        order = self.cadres[:]
        self.rng.shuffle(order)
        n = len(order)
        t0 = time.perf_counter() + 0.2
        self.storm = {"busy": 0, "all_in_s": 0.0, "in": 0}

        async def one(i: int, cadre: Cadre) -> None:
            due = t0 + window * i / n
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            while True:
                status, data = await self._login(cadre, "login (each try)")
                if _busy(status, data) and time.perf_counter() - due < give_up:
                    self.storm["busy"] += 1
                    await asyncio.sleep(float(data.get("retry_after") or 1))
                    continue
                break
            now = time.perf_counter()
            ok = status == 200 and isinstance(data, dict)
            self.recorder.record("login (until in)", now - due, status, ok, str(data)[:160])
            if ok:
                cadre.csrf = data.get("csrf_token", "")
                self.storm["in"] += 1
                self.storm["all_in_s"] = max(self.storm["all_in_s"], now - t0)

        await asyncio.gather(*(one(i, c) for i, c in enumerate(order)))
        return self.recorder.finish()

    # ------------------------------------------------------------ synchronised start

    async def start_all(
        self, window: float, shape: str = "uniform", resume_share: float = 0.05, questions: int = 50
    ) -> Recorder:
        self.recorder = Recorder("start")
        ready = [c for c in self.cadres if c.csrf]
        order = ready[:]
        self.rng.shuffle(order)
        n = len(order)
        if shape == "bursts":  # six bursts a sixth of the window apart, each all at once
            offsets = [window * (i * 6 // n) / 6 for i in range(n)]
        else:
            offsets = [window * i / n for i in range(n)]
        resumers = set(self.rng.sample(range(n), round(n * resume_share)))
        t0 = time.perf_counter() + 0.2

        async def one(i: int, cadre: Cadre) -> None:
            due = t0 + offsets[i]
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            path = f"/api/v1/exams/{self.exam_id}/attempts"
            status, data = await self.call(cadre, "start", "POST", path, {}, (201,), since=due)
            if status != 201 or not self._take_paper(cadre, data, questions):
                return
            if i in resumers:  # a reload: the same attempt comes back, with its paper
                await asyncio.sleep(self.rng.uniform(0, 2))
                status, again = await self.call(cadre, "start (resume)", "POST", path, {}, (200,))
                if status == 200 and (again or {}).get("attempt_id") != cadre.attempt_id:
                    self.recorder.flag("start (resume)", "another attempt")
                await self.call(cadre, "get attempt", "GET", f"/api/v1/attempts/{cadre.attempt_id}")

        await asyncio.gather(*(one(i, c) for i, c in enumerate(order)))
        return self.recorder.finish()

    def _take_paper(self, cadre: Cadre, data: Any, expected: int) -> bool:
        try:
            cadre.attempt_id = int(data["attempt_id"])
            cadre.questions = [
                Question(
                    int(q["id"]),
                    q["type"],
                    [o["id"] for o in q.get("options") or []],
                    int(q.get("blanks") or 0),
                )
                for q in data["questions"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            self.recorder.flag("start", f"bad body: {exc!r}")
            return False
        if len(cadre.questions) != expected:
            self.recorder.flag("start", f"{len(cadre.questions)} questions")
            return False
        return True

    # ------------------------------------------------------------ saturation

    async def saturate(
        self,
        name: str,
        seconds: float,
        concurrency: int,
        *,
        target: str = "save",
        saves_per_attempt: int = 55,
        stale_share: float = 0.02,
        recorder: Recorder | None = None,
        base: str | None = None,
        submits: bool = True,
    ) -> Recorder:
        """Closed loop for ``seconds``. target "save": the exam API (saves, then a submit
        per cadre; ``submits=False``: the save alone — each virtual user moves on to the
        next cadre after ``saves_per_attempt`` saves without submitting); "ceiling": the
        bench's one-row endpoint with the same bodies; "bare": the same on the bare ceiling
        (bench/bare_ceiling.py). A ``recorder`` from an earlier round goes on counting;
        ``base``: another server of the same app and database (``--versus``) takes the
        saves."""
        self.recorder = recorder.resume() if recorder else Recorder(name)
        self.phase_base = base
        pool = deque(c for c in self.cadres if c.attempt_id and not c.submit_sent)
        if target in ("ceiling", "bare"):
            pool = deque(c for c in self.cadres if c.attempt_id)
        end = time.perf_counter() + seconds

        async def vu() -> None:
            cadre, turn = None, 0
            while time.perf_counter() < end:
                if cadre is None or (target == "save" and cadre.submit_sent):
                    if not pool:
                        return
                    cadre, turn = pool.popleft(), 0
                    if target in ("ceiling", "bare"):
                        pool.append(cadre)
                if target in ("ceiling", "bare"):
                    await self._ceiling(cadre, bare=target == "bare")
                    cadre = None
                elif not submits and turn >= saves_per_attempt:
                    pool.append(cadre)  # unsubmitted, back in line; one user at a time
                    cadre = None
                elif submits and cadre.saves >= self._budget(cadre, saves_per_attempt):
                    await self._submit(cadre)
                else:
                    await self._save(cadre, stale_share)
                    turn += 1
                    if submits:  # the alone phase's saves do not bring a submit nearer
                        cadre.saves += 1

        await asyncio.gather(*(vu() for _ in range(concurrency)))
        return self.recorder.finish()

    def _budget(self, cadre: Cadre, mean: int) -> int:
        """Uniform around ``mean``: cadres are at every stage of their test at once, so
        submits mix in at the steady rate (one per ``mean`` saves) from the first second."""
        if not cadre.budget:
            cadre.budget = self.rng.randint(1, 2 * mean - 1)
        return cadre.budget

    async def _save(self, cadre: Cadre, stale_share: float) -> None:
        question = self.rng.choice(cadre.questions)
        acked = cadre.acked.get(question.id)
        stale = acked is not None and acked[0] >= 2 and self.rng.random() < stale_share
        seq = acked[0] - 1 if stale else cadre.seq.get(question.id, 0) + 1
        if not stale:
            cadre.seq[question.id] = seq
        response = question.random_response(self.rng)
        status, data = await self.call(
            cadre,
            "save answer",
            "PUT",
            f"/api/v1/attempts/{cadre.attempt_id}/answers/{question.id}",
            {"response": response, "seq": seq},
            base=self.phase_base,
        )
        if status != 200 or not isinstance(data, dict):
            return
        if data.get("applied") is True:
            if stale:
                self.stale_applied += 1
            current = cadre.acked.get(question.id)
            if current is None or seq >= current[0]:
                cadre.acked[question.id] = (seq, response)

    async def _submit(self, cadre: Cadre) -> None:
        cadre.submit_sent = True
        status, data = await self.call(
            cadre,
            "submit",
            "POST",
            f"/api/v1/attempts/{cadre.attempt_id}/submit",
            {},
            base=self.phase_base,
        )
        if status == 200 and (data or {}).get("status") == "submitted":
            cadre.submitted = True
        elif status == 200:
            self.recorder.flag("submit", f"status {data!r}")

    async def _ceiling(self, cadre: Cadre, bare: bool = False) -> None:
        question = self.rng.choice(cadre.questions)
        kind = "bare" if bare else "ceiling"
        await self.call(
            cadre,
            "bare ceiling" if bare else "ceiling (1 row)",
            "PUT",
            f"/api/v1/bench/{kind}/{cadre.attempt_id}/answers/{question.id}",
            {"response": question.random_response(self.rng), "seq": self.rng.randint(1, 1000)},
            base=self.bare_base if bare else None,
        )
