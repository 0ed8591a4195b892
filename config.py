"""Configuration classes. Every setting can come from the environment; development
defaults are safe for one box, production refuses the default secret."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-secret-change-me"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_url() -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / 'xuekao.db'}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # The cookie is signed and sent again only when the session changes (login, language,
    # a flash message), not on every request: on exam day that is about a fifth of an
    # answer save's CPU (bench/README.md). The 12 hours then run from the last change.
    SESSION_REFRESH_EACH_REQUEST = _bool("SESSION_REFRESH_EACH_REQUEST", False)

    # CSRF tokens live as long as the session: a timed test must not outlive its token.
    WTF_CSRF_TIME_LIMIT = None

    # Login throttling, per login name and client address.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "中文", "en": "English"}
    DISPLAY_TIMEZONE = "Asia/Shanghai"

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    USER_IMPORT_MAX_BYTES = 10 * 1024 * 1024

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "xuekao@localhost")
    WEBHOOK_URL = os.environ.get("WEBHOOK_URL", "")

    PASSWORD_HASH_METHOD = "scrypt"
    PAGE_SIZE = 20

    # Courses: attachments (instance/attachments/ when unset) and the reading rules.
    COURSE_ATTACHMENT_DIR = os.environ.get("COURSE_ATTACHMENT_DIR", "")
    COURSE_ATTACHMENT_MAX_BYTES = int(os.environ.get("COURSE_ATTACHMENT_MAX_BYTES", 20 * 1024**2))
    COURSE_MIN_READ_FRACTION = float(os.environ.get("COURSE_MIN_READ_FRACTION", "0.5"))
    COURSE_HEARTBEAT_SECONDS = int(os.environ.get("COURSE_HEARTBEAT_SECONDS", "15"))
    COURSE_HEARTBEAT_SLACK_SECONDS = int(os.environ.get("COURSE_HEARTBEAT_SLACK_SECONDS", "10"))

    # Daily quiz (每日答题): questions a day, and the banks it draws from (names separated by
    # commas; empty: every bank).
    DAILY_QUIZ_SIZE = int(os.environ.get("DAILY_QUIZ_SIZE", "5"))
    DAILY_QUIZ_BANKS = os.environ.get("DAILY_QUIZ_BANKS", "")


class DevelopmentConfig(Config):
    DEBUG = False  # the Werkzeug debugger would put a stack trace in front of users


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_SQLITE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing for tests only


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
