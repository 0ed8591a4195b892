"""A hand-made tree for the statistics tests, with numbers that can be checked by hand.

    省委 (root)
    ├── 甲单位 (unit_a): 甲一 (passed 80/100), 甲停用 (inactive)
    │   └── 甲班子 (team_a1): 甲二 (in progress), 甲三 (not started)
    └── 乙单位 (unit_b): 乙一 (failed 40/100)

The level test's audience is the root; its score is released at submit. A second exam's
score only after the close (still open): its submitted score must never count.
The required course (assigned to 甲单位, due in ten days): 甲一 completed, 甲二 not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from app.auth.models import Team, User
from app.common.figures import Period
from app.common.timeutil import to_local, utcnow
from app.courses.models import Course, CourseCompletion
from app.extensions import db
from app.quiz.exams.models import Attempt, Exam
from tests.courses.factories import assign, make_course
from tests.factories import make_team, make_user
from tests.quiz.exams.factories import make_exam


@dataclass
class World:
    root: Team
    unit_a: Team
    team_a1: Team
    unit_b: Team
    users: dict[str, User]
    level_test: Exam
    late_exam: Exam
    course: Course
    period: Period
    admin: User
    sec_a: User
    sec_b: User


def sit(exam: Exam, user: User, *, score=None, passed=None, submitted=True, minutes=20):
    now = utcnow().replace(microsecond=0)
    attempt = Attempt(
        exam=exam,
        user_id=user.id,
        number=1,
        status="submitted" if submitted else "in_progress",
        started_at=now - timedelta(minutes=minutes),
        deadline=now + timedelta(minutes=30),
        submitted_at=now if submitted else None,
        score=Decimal(score) if score is not None else None,
        max_score=Decimal(100),
        passed=passed,
        graded=submitted,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def build_world() -> World:
    root = make_team("省委", kind="department")
    unit_a = make_team("甲单位", parent=root, kind="unit")
    team_a1 = make_team("甲班子", parent=unit_a)
    unit_b = make_team("乙单位", parent=root, kind="unit")
    admin = make_user("admin", root, username="w-admin", name="管理员")
    users = {
        "甲一": make_user("cadre", unit_a, username="w-a1", name="甲一"),
        "甲停用": make_user("cadre", unit_a, username="w-ax", name="甲停用", active=False),
        "甲二": make_user("cadre", team_a1, username="w-a2", name="甲二"),
        "甲三": make_user("cadre", team_a1, username="w-a3", name="甲三"),
        "乙一": make_user("cadre", unit_b, username="w-b1", name="乙一"),
    }
    # the secretaries sit in the root team: outside every audience
    sec_a = make_user(("secretary",), root, username="w-sec-a", name="甲秘书", scopes=[unit_a])
    sec_b = make_user(("secretary",), root, username="w-sec-b", name="乙秘书", scopes=[unit_b])
    users["甲秘书"], users["乙秘书"] = sec_a, sec_b
    level_test = make_exam(
        title="理论水平测试",
        kind="level_test",
        teams=[unit_a, unit_b],
        pass_mark=Decimal(60),
        score_policy="at_submit",
        actor=admin,
    )
    late_exam = make_exam(
        title="闭卷后公布考试",
        kind="exam",
        users=[users["甲一"]],
        pass_mark=Decimal(60),
        score_policy="after_close",
        actor=admin,
    )
    sit(level_test, users["甲一"], score=80, passed=True)
    sit(level_test, users["甲二"], submitted=False)
    sit(level_test, users["乙一"], score=40, passed=False, minutes=35)
    sit(late_exam, users["甲一"], score=10, passed=False)

    course = make_course(admin, title="必修理论课")
    today = to_local(utcnow()).date()
    assign(admin, course, team=unit_a, due_on=today + timedelta(days=10))
    db.session.add(
        CourseCompletion(user_id=users["甲一"].id, course_id=course.id, hours=Decimal(2))
    )
    db.session.flush()
    period = Period(today - timedelta(days=20), today + timedelta(days=20))
    return World(
        root,
        unit_a,
        team_a1,
        unit_b,
        users,
        level_test,
        late_exam,
        course,
        period,
        admin,
        sec_a,
        sec_b,
    )
