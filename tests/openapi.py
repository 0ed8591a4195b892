"""Check API responses against the OpenAPI document: ``assert_response_matches(resp, path,
method)``, where ``path`` is the document's template (``/api/v1/attempts/{attempt_id}``)."""

from __future__ import annotations

from openapi_schema_validator import OAS30Validator, validate

from app.common.api_docs import openapi_document


def response_schema(path: str, method: str, status: int) -> dict | None:
    operation = openapi_document()["paths"][path][method.lower()]
    responses = operation["responses"]
    entry = responses.get(str(status)) or responses.get("default")
    assert entry is not None, f"{method} {path} does not document status {status}"
    if "$ref" in entry:
        name = entry["$ref"].rsplit("/", 1)[-1]
        entry = openapi_document()["components"]["responses"][name]
    content = entry.get("content", {}).get("application/json")
    return content["schema"] if content else None


def assert_response_matches(response, path: str, method: str = "GET") -> None:
    schema = response_schema(path, method, response.status_code)
    if schema is None:
        return
    assert response.is_json, f"{method} {path} {response.status_code} is not JSON"
    document = openapi_document()
    # Resolve component references against the whole document.
    wrapped = {**schema, "components": document.get("components", {})}
    validate(response.json, wrapped, cls=OAS30Validator)
