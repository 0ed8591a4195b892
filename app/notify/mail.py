"""Email over SMTP: plain text and HTML bodies, STARTTLS or SSL, optional login. Every
connection has a timeout, so a server that hangs costs one try, not the outbox."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


class MailError(Exception):
    """The message was not accepted; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config) -> MailSettings:
        return cls(
            server=config.get("MAIL_SERVER", ""),
            port=int(config.get("MAIL_PORT", 25)),
            sender=config.get("MAIL_DEFAULT_SENDER", "xuekao@localhost"),
            username=config.get("MAIL_USERNAME", ""),
            password=config.get("MAIL_PASSWORD", ""),
            starttls=bool(config.get("MAIL_USE_STARTTLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            timeout=float(config.get("MAIL_TIMEOUT_SECONDS", 10)),
        )


def build_message(
    settings: MailSettings, to: str, subject: str, text: str, html: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or "localhost")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send(settings: MailSettings, msg: EmailMessage) -> None:
    """Send one message on a connection of its own."""
    with Connection(settings) as connection:
        connection.send(msg)


class Connection:
    """One SMTP connection reused for a batch of messages (connecting, TLS and login are most
    of a message's cost). Any failure closes it; the next message connects afresh."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.server,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
        try:
            if settings.starttls and not settings.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, msg: EmailMessage) -> None:
        if not self.settings.server:
            raise MailError("MAIL_SERVER is not set", permanent=True)
        reused = self._smtp is not None
        try:
            try:
                if self._smtp is None:
                    self._smtp = self._open()
                self._smtp.send_message(msg)
            except smtplib.SMTPServerDisconnected:
                if not reused:
                    raise
                # the server hung up on an idle connection: once more on a new one
                self.close()
                self._smtp = self._open()
                self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            raise MailError(f"recipient refused: {exc.recipients}"[:300], permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            # 5xx: the server will say the same next time
            permanent = 500 <= exc.smtp_code < 600
            detail = exc.smtp_error.decode(errors="replace") if exc.smtp_error else ""
            raise MailError(f"SMTP {exc.smtp_code} {detail}"[:300], permanent=permanent) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError((str(exc) or type(exc).__name__)[:300]) from exc

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
