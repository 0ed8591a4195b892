from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from tests.factories import make_user


def test_rollback_isolates_first(app):
    make_user(username="isolated")
    db.session.commit()
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_rollback_isolates_second(app):
    assert db.session.scalar(select(func.count(User.id))) == 0
