from app.common.figures import Period
from app.stats import bulletins
from tests.access import ADMIN_ONLY, ANY_USER, LOGIN, Route

SECRETARIES = {"anon": LOGIN, "cadre": 403, "other_sec": 200, "sec": 200, "admin": 200}
OWN_TEAM = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 200}
OWN_TEAM_POST = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 302, "admin": 302}
CADRES = {"anon": LOGIN, "cadre": 200, "other_sec": 200, "sec": 200, "admin": 403}
MEMBERS = {"anon": LOGIN, "cadre": 200, "other_sec": 403, "sec": 200, "admin": 200}
RESULTS = "/stats/exams/{exam_id}/teams/{team_id}"  # {exam_id}: tests/quiz/exams/access.py


def setup_world(users) -> dict:
    team = users["cadre"].team
    period = Period.year(2026)
    bulletin = bulletins.generate(
        users["admin"], title="矩阵通报", start=period.start, end=period.end, teams=[team]
    )
    other = bulletins.generate(
        users["admin"], title="矩阵撤回", start=period.start, end=period.end, teams=[team]
    )
    return {"bulletin_id": bulletin.id, "withdraw_bulletin_id": other.id}


B = "/stats/bulletins"
ROUTES = [
    Route("stats.my_teams", "/teams/", expect=SECRETARIES),
    Route("stats.team_detail", "/teams/{team_id}", expect=OWN_TEAM),
    Route("stats.team_detail_export", "/teams/{team_id}.xlsx", expect=OWN_TEAM),
    Route("stats.team_detail_export", "/teams/{team_id}.csv", expect=OWN_TEAM),
    Route("stats.member_detail", "/teams/{team_id}/members/{user_id}", expect=OWN_TEAM),
    Route("stats.team_exams", "/teams/{team_id}/exams", expect=OWN_TEAM),
    Route("stats.exam_results", RESULTS, expect=OWN_TEAM),
    Route("stats.exam_results_export", RESULTS + ".xlsx", expect=OWN_TEAM),
    Route("stats.exam_results_export", RESULTS + ".csv", expect=OWN_TEAM),
    Route("stats.exam_units", "/stats/exams/{exam_id}/units", expect=ADMIN_ONLY),
    Route("stats.exam_units_export", "/stats/exams/{exam_id}/units.xlsx", expect=ADMIN_ONLY),
    Route("stats.dashboard_page", "/stats/", expect=SECRETARIES),
    Route("stats.dashboard_export", "/stats/dashboard.xlsx", expect=SECRETARIES),
    Route(
        "stats.remind_member",
        "/stats/teams/{team_id}/remind/{user_id}",
        "POST",
        data={},
        expect=OWN_TEAM_POST,
    ),
    Route("stats.overview", "/stats/overview", expect=ADMIN_ONLY),
    Route("stats.overview_export", "/stats/overview.csv", expect=ADMIN_ONLY),
    Route(
        "stats.update_settings",
        "/stats/settings",
        "POST",
        data={"individual_ranking": "0"},
        expect={**ADMIN_ONLY, "admin": 302},
    ),
    Route("stats.my_figures", "/stats/me", expect=CADRES),
    Route("stats.bulletins", B + "/", expect=ANY_USER),
    Route(
        "stats_api.team_figures_json",
        "/api/v1/stats/teams/{team_id}/figures",
        expect={**OWN_TEAM, "anon": 401},
    ),
    Route("stats.new_bulletin", B + "/new", expect=ADMIN_ONLY),
    Route("stats.new_bulletin", B + "/new", "POST", data={}, expect={**ADMIN_ONLY, "admin": 422}),
    Route("stats.bulletin", B + "/{bulletin_id}", expect=MEMBERS),
    Route("stats.bulletin_export", B + "/{bulletin_id}.xlsx", expect=MEMBERS),
    Route(
        "stats.withdraw_bulletin",
        B + "/{withdraw_bulletin_id}/withdraw",
        "POST",
        data={"reason": "矩阵"},
        expect={**ADMIN_ONLY, "admin": 302},
    ),
]
