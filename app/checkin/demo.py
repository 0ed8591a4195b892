"""Demo content for centre-group study: the demo team's plan for this year, filed by its
secretary and acknowledged by the administrator, and sessions of each kind around today —
with speakers and attendance, a first-topic study with its follow-up measures, and one
session still to come. Runs after the organisation (order 0)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from random import Random

from app.auth.demo import DEMO_UNIT
from app.checkin.services import attendance, lectures, plans, reflections, selfstudy, sessions
from app.checkin.services.materials import lesson_choices
from app.common.timeutil import SHANGHAI, to_local, utcnow

# (month, kind, topic, materials, index of the planned lead in the team's members)
PLAN_ITEMS = (
    (2, "collective", "党的政治建设是根本性建设", "党的政治建设有关论述摘编", 0),
    (3, "first_topic", "第一议题：学习最新重要讲话精神并研究贯彻措施", "重要讲话原文", 0),
    (4, "seminar", "专题研讨：中心组学习如何突出理论特色", "中心组学习制度有关规定", 1),
    (6, "reading_class", "读书班：系统学习新时代党的创新理论", "指定书目（三本）", 2),
    (9, "strategy", "务虚会：结合本部门实际谋划下一阶段工作", "调研报告汇编", 0),
    (11, "collective", "述学评学：班子成员交流全年学习收获", "各成员述学提纲", 3),
)

MINUTES = """## 学习内容

会议集中学习了关于把党的政治建设摆在首位的论述，围绕“政治建设是根本性建设”交流了认识。

## 主要收获

1. 班子成员要带头学、示范学，把学习成效体现在履职尽责上；
2. 中心组学习要突出理论特色，多一些交流研讨，少一些照本宣科。

## 下一步

按计划备案的安排组织第一议题学习，并将学习情况纳入年度结果通报。
"""


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    """That Shanghai day at ``hour:minute``, as naive UTC."""
    local = datetime.combine(to_local(day).date(), time(hour, minute), tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def centre_group_study(context: dict) -> None:
    team = context["teams"][DEMO_UNIT]
    members = context["members"][DEMO_UNIT]
    secretary, admin, cadre = context["secretary"], context["admin"], context["cadre"]
    now = utcnow()
    year = to_local(now).year
    rng = Random(2024)
    if plans.plan_for(team, year) is not None:
        return  # already there: the step runs once

    plan = plans.open_plan(secretary, team, year)
    # the first collective study also names two lessons of the demo course as its materials
    lessons = [lesson.id for lesson in lesson_choices(secretary)[:2]]
    for number, (month, kind, topic, materials, lead) in enumerate(PLAN_ITEMS):
        plans.add_item(
            secretary,
            plan,
            plans.ItemFields(
                month, topic, materials, members[lead], kind, lessons if number == 0 else ()
            ),
        )
    # filed on time (in February) unless the year is younger than that
    filed_at = min(_at(datetime(year, 2, 20, 4), 9, 30), now - timedelta(days=4))
    plans.file_plan(secretary, plan, now=filed_at)
    plans.acknowledge(
        admin,
        plan,
        comment="安排完整，第一议题学习要跟进落实措施。",
        now=filed_at + timedelta(days=2),
    )

    items = {item.kind: item for item in plan.items}
    everyone = [*members, secretary, cadre]

    def session(days_ago: int, kind: str, place: str, hours: str, minutes: str = ""):
        day = now - timedelta(days=days_ago)
        return sessions.create_session(
            secretary,
            team,
            sessions.SessionFields(
                kind=kind,
                starts_at=_at(day, 9),
                ends_at=_at(day, 11, 30),
                topic="",
                place=place,
                plan_item=items[kind],
                materials=items[kind].materials,
                hours=hours,
                minutes=minutes,
            ),
            rng=rng,
        )

    collective = session(30, "collective", "机关三楼会议室", "2.5", MINUTES)
    sessions.add_speaker(
        secretary, collective, speaker=members[0], role="lead", title="把政治建设摆在首位"
    )
    sessions.add_speaker(
        secretary,
        collective,
        speaker=members[1],
        role="report",
        title="我的学习体会：在对标对表中领会要义",
        outline="一、学了什么\n二、有何体会\n三、怎样改进",
    )
    sessions.add_speaker(
        secretary, collective, speaker=cadre, role="speak", title="以学促干的几点想法"
    )
    _attendance(collective, everyone, secretary, leave=members[4])

    first = session(14, "first_topic", "党组会议室", "1")
    sessions.add_speaker(
        secretary, first, speaker=members[0], role="lead", title="领学最新重要讲话精神"
    )
    sessions.add_measure(
        secretary,
        first,
        what="对照讲话要求，梳理本部门贯彻落实任务清单",
        owner=members[1],
        due_on=to_local(now).date() + timedelta(days=16),
    )
    done = sessions.add_measure(
        secretary,
        first,
        what="在下一次党组会议上通报落实进展",
        owner=members[2],
        due_on=to_local(now).date() - timedelta(days=2),
    )
    sessions.set_measure_status(secretary, done, "done", now=now - timedelta(days=3))
    _attendance(first, everyone, secretary, late=members[3])

    seminar = session(5, "seminar", "机关二楼研讨室", "3")
    sessions.add_speaker(
        secretary, seminar, speaker=members[1], role="lead", title="中心组学习怎样学深学透"
    )
    sessions.add_speaker(
        secretary, seminar, speaker=members[2], role="speak", title="多交流研讨，少照本宣科"
    )
    _attendance(seminar, everyone, secretary, absent=members[4])

    strategy = session(60, "strategy", "机关五楼会议室", "3")
    sessions.add_speaker(
        secretary, strategy, speaker=members[0], role="lead", title="对标年度目标谈工作思路"
    )
    sessions.add_speaker(
        secretary,
        strategy,
        speaker=members[3],
        role="report",
        title="分管领域上半年学习和工作情况",
        outline="一、学习安排落实情况\n二、存在的差距\n三、下一步打算",
    )
    _attendance(strategy, everyone, secretary)

    _reflections(now, collective, first, everyone, cadre)
    _self_study(now, everyone, cadre)
    _lectures(now, team, secretary, members, cadre)

    upcoming = session(-2, "reading_class", "党校教学楼", "6")
    sessions.add_speaker(
        secretary, upcoming, speaker=members[2], role="lead", title="读书班开班导学"
    )
    context["checkin_plan"] = plan


def _attendance(session, people, secretary, *, leave=None, late=None, absent=None) -> None:
    """Most checked in with the code a few minutes before the start; the rest marked."""
    for offset, person in enumerate(people):
        if person is leave:
            attendance.mark(secretary, session, person, "leave", reason="因公出差")
        elif person is absent:
            attendance.mark(secretary, session, person, "absent")
        else:
            minutes = 12 if person is late else -10 + offset
            attendance.check_in(
                person,
                session,
                session.checkin_code,
                now=session.starts_at + timedelta(minutes=minutes),
            )


# Reflections in the demo's own words; each is well over the default minimum of 200 characters.
REFLECTION_PARAGRAPHS = (
    "这次集体学习让我更清楚地认识到，政治建设不是抽象的口号，而是体现在每一次决策、每一项部署之中。"
    "过去在安排业务工作时，我往往先考虑进度和指标，对政治要求想得不够深。今后要把对标对表作为日常习惯，"
    "在研究重要事项时先问一问是否符合中央精神和上级要求。",
    "联系分管工作看，学习和工作“两张皮”的问题仍然存在：学的时候热热闹闹，干的时候照旧如故。"
    "我打算把学习体会转化为具体的改进清单，每月对照检查一次，在班子会议上讲一讲落实情况，"
    "请同志们监督，也让学习成效看得见、摸得着。",
    "第一议题学习的好处在于及时：最新的讲话精神第一时间学，学完马上研究怎么办。"
    "这次会上明确了任务清单和责任人，我负责的部分要在规定时限内拿出方案，"
    "并且把落实过程中遇到的新情况及时向党组报告，避免以会议贯彻会议、以文件落实文件。",
    "读完这本书，我对理论联系实际有了新的体会。理论学习不能只停留在摘抄和背诵上，"
    "更要弄清楚道理背后的立场、观点和方法，用来分析本部门遇到的实际问题。"
    "下一步准备结合调研课题，再精读其中的有关章节，把读书笔记整理成一篇交流材料。",
)


def _reflections(now, collective, first, everyone, cadre) -> None:
    """Most of those present write on the collective study; two on the first-topic study;
    the demo cadre also writes on a book."""
    texts = REFLECTION_PARAGRAPHS
    for n, person in enumerate(everyone[:-1]):
        if n == 4:
            continue  # on leave that day: nothing to write on it
        reflections.submit_on_session(
            person,
            collective,
            "学习政治建设论述的几点体会",
            texts[0] + "\n\n" + texts[1],
            now=collective.ends_at + timedelta(days=1, hours=n),
        )
    for n, person in enumerate(everyone[:2]):
        reflections.submit_on_session(
            person,
            first,
            "第一议题学习后的思考",
            texts[2] + "\n\n" + texts[1],
            now=first.ends_at + timedelta(days=2, hours=n),
        )
    reflections.submit_on_material(
        cadre,
        "《习近平新时代中国特色社会主义思想学习纲要》",
        "读《学习纲要》有感",
        texts[3] + "\n\n" + texts[0],
        now=now - timedelta(days=3),
    )


BOOKS = ("习近平新时代中国特色社会主义思想学习纲要", "之江新语", "摆脱贫困")


def _self_study(now, everyone, cadre) -> None:
    """A few weeks of self-study: books most days, a link now and then."""
    today = to_local(now).date()
    for n, person in enumerate(everyone):
        for day in range(0, 21, 2 + n % 3):
            selfstudy.record(
                person,
                today - timedelta(days=day),
                30 + 5 * ((n + day) % 5),
                selfstudy.Material("book", title=BOOKS[(n + day) % len(BOOKS)]),
                now=now,
            )
    selfstudy.record(
        cadre,
        today - timedelta(days=1),
        25,
        selfstudy.Material("link", title="共产党员网：理论学习专栏", url="https://www.12371.cn/"),
        now=now,
    )


def _lectures(now, team, secretary, members, cadre) -> None:
    """Three members have given their party lecture this year; the rest have not yet."""
    today = to_local(now).date()
    given = (
        (members[0], 40, "机关第一党支部", "以党的创新理论武装头脑、指导实践", 46),
        (members[1], 25, "机关第二党支部", "在学思践悟中坚定理想信念", 38),
        (cadre, 9, "机关第三党支部", "把学习成效转化为干事创业的实际行动", 31),
    )
    for person, days_ago, branch, topic, audience in given:
        day = max(today - timedelta(days=days_ago), today.replace(month=1, day=1))
        lectures.record(
            secretary,
            team,
            person,
            lectures.LectureFields(day, branch, topic, audience),
            now=now,
        )
