"""Evaluation pages. Administrators run frameworks and rounds (an administrator is an assessor
of every round); the cadre self-assesses, votes on team members and sees their own portrait;
the secretary self-assesses for the team; nobody else gets in.

Two visitors of this feature's own, both named in the round and living in the root department
(so neither votes): ``assessor``, whose scope holds team A, and ``other_assessor``, scoped to
team B. Every route here says what each gets (``test_views.py`` checks none is left out); they
visit before the administrator, whose POSTs may delete what the URL names."""

from datetime import date

from app.evaluation.demo import build_framework
from app.evaluation.services import appraisal, frameworks, meetings, rounds, talks
from tests.access import ADMIN_ONLY, ANY_USER, LOGIN, Route, with_status
from tests.evaluation.factories import (
    full_scores,
    make_assessor,
    make_round,
    subject_of,
    team_subject,
)
from tests.factories import make_user

ADMIN_ACTION = with_status(ADMIN_ONLY, 302)
ONLY_CADRE = {"anon": LOGIN, "cadre": 200, "other_sec": 403, "sec": 403, "admin": 403}
ONLY_SEC = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 403}
# a team's meetings and talks: its secretary keeps them, the upper level (admins) reads
TEAM_RECORDS = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 200}
RUNS_TEAM = with_status(ONLY_SEC, 302)
OWNER_OR_SEC = {"anon": LOGIN, "cadre": 302, "other_sec": 403, "sec": 302, "admin": 403}
OWN_RESULT = {"anon": LOGIN, "cadre": 200, "other_sec": 403, "sec": 403, "admin": 200}


ASSESSORS = ("other_assessor", "assessor")


def assessors(base: dict[str, int], assessor: int, other: int = 403) -> dict[str, int]:
    """``base`` with the two assessors' statuses, tried after the secretary, before the admin."""
    ahead = {k: v for k, v in base.items() if k != "admin"}
    return {**ahead, "other_assessor": other, "assessor": assessor, "admin": base["admin"]}


def setup_world(users) -> dict:
    team = users["cadre"].team
    home = users["admin"].team  # the root department: not team A, so no ballot for them
    users["assessor"] = make_assessor(team, team=home, username="m-assessor")
    users["other_assessor"] = make_assessor(
        users["other_sec"].team, team=home, username="m-other-assessor"
    )
    round_ = make_round(
        team, [users["admin"], users["assessor"], users["other_assessor"]], year=2027
    )
    mine = subject_of(round_, users["cadre"])
    appraisal.save_scores(users["admin"], mine, full_scores(mine))
    appraisal.publish(users["admin"], mine, "结论")
    other = subject_of(round_, users["sec"])
    items = [n for d in round_.framework.dimensions for n in d.negatives]
    appraisal.mark_negative(users["admin"], other, items[0], "事实")
    appraisal.mark_negative(users["admin"], other, items[1], "事实")
    appraisal.mark_negative(users["admin"], other, items[2], "事实")
    free = build_framework(2030)
    dim = free.dimensions[0]
    doomed_item = frameworks.add_negative(None, dim, "待删事项", 1, False)
    meeting = meetings.create_meeting(
        users["sec"], team, topic="专题民主生活会", held_on=date(2027, 1, 20)
    )
    item = meetings.add_rectification(
        users["sec"],
        meeting,
        owner=users["cadre"],
        problem="调查研究不够深入",
        measure="每季度到基层调研一次",
        due_on=date(2027, 6, 30),
    )
    talk = talks.record_talk(
        users["sec"],
        team,
        subject=users["cadre"],
        talker="书记",
        kind="inquiry",
        held_on=date(2027, 2, 1),
        record="函询内容",
    )
    doomed_assessor = make_assessor(team)
    doomed_subject = rounds.add_cadre(None, round_, team, make_user("cadre", team))
    return {
        "doomed_assessor_id": doomed_assessor.id,
        "meeting_id": meeting.id,
        "rectification_id": item.id,
        "talk_id": talk.id,
        "framework_id": free.id,
        "dimension_id": dim.id,
        "doomed_standard_id": dim.standards[0].id,
        "doomed_item_id": doomed_item.id,
        "round_id": round_.id,
        "doomed_subject_id": doomed_subject.id,
        "mine_id": mine.id,
        "other_id": other.id,
        "team_subject_id": team_subject(round_, team).id,
        "mark_id": other.marks[0].id,
        "doomed_mark_id": other.marks[1].id,
        "admins_doomed_mark_id": other.marks[2].id,
    }


E = "/evaluation"
ROUTES = [
    Route("evaluation.index", f"{E}/", expect=assessors(ANY_USER, 200, 200)),
    Route("evaluation.framework_list", f"{E}/frameworks", expect=assessors(ADMIN_ONLY, 403)),
    Route(
        "evaluation.framework_list",
        f"{E}/frameworks",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.framework", E + "/frameworks/{framework_id}", expect=assessors(ADMIN_ONLY, 403)
    ),
    Route(
        "evaluation.add_dimension",
        E + "/frameworks/{framework_id}/dimensions",
        "POST",
        data={"name": "新维度"},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.add_standard",
        E + "/dimensions/{dimension_id}/standards",
        "POST",
        data={"title": "标准", "points": "3"},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.add_negative",
        E + "/dimensions/{dimension_id}/negatives",
        "POST",
        data={"title": "事项", "deduction": "2"},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.delete_standard",
        E + "/standards/{doomed_standard_id}/delete",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.delete_negative",
        E + "/negatives/{doomed_item_id}/delete",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.set_bands",
        E + "/frameworks/{framework_id}/bands",
        "POST",
        data={"bands": "80 好\n0 差"},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.new_version",
        E + "/frameworks/{framework_id}/version",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route("evaluation.new_round", f"{E}/rounds/new", expect=assessors(ADMIN_ONLY, 403)),
    Route(
        "evaluation.new_round",
        f"{E}/rounds/new",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.round_page", E + "/rounds/{round_id}", expect=assessors(ADMIN_ONLY, 200, 200)
    ),
    Route(
        "evaluation.add_round_team",
        E + "/rounds/{round_id}/teams",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.edit_round", E + "/rounds/{round_id}/edit", expect=assessors(ADMIN_ONLY, 403)
    ),
    Route(
        "evaluation.edit_round",
        E + "/rounds/{round_id}/edit",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.add_round_cadre",
        E + "/rounds/{round_id}/cadres",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.remove_round_subject",
        E + "/rounds/{round_id}/subjects/{doomed_subject_id}/delete",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.close_round",
        E + "/rounds/{round_id}/close",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.add_round_assessor",
        E + "/rounds/{round_id}/assessors",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.team_assessment",
        E + "/rounds/{round_id}/teams/{team_id}",
        expect=assessors(ADMIN_ONLY, 200),
    ),
    Route(
        "evaluation.team_export",
        E + "/rounds/{round_id}/teams/{team_id}.xlsx",
        expect=assessors(ADMIN_ONLY, 200),
    ),
    Route("evaluation.assessors", f"{E}/assessors", expect=assessors(ADMIN_ONLY, 403)),
    Route(
        "evaluation.revoke_assessor",
        E + "/assessors/{doomed_assessor_id}/{team_id}/delete",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.assessors",
        f"{E}/assessors",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 403),
    ),
    Route(
        "evaluation.self_assessment",
        E + "/subjects/{mine_id}/self",
        expect=assessors(ONLY_CADRE, 403),
    ),
    Route(
        "evaluation.self_assessment",
        E + "/subjects/{team_subject_id}/self",
        "POST",
        data={},
        expect=assessors(with_status(ONLY_SEC, 302), 403),
    ),
    Route(
        "evaluation.ballot", E + "/subjects/{other_id}/ballot", expect=assessors(ONLY_CADRE, 403)
    ),
    Route(
        "evaluation.ballot",
        E + "/subjects/{other_id}/ballot",
        "POST",
        data={},
        expect=assessors(with_status(ONLY_CADRE, 302), 403),
    ),
    Route("evaluation.appraise", E + "/subjects/{other_id}", expect=assessors(ADMIN_ONLY, 200)),
    Route(
        "evaluation.save_scores",
        E + "/subjects/{other_id}/scores",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 302),
    ),
    Route(
        "evaluation.mark_negative",
        E + "/subjects/{other_id}/marks",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 302),
    ),
    Route(
        "evaluation.confirm_mark",
        E + "/marks/{mark_id}/confirm",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 302),
    ),
    # one deleter per mark: the assessor deletes this one (the administrator then finds it
    # gone), the administrator the next (the assessors, coming after, find it gone)
    Route(
        "evaluation.delete_mark",
        E + "/marks/{doomed_mark_id}/delete",
        "POST",
        data={},
        expect=assessors({**ADMIN_ACTION, "admin": 404}, 302),
    ),
    Route(
        "evaluation.delete_mark",
        E + "/marks/{admins_doomed_mark_id}/delete",
        "POST",
        data={},
        expect={**ADMIN_ACTION, "other_assessor": 404, "assessor": 404},
    ),
    Route(
        "evaluation.publish",
        E + "/subjects/{other_id}/publish",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 302),
    ),
    Route(
        "evaluation.interviews",
        E + "/subjects/{other_id}/interviews",
        expect=assessors(ADMIN_ONLY, 200),
    ),
    Route(
        "evaluation.interviews",
        E + "/subjects/{other_id}/interviews",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 302),
    ),
    Route(
        "evaluation.portrait", E + "/subjects/{mine_id}/portrait", expect=assessors(OWN_RESULT, 200)
    ),
    Route("evaluation.political_file", E + "/files/{user_id}", expect=assessors(ADMIN_ONLY, 200)),
    Route(
        "evaluation.political_file_export",
        E + "/files/{user_id}.xlsx?reason=matrix",
        expect=assessors(ADMIN_ONLY, 200),
    ),
    Route(
        "evaluation.team_meetings",
        E + "/teams/{team_id}/meetings",
        expect=assessors(TEAM_RECORDS, 200),
    ),
    Route(
        "evaluation.team_meetings",
        E + "/teams/{team_id}/meetings",
        "POST",
        data={},
        expect=assessors(RUNS_TEAM, 403),
    ),
    Route("evaluation.meeting", E + "/meetings/{meeting_id}", expect=assessors(TEAM_RECORDS, 200)),
    Route(
        "evaluation.meeting_outcome",
        E + "/meetings/{meeting_id}/outcome",
        "POST",
        data={},
        expect=assessors(RUNS_TEAM, 403),
    ),
    Route(
        "evaluation.meeting_item",
        E + "/meetings/{meeting_id}/items",
        "POST",
        data={},
        expect=assessors(RUNS_TEAM, 403),
    ),
    Route(
        "evaluation.halt_meeting",
        E + "/meetings/{meeting_id}/halt",
        "POST",
        data={},
        expect=assessors(ADMIN_ACTION, 302),
    ),
    Route(
        "evaluation.add_rectification",
        E + "/meetings/{meeting_id}/rectifications",
        "POST",
        data={},
        expect=assessors(RUNS_TEAM, 403),
    ),
    Route(
        "evaluation.update_rectification",
        E + "/rectifications/{rectification_id}",
        "POST",
        data={},
        expect=assessors(OWNER_OR_SEC, 403),
    ),
    Route(
        "evaluation.rectification_report",
        E + "/meetings/{meeting_id}/report",
        expect=assessors(TEAM_RECORDS, 200),
    ),
    Route(
        "evaluation.team_talks", E + "/teams/{team_id}/talks", expect=assessors(TEAM_RECORDS, 200)
    ),
    Route(
        "evaluation.team_talks",
        E + "/teams/{team_id}/talks",
        "POST",
        data={},
        expect=assessors(RUNS_TEAM, 403),
    ),
    Route("evaluation.talk", E + "/talks/{talk_id}", expect=assessors(TEAM_RECORDS, 200)),
    Route(
        "evaluation.talk", E + "/talks/{talk_id}", "POST", data={}, expect=assessors(RUNS_TEAM, 403)
    ),
]
