"""Administration: users, teams, roles and secretary scopes, bulk user import, audit log."""
