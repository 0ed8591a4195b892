"""The metrics registry: features add scrape-time figures (an outbox backlog, job outcomes)
from their own ``register(app)``; ``app.ops`` serves them on ``/metrics``. Common imports no
feature, so the figures come to it rather than it going to fetch them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    """One gauge sample: ``name`` without the ``xuekao_`` prefix, Prometheus style."""

    name: str
    help: str
    value: float
    labels: dict[str, str] = field(default_factory=dict)


MetricSource = Callable[[], Iterable[Figure]]
_sources: list[MetricSource] = []


def register_metric_source(source: MetricSource) -> None:
    """``source()`` runs inside an application context at each scrape; keep it to one cheap
    query. Registering the same function twice (a second ``create_app``) adds it once."""
    if source not in _sources:
        _sources.append(source)


def metric_sources() -> list[MetricSource]:
    return list(_sources)
