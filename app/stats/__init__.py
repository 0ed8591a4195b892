"""Team statistics for secretaries and administrators (rolls up the team tree)."""
