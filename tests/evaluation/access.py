"""Evaluation pages. Administrators run frameworks and rounds (an administrator is an assessor
of every round); the cadre self-assesses, votes on team members and sees their own portrait;
the secretary self-assesses for the team; nobody else gets in. (Assessors scoped to another
unit are covered in test_views.py: the matrix has no assessor visitor.)"""

from app.evaluation.demo import build_framework
from app.evaluation.services import appraisal, frameworks
from tests.access import ADMIN_ONLY, ANY_USER, LOGIN, Route, with_status
from tests.evaluation.factories import full_scores, make_round, subject_of, team_subject

ADMIN_ACTION = with_status(ADMIN_ONLY, 302)
ONLY_CADRE = {"anon": LOGIN, "cadre": 200, "other_sec": 403, "sec": 403, "admin": 403}
ONLY_SEC = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 403}
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
    return {
        "framework_id": free.id,
        "dimension_id": dim.id,
        "doomed_standard_id": dim.standards[0].id,
        "doomed_item_id": doomed_item.id,
        "round_id": round_.id,
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
]
