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
    # Each login is a row (user_sessions) that logout ends. Its "last seen" is written at
    # most this often per login: every request would be a second write on each answer save.
    SESSION_TOUCH_INTERVAL = timedelta(seconds=int(os.environ.get("SESSION_TOUCH_SECONDS", "300")))

    # CSRF tokens live as long as the session: a timed test must not outlive its token.
    WTF_CSRF_TIME_LIMIT = None

    # Login throttling, per login name and client address. memory:// counts per process:
    # production refuses it unless told there is one process (production_problems below).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_MEMORY_ONE_PROCESS = _bool("RATELIMIT_MEMORY_ONE_PROCESS", False)
    # Redis down: each process counts failed logins in its own memory until Redis answers
    # again (checked every few seconds), rather than failing every login with a 500. The
    # limit still holds per process: with N processes, at most N times the guesses for as
    # long as Redis is down (docs/deployment.md). Any other storage error lets the request on.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    # /metrics answers only to "Authorization: Bearer <this>"; unset, it does not exist.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # One JSON line per request on the xuekao.request logger (stderr under gunicorn).
    REQUEST_LOG = _bool("REQUEST_LOG", True)

    # Strict-Transport-Security max-age in seconds, sent on responses that came over TLS
    # (0: never). Behind a TLS-terminating proxy, the proxy sends it (docs/deployment.md).
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", "0"))
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # The login queue (app/auth/login_queue.py): password checks at once per process (0: no
    # bound), and the longest wait in front of the app, as nginx stamps it in
    # X-Request-Start, before a login is told to wait and retry (0: not checked).
    LOGIN_CHECKS_PER_PROCESS = int(os.environ.get("LOGIN_CHECKS_PER_PROCESS", "1"))
    LOGIN_QUEUE_MAX_WAIT = float(os.environ.get("LOGIN_QUEUE_MAX_WAIT", "5"))

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "中文", "en": "English"}
    DISPLAY_TIMEZONE = "Asia/Shanghai"

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    USER_IMPORT_MAX_BYTES = 10 * 1024 * 1024

    # Email (docs/notifications.md). Empty MAIL_SERVER: no email is queued at all.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_STARTTLS = _bool("MAIL_USE_STARTTLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "xuekao@localhost")
    # A hung server must not hold the outbox job: each connection gives up after this.
    MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "10"))
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
    # The site's address for links in email and robot messages ("" : paths only).
    SITE_URL = os.environ.get("SITE_URL", "")

    # Notifications and reminders: the default timings (docs/notifications.md).
    NOTIFY_RETENTION_DAYS = int(os.environ.get("NOTIFY_RETENTION_DAYS", "180"))
    NOTIFY_QUIET_HOURS = os.environ.get("NOTIFY_QUIET_HOURS", "22:00-07:00")  # "" : none
    NOTIFY_MAX_TRIES = int(os.environ.get("NOTIFY_MAX_TRIES", "6"))
    NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", "60"))
    # SQLite: a job's lease, renewed every quarter of it while the job runs; a killed
    # scheduler's job is taken over by the next scheduler after at most this
    NOTIFY_JOB_LEASE_SECONDS = int(os.environ.get("NOTIFY_JOB_LEASE_SECONDS", "120"))
    # `flask scheduler run` may lower its CPU priority by this (os.nice) on PostgreSQL. Off by
    # default: on a loaded machine a niced scheduler starves (docs/notifications.md)
    SCHEDULER_NICE = int(os.environ.get("SCHEDULER_NICE", "0"))
    # A scheduled job sleeps this many times the CPU it used between its chunks and outbox
    # batches (at most 1/(1+N) of a core), so a fan-out does not take exam-day saves' CPU
    # or SQLite's write lock from them (docs/notifications.md). 0: no pauses
    SCHEDULER_YIELD = float(os.environ.get("SCHEDULER_YIELD", "4"))
    # the same for the outbox after each send: delivery has no deadline, a reminder's build has
    NOTIFY_OUTBOX_YIELD = float(os.environ.get("NOTIFY_OUTBOX_YIELD", "9"))
    NOTIFY_OUTBOX_BATCH = int(os.environ.get("NOTIFY_OUTBOX_BATCH", "200"))
    # a batch claimed by a run that died is sent again after this (at least once in flight)
    NOTIFY_OUTBOX_CLAIM_SECONDS = int(os.environ.get("NOTIFY_OUTBOX_CLAIM_SECONDS", "600"))
    # one outbox run stops claiming batches after this, before the next run is due
    NOTIFY_OUTBOX_RUN_SECONDS = int(os.environ.get("NOTIFY_OUTBOX_RUN_SECONDS", "50"))
    # Reminders leave alone what opened, closed or fell due longer ago than this (a new
    # installation, or a scheduler that was down for long, does not remind of the past).
    REMIND_CATCH_UP_HOURS = int(os.environ.get("REMIND_CATCH_UP_HOURS", "48"))
    # Exams: reminders this many hours before an exam closes, to those who have not submitted.
    REMIND_EXAM_CLOSE_HOURS = tuple(
        int(h) for h in os.environ.get("REMIND_EXAM_CLOSE_HOURS", "24,2").split(",") if h.strip()
    )
    # Courses: this many days before a required assignment is due; overdue the day after.
    # Both go out at REMIND_DAILY_HOUR (Shanghai) on their day.
    REMIND_ASSIGNMENT_DAYS_BEFORE = int(os.environ.get("REMIND_ASSIGNMENT_DAYS_BEFORE", "3"))
    REMIND_DAILY_HOUR = int(os.environ.get("REMIND_DAILY_HOUR", "9"))
    # Members present at a session who have not written its reflection, this many days after.
    REMIND_REFLECTION_DAYS_AFTER = int(os.environ.get("REMIND_REFLECTION_DAYS_AFTER", "2"))
    # Admins: question imports previewed (dry run) but not confirmed after this many hours.
    REMIND_IMPORT_UNCONFIRMED_HOURS = int(os.environ.get("REMIND_IMPORT_UNCONFIRMED_HOURS", "2"))
    # Admins: essays waiting longer than this many hours are reported once a day.
    REMIND_ESSAYS_WAITING_HOURS = int(os.environ.get("REMIND_ESSAYS_WAITING_HOURS", "24"))
    # The weekly digest to secretaries: weekday (0 Monday) and local hour.
    DIGEST_WEEKDAY = int(os.environ.get("DIGEST_WEEKDAY", "0"))
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "8"))
    # One-off reminders: at most this many sends per sender per hour, recipients per send.
    ONEOFF_PER_HOUR = int(os.environ.get("ONEOFF_PER_HOUR", "5"))
    ONEOFF_MAX_RECIPIENTS = int(os.environ.get("ONEOFF_MAX_RECIPIENTS", "500"))

    PASSWORD_HASH_METHOD = "scrypt"
    PAGE_SIZE = 20

    # Question-bank files kept between an import's preview and its confirmation (a day at
    # most): instance/uploads/questions/ when unset. Give a path outside the code on a server.
    QUESTION_UPLOAD_DIR = os.environ.get("QUESTION_UPLOAD_DIR", "")

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
    SCHEDULER_YIELD = 0  # jobs do not pause (tests/notify/test_audience.py sets it)
    NOTIFY_OUTBOX_YIELD = 0  # nor the outbox (tests/notify/test_outbox.py sets it)


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))


def production_problems(config) -> list[str]:
    """Why this configuration must not serve production (empty: it may)."""
    problems = []
    if config.get("SECRET_KEY") in (DEFAULT_SECRET_KEY, "", None):
        problems.append(
            "the default SECRET_KEY; set the SECRET_KEY environment variable to a long random value"
        )
    storage = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if storage.startswith("memory://") and not config.get("RATELIMIT_MEMORY_ONE_PROCESS"):
        # Each worker would count failed logins on its own: 4 workers, 4 times the guesses.
        problems.append(
            "RATELIMIT_STORAGE_URI is memory://, so each app process counts failed logins "
            "on its own; set it to shared storage (redis://host:6379/0), or set "
            "RATELIMIT_MEMORY_ONE_PROCESS=1 if exactly one process serves the app"
        )
    return problems


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
