"""Messages kept lazily: a reminder written with ``lazy_gettext`` (``_l``) is stored as its
msgid and parameters and rendered in each reader's language — the inbox at display time (the
reader's current language), an email when it is queued (the recipient's chosen language).
A plain string (already translated, or not translatable) is kept and shown as written.

Parameters must be JSON values (numbers, strings: a title, a date already formatted); they
are inserted as they are, untranslated.
"""

from __future__ import annotations

from flask_babel import force_locale, gettext
from flask_babel.speaklater import LazyString

DEFAULT_LOCALE = "zh_CN"


def split(message) -> tuple[str, str | None, dict | None]:
    """``(text in the default language, msgid, params)`` of ``message``; msgid and params are
    None unless it is a lazy ``gettext`` string."""
    if isinstance(message, LazyString) and message._func is gettext and message._args:
        params = dict(message._kwargs)
        with force_locale(DEFAULT_LOCALE):
            text = gettext(message._args[0], **params)
        return text, message._args[0], params
    return str(message), None, None


def render_message(message: str, msgid: str | None, params: dict | None) -> str:
    """The message in the current locale: ``msgid`` translated and filled, else as written."""
    if not msgid:
        return message
    try:
        return gettext(msgid, **(params or {}))
    except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder
        return message


def render_in(language: str, message: str, msgid: str | None, params: dict | None) -> str:
    with force_locale(language or DEFAULT_LOCALE):
        return render_message(message, msgid, params)
