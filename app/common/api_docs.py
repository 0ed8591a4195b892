"""The OpenAPI 3 document of the JSON API, served at /api/v1/openapi.json."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, jsonify

from app.common.permissions import public

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "openapi.yaml"

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@cache
def openapi_document() -> dict:
    with OPENAPI_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document())
