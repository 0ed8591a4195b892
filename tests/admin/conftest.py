import pytest

from app.extensions import db
from tests.factories import make_team, make_user


@pytest.fixture
def org(app):
    """省委组织部 → 干部一处, 干部二处 (and 干部一处 → 综合科); an admin at the top."""
    root = make_team("省委组织部", kind="department")
    one = make_team("干部一处", parent=root)
    two = make_team("干部二处", parent=root)
    office = make_team("综合科", parent=one)
    admin = make_user("admin", root, username="boss", name="管理员甲")
    db.session.commit()  # as a real database would hold it: a view's rollback keeps it
    return {"root": root, "one": one, "two": two, "office": office, "admin": admin}


@pytest.fixture
def admin_client(client, org):
    response = client.login("boss")
    assert response.status_code == 302
    return client
