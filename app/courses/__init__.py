"""Courses: the study programme's materials, assignments and reading progress."""
