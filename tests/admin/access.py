from tests.access import ADMIN_ONLY, Route, with_status

REDIRECTS = with_status(ADMIN_ONLY, 302)

ROUTES = [
    Route("admin.users", "/admin/users", expect=ADMIN_ONLY),
    Route("admin.create_user", "/admin/users/new", expect=ADMIN_ONLY),
    Route("admin.create_user", "/admin/users/new", "POST", data={}, expect=ADMIN_ONLY),
    Route("admin.edit_user", "/admin/users/{user_id}/edit", expect=ADMIN_ONLY),
    Route("admin.edit_user", "/admin/users/{user_id}/edit", "POST", data={}, expect=ADMIN_ONLY),
    Route("admin.reset_password", "/admin/users/{user_id}/password", expect=ADMIN_ONLY),
    Route(
        "admin.reset_password",
        "/admin/users/{user_id}/password",
        "POST",
        data={"password": ""},
        expect=ADMIN_ONLY,
    ),
    Route(
        "admin.deactivate_user",
        "/admin/users/{user_id}/deactivate",
        "POST",
        data={},
        expect=REDIRECTS,
    ),
    Route(
        "admin.activate_user", "/admin/users/{user_id}/activate", "POST", data={}, expect=REDIRECTS
    ),
    Route("admin.import_users", "/admin/users/import", expect=ADMIN_ONLY),
    Route("admin.import_users", "/admin/users/import", "POST", data={}, expect=ADMIN_ONLY),
    Route(
        "admin.import_passwords",
        "/admin/users/import/passwords.xlsx",
        "POST",
        data={},
        expect=REDIRECTS,
    ),
    Route("admin.import_template", "/admin/users/import/template.xlsx", expect=ADMIN_ONLY),
    Route("admin.teams", "/admin/teams", expect=ADMIN_ONLY),
    Route("admin.create_team", "/admin/teams/new", expect=ADMIN_ONLY),
    Route("admin.create_team", "/admin/teams/new", "POST", data={}, expect=ADMIN_ONLY),
    Route("admin.edit_team", "/admin/teams/{team_id}/edit", expect=ADMIN_ONLY),
    # Fields left out of a POST keep the team's values: an unchanged save.
    Route("admin.edit_team", "/admin/teams/{team_id}/edit", "POST", data={}, expect=REDIRECTS),
    Route(
        "admin.deactivate_team",
        "/admin/teams/{other_team_id}/deactivate",
        "POST",
        data={},
        expect=REDIRECTS,
    ),
    Route(
        "admin.activate_team",
        "/admin/teams/{other_team_id}/activate",
        "POST",
        data={},
        expect=REDIRECTS,
    ),
    Route("admin.audit_log", "/admin/audit", expect=ADMIN_ONLY),
]
