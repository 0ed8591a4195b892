"""Course attachments: files kept under ``instance/attachments/`` (or
``COURSE_ATTACHMENT_DIR``) with random names, checked by content, at most
``COURSE_ATTACHMENT_MAX_BYTES``.

Files follow the transaction of their rows: a file written by a transaction that rolls
back is removed, and a file whose row is deleted goes only when that deletion commits.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path, PurePath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.common import audit
from app.common.errors import DomainError
from app.courses.models import Attachment, Course, Lesson
from app.courses.services.filetypes import extension_fits, sniff
from app.extensions import db

_WRITTEN = "courses_attachments_written"
_DISCARD = "courses_attachments_discard"


def storage_dir() -> Path:
    configured = current_app.config.get("COURSE_ATTACHMENT_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def max_bytes() -> int:
    return int(current_app.config.get("COURSE_ATTACHMENT_MAX_BYTES", 20 * 1024**2))


def attachment_path(attachment: Attachment) -> Path:
    return stored_path(attachment.stored_name)


def stored_path(stored_name: str) -> Path:
    return storage_dir() / stored_name


def clean_filename(filename: str) -> str:
    # Browsers send "C:\\path\\name.pdf" now and then; keep the last part only.
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|')
    if not name or name.startswith("."):
        raise DomainError(_("文件名无效"), "file")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot else name[:200]
    return name


def check_content(filename: str, data: bytes):
    """The file's type, or DomainError saying what is wrong with it."""
    limit = max_bytes()
    if not data:
        raise DomainError(_("文件是空的"), "file")
    if len(data) > limit:
        megabytes = format(limit / 1024**2, "g")
        raise DomainError(_("文件超过大小上限 %(n)s MB", n=megabytes), "file")
    filetype = sniff(data[:64])
    if filetype is None:
        raise DomainError(
            _(
                "“%(f)s”不是可接受的文件：只接受 PDF、图片（PNG、JPEG、GIF、WebP）、"
                "音频（MP3、M4A、WAV、Ogg）和视频（MP4、WebM）",
                f=filename,
            ),
            "file",
        )
    if not extension_fits(filename, filetype):
        raise DomainError(
            _(
                "“%(f)s”的扩展名与内容不符：内容是 %(t)s，应以 %(e)s 结尾",
                f=filename,
                t=filetype.content_type,
                e=" / ".join(filetype.extensions),
            ),
            "file",
        )
    return filetype


def store_bytes(data: bytes) -> str:
    """Write ``data`` under a random name in the upload folder; the file goes again if the
    transaction rolls back. Other features' uploads (a speaker's outline) keep theirs here."""
    name = secrets.token_hex(16)
    (storage_dir() / name).write_bytes(data)
    db.session.info.setdefault(_WRITTEN, set()).add(name)
    return name


def discard_after_commit(stored_name: str) -> None:
    """Remove a stored file once the deletion of its row commits (kept on a rollback)."""
    db.session.info.setdefault(_DISCARD, set()).add(stored_name)


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    session.info.pop(_WRITTEN, None)
    names = session.info.pop(_DISCARD, set())
    if names:
        folder = storage_dir()
        for name in names:
            (folder / name).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(_DISCARD, None)
    names = session.info.pop(_WRITTEN, set())
    if names:
        folder = storage_dir()
        for name in names:
            (folder / name).unlink(missing_ok=True)


def add_attachment(
    actor,
    course: Course,
    *,
    filename: str,
    data: bytes,
    lesson: Lesson | None = None,
    role: str = "file",
) -> Attachment:
    """Store ``data`` as an attachment of ``course`` (of ``lesson`` if given). A new cover
    replaces the old one."""
    filename = clean_filename(filename)
    filetype = check_content(filename, data)
    if lesson is not None and lesson.course_id != course.id:
        raise DomainError(_("所选章节不属于这门课程"), "lesson")
    if role not in ("file", "cover"):
        raise DomainError(_("未知的附件用途"), "role")
    if role == "cover" and filetype.kind != "image":
        raise DomainError(_("封面须是图片（PNG、JPEG、GIF 或 WebP）"), "file")
    if role == "cover":
        for old in [a for a in course.attachments if a.role == "cover"]:
            _remove(old)
    attachment = Attachment(
        course=course,
        lesson=lesson,
        role=role,
        filename=filename,
        stored_name=store_bytes(data),
        content_type=filetype.content_type,
        kind=filetype.kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        actor,
        "attachment.create",
        attachment,
        _("为课程 %(c)s 上传附件 %(f)s", c=course.title, f=filename),
        size=len(data),
        content_type=filetype.content_type,
    )
    return attachment


def replace_content(actor, attachment: Attachment, data: bytes) -> bool:
    """Give an attachment new bytes (same name, checked again); False if they are the same."""
    digest = hashlib.sha256(data).hexdigest()
    if digest == attachment.sha256:
        return False
    filetype = check_content(attachment.filename, data)
    discard_after_commit(attachment.stored_name)
    attachment.stored_name = store_bytes(data)
    attachment.content_type, attachment.kind = filetype.content_type, filetype.kind
    attachment.size, attachment.sha256 = len(data), digest
    db.session.flush()
    audit.record(actor, "attachment.update", attachment, _("更新附件 %(f)s", f=attachment.filename))
    return True


def _remove(attachment: Attachment) -> None:
    discard_after_commit(attachment.stored_name)
    if attachment in attachment.course.attachments:
        attachment.course.attachments.remove(attachment)
    db.session.delete(attachment)


def delete_attachment(actor, attachment: Attachment) -> None:
    audit.record(
        actor,
        "attachment.delete",
        attachment,
        _("删除附件 %(f)s（%(c)s）", f=attachment.filename, c=attachment.course.title),
    )
    _remove(attachment)
    db.session.flush()


def inline(attachment: Attachment) -> bool:
    """Images, audio and video open in the page; PDFs download (the page's policy forbids
    the browser's plug-in viewer)."""
    return attachment.kind in ("image", "audio", "video")
