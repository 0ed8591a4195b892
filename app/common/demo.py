"""``flask --app wsgi demo load``: demo content, created once.

Each feature registers its steps with ``register_demo_step(step, order=…)`` from its
``register(app)``; ``demo load`` runs them by ascending order, each receiving the context the
earlier ones built (the organisation, accounts, the bank …). A step must itself be safe to run
once. The order is declared, never implied by import order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import click
from flask.cli import AppGroup

from app.extensions import db

DemoStep = Callable[[dict], None]


@dataclass(frozen=True)
class _Step:
    order: int
    run: DemoStep


_steps: list[_Step] = []
_loaded_checks: list[Callable[[], bool]] = []
_epilogues: list[Callable[[], None]] = []

demo_cli = AppGroup("demo", help="Demo data.")


def register_demo_step(step: DemoStep, *, order: int) -> DemoStep:
    """Add ``step`` to ``demo load`` at position ``order`` (lower runs first)."""
    if all(s.run is not step for s in _steps):
        _steps.append(_Step(order, step))
    return step


def register_demo_marker(loaded: Callable[[], bool], epilogue: Callable[[], None]) -> None:
    """How ``demo load`` tells that the demo is already there (``loaded``), and what it prints
    when done (``epilogue``: the accounts). Registered by the feature that owns the accounts."""
    if loaded not in _loaded_checks:
        _loaded_checks.append(loaded)
        _epilogues.append(epilogue)


def demo_loaded() -> bool:
    return any(check() for check in _loaded_checks)


def load_demo() -> dict:
    """Run every registered step in order; returns the context they built."""
    context: dict = {}
    for step in sorted(_steps, key=lambda s: s.order):
        step.run(context)
    return context


@demo_cli.command("load")
def load_command():
    """Create the demo organisation and accounts (once)."""
    if demo_loaded():
        click.echo("演示数据已存在，未重复创建。")
    else:
        load_demo()
        db.session.commit()
        click.echo("演示数据已创建。")
    for epilogue in _epilogues:
        epilogue()
