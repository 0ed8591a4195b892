"""``demo load`` publishes a results bulletin (结果通报) over every demo unit, with its
commentary, that the demo's members and secretary can read."""

from __future__ import annotations

from datetime import datetime

import time_machine

from app.auth.demo import DEMO_PASSWORD
from app.common.demo import load_demo
from app.extensions import db
from app.stats import bulletins
from app.stats.demo import demo_bulletin
from app.stats.models import Bulletin

NOW = datetime(2027, 6, 15, 2, 0)  # 10:00 in Shanghai


def test_the_demo_publishes_a_bulletin_of_every_unit(app, client):
    with time_machine.travel(NOW, tick=False):
        context = load_demo()
        db.session.commit()
        [bulletin] = db.session.query(Bulletin).all()
        assert bulletin.status == "published"
        assert bulletin.title == "2027年理论学习情况通报（截至6月15日）"
        assert str(bulletin.period_start) == "2027-01-01"
        assert "以考代学" in bulletin.commentary
        [table] = bulletins.tables(bulletin)
        units = context["units"].values()
        assert [row[0] for row in table.rows] == [u.full_name for u in units]
        assert any(isinstance(v, float) and v > 0 for row in table.rows for v in row[2:])
        demo_bulletin(context)  # running the step again adds nothing
        assert db.session.query(Bulletin).count() == 1

        client.login("cadre", DEMO_PASSWORD)
        page = client.get(f"/stats/bulletins/{bulletin.id}").get_data(as_text=True)
        assert "以考代学" in page and context["units"][next(iter(context["units"]))].name in page
