"""Messages kept lazily: a reminder written with ``lazy_gettext`` (``_l``) is stored as its
msgid and parameters and rendered in each reader's language — the inbox at display time (the
reader's current language), an email when it is queued (the recipient's chosen language).
A plain string (already translated, or not translatable) is kept and shown as written.

Parameters must be JSON values (numbers, strings: a title, a date already formatted); they
are inserted as they are, untranslated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import force_locale, gettext
from flask_babel.speaklater import LazyString

DEFAULT_LOCALE = "zh_CN"


@dataclass(frozen=True)
class Message:
    """A message as stored: its text in the default language and, when it was written with
    ``lazy_gettext``, its msgid and parameters."""

    text: str
    msgid: str | None = None
    params: dict | None = None

    def render(self, language: str) -> str:
        return render_in(language, self.text, self.msgid, self.params)

    @property
    def identity(self) -> tuple:
        return (self.text, self.msgid, json.dumps(self.params, sort_keys=True, default=str))


def split(message) -> Message:
    """``message`` (a plain string, a lazy ``gettext`` string, or a ``Message``) as stored:
    msgid and params only for a lazy ``gettext`` string."""
    if isinstance(message, Message):
        return message
    if isinstance(message, LazyString) and message._func is gettext and message._args:
        # a date or a lazy string goes in as its text, which is what "%(x)s" would print
        params = {
            k: v if v is None or isinstance(v, int | float | str) else str(v)
            for k, v in message._kwargs.items()
        }
        with force_locale(DEFAULT_LOCALE):
            text = gettext(message._args[0], **params)
        return Message(text[:500], message._args[0], params)
    return Message(str(message)[:500])


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
