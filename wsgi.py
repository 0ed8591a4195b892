"""Entry point for gunicorn (``gunicorn wsgi:app``) and the ``flask --app wsgi`` CLI."""

import os

from app import create_app

app = create_app(os.environ.get("XUEKAO_CONFIG", "development"))
