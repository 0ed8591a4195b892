"""Team statistics for secretaries and administrators (rolls up the team tree). Reads the other
features through their services, never their tables."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.demo import register_demo_step
from app.common.nav import NavGroup, NavItem, register_nav, register_nav_group
from app.stats import api, demo
from app.stats.cli import stats_cli
from app.stats.views import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(stats_cli)
    # after the courses, exams, practice and centre-group steps (10–50): it freezes their figures
    register_demo_step(demo.demo_bulletin, order=60)
    # every statistics page under one menu, so the bar holds one line at 992 px (issue 15)
    register_nav_group(NavGroup("stats", lambda: gettext("统计"), "bar-chart"))
    register_nav(
        NavItem(
            "stats.my_teams", lambda: gettext("我的中心组"), ("secretary",), icon="people", order=20
        )
    )
    register_nav(
        NavItem(
            "stats.dashboard_page",
            lambda: gettext("统计看板"),
            ("secretary",),
            icon="bar-chart",
            order=22,
            group="stats",
        )
    )
    register_nav(
        NavItem(
            "stats.overview",
            lambda: gettext("统计总览"),
            ("admin",),
            icon="bar-chart",
            order=75,
            group="stats",
        )
    )
    register_nav(
        NavItem(
            "stats.bulletins",
            lambda: gettext("结果通报"),
            (),
            icon="megaphone",
            order=60,
            group="stats",
        )
    )
    register_nav(
        NavItem(
            "stats.my_figures",
            lambda: gettext("我的学习统计"),
            ("cadre",),
            icon="graph-up",
            order=18,
            group="stats",
        )
    )
