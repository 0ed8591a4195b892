"""Short names (slugs) for courses and lessons: from a Chinese title in pinyin
(以政治建设为统领 → yi-zheng-zhi-jian-she-wei-tong-ling), editable afterwards. A name typed
in Chinese, with capitals or spaces is turned the same way rather than refused."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from pypinyin import lazy_pinyin

MAX_LENGTH = 60  # a readable address; the column allows 100
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    """Pinyin syllables and ASCII words, lower case, joined by hyphens, cut at a word
    boundary; "" when nothing is left (a title of symbols only)."""
    words: list[str] = []
    for part in lazy_pinyin((text or "").strip(), errors="default"):
        words.extend(w for w in _NOT_SLUG.split(part.lower()) if w)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "")


def unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3`` … the first that ``taken`` says is free; a short
    random name when ``base`` is empty."""
    base = base or f"c-{secrets.token_hex(3)}"
    if not taken(base):
        return base
    for number in range(2, 1000):
        candidate = f"{base}-{number}"
        if not taken(candidate):
            return candidate
    return f"{base}-{secrets.token_hex(3)}"
