"""An exam from a spec (JSON or YAML; see docs/exam-spec.md): what ``flask exams create``
reads, for automation and benchmarks. All or nothing: any error names its key and nothing
is written (the caller rolls back)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import yaml
from flask_babel import gettext as _

from app.auth.models import RANKS, User
from app.auth.services import find_team_by_path, rank_labels
from app.common.errors import DomainError
from app.common.timeutil import SHANGHAI
from app.courses.services import course_by_slug
from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.bank.services import banks, categories
from app.quiz.exams.models import Exam
from app.quiz.exams.services import assembly, audience, exams

TOP_KEYS = {*exams.SETTINGS, "required_course", "audience", "paper", "publish"}


class SpecError(DomainError):
    """A problem at ``where`` (a key path such as ``paper.rules[2].bank``)."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}：{message}" if where else message, where)
        self.where = where


def parse(text: str, filename: str = "") -> dict:
    try:
        data = json.loads(text) if filename.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise SpecError("", _("无法解析文件：%(e)s", e=str(exc).splitlines()[0])) from None
    if not isinstance(data, dict):
        raise SpecError("", _("文件应是一个键值映射（考试的各项设置）"))
    return data


def _time(value: Any, where: str) -> datetime:
    """A naive time is Asia/Shanghai; one with an offset is converted. → naive UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise SpecError(where, _("时间格式应为 2026-06-01 09:00")) from None
    if not isinstance(value, datetime):
        raise SpecError(where, _("时间格式应为 2026-06-01 09:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(UTC).replace(tzinfo=None)


def _list(value: Any, where: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [value]
    if not isinstance(value, list):
        raise SpecError(where, _("应为列表"))
    return value


def _audience(spec: Any) -> dict:
    if not isinstance(spec, dict) or not spec:
        raise SpecError("audience", _("请写明参考范围：teams、ranks 或 users"))
    unknown = set(spec) - {"teams", "ranks", "users"}
    if unknown:
        raise SpecError("audience", _("未知的键：%(k)s", k="、".join(sorted(unknown))))
    teams, ranks, users = [], [], []
    for n, path in enumerate(_list(spec.get("teams"), "audience.teams")):
        team = find_team_by_path(str(path))
        if team is None:
            raise SpecError(f"audience.teams[{n}]", _("找不到单位“%(p)s”", p=path))
        teams.append(team)
    by_label = {label: key for key, label in rank_labels().items()}
    for n, rank in enumerate(_list(spec.get("ranks"), "audience.ranks")):
        rank = by_label.get(str(rank), str(rank))
        if rank not in RANKS:
            raise SpecError(f"audience.ranks[{n}]", _("未知职级“%(r)s”", r=rank))
        ranks.append(rank)
    for n, name in enumerate(_list(spec.get("users"), "audience.users")):
        user = db.session.scalar(db.select(User).where(User.username == str(name)))
        if user is None:
            raise SpecError(f"audience.users[{n}]", _("找不到登录名“%(u)s”", u=name))
        users.append(user)
    return {"teams": teams, "ranks": ranks, "users": users}


def _rule(spec: Any, where: str) -> dict:
    if not isinstance(spec, dict):
        raise SpecError(where, _("应为键值映射"))
    bank = banks.find_bank(str(spec.get("bank") or ""))
    if bank is None:
        raise SpecError(f"{where}.bank", _("没有名为“%(n)s”的题库", n=spec.get("bank") or ""))
    category = None
    if spec.get("category"):
        names = [p for p in str(spec["category"]).replace("／", "/").split("/") if p.strip()]
        category = categories.find_path(bank, names)
        if category is None:
            raise SpecError(f"{where}.category", _("题库中没有知识点“%(c)s”", c=spec["category"]))
    low, high = spec.get("difficulty_min", 1), spec.get("difficulty_max", 5)
    if "difficulty" in spec:
        difficulty = spec["difficulty"]
        if isinstance(difficulty, int):
            low = high = difficulty
        elif isinstance(difficulty, list) and difficulty:
            low, high = difficulty[0], difficulty[-1]
        else:
            raise SpecError(f"{where}.difficulty", _("难度应为 1–5 的整数或 [最低, 最高]"))
    return {
        "bank": bank,
        "category": category,
        "type": spec.get("type"),
        "difficulty_min": low,
        "difficulty_max": high,
        "count": spec.get("count"),
        "points_each": spec.get("points", spec.get("points_each")),
    }


def _paper(actor, exam: Exam, spec: Any) -> None:
    if not isinstance(spec, dict) or ("rules" in spec) == ("items" in spec):
        raise SpecError("paper", _("请给出 rules（按规则抽题）或 items（固定试题）之一"))
    if "rules" in spec:
        rules = [
            _rule(r, f"paper.rules[{n}]") for n, r in enumerate(_list(spec["rules"], "paper.rules"))
        ]
        try:
            assembly.set_rules(actor, exam, rules)
        except DomainError as exc:
            raise SpecError("paper.rules", exc.message) from None
        return
    for n, entry in enumerate(_list(spec["items"], "paper.items")):
        where = f"paper.items[{n}]"
        entry = entry if isinstance(entry, dict) else {"question": entry}
        question = db.session.get(Question, entry.get("question") or 0)
        if question is None:
            raise SpecError(
                f"{where}.question", _("没有编号为 %(q)s 的题目", q=entry.get("question"))
            )
        pin = bool(entry.get("pin_version", False))
        if not pin:
            question = assembly.latest_version(question)
        try:
            added = assembly.add_items(
                actor, exam, [question], entry.get("points"), pin_version=pin
            )
        except DomainError as exc:
            raise SpecError(where, exc.message) from None
        if not added:
            raise SpecError(f"{where}.question", _("题目 %(q)d 重复", q=question.lineage_id))


def create_from_spec(actor: User | None, data: dict) -> Exam:
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise SpecError("", _("未知的键：%(k)s", k="、".join(sorted(unknown))))
    fields = {
        k: v
        for k, v in data.items()
        if k not in {"audience", "paper", "publish", "required_course"}
    }
    for key in ("opens_at", "closes_at"):
        if key not in data:
            raise SpecError(key, _("必须填写"))
        fields[key] = _time(data[key], key)
    if data.get("required_course"):
        course = course_by_slug(str(data["required_course"]))
        if course is None:
            raise SpecError(
                "required_course", _("没有英文短名为“%(s)s”的课程", s=data["required_course"])
            )
        fields["required_course"] = course
    fields["assembly"] = (
        "rules" if isinstance(data.get("paper"), dict) and "rules" in data["paper"] else "fixed"
    )
    try:
        exam = exams.create_exam(actor, **fields)
    except DomainError as exc:
        raise SpecError(exc.field, exc.message) from None
    audience.set_audience(actor, exam, **_audience(data.get("audience")))
    _paper(actor, exam, data.get("paper"))
    if data.get("publish", False):
        try:
            exams.publish_exam(actor, exam)
        except DomainError as exc:
            raise SpecError("publish", exc.message) from None
    return exam
