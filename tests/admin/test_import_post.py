"""职务 (post) in the user import: read with the user, kept when the column is empty."""

from __future__ import annotations

from app.admin.user_import import import_users
from app.auth import services as accounts
from tests.admin.helpers import HEADER, csv_bytes

POST_HEADER = [*HEADER, "职务"]


def test_post_is_imported_and_updated_and_kept_when_blank(app, org):
    rows = [["post01", "赵六", "省委组织部/干部一处", "县处级", "学员", "", "", "办公室主任"]]
    result = import_users(org["admin"], csv_bytes(rows, "utf-8", header=POST_HEADER), "a.csv")
    assert result.ok, result.errors
    assert accounts.find_user("post01").post == "办公室主任"
    rows[0][7] = "副主任"
    result = import_users(
        org["admin"], csv_bytes(rows, "utf-8", header=POST_HEADER), "a.csv", update_existing=True
    )
    assert result.ok, result.errors
    assert accounts.find_user("post01").post == "副主任"
    rows[0][7] = ""
    import_users(
        org["admin"], csv_bytes(rows, "utf-8", header=POST_HEADER), "a.csv", update_existing=True
    )
    assert accounts.find_user("post01").post == "副主任"
