"""Messages kept lazily: a reminder written with ``lazy_gettext`` (``_l``) is stored as its
msgid and parameters and rendered in each reader's language — the inbox at display time (the
reader's current language), an email when it is queued (the recipient's chosen language).
A plain string (already translated, or not translatable) is kept and shown as written.

Parameters are JSON values (numbers, strings: a title, a date already formatted), inserted
as they are, untranslated — or messages themselves: a parameter written with ``lazy_gettext``
is kept as ``{"msgid": …, "params": …}`` and a list of them as a list, rendered in the same
language as the message around them (a list joined by the language's "；"). The weekly digest
is written that way: its lines, and each figure's label, are messages.
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


def _is_lazy(value) -> bool:
    return isinstance(value, LazyString) and value._func is gettext and bool(value._args)


def _param(value):
    """A parameter as stored: a nested lazy message as a dict, a list item by item, a JSON
    scalar as it is, anything else (a date, a plain object) as its text."""
    if _is_lazy(value):
        return {"msgid": value._args[0], "params": _params(value._kwargs)}
    if isinstance(value, list | tuple):
        return [_param(v) for v in value]
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _params(kwargs: dict) -> dict:
    return {k: _param(v) for k, v in kwargs.items()}


def split(message) -> Message:
    """``message`` (a plain string, a lazy ``gettext`` string, or a ``Message``) as stored:
    msgid and params only for a lazy ``gettext`` string."""
    if isinstance(message, Message):
        return message
    if _is_lazy(message):
        params = _params(message._kwargs)
        with force_locale(DEFAULT_LOCALE):
            text = _fill(message._args[0], params)
        return Message(text[:500], message._args[0], params)
    return Message(str(message)[:500])


def _rendered(value):
    """A stored parameter in the current locale."""
    if isinstance(value, dict) and "msgid" in value:
        return _fill(value["msgid"], value.get("params"))
    if isinstance(value, list):
        return gettext("；").join(str(_rendered(v)) for v in value)
    return value


def _fill(msgid: str, params: dict | None) -> str:
    if not params:
        return gettext(msgid)
    return gettext(msgid, **{k: _rendered(v) for k, v in params.items()})


def render_message(message: str, msgid: str | None, params: dict | None) -> str:
    """The message in the current locale: ``msgid`` translated and filled, else as written."""
    if not msgid:
        return message
    try:
        return _fill(msgid, params)
    except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder
        return message


def render_in(language: str, message: str, msgid: str | None, params: dict | None) -> str:
    with force_locale(language or DEFAULT_LOCALE):
        return render_message(message, msgid, params)
