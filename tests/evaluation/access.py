"""Evaluation pages. Administrators run frameworks and rounds (an administrator is an assessor
of every round); the cadre self-assesses, votes on team members and sees their own portrait;
the secretary self-assesses for the team; nobody else gets in. (Assessors scoped to another
unit are covered in test_views.py: the matrix has no assessor visitor.)"""

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


def setup_world(users) -> dict:
    team = users["cadre"].team
    round_ = make_round(team, [users["admin"]], year=2027)
    mine = subject_of(round_, users["cadre"])
    appraisal.save_scores(users["admin"], mine, full_scores(mine))
    appraisal.publish(users["admin"], mine, "结论")
    other = subject_of(round_, users["sec"])
    items = [n for d in round_.framework.dimensions for n in d.negatives]
    appraisal.mark_negative(users["admin"], other, items[0], "事实")
    appraisal.mark_negative(users["admin"], other, items[1], "事实")
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
    }


E = "/evaluation"
ROUTES = [
    Route("evaluation.index", f"{E}/", expect=ANY_USER),
    Route("evaluation.framework_list", f"{E}/frameworks", expect=ADMIN_ONLY),
    Route("evaluation.framework_list", f"{E}/frameworks", "POST", data={}, expect=ADMIN_ACTION),
    Route("evaluation.framework", E + "/frameworks/{framework_id}", expect=ADMIN_ONLY),
    Route(
        "evaluation.add_dimension",
        E + "/frameworks/{framework_id}/dimensions",
        "POST",
        data={"name": "新维度"},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.add_standard",
        E + "/dimensions/{dimension_id}/standards",
        "POST",
        data={"title": "标准", "points": "3"},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.add_negative",
        E + "/dimensions/{dimension_id}/negatives",
        "POST",
        data={"title": "事项", "deduction": "2"},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.delete_standard",
        E + "/standards/{doomed_standard_id}/delete",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.delete_negative",
        E + "/negatives/{doomed_item_id}/delete",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.set_bands",
        E + "/frameworks/{framework_id}/bands",
        "POST",
        data={"bands": "80 好\n0 差"},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.new_version",
        E + "/frameworks/{framework_id}/version",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route("evaluation.new_round", f"{E}/rounds/new", expect=ADMIN_ONLY),
    Route("evaluation.new_round", f"{E}/rounds/new", "POST", data={}, expect=ADMIN_ACTION),
    Route("evaluation.round_page", E + "/rounds/{round_id}", expect=ADMIN_ONLY),
    Route(
        "evaluation.add_round_team",
        E + "/rounds/{round_id}/teams",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route("evaluation.edit_round", E + "/rounds/{round_id}/edit", expect=ADMIN_ONLY),
    Route(
        "evaluation.edit_round",
        E + "/rounds/{round_id}/edit",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.add_round_cadre",
        E + "/rounds/{round_id}/cadres",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.remove_round_subject",
        E + "/rounds/{round_id}/subjects/{doomed_subject_id}/delete",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.close_round",
        E + "/rounds/{round_id}/close",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.add_round_assessor",
        E + "/rounds/{round_id}/assessors",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.team_assessment",
        E + "/rounds/{round_id}/teams/{team_id}",
        expect=ADMIN_ONLY,
    ),
    Route(
        "evaluation.team_export",
        E + "/rounds/{round_id}/teams/{team_id}.xlsx",
        expect=ADMIN_ONLY,
    ),
    Route("evaluation.assessors", f"{E}/assessors", expect=ADMIN_ONLY),
    Route(
        "evaluation.revoke_assessor",
        E + "/assessors/{doomed_assessor_id}/{team_id}/delete",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route("evaluation.assessors", f"{E}/assessors", "POST", data={}, expect=ADMIN_ACTION),
    Route("evaluation.self_assessment", E + "/subjects/{mine_id}/self", expect=ONLY_CADRE),
    Route(
        "evaluation.self_assessment",
        E + "/subjects/{team_subject_id}/self",
        "POST",
        data={},
        expect=with_status(ONLY_SEC, 302),
    ),
    Route("evaluation.ballot", E + "/subjects/{other_id}/ballot", expect=ONLY_CADRE),
    Route(
        "evaluation.ballot",
        E + "/subjects/{other_id}/ballot",
        "POST",
        data={},
        expect=with_status(ONLY_CADRE, 302),
    ),
    Route("evaluation.appraise", E + "/subjects/{other_id}", expect=ADMIN_ONLY),
    Route(
        "evaluation.save_scores",
        E + "/subjects/{other_id}/scores",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.mark_negative",
        E + "/subjects/{other_id}/marks",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.confirm_mark",
        E + "/marks/{mark_id}/confirm",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.delete_mark",
        E + "/marks/{doomed_mark_id}/delete",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.publish",
        E + "/subjects/{other_id}/publish",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route("evaluation.interviews", E + "/subjects/{other_id}/interviews", expect=ADMIN_ONLY),
    Route(
        "evaluation.interviews",
        E + "/subjects/{other_id}/interviews",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route("evaluation.portrait", E + "/subjects/{mine_id}/portrait", expect=OWN_RESULT),
    Route("evaluation.political_file", E + "/files/{user_id}", expect=ADMIN_ONLY),
    Route(
        "evaluation.political_file_export",
        E + "/files/{user_id}.xlsx?reason=matrix",
        expect=ADMIN_ONLY,
    ),
    Route("evaluation.team_meetings", E + "/teams/{team_id}/meetings", expect=TEAM_RECORDS),
    Route(
        "evaluation.team_meetings",
        E + "/teams/{team_id}/meetings",
        "POST",
        data={},
        expect=RUNS_TEAM,
    ),
    Route("evaluation.meeting", E + "/meetings/{meeting_id}", expect=TEAM_RECORDS),
    Route(
        "evaluation.meeting_outcome",
        E + "/meetings/{meeting_id}/outcome",
        "POST",
        data={},
        expect=RUNS_TEAM,
    ),
    Route(
        "evaluation.meeting_item",
        E + "/meetings/{meeting_id}/items",
        "POST",
        data={},
        expect=RUNS_TEAM,
    ),
    Route(
        "evaluation.halt_meeting",
        E + "/meetings/{meeting_id}/halt",
        "POST",
        data={},
        expect=ADMIN_ACTION,
    ),
    Route(
        "evaluation.add_rectification",
        E + "/meetings/{meeting_id}/rectifications",
        "POST",
        data={},
        expect=RUNS_TEAM,
    ),
    Route(
        "evaluation.update_rectification",
        E + "/rectifications/{rectification_id}",
        "POST",
        data={},
        expect=OWNER_OR_SEC,
    ),
    Route(
        "evaluation.rectification_report",
        E + "/meetings/{meeting_id}/report",
        expect=TEAM_RECORDS,
    ),
    Route("evaluation.team_talks", E + "/teams/{team_id}/talks", expect=TEAM_RECORDS),
    Route(
        "evaluation.team_talks",
        E + "/teams/{team_id}/talks",
        "POST",
        data={},
        expect=RUNS_TEAM,
    ),
    Route("evaluation.talk", E + "/talks/{talk_id}", expect=TEAM_RECORDS),
    Route("evaluation.talk", E + "/talks/{talk_id}", "POST", data={}, expect=RUNS_TEAM),
]
