"""Demo exams for the demo team (示范省教育厅): a level test open for 30 days from the load
(30 minutes, 20 questions drawn by rules from one knowledge point of the shipped bank, every
objective type, partial credit on multiple choice — that knowledge point is withheld from
the team's practice meanwhile, the rest stays practisable), and a closed exam with marked
sittings to look at."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from app.auth.demo import DEMO_UNIT
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank.demo import DEMO_BANK
from app.quiz.bank.models import Category, Question
from app.quiz.bank.services import banks
from app.quiz.exams.models import Exam
from app.quiz.exams.services import assembly, attempts, audience, exams, marking

LEVEL_TEST = "2026 年度领导干部政治理论水平测试（演示）"
CLOSED_EXAM = "理论学习中心组专题测验（演示，已结束）"
LEVEL_RULES = (("single", 8, 5), ("multiple", 5, 6), ("judge", 5, 4), ("blank", 2, 5))
# the level test draws from this top knowledge point only, so practice keeps the others
LEVEL_CATEGORY = "政治责任与监督问责"
INSTRUCTIONS = """本次测试共 20 题，满分 100 分，限时 30 分钟，60 分及格。

- 答案随时自动保存，可在手机和电脑之间切换继续作答；
- 多选题少选按比例得分，错选不得分；
- 时间到系统自动交卷。"""


def _level_test(admin, team, bank, now) -> Exam:
    exam = exams.create_exam(
        admin,
        kind="level_test",
        title=LEVEL_TEST,
        instructions=INSTRUCTIONS,
        opens_at=now,
        closes_at=now + timedelta(days=30),
        duration_minutes=30,
        attempts_allowed=2,
        pass_mark=60,
        assembly="rules",
        multiple_policy="partial",
        shuffle_options=True,
        score_policy="at_submit",
        review_policy="after_submit",
    )
    audience.set_audience(admin, exam, teams=[team])
    category = db.session.scalar(
        select(Category).where(
            Category.bank_id == bank.id,
            Category.parent_id.is_(None),
            Category.name == LEVEL_CATEGORY,
        )
    )
    assembly.set_rules(
        admin,
        exam,
        [
            {
                "bank": bank,
                "category": category,
                "type": qtype,
                "count": count,
                "points_each": points,
            }
            for qtype, count, points in LEVEL_RULES
        ],
    )
    exams.publish_exam(admin, exam, now)
    return exam


def _response(item, right: bool, rng: random.Random):
    """A right or wrong response to an attempt item, in the API's shape (option ids)."""
    question = item.question
    key, ids = question.answer, item.option_ids
    if question.type == "single":
        wrong = [i for i in range(len(ids)) if i not in key]
        return ids[key[0] if right else rng.choice(wrong)]
    if question.type == "multiple":
        return [ids[i] for i in (key if right else key[:1])]
    if question.type == "judge":
        return key if right else not key
    if question.type == "blank":
        return [alts[0] for alts in key] if right else ["（不记得）"] * len(key)
    return "结合本单位实际，理论学习要学思用贯通、知信行统一。" if right else "加强学习。"


def _closed_exam(admin, team, members, bank, now) -> Exam:
    opens = now - timedelta(days=10)
    exam = exams.create_exam(
        admin,
        kind="exam",
        title=CLOSED_EXAM,
        instructions="中心组集体学习后的专题测验。",
        opens_at=opens,
        closes_at=now - timedelta(days=3),
        duration_minutes=20,
        pass_mark=12,
        multiple_policy="partial",
        score_policy="at_submit",
        review_policy="after_close",
    )
    audience.set_audience(admin, exam, teams=[team])
    pool = {
        qtype: db.session.scalars(
            select(Question)
            .where(
                Question.bank_id == bank.id, Question.is_latest.is_(True), Question.type == qtype
            )
            .order_by(Question.id)
        ).all()
        for qtype in ("single", "multiple", "judge", "blank", "essay")
    }
    chosen = pool["single"][:4] + pool["multiple"][:2] + pool["judge"][:2] + pool["blank"][:1]
    assembly.add_items(admin, exam, chosen, 2)
    assembly.add_items(admin, exam, pool["essay"][:1], 4)
    exams.publish_exam(admin, exam, opens)
    rng = random.Random(2026)
    for number, user in enumerate(members):
        started = opens + timedelta(days=1 + number % 5, hours=1, minutes=7 * number)
        attempt, _ = attempts.start_attempt(
            user, exam, now=started, ip=f"10.8.0.{20 + number}", rng=rng
        )
        skill = 0.45 + 0.1 * (number % 6)
        for item in attempt.items:
            response = _response(item, rng.random() < skill, rng)
            attempts.save_answer(user, attempt.id, item.question_id, response, now=started)
        attempts.submit_attempt(attempt, now=started + timedelta(minutes=12 + number))
        for answer in attempt.answers:
            if answer.score is None:  # the essay
                points = 4 if len(answer.response or "") > 10 else 2
                marking.grade_essay(
                    admin, answer, points, "观点明确，联系实际。", now=started + timedelta(days=1)
                )
    exams.close_exam(admin, exam, now)
    return exam


def demo_exams(context: dict) -> None:
    bank = banks.find_bank(DEMO_BANK)
    if bank is None or db.session.scalar(select(Exam.id).where(Exam.title == LEVEL_TEST)):
        return
    admin, team = context.get("admin"), context["teams"][DEMO_UNIT]
    members = list(context["members"][DEMO_UNIT])
    members += [context[key] for key in ("secretary", "cadre") if context.get(key)]
    now = utcnow().replace(second=0, microsecond=0)
    context["level_test"] = _level_test(admin, team, bank, now)
    context["closed_exam"] = _closed_exam(admin, team, members, bank, now)
