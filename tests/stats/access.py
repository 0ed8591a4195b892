from tests.access import LOGIN, Route

SECRETARIES = {"anon": LOGIN, "cadre": 403, "other_sec": 200, "sec": 200, "admin": 200}

ROUTES = [
    Route("stats.my_teams", "/teams/", expect=SECRETARIES),
    Route(
        "stats.team_detail",
        "/teams/{team_id}",
        expect={"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 200},
    ),
]
