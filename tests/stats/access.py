from tests.access import ADMIN_ONLY, LOGIN, Route

SECRETARIES = {"anon": LOGIN, "cadre": 403, "other_sec": 200, "sec": 200, "admin": 200}
OWN_TEAM = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 200}
OWN_TEAM_POST = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 302, "admin": 302}
CADRES = {"anon": LOGIN, "cadre": 200, "other_sec": 200, "sec": 200, "admin": 403}
RESULTS = "/stats/exams/{exam_id}/teams/{team_id}"  # {exam_id}: tests/quiz/exams/access.py

ROUTES = [
    Route("stats.my_teams", "/teams/", expect=SECRETARIES),
    Route("stats.team_detail", "/teams/{team_id}", expect=OWN_TEAM),
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
]
