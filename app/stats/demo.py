"""Demo content for statistics: a published results bulletin (结果通报) for this year so far,
covering every unit of the demo organisation, so ``make run`` shows one. Runs after the
courses, exams, practice and centre-group steps, whose records its frozen figures hold."""

from __future__ import annotations

from datetime import date, timedelta

from app.common.timeutil import to_local, utcnow
from app.stats import bulletins

COMMENTARY = """今年以来，各单位按照年度教育培训计划组织理论学习，中心组学习计划均已备案，\
集体学习、领学和述学按计划推进。

一、必修课程总体按期推进，个别成员尚未完成，请各单位督促在截止日期前完成。
二、理论水平测试参与率和合格率见上表，未参加测试的同志请按通知及时补考。
三、下一阶段，各中心组要把学习成效体现在推动工作上，防止以考代学、只重数量。

本通报数据为发布时的快照，此后新产生的学习记录计入下期通报。"""


def demo_bulletin(context: dict) -> None:
    today = to_local(utcnow()).date()
    start = date(today.year, 1, 1)
    title = f"{today.year}年理论学习情况通报（截至{today.month}月{today.day}日）"
    if any(b.title == title for b in bulletins.visible_bulletins(context["admin"])):
        return
    bulletins.generate(
        context["admin"],
        title=title,
        start=start,
        end=max(today + timedelta(days=1), start + timedelta(days=1)),
        teams=list(context["units"].values()),
        commentary=COMMENTARY,
    )
