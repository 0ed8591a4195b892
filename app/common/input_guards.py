"""Input guards: what a request carries is checked where it enters, once, for every route.

- JSON bodies are read by one reader (``GuardedRequest.get_json``): the top level must be an
  object, nesting and size are bounded, integers fit the database's integer column, floats
  are finite, and text is valid (no lone surrogates, no control characters other than tab,
  newline and carriage return). Anything else is a 400 (413 when too large) with a message
  in the user's language — even for ``get_json(silent=True)``, whose ``None`` stays the
  answer for a body that is not JSON at all. A ``before_request`` hook reads every JSON body,
  so a view that never looks at its body refuses a bad one too.
- Form fields, query strings and uploaded file names are cleaned as they are parsed: control
  characters (NUL first: PostgreSQL refuses it in text, SQLite stores it) are dropped, so
  both databases see the same text. ``args.get(name, type=int)`` ignores values outside the
  integer column's range, as it ignores non-numbers.
- ``<int:…>`` URL parts beyond the integer column's range, and text URL parts with control
  characters, match no route: 404.
- Before the ORM writes a row, its text columns are cleaned the same way and its integer
  columns range-checked (a form's number field, a file being imported, the CLI): an integer
  beyond the column is a 400 on both databases, where SQLite would store what PostgreSQL
  refuses. On SQLite an integer parameter beyond its bind type (``WHERE id = ?`` with 2^40)
  is refused before the statement runs, as PostgreSQL refuses it (SQLAlchemy casts the
  parameter to the column's type there): the same 400 on both.
- A value the database still refuses is a 400 after a rollback, never a 500.

``install_input_guards(app)`` wires all of it; it runs before the blueprints are registered
(a rule binds its converters when it is added).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from flask import Flask, Request, current_app, request
from flask_babel import gettext as _
from sqlalchemy import BigInteger, Integer, SmallInteger, String, event
from sqlalchemy.exc import DataError, StatementError
from sqlalchemy.orm import Mapper
from werkzeug.datastructures import FileStorage, ImmutableMultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

from app.common.error_pages import database_unavailable, render_error, unavailable_response
from app.common.http import is_api_request, json_error
from app.extensions import db

# PostgreSQL's integer; used on SQLite too, so both databases accept the same ids and values.
MAX_INT = 2**31 - 1
MIN_INT = -MAX_INT - 1
MAX_JSON_DEPTH = 32
# The largest body the course editor sends: 200,000 characters of Markdown, UTF-8, escaped.
MAX_JSON_BYTES = 2 * 1024 * 1024
_MAX_INT_DIGITS = len(str(MIN_INT))

# C0 controls but tab, newline and carriage return; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidInput(BadRequest):
    """A request whose content is refused; ``description`` is the user's message."""


class ValueOutOfRange(InvalidInput):
    """An integer about to be written beyond its column's range."""


class JSONTooLarge(RequestEntityTooLarge):
    pass


class _NotJSON(ValueError):
    """The body is not JSON text at all (``get_json(silent=True)`` answers None)."""


def clean_text(value: str) -> str:
    """``value`` without control characters (but tab and newlines) and lone surrogates."""
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    return value


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None."""
    if _SURROGATE.search(value):
        return _("文本含有无效的 Unicode 字符（孤立代理项）")
    if _CONTROL.search(value):
        return _("文本含有不允许的控制字符")
    return None


def bounded_int(value: Any) -> int:
    """``int(value)`` within the integer column's range, else ValueError (as for "abc")."""
    if isinstance(value, str) and len(value.strip()) > _MAX_INT_DIGITS:
        raise ValueError("integer out of range")
    number = int(value)
    if not MIN_INT <= number <= MAX_INT:
        raise ValueError("integer out of range")
    return number


def _refuse_constant(name: str):
    raise InvalidInput(_("JSON 中不允许 %(name)s", name=name))


def _parse_int(text: str) -> int:
    try:
        return bounded_int(text)
    except ValueError:
        raise InvalidInput(
            _("整数超出允许范围（%(low)s 至 %(high)s）", low=MIN_INT, high=MAX_INT)
        ) from None


def _parse_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise InvalidInput(_("数值超出允许范围"))
    return number


def _check_value(value: Any) -> None:
    """Walk the parsed value without recursion: depth and text."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                raise InvalidInput(problem)
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise InvalidInput(_("JSON 嵌套层数过多（最多 %(n)s 层）", n=MAX_JSON_DEPTH))
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)


def read_json(data: bytes) -> dict:
    """The JSON object in ``data``; ``_NotJSON`` if it is not JSON text, ``InvalidInput`` or
    ``JSONTooLarge`` if it is JSON that must not reach a view."""
    if len(data) > MAX_JSON_BYTES:
        raise JSONTooLarge(_("请求内容过大"))
    try:
        value = json.loads(
            data,
            parse_constant=_refuse_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except RecursionError:
        raise InvalidInput(_("JSON 嵌套层数过多（最多 %(n)s 层）", n=MAX_JSON_DEPTH)) from None
    except ValueError as exc:  # includes UnicodeDecodeError
        raise _NotJSON(str(exc)) from None
    if not isinstance(value, dict):
        raise InvalidInput(_("请求体须为 JSON 对象"))
    _check_value(value)
    return value


class CleanMultiDict(ImmutableMultiDict):
    """Form fields and query parameters with their text cleaned as they are parsed;
    ``get(..., type=int)`` ignores integers outside the column's range."""

    def __init__(self, mapping=None):
        super().__init__(mapping)
        for key, values in list(dict.items(self)):
            dict.__setitem__(self, key, [_clean_value(v) for v in values])

    def get(self, key, default=None, type=None):
        return super().get(key, default, bounded_int if type is int else type)

    def getlist(self, key, type=None):
        return super().getlist(key, bounded_int if type is int else type)


def _clean_value(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, FileStorage) and value.filename:
        value.filename = clean_text(value.filename)
    return value


FORM_MIMETYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


class GuardedRequest(Request):
    parameter_storage_class = CleanMultiDict

    @property
    def want_form_data_parsed(self) -> bool:
        """Only a form body goes through the form parser; any other body has an empty
        ``form`` at once, as the parser would give it after building itself. Flask-WTF looks
        in ``form`` for its token on every write, so each answer save used to build one for
        its JSON. (``request.stream`` then stays the stream the body was read from, not a
        fresh copy of the body: nothing here reads it; ``get_data()`` has the body.)"""
        return self.mimetype in FORM_MIMETYPES

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        if cache and self._cached_json[silent] is not Ellipsis:
            return self._cached_json[silent]
        if not (force or self.is_json):
            return None if silent else self.on_json_loading_failed(None)
        try:
            value = read_json(self.get_data(cache=cache))
        except _NotJSON as exc:
            if not silent:
                raise InvalidInput(_("请求体不是有效的 JSON")) from exc
            value = None
            if cache:
                self._cached_json = (self._cached_json[0], None)
            return value
        if cache:
            self._cached_json = (value, value)
        return value


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` within the integer column's range; beyond it no route matches (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class _TextCheck:
    def to_python(self, value: str) -> str:
        if _CONTROL.search(value) or _SURROGATE.search(value):
            raise ValidationError()
        return super().to_python(value)


class CleanUnicodeConverter(_TextCheck, UnicodeConverter):
    pass


class CleanPathConverter(_TextCheck, PathConverter):
    pass


def _integer_bounds(column_type) -> tuple[int, int] | None:
    if isinstance(column_type, BigInteger):
        return -(2**63), 2**63 - 1
    if isinstance(column_type, SmallInteger):
        return -(2**15), 2**15 - 1
    if isinstance(column_type, Integer):
        return MIN_INT, MAX_INT
    return None


@cache
def _guarded_columns(mapper: Mapper) -> tuple[tuple[str, bool, tuple[int, int] | None], ...]:
    """(attribute, is text, integer bounds) for each column of the mapper that is guarded."""
    out = []
    for prop in mapper.column_attrs:
        column_type = prop.columns[0].type
        bounds = _integer_bounds(column_type)
        if isinstance(column_type, String) or bounds:
            out.append((prop.key, isinstance(column_type, String), bounds))
    return tuple(out)


def _guard_row(mapper: Mapper, _connection, target) -> None:
    """Before an ORM INSERT or UPDATE: clean text columns, refuse out-of-range integers."""
    state = target.__dict__
    for key, is_text, bounds in _guarded_columns(mapper):
        value = state.get(key)
        if is_text and isinstance(value, str):
            if _CONTROL.search(value) or _SURROGATE.search(value):
                setattr(target, key, clean_text(value))
        elif (
            bounds
            and isinstance(value, int)
            and not isinstance(value, bool)
            and not bounds[0] <= value <= bounds[1]
        ):
            raise ValueOutOfRange(_("数值超出允许范围：%(value)s", value=value))


def _sqlite_integer_binds(_conn, _cursor, _statement, parameters, context, executemany):
    """SQLite binds any integer up to 2^63 where PostgreSQL casts to the column's type and
    refuses beyond it: refuse the same values here, so both answer alike (a 400)."""
    if executemany or not parameters:
        return
    for value in parameters:
        if value.__class__ is int and not MIN_INT <= value <= MAX_INT:
            break
    else:
        return  # the fast path: no integer beyond the smallest bound
    compiled = context.compiled
    if compiled is None:
        return
    for name, value in context.compiled_parameters[0].items():
        bind = compiled.binds.get(name)
        bounds = _integer_bounds(bind.type) if bind is not None else None
        values = value if isinstance(value, list | tuple) else (value,)
        for item in values:
            if bounds and item.__class__ is int and not bounds[0] <= item <= bounds[1]:
                raise ValueOutOfRange(_("数值超出允许范围：%(value)s", value=item))


def install_column_guards() -> None:
    """Once per process: the ORM events are global, like the mapper registry."""
    if not event.contains(Mapper, "before_insert", _guard_row):
        event.listen(Mapper, "before_insert", _guard_row)
        event.listen(Mapper, "before_update", _guard_row)


def _read_json_body() -> None:
    # Every JSON body is read here, before the view: a view that ignores its body still
    # refuses a bad one.
    if request.is_json and request.content_length != 0 and request.get_data(cache=True):
        request.get_json(silent=True)


def _refused_by_database(exc: Exception) -> bool:
    if isinstance(exc, OverflowError | DataError):
        return True
    return isinstance(exc, StatementError) and isinstance(exc.orig, OverflowError)


def install_input_guards(app: Flask) -> None:
    """Wire the guards; call before the blueprints are registered."""
    app.request_class = GuardedRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = CleanUnicodeConverter
    app.url_map.converters["string"] = CleanUnicodeConverter
    app.url_map.converters["path"] = CleanPathConverter
    app.before_request(_read_json_body)
    install_column_guards()
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "before_cursor_execute", _sqlite_integer_binds)

    @app.errorhandler(InvalidInput)
    def _invalid(exc: InvalidInput):
        db.session.rollback()  # a refused row leaves the session's flush failed
        if is_api_request():
            return json_error(400, "invalid_input", exc.description)
        return render_error(400, exc.description)

    @app.errorhandler(JSONTooLarge)
    def _too_large(exc: JSONTooLarge):
        return render_error(413, exc.description)

    @app.errorhandler(DataError)
    @app.errorhandler(StatementError)
    @app.errorhandler(OverflowError)
    def _database_refused(exc: Exception):
        if database_unavailable(exc):
            return unavailable_response(exc)
        db.session.rollback()
        if not _refused_by_database(exc):
            current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
            return render_error(500)
        current_app.logger.warning("value refused by the database on %s: %s", request.path, exc)
        return render_error(400, _("提交的数值或文本超出了允许的范围"))
