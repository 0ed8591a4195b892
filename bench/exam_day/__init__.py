"""Helpers of ``bench/exam_day.py``: database setup, the gunicorn server, the load
generator, the lost-answer check and the profile summary."""
