"""The evaluation pages as their users meet them: a cadre self-assesses and votes, an assessor
appraises and publishes, the cadre sees the portrait; scoping for assessors of another unit,
secretaries and cadres; the political-quality file asks why and records it."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.common.audit import AuditLog
from app.evaluation import policy
from app.evaluation.models import AssessorScope, Ballot, Evaluation
from app.evaluation.services import appraisal, ballots, rounds
from app.extensions import db
from tests.evaluation import access
from tests.evaluation.factories import (
    full_scores,
    login,
    make_round,
    page_text,
    subject_of,
    team_subject,
)


def test_the_whole_journey(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]], min_ballots=5)
    db.session.commit()
    cadre = world["cadre"]
    mine = subject_of(round_, cadre)
    dims = round_.framework.dimensions

    client = login(app, cadre)
    home = page_text(client.get("/evaluation/"))
    assert f"/evaluation/subjects/{mine.id}/self" in home
    # a bad score: named, nothing saved
    bad = {f"score_{d.id}": "999" for d in dims} | {f"statement_{d.id}": "陈述" for d in dims}
    response = client.post_form(f"/evaluation/subjects/{mine.id}/self", bad, follow_redirects=True)
    assert "政治忠诚自评分须在 0 到 25 之间" in page_text(response)
    assert db.session.get(Evaluation, mine.id).self_submitted_at is None
    good = {f"score_{d.id}": "10" for d in dims} | {f"statement_{d.id}": "对照检查" for d in dims}
    assert client.post_form(f"/evaluation/subjects/{mine.id}/self", good).status_code == 302

    # the cadre votes on a colleague
    colleague = subject_of(round_, world["cadres"][1])
    assert f"/evaluation/subjects/{colleague.id}/ballot" in page_text(client.get("/evaluation/"))
    vote = {f"grade_{d.id}": "good" for d in dims} | {"comment": "希望多下基层"}
    assert client.post_form(f"/evaluation/subjects/{colleague.id}/ballot", vote).status_code == 302
    assert "已提交过" in page_text(client.get(f"/evaluation/subjects/{colleague.id}/ballot"))
    # …and others vote on the cadre: four ballots hide the results, the fifth shows them
    for voter in world["cadres"][1:5]:
        ballots.cast(voter, mine, {d.id: "fair" for d in dims}, "")
    db.session.commit()

    assessor = login(app, world["assessor"])
    page = page_text(assessor.get(f"/evaluation/subjects/{mine.id}"))
    assert "测评票不足 5 张" in page and "对照检查" in page
    ballots.cast(world["cadres"][5], mine, {d.id: "fair" for d in dims}, "")
    db.session.commit()
    page = page_text(assessor.get(f"/evaluation/subjects/{mine.id}"))
    assert "测评尚未结束（已收 5 张）" in page and 'id="ballot-summary"' not in page
    scores = {f"score_{s}": v for s, (v, _e) in full_scores(mine, minus=1).items()}
    assert assessor.post_form(f"/evaluation/subjects/{mine.id}/scores", scores).status_code == 302
    response = assessor.post_form(
        f"/evaluation/subjects/{mine.id}/publish", {"conclusion": "政治过硬，担当有为"}
    )
    assert response.status_code == 302

    portrait = page_text(client.get(f"/evaluation/subjects/{mine.id}/portrait"))
    assert "政治过硬，担当有为" in portrait and "89" in portrait and "较好" in portrait
    assert "data-portrait=" in portrait and "js/portrait.js" in portrait
    assert 'id="evidence"' in portrait and "9 / 10" in portrait  # a standard and its score
    assert "<script>" not in portrait.replace("<script src=", "")  # no inline script
    assert f"/evaluation/subjects/{mine.id}/portrait" in page_text(client.get("/evaluation/"))
    # interview notes and ballots are nowhere on the cadre's pages
    assert client.get(f"/evaluation/subjects/{mine.id}/interviews").status_code == 403
    assert client.get(f"/evaluation/subjects/{mine.id}").status_code == 403


def test_assessors_of_another_unit_secretaries_and_cadres_are_kept_out(app, world):
    round_ = make_round(world["team_a"], [world["assessor"], world["other_assessor"]])
    mine = subject_of(round_, world["cadre"])
    appraisal.save_scores(world["assessor"], mine, full_scores(mine))
    appraisal.publish(world["assessor"], mine, "结论")
    db.session.commit()
    team_id = world["team_a"].id
    pages = [
        f"/evaluation/subjects/{mine.id}",
        f"/evaluation/subjects/{mine.id}/interviews",
        f"/evaluation/rounds/{round_.id}/teams/{team_id}",
        f"/evaluation/rounds/{round_.id}/teams/{team_id}.xlsx",
        f"/evaluation/files/{world['cadre'].id}?reason=x",
        f"/evaluation/subjects/{mine.id}/portrait",
    ]
    for user in (world["other_assessor"], world["sec"], world["cadres"][1], world["outsider"]):
        client = login(app, user)
        for url in pages:
            assert client.get(url).status_code in (403, 404), (user.username, url)
        posted = client.post_form(f"/evaluation/subjects/{mine.id}/publish", {"conclusion": "x"})
        assert posted.status_code == 403
    # the other unit's assessor sees the round but none of unit A's subjects
    page = page_text(login(app, world["other_assessor"]).get(f"/evaluation/rounds/{round_.id}"))
    assert world["cadre"].name not in page
    # an assessor not named in the round
    stranger = login(app, world["assessor2"])
    assert stranger.get(f"/evaluation/rounds/{round_.id}").status_code == 403
    assert stranger.get(f"/evaluation/subjects/{mine.id}").status_code == 403
    # the assessor in scope gets in
    ok = login(app, world["assessor"])
    assert all(ok.get(url).status_code == 200 for url in pages)


def test_the_secretary_self_assesses_for_the_team(app, world):
    round_ = make_round(world["team_a"])
    db.session.commit()
    team = team_subject(round_, world["team_a"])
    client = login(app, world["sec"])
    assert f"/evaluation/subjects/{team.id}/self" in page_text(client.get("/evaluation/"))
    dims = round_.framework.dimensions
    form = {f"score_{d.id}": "5" for d in dims} | {f"statement_{d.id}": "班子自评" for d in dims}
    assert client.post_form(f"/evaluation/subjects/{team.id}/self", form).status_code == 302
    assert db.session.get(Evaluation, team.id).self_submitted_at is not None


def test_the_file_asks_why_and_every_opening_is_recorded(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]])
    mine = subject_of(round_, world["cadre"])
    appraisal.save_scores(world["assessor"], mine, full_scores(mine))
    appraisal.publish(world["assessor"], mine, "年度结论")
    db.session.commit()
    client = login(app, world["assessor"])
    url = f"/evaluation/files/{world['cadre'].id}"
    first = page_text(client.get(url))
    assert 'id="reason-form"' in first and "年度结论" not in first
    assert not db.session.scalars(
        select(AuditLog).where(AuditLog.action == "evaluation.file.open")
    ).all()
    page = page_text(client.get(url + "?reason=换届考察前查阅"))
    assert "年度结论" in page and "换届考察前查阅" in page
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "evaluation.file.open")
    ).one()
    assert (entry.actor_id, entry.object_id) == (world["assessor"].id, str(world["cadre"].id))
    assert entry.details["reason"] == "换届考察前查阅"
    export = client.get(url + ".xlsx?reason=导出备查")
    book = load_workbook(io.BytesIO(export.data))
    rows = list(book["历年评价"].iter_rows(values_only=True))
    assert rows[2][3:5] == (100, "好") and rows[2][-1] == "年度结论"
    assert db.session.scalars(
        select(AuditLog).where(AuditLog.action == "evaluation.file.open")
    ).all()[-1].details == {"reason": "导出备查", "how": "xlsx"}
    assert client.get(url + ".xlsx").status_code == 200  # asks for the reason first


def test_the_team_page_and_export_roll_up_the_members(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]], min_ballots=1)
    mine = subject_of(round_, world["cadre"])
    ballots.cast(world["sec"], mine, {d.id: "good" for d in round_.framework.dimensions})
    for cadre, minus in ((world["cadre"], 0), (world["cadres"][1], 10)):
        subject = subject_of(round_, cadre)
        appraisal.save_scores(world["assessor"], subject, full_scores(subject, minus=minus))
        appraisal.publish(world["assessor"], subject, "结论")
    db.session.commit()
    client = login(app, world["assessor"])
    base = f"/evaluation/rounds/{round_.id}/teams/{world['team_a'].id}"
    page = page_text(client.get(base))
    assert "已发布 2 人" in page and "平均总分 50.0" in page and "100.0%" in page
    sheet = load_workbook(io.BytesIO(client.get(base + ".xlsx").data)).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows[world["cadre"].name][6:9] == (100, "好", None)


def test_no_page_shows_which_ballot_is_whose(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]], min_ballots=1)
    mine = subject_of(round_, world["cadre"])
    ballots.cast(
        world["cadres"][1], mine, {d.id: "poor" for d in round_.framework.dimensions}, "批评意见"
    )
    db.session.commit()
    ballot_id = db.session.scalar(select(Ballot.id))
    for user in (world["assessor"], world["admin"]):
        client = login(app, user)
        for url in (
            f"/evaluation/subjects/{mine.id}",
            f"/evaluation/rounds/{round_.id}",
            f"/evaluation/rounds/{round_.id}/teams/{world['team_a'].id}",
        ):
            page = page_text(client.get(url))
            assert ballot_id not in page
            assert world["cadres"][1].username not in page
    entries = db.session.scalars(select(AuditLog)).all()
    assert not any(ballot_id in str(e.details) or "批评意见" in e.summary for e in entries)


def test_the_portrait_asks_for_echarts_only_when_it_is_vendored(app, world, tmp_path):
    round_ = make_round(world["team_a"], [world["assessor"]])
    mine = subject_of(round_, world["cadre"])
    appraisal.save_scores(world["assessor"], mine, full_scores(mine))
    appraisal.publish(world["assessor"], mine, "结论")
    db.session.commit()
    client = login(app, world["cadre"])
    url = f"/evaluation/subjects/{mine.id}/portrait"
    static = app.static_folder
    try:
        app.static_folder = str(tmp_path)
        assert "vendor/echarts" not in page_text(client.get(url))
        (tmp_path / "vendor" / "echarts").mkdir(parents=True)
        (tmp_path / "vendor" / "echarts" / "echarts.common.min.js").write_text("")
        assert "vendor/echarts/echarts.common.min.js" in page_text(client.get(url))
    finally:
        app.static_folder = static


def test_an_assessor_loses_a_scope_and_then_the_role(app, world):
    client = login(app, world["admin"])
    unit_a = world["assessor"].team  # the root, not a scope; the scope is unit A
    scopes = policy.assessor_teams(world["assessor"])
    assert [t.name for t in scopes] == ["甲单位"] and unit_a.name == "根部门"
    db.session.commit()
    url = f"/evaluation/assessors/{world['assessor'].id}/{scopes[0].id}/delete"
    assert client.post_form(url).status_code == 302
    db.session.expire_all()
    assessor = db.session.get(type(world["assessor"]), world["assessor"].id)
    assert "assessor" not in assessor.roles and policy.assessor_teams(assessor) == []
    assert login(app, assessor).get("/evaluation/rounds/new").status_code == 403


def test_every_route_in_the_matrix_says_what_both_assessors_get(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    ours = {e for e in endpoints if e.startswith("evaluation.")}
    assert ours <= {r.endpoint for r in access.ROUTES}
    assert all(set(access.ASSESSORS) <= set(r.expect) for r in access.ROUTES)


def test_an_assessor_with_no_scope_left_keeps_an_account_and_nothing_else(app, world):
    """The decision in docs/evaluation.md: with its last scope the role goes; an account that
    had no other role keeps none — it signs in, sees what every user sees, and the rounds that
    named it and the files it could open are closed to it; its past work keeps its author."""
    round_ = make_round(world["team_a"], [world["assessor"], world["assessor2"]])
    subject = subject_of(round_, world["cadre"])
    appraisal.save_scores(world["assessor"], subject, full_scores(subject))
    scope = db.session.scalars(
        select(AssessorScope).where(AssessorScope.user_id == world["assessor"].id)
    ).one()
    rounds.revoke_assessor(world["admin"], scope)
    db.session.commit()
    former = db.session.get(type(world["assessor"]), world["assessor"].id)
    assert not former.roles and former.active
    client = login(app, former)
    assert client.get("/").status_code == 200
    assert client.get("/evaluation/").status_code == 200
    for url in (
        f"/evaluation/rounds/{round_.id}",
        f"/evaluation/subjects/{subject.id}",
        f"/evaluation/rounds/{round_.id}/teams/{world['team_a'].id}",
        f"/evaluation/files/{world['cadre'].id}",
        f"/evaluation/teams/{world['team_a'].id}/meetings",
    ):
        assert client.get(url).status_code == 403, url
    assert {row.assessor_id for row in subject.score_rows} == {former.id}
