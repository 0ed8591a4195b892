"""Speakers' outlines as files: PDF, Word, text and pictures are kept in the upload folder and
downloaded by whoever sees the session; a bad file is refused by name and nothing is stored;
the file goes with its speaker, and into the archive."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from app.checkin.archive import build_archive
from app.checkin.models import SessionSpeaker
from app.checkin.services import outlines, sessions
from app.checkin.services.base import CheckinError
from app.extensions import db
from tests.checkin.factories import make_session
from tests.courses.factories import EXE, PDF, PNG

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
TEXT = "一、学习体会\n二、下一步打算\n".encode()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


DOCX = _docx()  # once: a zip holds its entries' times


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a Word file")
    return out.getvalue()


def _stored(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _login(app, user):
    client = app.test_client()
    assert client.login(user.username).status_code == 302
    return client


@pytest.fixture
def session(world):
    return make_session(world["sec"], world["team_a"])


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("提纲.pdf", PDF, "application/pdf"),
        ("提纲.docx", DOCX, outlines.DOCX_TYPE),
        ("提纲.txt", TEXT, outlines.TEXT_TYPE),
        ("提纲.PNG", PNG, "image/png"),
        ("提纲.jpg", JPEG, "image/jpeg"),
    ],
)
def test_accepted_outline_files_are_stored(
    world, session, upload_dir, filename, data, content_type
):
    speaker = sessions.add_speaker(
        world["sec"],
        session,
        speaker=world["cadre"],
        role="lead",
        title="领学题目",
        outline_file=outlines.OutlineFile(filename, data),
    )
    assert speaker.outline_filename == filename and speaker.outline_content_type == content_type
    assert speaker.outline_size == len(data)
    assert outlines.path_of(speaker).read_bytes() == data
    assert _stored(upload_dir) == [speaker.outline_stored]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("提纲.exe", EXE, "不是可接受的发言提纲附件"),
        ("提纲.pdf", PNG, "不是可接受的发言提纲附件"),  # the name says PDF, the content a picture
        ("提纲.docx", _zip(), "不是可接受的发言提纲附件"),  # a zip, not a Word document
        ("提纲.txt", b"\xff\xfe\x00\x00binary\x00", "不是可接受的发言提纲附件"),
        ("提纲.svg", b"<svg onload='alert(1)'/>", "不是可接受的发言提纲附件"),
        ("提纲.txt", b"", "是空的"),
        (".hidden", TEXT, "文件名无效"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    world, session, upload_dir, filename, data, message
):
    with pytest.raises(CheckinError, match=message) as caught:
        sessions.add_speaker(
            world["sec"],
            session,
            speaker=world["cadre"],
            role="lead",
            title="领学题目",
            outline_file=outlines.OutlineFile(filename, data),
        )
    assert caught.value.field == "outline_file"
    assert session.speakers == [] and _stored(upload_dir) == []


def test_a_file_over_the_upload_limit_is_refused(app, world, session, upload_dir, monkeypatch):
    monkeypatch.setitem(app.config, "COURSE_ATTACHMENT_MAX_BYTES", 1024**2)
    with pytest.raises(CheckinError, match="超过大小上限 1 MB"):
        sessions.add_speaker(
            world["sec"],
            session,
            speaker=world["cadre"],
            role="lead",
            title="领学题目",
            outline_file=outlines.OutlineFile("提纲.txt", b"a" * (1024**2 + 1)),
        )
    assert _stored(upload_dir) == []


def test_the_page_uploads_and_the_session_readers_download(app, world, session, upload_dir):
    sec = _login(app, world["sec"])
    form = sec.get(f"/checkin/sessions/{session.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'accept=".pdf,.docx,.txt' in form
    data = {"speaker": str(world["cadre"].id), "role": "report", "title": "述学题目"}
    bad = sec.post_form(
        f"/checkin/sessions/{session.id}/speakers",
        {**data, "outline_file": (io.BytesIO(EXE), "提纲.exe")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "“提纲.exe”不是可接受的发言提纲附件" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SessionSpeaker.id))) == 0
    assert _stored(upload_dir) == []
    good = sec.post_form(
        f"/checkin/sessions/{session.id}/speakers",
        {**data, "outline_file": (io.BytesIO(PDF), "述学提纲.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    speaker = db.session.scalar(select(SessionSpeaker))
    url = f"/checkin/speakers/{speaker.id}/outline"
    assert url in sec.get(f"/checkin/sessions/{session.id}").get_data(as_text=True)
    for user in ("cadre", "sec", "admin"):
        response = _login(app, world[user]).get(url)
        assert response.status_code == 200, user
        assert response.data == PDF and response.mimetype == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    for user in ("outsider", "other_sec"):
        assert _login(app, world[user]).get(url).status_code == 403
    assert app.test_client().get(url).status_code == 302  # to the login page
    # a speaker without a file has none to download
    plain = sessions.add_speaker(
        world["sec"], session, speaker=world["cadre2"], role="speak", title="发言"
    )
    db.session.commit()
    assert sec.get(f"/checkin/speakers/{plain.id}/outline").status_code == 404


def test_the_file_goes_once_the_speakers_removal_commits(world, session, upload_dir):
    speaker = sessions.add_speaker(
        world["sec"],
        session,
        speaker=world["cadre"],
        role="lead",
        title="领学题目",
        outline_file=outlines.OutlineFile("提纲.txt", TEXT),
    )
    db.session.commit()
    sessions.remove_speaker(world["sec"], speaker)
    db.session.rollback()  # not removed after all: the file stays
    assert len(_stored(upload_dir)) == 1
    sessions.remove_speaker(world["sec"], db.session.get(SessionSpeaker, speaker.id))
    db.session.commit()
    assert _stored(upload_dir) == []


def test_the_archive_holds_the_outline_files(app, world, session, upload_dir):
    sessions.add_speaker(
        world["sec"],
        session,
        speaker=world["cadre"],
        role="lead",
        title="领学题目",
        outline="提纲要点",
        outline_file=outlines.OutlineFile("领学提纲.docx", DOCX),
    )
    with app.test_request_context():
        data = build_archive(world["team_a"], 2027)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        stored = [n for n in names if "/sessions/01-outlines/" in n]
        assert len(stored) == 1 and stored[0].endswith("-领学提纲.docx")
        assert archive.read(stored[0]) == DOCX
        page = archive.read(next(n for n in names if n.endswith("sessions/01.html"))).decode()
    href = re.search(r'class="outline-file">[^<]*<a href="([^"]+)"', page).group(1)
    assert href.startswith("01-outlines/") and "%E9%A2%86%E5%AD%A6" in href  # 领学, relative
    assert "提纲要点" in page
