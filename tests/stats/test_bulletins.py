"""结果通报: frozen snapshot, notification, withdrawal recorded, printable page, xlsx."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.common.audit import AuditLog
from app.extensions import db
from app.notify.models import Notification
from app.stats.models import Bulletin
from tests.stats.world import build_world, sit


@pytest.fixture
def world(app):
    world = build_world()
    db.session.commit()
    return world


def _article(page: str) -> str:
    return page[page.index('<article class="xk-bulletin">') : page.index("</article>")]


def _publish(client, world, **extra):
    data = {
        "title": "第四季度学习情况通报",
        "start": world.period.start.isoformat(),
        "end": world.period.end.isoformat(),
        "teams": [str(world.unit_a.id), str(world.unit_b.id)],
        "commentary": "=总体良好",
        **extra,
    }
    return client.post_form("/stats/bulletins/new", data=data)


def test_publish_freezes_figures_and_notifies_members(world, client):
    client.login("w-admin")
    response = _publish(client, world)
    assert response.status_code == 302
    bulletin = db.session.query(Bulletin).one()
    notified = {n.user_id for n in db.session.query(Notification)}
    assert world.users["甲三"].id in notified and world.users["乙一"].id in notified
    assert world.users["甲停用"].id not in notified
    page = client.get(f"/stats/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "省委/甲单位" in page and "=总体良好" in page
    before = client.get(f"/stats/bulletins/{bulletin.id}.xlsx").data
    # later data never changes a published bulletin
    sit(world.level_test, world.users["甲三"], score=100, passed=True)
    db.session.commit()
    later = client.get(f"/stats/bulletins/{bulletin.id}").get_data(as_text=True)
    assert _article(later) == _article(page)
    sheet = load_workbook(io.BytesIO(before)).active
    after = load_workbook(
        io.BytesIO(client.get(f"/stats/bulletins/{bulletin.id}.xlsx").data)
    ).active
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        [c.value for c in r] for r in after.iter_rows()
    ]


def test_bad_input_changes_nothing(world, client):
    client.login("w-admin")
    response = _publish(client, world, teams=[], start="2026-99-01")
    assert response.status_code == 422
    assert db.session.query(Bulletin).count() == 0
    assert db.session.query(Notification).count() == 0


def test_withdrawal_is_recorded_not_an_edit(world, client):
    client.login("w-admin")
    _publish(client, world)
    bulletin = db.session.query(Bulletin).one()
    assert client.post_form(f"/stats/bulletins/{bulletin.id}/withdraw", data={}).status_code == 302
    db.session.refresh(bulletin)
    assert bulletin.status == "published"  # a reason is required
    client.post_form(f"/stats/bulletins/{bulletin.id}/withdraw", data={"reason": "数据有误"})
    db.session.refresh(bulletin)
    assert bulletin.status == "withdrawn" and bulletin.withdraw_reason == "数据有误"
    text = client.get(f"/stats/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "已于" in text and "数据有误" in text and "省委/甲单位" in text


def test_members_of_other_units_cannot_read_it(world, client):
    client.login("w-admin")
    _publish(client, world, teams=[str(world.unit_a.id)])
    bulletin = db.session.query(Bulletin).one()
    client.get("/logout")
    client.login("w-b1")
    assert client.get(f"/stats/bulletins/{bulletin.id}").status_code == 403
    assert client.get(f"/stats/bulletins/{bulletin.id}.xlsx").status_code == 403
    assert "第四季度" not in client.get("/stats/bulletins/").get_data(as_text=True)


def test_audit_records_plain_values_whatever_the_language(world, client):
    """The log stores the bulletin's own words and plain values, never UI text (the audit
    page labels them through app/admin/audit_labels.py, in the reader's language)."""
    client.login("w-admin")
    _publish(client, world, teams=[str(world.unit_a.id)])
    bulletin = db.session.query(Bulletin).one()
    client.post_form(f"/stats/bulletins/{bulletin.id}/withdraw", data={"reason": "数据有误"})
    entries = {
        e.action: e for e in db.session.query(AuditLog).filter(AuditLog.action.like("bulletin.%"))
    }
    published, withdrawn = entries["bulletin.publish"], entries["bulletin.withdraw"]
    assert published.summary == "第四季度学习情况通报" == withdrawn.summary
    assert published.details == {
        "start": world.period.start.isoformat(),
        "end": world.period.end.isoformat(),
        "teams": ["省委/甲单位"],
    }
    assert withdrawn.details == {"reason": "数据有误"}
