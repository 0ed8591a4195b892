"""Demo content: a complete framework in the project's own words, an assessor, and a round
(年度考核) over the demo unit's team with self-assessments, ballots and one published result."""

from __future__ import annotations

import random
from datetime import date, timedelta

import click
from sqlalchemy import select

from app.auth import services as accounts
from app.common.timeutil import to_local, utcnow
from app.evaluation.models import Framework
from app.evaluation.services import appraisal, ballots, frameworks, meetings, rounds, talks
from app.extensions import db

DEMO_PASSWORD = "xuekao-demo"

# (dimension, [(standard, points, scoring guide, evidence keys)], [(negative item, deduction, veto)])
FRAMEWORK = [
    (
        "政治忠诚",
        [
            (
                "坚持用党的创新理论武装头脑，按时参加中心组集体学习和轮训调训",
                10,
                "全年出勤率高、领学述学有准备的得满分；缺勤较多或心得流于形式的酌情减分。",
                "checkin courses",
            ),
            (
                "对组织忠诚老实，如实报告个人有关事项，讲真话、报实情",
                8,
                "核查个人有关事项报告和谈话记录，发现隐瞒的不得分。",
                "",
            ),
            (
                "党中央决策部署在分管领域有分工、有督查、有回头看",
                7,
                "查阅落实台账和督查通报，每缺一个环节减 2 分。",
                "",
            ),
        ],
        [
            ("对党中央决策部署搞选择性执行、变通执行", 0, True),
            ("重大事项未按规定请示报告", 5, False),
        ],
    ),
    (
        "政治定力",
        [
            (
                "大是大非面前旗帜鲜明，对错误思想和言论敢于亮剑",
                10,
                "结合访谈和日常表现评定，事例具体的得满分。",
                "",
            ),
            (
                "理论水平测试成绩良好，能运用理论分析解决实际问题",
                10,
                "以年度测试成绩为主要依据，参考调研报告和研讨发言。",
                "exams",
            ),
        ],
        [
            ("公开发表违背党的理论和路线方针政策的言论", 0, True),
            ("在网络上转发、评论不当言论", 5, False),
        ],
    ),
    (
        "政治担当",
        [
            ("急难险重任务面前主动请缨、靠前指挥", 10, "以具体事项和成效为依据。", ""),
            (
                "履行全面从严治党责任，抓班子带队伍、管好分管领域",
                10,
                "查阅责任清单落实情况和分管领域的问题整改情况。",
                "",
            ),
        ],
        [("遇到矛盾绕道走、推诿扯皮", 4, False)],
    ),
    (
        "政治能力",
        [
            (
                "善于从政治上观察和处理问题，把握工作的政治方向",
                10,
                "结合述职、访谈和重要工作的处置情况评定。",
                "",
            ),
            (
                "认真执行民主集中制，在集体决策中充分发表意见",
                10,
                "查阅会议记录和中心组研讨发言。",
                "checkin",
            ),
        ],
        [("搞“一言堂”，个人说了算", 5, False)],
    ),
    (
        "政治自律",
        [
            ("严守政治纪律和政治规矩，严格执行中央八项规定精神", 8, "有违规记录的不得分。", ""),
            (
                "带头开展批评和自我批评，民主生活会查摆问题具体深刻",
                7,
                "查阅民主生活会材料和整改落实情况。",
                "",
            ),
        ],
        [
            ("搞团团伙伙、拉帮结派", 0, True),
            ("违反中央八项规定精神受到处理", 8, False),
        ],
    ),
]


def build_framework(year: int, actor=None):
    framework = frameworks.create_framework(actor, year, f"{year}年度领导干部政治素质评价标准")
    for name, standards, negatives in FRAMEWORK:
        dim = frameworks.add_dimension(actor, framework, name)
        for title, points, guide, keys in standards:
            frameworks.add_standard(actor, dim, title, points, guide, keys)
        for title, deduction, veto in negatives:
            frameworks.add_negative(actor, dim, title, deduction, veto)
    return framework


def evaluation_demo(context: dict) -> None:
    admin = context["admin"]
    year = to_local(utcnow()).year
    framework = build_framework(year, admin)
    assessor = accounts.create_user(
        None,
        username="assessor",
        name="考察人员（演示）",
        password=DEMO_PASSWORD,
        rank="county",
        team=context["root"],
        roles=["assessor"],
        must_change_password=False,
    )
    rounds.grant_assessor(admin, assessor, context["root"])
    team = context["teams"]["示范省教育厅"]
    round_ = rounds.create_round(
        admin, title=f"{year}年度领导班子和领导干部年度考核", purpose="annual", framework=framework
    )
    rounds.add_team(admin, round_, team)
    rounds.add_assessor(admin, round_, assessor)
    rounds.add_assessor(admin, round_, admin)
    rng = random.Random(70)
    members = [e for e in round_.subjects if e.kind == "cadre"]
    dims = framework.dimensions
    # the demo cadre's ballots are left to cast: they show on the cadre's page
    for subject in members:
        for voter in team.members:
            if voter.id not in (subject.user_id, context["cadre"].id) and voter.active:
                grades = {d.id: rng.choice(("good", "good", "fair", "average")) for d in dims}
                ballots.cast(
                    voter, subject, grades, "", token=lambda: f"{rng.getrandbits(128):032x}"
                )
    leader = members[0]
    rounds.save_self_assessment(
        leader.user,
        leader,
        {
            d.id: (
                str(d.max_points - 2),
                f"对照{d.name}的各项标准逐条查摆，总体做得较好，仍有提升空间。",
            )
            for d in dims
        },
    )
    appraisal.save_scores(
        assessor,
        leader,
        {
            s.id: (str(max(0, s.points - 1)), "查阅中心组学习记录和年度测试成绩")
            for d in dims
            for s in d.standards
        },
    )
    _last_year(admin, assessor, team, leader.user, year - 1)
    _meeting_and_talks(context, team, date(year, 1, 1))
    appraisal.publish(
        assessor,
        leader,
        "理想信念坚定，带头学习贯彻党的创新理论，在重点任务中敢于担当；"
        "今后要进一步增强斗争本领，在批评和自我批评中更加动真碰硬。",
    )


def _last_year(admin, assessor, team, cadre, year: int) -> None:
    """Last year's annual appraisal of one cadre, so the portrait has a year to compare."""
    framework = build_framework(year, admin)
    round_ = rounds.create_round(
        admin, title=f"{year}年度领导干部年度考核", purpose="annual", framework=framework
    )
    round_.status = "closed"
    subject = rounds.add_cadre(admin, round_, team, cadre)
    rounds.add_assessor(admin, round_, assessor)
    dims = framework.dimensions
    appraisal.save_scores(
        assessor,
        subject,
        {s.id: (str(max(0, s.points - 2)), "年度考核材料") for d in dims for s in d.standards},
    )
    appraisal.publish(assessor, subject, "政治立场坚定，工作扎实；调查研究还需加强。")


def _meeting_and_talks(context: dict, team, jan1: date) -> None:
    """A democratic life meeting in January with its criticism items and rectification list
    (one item closed, one due later, one overdue), and talks with two of the members."""
    secretary = context["secretary"]
    members = [m for m in team.members if m.active]
    meeting = meetings.create_meeting(
        secretary,
        team,
        topic="以党的政治建设为统领，提高班子整体功能",
        held_on=jan1 + timedelta(days=19),
        attendees="省委组织部干部一处负责同志",
        preparation="会前班子成员之间开展谈心谈话，书面征求下属单位和服务对象意见 40 余条。",
    )
    for member in members[:3]:
        meetings.add_item(
            secretary, meeting, member, "self", "理论学习系统性不够，联系分管工作实际不够紧。"
        )
    meetings.add_item(
        secretary, meeting, members[1], "criticism", "到基层调研次数偏少，听取一线意见不够。"
    )
    meetings.record_outcome(
        secretary, meeting, "班子成员逐一对照检查，相互批评点名道姓，会议质量较高。"
    )
    due = [jan1 + timedelta(days=60), jan1 + timedelta(days=90), jan1 + timedelta(days=330)]
    items = [
        meetings.add_rectification(
            secretary,
            meeting,
            owner=members[i],
            problem=problem,
            measure=measure,
            due_on=due[i],
        )
        for i, (problem, measure) in enumerate(
            [
                ("理论学习联系实际不够", "每季度围绕一个重点课题开展专题研讨"),
                ("调查研究不够深入", "每名班子成员建立一个基层联系点"),
                ("督查落实存在“回头看”不及时", "建立重点任务落实情况月度通报制度"),
            ]
        )
    ]
    meetings.update_rectification(
        secretary, items[0], status="done", evidence="专题研讨纪要 4 份", today=due[0]
    )
    talks.record_talk(
        secretary,
        team,
        subject=members[0],
        talker="省委组织部干部一处",
        kind="heart",
        held_on=jan1 + timedelta(days=10),
        record="围绕班子团结和分工协作谈心，本人表示将带头开展批评和自我批评。",
    )
    inquiry = talks.record_talk(
        secretary,
        team,
        subject=members[1],
        talker="驻厅纪检监察组",
        kind="inquiry",
        held_on=jan1 + timedelta(days=40),
        record="就来信反映的会议费支出问题进行函询。",
    )
    talks.update_talk(
        secretary,
        inquiry,
        reply="经本人说明，相关支出按规定审批并已公示。",
        verification="调阅财务凭证，与说明一致，予以了结。",
        follow_up="提醒今后及时公开相关信息。",
    )


def demo_loaded() -> bool:
    return db.session.scalar(select(Framework.id).limit(1)) is not None


def print_accounts() -> None:
    click.echo("  assessor   考察人员（演示） — 考察全省各单位领导班子和领导干部")
