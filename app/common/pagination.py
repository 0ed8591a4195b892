"""Paged lists: one page size for every list (``PAGE_SIZE``), the page from the query string."""

from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from app.extensions import db


def page_size() -> int:
    return int(current_app.config["PAGE_SIZE"])


def requested_page() -> int:
    return request.args.get("page", 1, type=int)


def paginate(query: Select) -> Pagination:
    """The requested page of ``query`` (an out-of-range page is empty, not a 404)."""
    return db.paginate(query, page=requested_page(), per_page=page_size(), error_out=False)
