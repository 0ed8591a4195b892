"""What a bank is for (题库用途): both, exam only, practice only — the setting, its form, and
the bank page's list of the exams holding the bank back (through the bank's hook)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.common.audit import AuditLog
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import QuestionBank
from app.quiz.bank.services import banks, holds
from tests.quiz.bank.factories import make_bank

P = "/admin/questions"


@pytest.fixture
def admin_client(client, admin):
    db.session.commit()
    assert client.login(admin.username).status_code == 302
    return client


def test_a_new_bank_serves_both_unless_told(app):
    assert make_bank("默认题库").purpose == "both"
    assert banks.create_bank(None, name="考试题库", purpose="exam").purpose == "exam"


def test_an_unknown_purpose_is_refused(app):
    with pytest.raises(DomainError, match="未知的题库用途") as refused:
        banks.create_bank(None, name="怪题库", purpose="homework")
    assert refused.value.field == "purpose"
    assert banks.find_bank("怪题库") is None


def test_updating_keeps_the_purpose_unless_given_and_audits_it(app, admin):
    bank = banks.create_bank(admin, name="题库甲", purpose="exam")
    banks.update_bank(admin, bank, name="题库乙")
    assert bank.purpose == "exam"
    banks.update_bank(admin, bank, name="题库乙", purpose="practice")
    assert bank.purpose == "practice"
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "question_bank.update").order_by(AuditLog.id)
    ).all()[-1]
    assert entry.details["purpose"] == ["exam", "practice"]


def test_the_database_default_is_both(app):
    db.session.execute(QuestionBank.__table__.insert().values(name="旧题库", description=""))
    assert db.session.scalar(select(QuestionBank.purpose).where(QuestionBank.name == "旧题库")) == (
        "both"
    )


def test_the_forms_set_the_purpose(admin_client):
    response = admin_client.post_form(
        f"{P}/banks", {"name": "新考试题库", "description": "", "purpose": "exam"}
    )
    assert response.status_code == 302
    bank = banks.find_bank("新考试题库")
    assert bank.purpose == "exam"
    listing = admin_client.get(f"{P}/").get_data(as_text=True)
    assert 'data-purpose="exam"' in listing
    page = admin_client.get(f"{P}/banks/{bank.id}").get_data(as_text=True)
    assert "仅用于考试" in page
    form = admin_client.get(f"{P}/banks/{bank.id}/edit").get_data(as_text=True)
    assert '<option selected value="exam">' in form
    response = admin_client.post_form(
        f"{P}/banks/{bank.id}/edit", {"name": bank.name, "description": "", "purpose": "both"}
    )
    assert response.status_code == 302 and bank.purpose == "both"
    bad = admin_client.post_form(
        f"{P}/banks/{bank.id}/edit", {"name": bank.name, "description": "", "purpose": "x"}
    )
    assert bad.status_code == 200 and bank.purpose == "both"


@pytest.fixture
def fake_holds(app):
    """A stand-in for the exams feature's answer to the hook."""
    found: list[holds.BankHold] = []

    def provider(bank, now):
        return list(found)

    holds.register_hold_provider(provider)
    yield found
    holds.unregister_hold_provider(provider)


def test_the_bank_page_says_who_holds_it_back_and_until_when(admin_client, bank, fake_holds):
    page = admin_client.get(f"{P}/banks/{bank.id}").get_data(as_text=True)
    assert 'id="bank-holds"' not in page
    opens = datetime(2026, 3, 1, 0, 0)
    fake_holds += [
        holds.BankHold(1, "开放中的测试", opens, datetime(2026, 3, 9, 1, 0)),
        holds.BankHold(2, "等待公布的测试", opens, None),
        holds.BankHold(3, "不公布答案的测试", opens, None, forever=True),
    ]
    page = admin_client.get(f"{P}/banks/{bank.id}").get_data(as_text=True)
    assert 'id="bank-holds"' in page
    assert "开放中的测试" in page and "2026-03-09 09:00" in page  # shown in Shanghai time
    assert "等待公布的测试" in page and "答案公布前" in page
    assert "不公布答案的测试" in page and "永久" in page
