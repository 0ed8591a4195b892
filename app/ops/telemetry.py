"""One structured log line per request, and the Prometheus figures on ``/metrics``.

The log line is JSON on the ``xuekao.request`` logger: time, request id (the proxy's
``X-Request-ID`` when it sends a sane one, else a new one; echoed back), user id, route,
method, status, duration. The user id is read from what Flask-Login already loaded: logging
never loads a user.

``/metrics`` answers only with ``Authorization: Bearer $METRICS_TOKEN`` (404 when no token
is configured, so the route does not exist for anyone). Under gunicorn each worker counts on
its own; set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder (deploy/gunicorn.conf.py) and
every scrape sums them all, whichever worker answers.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect

from app.common.metrics import metric_sources
from app.common.permissions import public
from app.extensions import db, login_manager
from app.ops.health import bp
from app.quiz.exams.models import Attempt

request_log = logging.getLogger("xuekao.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

REQUESTS = Counter(
    "xuekao_http_requests_total",
    "HTTP requests answered, by endpoint, method and status",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "xuekao_http_request_duration_seconds",
    "Time from the first before_request to the response, by endpoint",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# The probes and the scraper would drown the figures that matter.
PROBES = {"ops.healthz", "ops.readyz", "ops.metrics"}
UNCOUNTED = PROBES | {"static"}


def install(app: Flask) -> None:
    if not app.testing and app.config.get("REQUEST_LOG", True) and not request_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        request_log.addHandler(handler)
        request_log.setLevel(logging.INFO)
        request_log.propagate = False  # the line is the JSON, with no logger prefix
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    if request.endpoint in PROBES:
        # A probe never loads the user its cookie names: with the database down, /healthz
        # must still answer, and a probe must cost no query.
        g._login_user = login_manager.anonymous_user()


def _user_id() -> int | None:
    """The id of the user Flask-Login loaded for this request, if it did — without a query:
    after a failed statement the session rolled back and expired the user, and reading
    ``is_active`` would load it again from a database that may be gone (a 500 from the log
    line, seen with PostgreSQL restarted mid-request)."""
    user = g.get("_login_user")
    if user is None:
        return None
    state = sa_inspect(user, raiseerr=False)
    if state is not None:  # a mapped User: its identity stays known when expired
        return state.identity[0] if state.identity else None
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    duration = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.endpoint or "unmatched"
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    if endpoint not in UNCOUNTED:
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        LATENCY.labels(endpoint).observe(duration)
    if current_app.config.get("REQUEST_LOG", True) and request_log.isEnabledFor(logging.INFO):
        _log_line(
            json.dumps(
                {
                    "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "request_id": request_id,
                    "user_id": _user_id(),
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else request.path[:200],
                    "endpoint": endpoint,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 2),
                },
                ensure_ascii=False,
            )
        )
    return response


def _log_line(line: str) -> None:
    """``request_log.info(line)`` without the caller lookup (a walk up the stack to name
    a source line that the JSON format never prints): a third of the line's cost, on every
    request."""
    request_log.handle(
        request_log.makeRecord(request_log.name, logging.INFO, "", 0, line, (), None)
    )


@bp.route("/metrics")
@public
def metrics():
    token = current_app.config.get("METRICS_TOKEN") or ""
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(401)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    scrape = CollectorRegistry()
    scrape.register(_ScrapeTime())
    body = generate_latest(registry) + generate_latest(scrape)
    return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


class _ScrapeTime:
    """Figures read at the scrape: the same for every worker (the database's), or this
    worker's own (its connection pool)."""

    def collect(self):
        attempts = GaugeMetricFamily(
            "xuekao_attempts_in_progress", "Exam attempts started and not yet submitted"
        )
        attempts.add_metric(
            [],
            db.session.scalar(
                select(func.count()).select_from(Attempt).where(Attempt.status == "in_progress")
            )
            or 0,
        )
        db.session.rollback()  # end the read: the scrape holds nothing open
        yield attempts
        pool = getattr(db.engine, "pool", None)  # the tests bind a connection, not an engine
        pool_gauge = GaugeMetricFamily(
            "xuekao_db_pool_connections",
            "This worker's database pool: connections checked out, idle in the pool, overflow",
            labels=["state", "pid"],
        )
        pid = str(os.getpid())
        for state in ("checkedout", "checkedin", "overflow", "size"):
            reader = getattr(pool, state, None)
            if callable(reader):
                pool_gauge.add_metric([state, pid], reader())
        yield pool_gauge
        # One family per name: a source yields one figure per label set, and a scraper
        # refuses a name whose HELP and TYPE lines come twice.
        families: dict[str, GaugeMetricFamily] = {}
        for source in metric_sources():
            for figure in source():
                family = families.get(figure.name)
                if family is None:
                    family = families[figure.name] = GaugeMetricFamily(
                        f"xuekao_{figure.name}", figure.help, labels=list(figure.labels)
                    )
                family.add_metric(list(figure.labels.values()), figure.value)
        yield from families.values()
