"""The year-end archive of a team's centre-group study (年度学习档案): one zip a secretary
keeps, which opens offline — printable HTML pages (A4 print CSS shipped inside, no script,
no outside link) and one xlsx workbook:

- ``index.html``: the contents and the year's standing against the quota;
- ``plan.html``: the plan's items and its filing history (filed, acknowledged, returned,
  amended — who, when, what, why);
- ``sessions/NN.html``: each session — details, minutes, attendance sheet, speakers with
  their outlines, follow-up measures, reflections, the study test's results; the speakers'
  outline files themselves in ``sessions/NN-outlines/``;
- ``reflections.html``, ``lectures.html``, ``figures.html`` (every member's standing);
- ``学习档案.xlsx``: the same as sheets.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from app.auth.models import Team
from app.checkin.models import StudySession
from app.checkin.services import (
    attendance,
    lectures,
    outlines,
    plans,
    reflections,
    sessions,
    standings,
)
from app.checkin.services.base import (
    attendance_labels,
    kind_labels,
    measure_labels,
    method_labels,
    plan_event_labels,
    plan_status_labels,
    role_labels,
)
from app.checkin.services.materials import material_lines
from app.checkin.services.studytests import session_results
from app.common.timeutil import format_local


@dataclass(frozen=True)
class SessionPage:
    number: int
    session: StudySession

    @property
    def filename(self) -> str:
        return f"sessions/{self.number:02d}.html"

    @property
    def outline_folder(self) -> str:
        """The speakers' outline files, beside the session's page."""
        return f"{self.number:02d}-outlines"


def _labels() -> dict:
    return {
        "kind_labels": kind_labels(),
        "attendance_labels": attendance_labels(),
        "method_labels": method_labels(),
        "speaker_role_labels": role_labels(),
        "measure_labels": measure_labels(),
        "plan_event_labels": plan_event_labels(),
        "plan_status_labels": plan_status_labels(),
        "material_lines": material_lines,
    }


def archive_name(team: Team, year: int) -> str:
    return f"{team.name}-{year}-中心组学习档案.zip"


def build_archive(team: Team, year: int, *, now: datetime | None = None) -> bytes:
    """The archive of ``team``'s ``year`` as zip bytes."""
    labels = _labels()
    plan = plans.plan_for(team, year)
    pages = [
        SessionPage(n, s)
        for n, s in enumerate(reversed(sessions.team_sessions(team, year=year)), start=1)
    ]
    standing = standings.team_standing(team, year, now=now)
    year_reflections = reflections.of_team(team, year=year)
    year_lectures = lectures.of_team(team, year)
    context = {
        "team": team,
        "year": year,
        "plan": plan,
        "pages": pages,
        "standing": standing,
        "reflections": year_reflections,
        "lectures": year_lectures,
        "generated": format_local(now) if now else "",
        **labels,
    }
    files: dict[str, str | bytes] = {
        "index.html": render_template("checkin/archive/index.html", root="", **context),
        "plan.html": render_template("checkin/archive/plan.html", root="", **context),
        "reflections.html": render_template("checkin/archive/reflections.html", root="", **context),
        "lectures.html": render_template("checkin/archive/lectures.html", root="", **context),
        "figures.html": render_template("checkin/archive/figures.html", root="", **context),
        "print.css": (Path(current_app.static_folder) / "css" / "checkin-archive.css").read_bytes(),
    }
    sheets = []
    for page in pages:
        rows = attendance.sheet(page.session)
        results = session_results(page.session)
        sheets.append((page, rows, results))
        outline_files = {}
        for speaker in page.session.speakers:
            path = outlines.path_of(speaker)
            if path is not None:
                name = f"{page.outline_folder}/{outlines.archive_name(speaker)}"
                files[f"sessions/{name}"] = path.read_bytes()
                outline_files[speaker.id] = name
        files[page.filename] = render_template(
            "checkin/archive/session.html",
            root="../",
            page=page,
            session=page.session,
            sheet=rows,
            counts=attendance.sheet_counts(rows),
            session_reflections=reflections.of_session(page.session),
            missing=reflections.missing_on_session(page.session),
            results=results,
            outline_files=outline_files,
            **context,
        )
    files["学习档案.xlsx"] = _workbook(context, sheets)
    out = io.BytesIO()
    folder = f"{team.name}-{year}"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"{folder}/{name}", content)
    current_app.logger.info(
        "centre-group archive of team %s, %s: %d files", team.id, year, len(files)
    )
    return out.getvalue()


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, name in zip(sheet.columns, header, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = max(10, min(60, len(name) * 3))


def _workbook(context: dict, sheets) -> bytes:
    kinds, statuses, methods = (
        context["kind_labels"],
        context["attendance_labels"],
        context["method_labels"],
    )
    roles, events = context["speaker_role_labels"], context["plan_event_labels"]
    book = Workbook()
    book.remove(book.active)
    plan = context["plan"]
    _sheet(
        book,
        _("学习计划"),
        [_("月份"), _("学习主题"), _("学习形式"), _("计划领学人"), _("学习材料")],
        [
            [
                i.month,
                i.topic,
                kinds.get(i.kind, i.kind),
                i.lead_user.name if i.lead_user else "",
                "\n".join(material_lines(i)),
            ]
            for i in (plan.items if plan else [])
        ],
    )
    _sheet(
        book,
        _("备案记录"),
        [_("时间"), _("事项"), _("经办人"), _("内容"), _("原因或意见")],
        [
            [
                format_local(e.at),
                events.get(e.kind, e.kind),
                e.actor.name if e.actor else "",
                e.what,
                e.reason,
            ]
            for e in (plan.events if plan else [])
        ],
    )
    _sheet(
        book,
        _("集体学习"),
        [
            _("序号"),
            _("开始"),
            _("结束"),
            _("形式"),
            _("主题"),
            _("地点"),
            _("学时"),
            _("学习材料"),
            _("出席"),
            _("请假"),
            _("缺席"),
        ],
        [
            [
                page.number,
                format_local(page.session.starts_at),
                format_local(page.session.ends_at),
                kinds.get(page.session.kind, page.session.kind),
                page.session.topic,
                page.session.place,
                float(page.session.hours),
                "\n".join(material_lines(page.session)),
                attendance.sheet_counts(rows)["present"],
                attendance.sheet_counts(rows)["leave"],
                attendance.sheet_counts(rows)["absent"],
            ]
            for page, rows, _results in sheets
        ],
    )
    _sheet(
        book,
        _("签到表"),
        [
            _("序号"),
            _("主题"),
            _("姓名"),
            _("出勤"),
            _("迟到"),
            _("签到时间"),
            _("方式"),
            _("事由"),
        ],
        [
            [
                page.number,
                page.session.topic,
                row.member.name,
                statuses[row.attendance.status] if row.attendance else _("未登记"),
                _("是") if row.attendance and row.attendance.late else "",
                format_local(row.attendance.checked_in_at) if row.attendance else "",
                methods[row.attendance.method] if row.attendance else "",
                row.attendance.reason if row.attendance else "",
            ]
            for page, rows, _results in sheets
            for row in rows
        ],
    )
    _sheet(
        book,
        _("发言"),
        [_("序号"), _("主题"), _("发言人"), _("类型"), _("题目"), _("提纲"), _("提纲附件")],
        [
            [
                page.number,
                page.session.topic,
                s.user.name,
                roles[s.role],
                s.title,
                s.outline,
                s.outline_filename,
            ]
            for page, _rows, _results in sheets
            for s in page.session.speakers
        ],
    )
    _sheet(
        book,
        _("心得体会"),
        [_("提交时间"), _("姓名"), _("标题"), _("学习或材料"), _("正文")],
        [
            [
                format_local(r.submitted_at),
                r.user.name,
                r.title,
                r.session.topic if r.session else r.material,
                r.body,
            ]
            for r in context["reflections"]
        ],
    )
    _sheet(
        book,
        _("考学成绩"),
        [_("序号"), _("主题"), _("姓名"), _("得分"), _("满分"), _("是否通过")],
        [
            [page.number, page.session.topic, r.name, r.score, r.max_score, r.passed_text]
            for page, _rows, results in sheets
            for r in (results.rows if results else [])
        ],
    )
    _sheet(
        book,
        _("党课"),
        [_("日期"), _("主讲人"), _("党支部"), _("题目"), _("听课人数")],
        [
            [le.given_on.isoformat(), le.user.name, le.branch, le.topic, le.audience]
            for le in context["lectures"]
        ],
    )
    standing = context["standing"]
    member_lines = standing.members[0].lines if standing.members else []
    _sheet(
        book,
        _("达标情况"),
        [_("姓名"), *[f"{line.label}（{line.expected}）" for line in member_lines], _("全部达标")],
        [
            [m.member.name, *[line.actual for line in m.lines], _("是") if m.met else _("否")]
            for m in standing.members
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
