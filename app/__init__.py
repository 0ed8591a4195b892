"""Xuekao (学考): the application factory."""

from __future__ import annotations

import logging
import os

from flask import Flask, current_app, g, has_request_context, request, session, url_for
from flask_login import current_user

from app.common import api_docs
from app.common.db import (
    configure_engine,
    reset_begin_mode,
    set_begin_mode,
    sqlite_engine_options,
    view_reads_first,
)
from app.common.demo import demo_cli
from app.common.error_pages import register_error_handlers
from app.common.input_guards import install_input_guards
from app.common.markup import render_markdown
from app.common.nav import nav_for
from app.common.permissions import enforce_declared_access
from app.common.security import add_security_headers
from app.common.timeutil import format_local
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from config import CONFIGS, production_problems

# The features (auth, the models of all of them, every feature package) are imported inside
# the functions below, not here: every ``app.*`` import runs this file first, so a feature
# imported at module level would make every module import all the others. ``app.common``
# imports no feature, so it is imported here.


def create_app(config_name_or_object: str | object = "development") -> Flask:
    """``config_name_or_object``: a name from ``config.CONFIGS``, a config class, or a dict
    of overrides on the testing configuration (for tests)."""
    app = Flask(__name__, instance_relative_config=True)
    if isinstance(config_name_or_object, str):
        app.config.from_object(CONFIGS[config_name_or_object])
    elif isinstance(config_name_or_object, dict):
        app.config.from_object(CONFIGS["testing"])
        app.config.update(config_name_or_object)
    else:
        app.config.from_object(config_name_or_object)
    _refuse_unsafe_production(app, config_name_or_object)
    _ensure_instance_dir(app)

    _init_extensions(app)
    install_input_guards(app)  # before the features: their routes bind the int converter
    _register_features(app)
    _register_hooks(app)
    _register_template_helpers(app)

    register_error_handlers(app)
    return app


def _refuse_unsafe_production(app: Flask, config) -> None:
    is_production = config == "production" or getattr(config, "__name__", "") == "ProductionConfig"
    problems = production_problems(app.config) if is_production else []
    if problems:
        raise RuntimeError("Refusing to start in production: " + "; ".join(problems))


def _ensure_instance_dir(app: Flask) -> None:
    os.makedirs(app.instance_path, exist_ok=True)


def _init_extensions(app: Flask) -> None:
    # Models must be imported before the metadata is used (migrations, create_all).
    from app import models  # noqa: F401
    from app.auth.services import load_session_user

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(
            app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        )
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    with app.app_context():
        for engine in db.engines.values():
            configure_engine(engine)

    csrf.init_app(app)
    limiter.init_app(app)
    _only_decorated_limits(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"  # "strong" would log out phones on new networks
    login_manager.user_loader(load_session_user)

    from app.auth.unauthorized import unauthorized

    login_manager.unauthorized_handler(unauthorized)

    babel.init_app(app, locale_selector=_select_locale)


def _select_locale() -> str:
    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _register_features(app: Flask) -> None:
    """Every feature wires itself here — blueprints, CLI, jobs, to-do providers, listeners,
    demo steps — in this one visible list. The shared plumbing comes first."""
    # Imported here, not at the top: see the note under the imports.
    from app import admin, auth, checkin, courses, evaluation, home, notify, ops, stats
    from app.quiz import bank, exams, practice

    app.register_blueprint(api_docs.bp)
    app.cli.add_command(demo_cli)
    for feature in (
        auth,
        home,
        admin,
        courses,
        bank,
        exams,
        practice,
        checkin,
        stats,
        evaluation,
        notify,
    ):
        feature.register(app)
    ops.register(app)  # last: it reads the features


def _register_hooks(app: Flask) -> None:
    from app.auth.unauthorized import require_password_change

    @app.before_request
    def _begin_mode():
        # Reads (and @reads_first views until begin_write) begin deferred, so they never
        # queue behind writers; anything else begins IMMEDIATE.
        if request.method in ("GET", "HEAD", "OPTIONS") or view_reads_first(
            app.view_functions.get(request.endpoint)
        ):
            g._begin_token = set_begin_mode("DEFERRED")

    @app.teardown_request
    def _reset_begin_mode(_exc):
        token = g.pop("_begin_token", None)
        if token is not None:
            reset_begin_mode(token)

    app.before_request(enforce_declared_access)
    app.before_request(require_password_change)
    app.after_request(add_security_headers)

    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)


def _register_template_helpers(app: Flask) -> None:
    from app.auth.services import rank_labels, role_labels, team_kind_labels

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["localtime"] = format_local

    def page_url(page: int) -> str:
        args = {**(request.view_args or {}), **request.args.to_dict(), "page": page}
        return url_for(request.endpoint, **args)

    # A global, not a context variable: macros imported without context (the pager) see it.
    app.jinja_env.globals["page_url"] = page_url

    @app.context_processor
    def _globals():
        return {
            "nav_items": nav_for(current_user),
            "current_locale": _select_locale(),
            "languages": app.config["LANGUAGES"],
            "rank_labels": rank_labels(),
            "role_labels": role_labels(),
            "team_kind_labels": team_kind_labels(),
        }


def _only_decorated_limits(app: Flask) -> None:
    """Only decorated routes are rate-limited here (the login, check-in codes), and their
    decorators run the check. With no default or application limits, the extension's
    before-request hook evaluates an empty list on every request — the answer save
    included (issue 16: 3.5 % of its CPU) — so it is taken out; with any, it stays."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits:
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
