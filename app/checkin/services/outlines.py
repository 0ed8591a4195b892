"""发言提纲附件: a speaker's outline as a file — PDF, Word (.docx), plain text (.txt), PNG or
JPEG, at most the house's upload limit (``COURSE_ATTACHMENT_MAX_BYTES``). The bytes go to
the upload folder through the courses feature's storage (random names, removed again if the
transaction rolls back or once the speaker's deletion commits); the type is read from the
content, and the name must agree with it."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from app.checkin.models import SessionSpeaker
from app.checkin.services.base import CheckinError
from app.common.errors import DomainError
from app.courses.services import attachments
from app.courses.services.filetypes import JPEG, PDF, PNG, extension_fits, sniff

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_TYPE = "text/plain; charset=utf-8"
ACCEPT = ".pdf,.docx,.txt,.png,.jpg,.jpeg"


@dataclass(frozen=True)
class OutlineFile:
    filename: str
    data: bytes


def _refuse(message: str) -> CheckinError:
    return CheckinError(message, "outline_file")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def check(upload: OutlineFile) -> tuple[str, str]:
    """(clean file name, content type) of an outline file, or the error saying what is wrong."""
    try:
        filename = attachments.clean_filename(upload.filename)
    except DomainError as exc:
        raise _refuse(_("发言提纲附件：%(m)s", m=exc.message)) from None
    data = upload.data
    if not data:
        raise _refuse(_("发言提纲附件“%(f)s”是空的", f=filename))
    limit = attachments.max_bytes()
    if len(data) > limit:
        raise _refuse(
            _(
                "发言提纲附件“%(f)s”超过大小上限 %(n)s MB",
                f=filename,
                n=format(limit / 1024**2, "g"),
            )
        )
    name = filename.lower()
    filetype = sniff(data[:64])
    if filetype in (PDF, PNG, JPEG) and extension_fits(filename, filetype):
        return filename, filetype.content_type
    if name.endswith(".docx") and _is_docx(data):
        return filename, DOCX_TYPE
    if name.endswith(".txt") and filetype is None and _is_text(data):
        return filename, TEXT_TYPE
    raise _refuse(
        _(
            "“%(f)s”不是可接受的发言提纲附件：只接受内容与扩展名相符的 PDF、Word（.docx）、"
            "纯文本（.txt，UTF-8）、PNG 和 JPEG 文件",
            f=filename,
        )
    )


def attach(speaker: SessionSpeaker, upload: OutlineFile) -> None:
    """Check and store ``upload`` as ``speaker``'s outline file (replacing any before)."""
    filename, content_type = check(upload)
    if speaker.outline_stored:
        attachments.discard_after_commit(speaker.outline_stored)
    speaker.outline_stored = attachments.store_bytes(upload.data)
    speaker.outline_filename = filename
    speaker.outline_content_type = content_type
    speaker.outline_size = len(upload.data)


def discard(speaker: SessionSpeaker) -> None:
    """The speaker's file goes once the deletion of the speaker (or session) commits."""
    if speaker.outline_stored:
        attachments.discard_after_commit(speaker.outline_stored)


def path_of(speaker: SessionSpeaker) -> Path | None:
    """Where the outline file is, if the speaker has one and it is there."""
    if not speaker.outline_stored:
        return None
    path = attachments.stored_path(speaker.outline_stored)
    return path if path.is_file() else None


def archive_name(speaker: SessionSpeaker) -> str:
    """The file's name inside the archive's folder of a session's outlines."""
    return f"{speaker.id}-{speaker.outline_filename}"
