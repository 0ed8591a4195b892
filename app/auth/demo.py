"""The demo organisation — 示范省委组织部, three units with their leadership teams, and the
``admin``, ``secretary`` and ``cadre`` accounts — the first step of ``demo load``."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.auth import services as accounts
from app.auth.models import User
from app.extensions import db

DEMO_PASSWORD = "xuekao-demo"
DEMO_ACCOUNTS = (
    ("admin", "管理员（演示）", "系统管理员"),
    ("secretary", "中心组秘书（演示）", "示范省教育厅领导班子的中心组秘书"),
    ("cadre", "学员（演示）", "示范省教育厅领导班子成员"),
)

ROOT = "示范省委组织部"
UNITS = {
    "示范省发展和改革委员会": [
        ("周建国", "bureau"),
        ("吴海燕", "county"),
        ("郑文涛", "county"),
        ("王立新", "county"),
        ("冯晓梅", "county"),
        ("陈志远", "township"),
    ],
    "示范省教育厅": [
        ("刘思明", "bureau"),
        ("赵红梅", "county"),
        ("孙卫东", "county"),
        ("李晓华", "county"),
        ("何平", "township"),
    ],
    "示范省交通运输厅": [
        ("黄振华", "bureau"),
        ("林秀英", "county"),
        ("高明", "county"),
        ("罗建军", "county"),
        ("梁静", "county"),
        ("宋涛", "township"),
        ("唐丽", "township"),
        ("韩磊", "township"),
    ],
}
DEMO_UNIT = "示范省教育厅"


def create_organisation(context: dict) -> None:
    """The organisation, its members and the three demo accounts: the context every later
    step builds on (``root``, ``units``, ``teams``, ``members``, ``admin``, ``secretary``,
    ``cadre``)."""
    root = accounts.create_team(None, name=ROOT, kind="department")
    context.update(root=root, units={}, teams={}, members={})
    for index, (unit_name, members) in enumerate(UNITS.items()):
        unit = accounts.create_team(
            None, name=unit_name, parent=root, kind="unit", sort_order=index
        )
        team = accounts.create_team(None, name=f"{unit_name}领导班子", parent=unit, kind="team")
        context["units"][unit_name] = unit
        context["teams"][unit_name] = team
        context["members"][unit_name] = []
        for number, (name, rank) in enumerate(members, start=1):
            user = accounts.create_user(
                None,
                username=f"u{index + 1}{number:02d}",
                name=name,
                password=DEMO_PASSWORD,
                rank=rank,
                team=team,
                roles=["cadre"],
                must_change_password=False,
            )
            context["members"][unit_name].append(user)

    demo_team = context["teams"][DEMO_UNIT]
    context["admin"] = accounts.create_user(
        None,
        username="admin",
        name="管理员（演示）",
        password=DEMO_PASSWORD,
        rank="other",
        team=root,
        roles=["admin"],
        must_change_password=False,
    )
    context["secretary"] = accounts.create_user(
        None,
        username="secretary",
        name="中心组秘书（演示）",
        password=DEMO_PASSWORD,
        rank="township",
        team=demo_team,
        roles=["secretary", "cadre"],
        secretary_teams=[demo_team],
        must_change_password=False,
    )
    context["cadre"] = accounts.create_user(
        None,
        username="cadre",
        name="学员（演示）",
        password=DEMO_PASSWORD,
        rank="county",
        team=demo_team,
        roles=["cadre"],
        must_change_password=False,
    )


def print_accounts() -> None:
    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, name, what in DEMO_ACCOUNTS:
        click.echo(f"  {username:<10} {name} — {what}")


def demo_loaded() -> bool:
    return db.session.scalar(select(User).where(User.username == "admin")) is not None
