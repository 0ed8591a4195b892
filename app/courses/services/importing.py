"""Import courses from folders of Markdown files with front matter (``flask courses import
DIR``; the demo course goes through here too).

A course folder holds ``course.md`` (the course's fields; its body is the summary) and one
``.md`` file per lesson, read in file-name order. ``DIR`` is one course folder or a folder
of them. Everything is checked before anything is written, and one error rejects the whole
import. Importing again is idempotent: a course is found by its slug, a lesson by its slug
within the course, an attachment by its file name; what changed is updated, nothing is
duplicated. Lessons missing from the folder are reported and kept (``prune`` deletes them).
The format is described in ``courses/README.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from app.common.errors import DomainError
from app.courses.models import Course, Lesson
from app.courses.services import attachments, content
from app.courses.services.frontmatter import Document, FrontMatterError, Issue, read

COURSE_FILE = "course.md"
COURSE_KEYS = {
    "slug",
    "title",
    "hours",
    "programme",
    "published",
    "open_to_all",
    "sort_order",
    "cover",
}
PROGRAMME_KEYS = {"title", "description", "starts_on", "ends_on"}
LESSON_KEYS = {"slug", "title", "minutes", "position", "attachments"}
_PREFIX = re.compile(r"^\d+[-_.]")


class CourseImportError(DomainError):
    def __init__(self, issues: list[Issue]):
        super().__init__(
            _("导入被拒绝：共 %(n)d 处错误，没有写入任何内容。", n=len(issues))
            + "\n"
            + "\n".join(f"  {i}" for i in issues)
        )
        self.issues = issues


@dataclass
class FileSpec:
    filename: str
    data: bytes


@dataclass
class LessonSpec:
    file: str
    fields: dict
    attachments: list[FileSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    folder: Path
    fields: dict
    programme: dict | None
    cover: FileSpec | None
    lessons: list[LessonSpec] = field(default_factory=list)


@dataclass
class CourseResult:
    slug: str
    title: str
    created: bool = False
    updated: bool = False
    lessons_created: int = 0
    lessons_updated: int = 0
    lessons_unchanged: int = 0
    files_written: int = 0
    missing: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)


def course_folders(root: Path) -> list[Path]:
    if (root / COURSE_FILE).is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / COURSE_FILE).is_file())


# ------------------------------------------------------------------ reading and checking


class _Checker:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def check(self, doc: Document, key: str | None, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            self.issues.append(doc.issue(key, exc.message))
            return None

    def unknown_keys(self, doc: Document, allowed: set[str], fields: dict) -> None:
        for key in sorted(set(fields) - allowed):
            self.issues.append(doc.issue(key, _("未知字段“%(k)s”", k=key)))

    def read_doc(self, path: Path, label: str) -> Document | None:
        try:
            return read(label, path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            self.issues.append(Issue(label, 1, 1, _("文件须为 UTF-8 编码")))
        except FrontMatterError as exc:
            self.issues.append(exc.issue)
        return None

    def read_file(self, doc: Document, key: str, folder: Path, name) -> FileSpec | None:
        relative = Path(str(name or ""))
        path = (folder / relative).resolve()
        if (
            relative.is_absolute()
            or ".." in relative.parts
            or not path.is_relative_to(folder.resolve())
        ):
            self.issues.append(doc.issue(key, _("附件须放在课程文件夹内：%(f)s", f=name)))
            return None
        if not path.is_file():
            self.issues.append(doc.issue(key, _("找不到附件文件 %(f)s", f=name)))
            return None
        with path.open("rb") as fh:
            data = fh.read(attachments.max_bytes() + 1)
        if self.check(doc, key, attachments.check_content, path.name, data) is None:
            return None
        return FileSpec(path.name, data)


def _bool(checker: _Checker, doc: Document, key: str, default: bool) -> bool:
    value = doc.fields.get(key, default)
    if not isinstance(value, bool):
        checker.issues.append(doc.issue(key, _("“%(k)s”须为 true 或 false", k=key)))
        return default
    return value


def _date(checker: _Checker, doc: Document, key: str, value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    checker.issues.append(doc.issue("programme", _("%(k)s 须为日期，如 2026-01-01", k=key)))
    return None


def _read_course(checker: _Checker, folder: Path, root: Path) -> CourseSpec | None:
    label = str((folder / COURSE_FILE).relative_to(root.parent))
    doc = checker.read_doc(folder / COURSE_FILE, label)
    if doc is None:
        return None
    f = doc.fields
    checker.unknown_keys(doc, COURSE_KEYS, f)
    fields = {
        "slug": checker.check(
            doc, "slug", content.check_slug, f.get("slug", folder.name), reserved=True
        ),
        "title": checker.check(doc, "title", content.check_title, f.get("title")),
        "hours": checker.check(doc, "hours", content.check_hours, f.get("hours", 0)),
        "summary": doc.body.strip(),
        "published": _bool(checker, doc, "published", True),
        "open_to_all": _bool(checker, doc, "open_to_all", False),
        "sort_order": f.get("sort_order", 0),
    }
    if not isinstance(fields["sort_order"], int):
        checker.issues.append(doc.issue("sort_order", _("sort_order 须为整数")))
    programme = None
    if f.get("programme") is not None:
        raw = f["programme"]
        if not isinstance(raw, dict) or not raw.get("title"):
            checker.issues.append(
                doc.issue("programme", _("programme 须包含 title（学习计划名称）"))
            )
        else:
            for key in sorted(set(raw) - PROGRAMME_KEYS):
                checker.issues.append(doc.issue("programme", _("未知字段“%(k)s”", k=key)))
            programme = {
                "title": str(raw["title"]).strip(),
                "description": str(raw.get("description") or ""),
                "starts_on": _date(checker, doc, "starts_on", raw.get("starts_on")),
                "ends_on": _date(checker, doc, "ends_on", raw.get("ends_on")),
            }
    cover = checker.read_file(doc, "cover", folder, f["cover"]) if f.get("cover") else None
    spec = CourseSpec(folder, fields, programme, cover)
    seen: dict[str, str] = {}
    lesson_files = sorted(p for p in folder.glob("*.md") if p.name != COURSE_FILE)
    for number, path in enumerate(lesson_files, start=1):
        lesson = _read_lesson(checker, path, folder, root, number)
        if lesson is None:
            continue
        slug = lesson.fields["slug"]
        if slug in seen:
            checker.issues.append(
                Issue(
                    lesson.file, 1, 1, _("章节英文短名“%(s)s”与 %(f)s 重复", s=slug, f=seen[slug])
                )
            )
        seen[slug] = lesson.file
        spec.lessons.append(lesson)
    return spec


def _read_lesson(checker: _Checker, path: Path, folder: Path, root: Path, number: int):
    label = str(path.relative_to(root.parent))
    doc = checker.read_doc(path, label)
    if doc is None:
        return None
    f = doc.fields
    checker.unknown_keys(doc, LESSON_KEYS, f)
    before = len(checker.issues)
    fields = {
        "slug": checker.check(
            doc, "slug", content.check_slug, f.get("slug", _PREFIX.sub("", path.stem))
        ),
        "title": checker.check(doc, "title", content.check_title, f.get("title")),
        "estimated_minutes": checker.check(
            doc, "minutes", content.check_minutes, f.get("minutes", 10)
        ),
        "position": f.get("position", number),
        "body": doc.body.strip() + "\n",
    }
    if not isinstance(fields["position"], int):
        checker.issues.append(doc.issue("position", _("position 须为整数")))
    names = f.get("attachments") or []
    if not isinstance(names, list):
        checker.issues.append(doc.issue("attachments", _("attachments 须为文件名列表")))
        names = []
    files = [checker.read_file(doc, "attachments", folder, name) for name in names]
    if len(checker.issues) > before:
        return None
    return LessonSpec(label, fields, [f for f in files if f is not None])


def read_directory(root: Path) -> list[CourseSpec]:
    """Every course under ``root``, checked; CourseImportError listing every problem."""
    checker = _Checker()
    folders = course_folders(root) if root.is_dir() else []
    if not folders:
        raise CourseImportError(
            [Issue(str(root), 1, 1, _("没有找到课程：文件夹中须有 %(f)s", f=COURSE_FILE))]
        )
    specs = [s for s in (_read_course(checker, folder, root) for folder in folders) if s]
    slugs: dict[str, Path] = {}
    for spec in specs:
        slug = spec.fields["slug"]
        if slug and slug in slugs:
            checker.issues.append(
                Issue(str(spec.folder.name), 1, 1, _("课程英文短名“%(s)s”重复", s=slug))
            )
        slugs[slug] = spec.folder
    if checker.issues:
        raise CourseImportError(checker.issues)
    return specs


# ------------------------------------------------------------------ writing


def _apply_programme(actor, values: dict | None):
    if values is None:
        return None
    program = content.find_program(values["title"])
    if program is None:
        return content.create_program(actor, **values)
    current = {k: getattr(program, k) for k in values}
    if current != values:
        content.update_program(actor, program, **values)
    return program


def _sync_attachments(actor, course: Course, lesson: Lesson | None, files, role: str) -> int:
    written = 0
    for spec in files:
        existing = next(
            (
                a
                for a in course.attachments
                if a.role == role
                and a.filename == spec.filename
                and a.lesson_id == (lesson.id if lesson else None)
            ),
            None,
        )
        if existing is None:
            attachments.add_attachment(
                actor, course, filename=spec.filename, data=spec.data, lesson=lesson, role=role
            )
            written += 1
        elif attachments.replace_content(actor, existing, spec.data):
            written += 1
    return written


def _apply_course(actor, spec: CourseSpec, *, prune: bool) -> CourseResult:
    fields = dict(spec.fields, program=_apply_programme(actor, spec.programme))
    course = content.course_by_slug(fields["slug"])
    result = CourseResult(fields["slug"], fields["title"])
    if course is None:
        course = content.create_course(actor, **fields)
        result.created = True
    else:
        result.updated = bool(content.update_course(actor, course, **fields))
    for lesson_spec in spec.lessons:
        lesson = content.find_lesson(course, lesson_spec.fields["slug"])
        if lesson is None:
            lesson = content.create_lesson(actor, course, **lesson_spec.fields)
            result.lessons_created += 1
        elif content.update_lesson(actor, lesson, **lesson_spec.fields):
            result.lessons_updated += 1
        else:
            result.lessons_unchanged += 1
        result.files_written += _sync_attachments(
            actor, course, lesson, lesson_spec.attachments, "file"
        )
    if spec.cover is not None:
        result.files_written += _sync_attachments(actor, course, None, [spec.cover], "cover")
    wanted = {lesson.fields["slug"] for lesson in spec.lessons}
    for lesson in list(course.lessons):
        if lesson.slug not in wanted:
            if prune:
                content.delete_lesson(actor, lesson)
                result.pruned.append(lesson.slug)
            else:
                result.missing.append(lesson.slug)
    return result


def import_directory(actor, root: Path, *, prune: bool = False) -> list[CourseResult]:
    """Import every course under ``root`` (flushes; the caller commits or rolls back)."""
    specs = read_directory(root)
    results = []
    for spec in specs:
        try:
            results.append(_apply_course(actor, spec, prune=prune))
        except DomainError as exc:
            raise CourseImportError(
                [Issue(str(spec.folder.name / Path(COURSE_FILE)), 1, 1, exc.message)]
            ) from None
    return results
