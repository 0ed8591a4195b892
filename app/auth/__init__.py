"""Authentication and accounts: teams, users, roles, login, passwords."""
