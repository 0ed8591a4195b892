"""``flask courses import DIR``: idempotent by slug, all or nothing, errors that name the
file, the line and the column."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.courses.demo import COURSES_DIR, DEMO_COURSE
from app.courses.models import Attachment, Course, Lesson, LessonProgress, Program
from app.courses.services import content
from app.courses.services.importing import CourseImportError, import_directory
from app.courses.services.progress import record_heartbeat
from app.extensions import db
from tests.courses.factories import EXE, PDF, PNG

COURSE = """---
slug: sample
title: 示例课程
hours: 2
programme:
  title: 示例计划
  starts_on: 2026-01-01
  ends_on: 2026-12-31
cover: files/cover.png
---
课程简介。
"""
LESSON_1 = """---
title: 第一讲
minutes: 6
attachments: [files/handout.pdf]
---
## 要点 {#points}

正文一。
"""
LESSON_2 = """---
slug: second
title: 第二讲
---
正文二。
"""


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count(model.id)))
        for model in (Program, Course, Lesson, Attachment)
    )


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "sample"
    (root / "files").mkdir(parents=True)
    (root / "course.md").write_text(COURSE, encoding="utf-8")
    (root / "01-first.md").write_text(LESSON_1, encoding="utf-8")
    (root / "02-second.md").write_text(LESSON_2, encoding="utf-8")
    (root / "files" / "cover.png").write_bytes(PNG)
    (root / "files" / "handout.pdf").write_bytes(PDF)
    return root


def test_import_creates_the_course(app, folder):
    [result] = import_directory(None, folder)
    assert result.created and result.lessons_created == 2 and result.files_written == 2
    course = content.course_by_slug("sample")
    assert course.title == "示例课程" and str(course.hours) == "2.0" and course.published
    assert course.program.title == "示例计划" and course.summary == "课程简介。"
    assert [(les.slug, les.position, les.estimated_minutes) for les in course.lessons] == [
        ("first", 1, 6),
        ("second", 2, 10),
    ]
    assert course.cover.filename == "cover.png"
    assert course.lessons[0].attachments[0].content_type == "application/pdf"


def test_importing_twice_changes_nothing(app, folder):
    import_directory(None, folder)
    db.session.commit()
    before = counts()
    ids = [les.id for les in content.course_by_slug("sample").lessons]
    [again] = import_directory(None, folder)
    assert (again.created, again.updated, again.lessons_unchanged, again.files_written) == (
        False,
        False,
        2,
        0,
    )
    assert counts() == before == (1, 1, 2, 2)
    assert [les.id for les in content.course_by_slug("sample").lessons] == ids


def test_a_changed_file_updates_in_place_and_keeps_progress(app, folder, world):
    import_directory(None, folder)
    course = content.course_by_slug("sample")
    lesson = course.lessons[0]
    record_heartbeat(world["cadre"], lesson)
    db.session.commit()
    (folder / "01-first.md").write_text(LESSON_1.replace("正文一。", "正文一（修订）。"), "utf-8")
    (folder / "course.md").write_text(COURSE.replace("hours: 2", "hours: 3"), "utf-8")
    (folder / "files" / "handout.pdf").write_bytes(PDF + b"% v2\n")
    [result] = import_directory(None, folder)
    assert result.updated and result.lessons_updated == 1 and result.lessons_unchanged == 1
    assert result.files_written == 1
    assert str(course.hours) == "3.0" and "修订" in lesson.body
    assert counts() == (1, 2, 4, 2)  # the world's course is there too
    assert lesson.attachments[0].size == len(PDF) + 5
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 1


def test_missing_lessons_are_kept_unless_pruned(app, folder):
    import_directory(None, folder)
    (folder / "02-second.md").unlink()
    [result] = import_directory(None, folder)
    assert result.missing == ["second"]
    assert len(content.course_by_slug("sample").lessons) == 2
    [result] = import_directory(None, folder, prune=True)
    assert result.pruned == ["second"]
    assert [les.slug for les in content.course_by_slug("sample").lessons] == ["first"]


@pytest.mark.parametrize(
    ("file", "text", "where", "message"),
    [
        (
            "02-second.md",
            LESSON_2.replace("slug: second", "slug: Second Lesson"),
            "第 2 行第 1 列",
            "英文短名",
        ),
        (
            "02-second.md",
            LESSON_2.replace("title: 第二讲", "title: ''"),
            "第 3 行第 1 列",
            "标题不能为空",
        ),
        ("02-second.md", LESSON_2.replace("title: 第二讲", "title: [未闭合"), "第 4 行", "YAML"),
        (
            "02-second.md",
            LESSON_2.replace("title: 第二讲", "titel: 第二讲"),
            "第 3 行第 1 列",
            "未知字段“titel”",
        ),
        ("02-second.md", "没有前置信息\n", "第 1 行第 1 列", "front matter"),
        ("01-first.md", LESSON_1.replace("minutes: 6", "minutes: 0"), "第 3 行第 1 列", "1 到 600"),
        (
            "01-first.md",
            LESSON_1.replace("handout.pdf", "missing.pdf"),
            "第 4 行第 1 列",
            "找不到附件",
        ),
        (
            "01-first.md",
            LESSON_1.replace("files/handout.pdf", "../secret.pdf"),
            "第 4 行",
            "课程文件夹内",
        ),
        ("02-second.md", LESSON_2.replace("slug: second", "slug: first"), "第 1 行第 1 列", "重复"),
        ("course.md", COURSE.replace("slug: sample", "slug: search"), "第 2 行第 1 列", "保留名称"),
        ("course.md", COURSE.replace("hours: 2", "hours: 两"), "第 4 行第 1 列", "学时"),
    ],
)
def test_errors_name_file_line_and_column_and_write_nothing(
    app, folder, file, text, where, message
):
    (folder / file).write_text(text, encoding="utf-8")
    with pytest.raises(CourseImportError) as caught:
        import_directory(None, folder)
    report = caught.value.message
    assert f"sample/{file} {where}" in report, report
    assert message in report, report
    assert counts() == (0, 0, 0, 0)


def test_an_attachment_that_is_not_what_it_claims_rejects_the_import(app, folder):
    (folder / "files" / "handout.pdf").write_bytes(EXE)
    with pytest.raises(CourseImportError, match="handout.pdf"):
        import_directory(None, folder)
    assert counts() == (0, 0, 0, 0)


def test_a_folder_of_course_folders(app, folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "course.md").write_text("---\ntitle: 另一门\n---\n", "utf-8")
    (other / "lesson.md").write_text("---\ntitle: 唯一一讲\n---\n正文\n", "utf-8")
    results = import_directory(None, tmp_path)
    assert sorted(r.slug for r in results) == ["other", "sample"]  # slug defaults to the folder


def test_a_folder_without_courses(app, tmp_path):
    with pytest.raises(CourseImportError, match="course.md"):
        import_directory(None, tmp_path)


def test_the_demo_course_imports_cleanly_and_idempotently(app):
    import_directory(None, COURSES_DIR / DEMO_COURSE)
    course = content.course_by_slug(DEMO_COURSE)
    assert [les.slug for les in course.lessons] == [
        "theory-study",
        "political-leadership",
        "cadre-selection",
        "political-training",
        "political-life",
        "responsibility",
    ]
    assert course.program is not None and course.published and not course.open_to_all
    before = counts()
    [again] = import_directory(None, COURSES_DIR)
    assert not again.updated and again.lessons_unchanged == 6 and counts() == before


# ------------------------------------------------------------------ the command


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_cli_imports_and_reports(app, runner, folder):
    result = runner.invoke(args=["courses", "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "课程 sample（示例课程）：新建；章节新增 2，更新 0，未变 0；写入附件 2" in result.output
    result = runner.invoke(args=["courses", "import", str(folder)])
    assert "未变；章节新增 0，更新 0，未变 2；写入附件 0" in result.output
    assert counts() == (1, 1, 2, 2)


def test_cli_errors_exit_non_zero_naming_the_place(app, runner, folder):
    (folder / "02-second.md").write_text(LESSON_2.replace("title: 第二讲", "title: ''"), "utf-8")
    result = runner.invoke(args=["courses", "import", str(folder)])
    assert result.exit_code == 1
    assert "sample/02-second.md 第 3 行第 1 列：标题不能为空" in result.output
    assert "没有写入任何内容" in result.output
    assert counts() == (0, 0, 0, 0)
