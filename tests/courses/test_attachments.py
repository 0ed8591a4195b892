"""Attachments: checked by content, stored under random names, served with the right
headers, and only to people who may see the course."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.common.errors import DomainError
from app.courses.models import Attachment
from app.courses.services import attachments
from app.courses.services.filetypes import sniff
from app.extensions import db
from tests.courses.factories import EXE, PDF, PNG, attach, make_course

SAMPLES = {
    "application/pdf": PDF,
    "image/png": PNG,
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20,
    "image/gif": b"GIF89a" + b"\x00" * 20,
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20,
    "audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20,
    "audio/wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 20,
    "audio/ogg": b"OggS\x00\x02" + b"\x00" * 20,
    "audio/mp4": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 20,
    "video/mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00" + b"\x00" * 20,
    "video/webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81" + b"\x00" * 20,
}


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_types_are_recognised_by_content(content_type):
    assert sniff(SAMPLES[content_type]).content_type == content_type


@pytest.mark.parametrize(
    "head",
    [
        EXE,
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"<!doctype html><script>alert(1)</script>",
        b"PK\x03\x04" + b"\x00" * 30,  # a zip (or docx)
        b"#!/bin/sh\nrm -rf /\n",
        b"\xff\xfb",  # too short to be an MP3 frame
    ],
)
def test_other_content_is_not_recognised(head):
    assert sniff(head) is None


def test_an_exe_renamed_pdf_is_refused(world, attachment_dir):
    with pytest.raises(DomainError) as caught:
        attach(world["admin"], world["course"], EXE, "讲义.pdf")
    assert "讲义.pdf" in caught.value.message and "不是可接受的文件" in caught.value.message
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert not attachment_dir.exists() or not any(attachment_dir.iterdir())


def test_an_extension_that_lies_about_the_content_is_refused(world):
    with pytest.raises(DomainError) as caught:
        attach(world["admin"], world["course"], PNG, "讲义.pdf")
    assert "扩展名与内容不符" in caught.value.message and "image/png" in caught.value.message


def test_size_limit_and_empty_files(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "COURSE_ATTACHMENT_MAX_BYTES", 100)
    with pytest.raises(DomainError, match="大小上限"):
        attach(world["admin"], world["course"], PDF + b"x" * 100, "big.pdf")
    with pytest.raises(DomainError, match="空"):
        attach(world["admin"], world["course"], b"", "empty.pdf")


def test_stored_under_a_random_name_outside_static(world, attachment_dir):
    item = attach(world["admin"], world["course"], PDF, "../../etc/讲义.pdf")
    assert item.filename == "讲义.pdf"
    assert item.content_type == "application/pdf" and item.kind == "pdf"
    assert item.size == len(PDF) and len(item.sha256) == 64
    stored = attachment_dir / item.stored_name
    assert stored.read_bytes() == PDF
    assert "讲义" not in item.stored_name and "." not in item.stored_name


def test_files_follow_their_transaction(world, attachment_dir):
    db.session.commit()
    item = attach(world["admin"], world["course"], PNG, "a.png")
    path = attachment_dir / item.stored_name
    db.session.rollback()  # the row never existed: neither does the file
    assert not path.exists()

    item = attach(world["admin"], world["course"], PNG, "b.png")
    db.session.commit()
    path = attachment_dir / item.stored_name
    attachments.delete_attachment(world["admin"], item)
    assert path.exists(), "removed only when the deletion commits"
    db.session.commit()
    assert not path.exists()


def test_a_new_cover_replaces_the_old_and_must_be_an_image(world, attachment_dir):
    course = world["course"]
    first = attach(world["admin"], course, PNG, "cover.png", role="cover")
    db.session.commit()
    first_path = attachment_dir / first.stored_name
    second = attach(world["admin"], course, PNG, "cover2.png", role="cover")
    db.session.commit()
    assert course.cover is second and not first_path.exists()
    with pytest.raises(DomainError, match="封面须是图片"):
        attach(world["admin"], course, PDF, "x.pdf", role="cover")


def test_a_lesson_of_another_course_is_refused(world):
    other = make_course(world["admin"])
    with pytest.raises(DomainError, match="不属于"):
        attach(world["admin"], world["course"], PNG, "a.png", lesson=other.lessons[0])


# ------------------------------------------------------------------ serving


def test_served_with_type_disposition_and_nosniff(world, client):
    picture = attach(world["admin"], world["course"], PNG, "示意图.png")
    handout = attach(world["admin"], world["course"], PDF, "讲义.pdf")
    db.session.commit()
    client.login("c-cadre")
    response = client.get(f"/courses/attachments/{picture.id}")
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert (
        "filename*=UTF-8''%E7%A4%BA%E6%84%8F%E5%9B%BE.png"
        in response.headers["Content-Disposition"]
    )
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response = client.get(f"/courses/attachments/{handout.id}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("username", "status"),
    [("c-cadre", 200), ("c-sec", 200), ("c-admin", 200), ("c-out", 403), ("c-osec", 403)],
)
def test_served_only_to_the_course_audience(world, client, username, status):
    picture = attach(world["admin"], world["course"], PNG, "a.png")
    db.session.commit()
    client.login(username)
    assert client.get(f"/courses/attachments/{picture.id}").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    picture = attach(world["admin"], world["course"], PNG, "a.png")
    db.session.commit()
    response = client.get(f"/courses/attachments/{picture.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_draft_courses_files_do_not_exist_for_readers(world, client):
    draft = make_course(world["admin"], published=False, open_to_all=True)
    picture = attach(world["admin"], draft, PNG, "a.png")
    db.session.commit()
    client.login("c-cadre")
    assert client.get(f"/courses/attachments/{picture.id}").status_code == 404


def test_upload_through_the_admin_page(world, client, attachment_dir):
    client.login("c-admin")
    course = world["course"]
    url = f"/admin/courses/{course.id}/attachments"
    response = client.post_form(
        url, {"file": (io.BytesIO(EXE), "讲义.pdf"), "lesson": "", "role": "file"}
    )
    assert response.status_code == 400
    assert "不是可接受的文件" in response.get_data(as_text=True)
    response = client.post_form(
        url,
        {
            "file": (io.BytesIO(PDF), "讲义.pdf"),
            "lesson": str(course.lessons[0].id),
            "role": "file",
        },
    )
    assert response.status_code == 302
    item = db.session.scalar(select(Attachment))
    assert item.lesson_id == course.lessons[0].id and (attachment_dir / item.stored_name).exists()
    page = client.get(f"/courses/{course.slug}/{course.lessons[0].slug}").get_data(as_text=True)
    assert f"/courses/attachments/{item.id}" in page and "讲义.pdf" in page
