"""Uploaded bank files kept between the preview and the confirmation of an import.

The file is stored under ``instance/uploads/questions/`` (or ``QUESTION_UPLOAD_DIR``) with a
random name, next to a small JSON record of who uploaded it and the options chosen, so the
administrator confirms exactly the bytes that were previewed without uploading them again.
Only the uploader can confirm; files are removed on confirmation and after a day.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def upload_dir(*, create: bool = False) -> Path:
    configured = current_app.config.get("QUESTION_UPLOAD_DIR")
    path = (
        Path(configured)
        if configured
        else Path(current_app.instance_path) / "uploads" / "questions"
    )
    if create:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _paths(token: str) -> tuple[Path, Path] | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    folder = upload_dir()
    return folder / f"{token}.upload", folder / f"{token}.json"


def keep(data: bytes, meta: dict) -> str:
    """Store the file and its record; returns the token naming them."""
    upload_dir(create=True)
    purge_old()
    token = secrets.token_urlsafe(24)  # 32 characters
    data_path, meta_path = _paths(token)
    data_path.write_bytes(data)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def load(token: str, user_id: int) -> tuple[bytes, dict] | None:
    """The file and its record, if the token names one this user uploaded."""
    paths = _paths(token)
    if paths is None or not paths[0].is_file() or not paths[1].is_file():
        return None
    try:
        meta = json.loads(paths[1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id:
        return None
    return paths[0].read_bytes(), meta


def pending(user_id: int) -> list[dict]:
    """This user's previewed files not yet confirmed nor expired, newest first: each the
    record kept at preview plus ``token`` and ``kept_at`` (a POSIX time)."""
    folder = upload_dir()
    if not folder.is_dir():
        return []
    cutoff = time.time() - MAX_AGE_SECONDS
    found = []
    for meta_path in folder.glob("*.json"):
        token = meta_path.stem
        try:
            kept_at = meta_path.stat().st_mtime
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        data_path = folder / f"{token}.upload"
        if meta.get("user_id") == user_id and kept_at >= cutoff and data_path.is_file():
            found.append({**meta, "token": token, "kept_at": kept_at})
    return sorted(found, key=lambda m: m["kept_at"], reverse=True)


def discard(token: str) -> None:
    paths = _paths(token)
    for path in paths or ():
        path.unlink(missing_ok=True)


def purge_old(max_age: int = MAX_AGE_SECONDS) -> None:
    cutoff = time.time() - max_age
    folder = upload_dir()
    if not folder.is_dir():
        return
    for path in folder.glob("*"):
        if path.suffix in (".upload", ".json") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
