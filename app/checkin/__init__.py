"""Centre-group study: plans, sessions, attendance, lead/report study, reflections."""
