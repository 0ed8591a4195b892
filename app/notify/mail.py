"""Email over SMTP: plain text and HTML bodies, STARTTLS or SSL, optional login. Every
connection has a timeout, so a server that hangs costs one try, not the outbox."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email import policy
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


@dataclass(frozen=True)
class Prepared:
    """A message already serialized for one recipient (``prepare``)."""

    to: str
    data: bytes


# the serialized MIME part of a message, by (sender, subject, text, html): one reminder to
# many people is built and flattened once (building one took ~2 ms of CPU per recipient)
_BODIES: dict[tuple[str, str, str, str], bytes] = {}


def prepare(
    settings: MailSettings, to: str, subject: str, text: str, html: str
) -> EmailMessage | Prepared:
    """The message to ``to``: the From, Subject and MIME body serialized once per distinct
    content, and only To, Date and Message-ID written for each recipient. An address that
    is not ASCII gets a whole ``EmailMessage`` (sent with SMTPUTF8 as the server allows)."""
    if not to.isascii():
        return build_message(settings, to, subject, text, html)
    key = (settings.sender, subject, text, html)
    body = _BODIES.get(key)
    if body is None:
        template = EmailMessage()
        template["From"] = settings.sender
        template["Subject"] = subject
        template.set_content(text)
        if html:
            template.add_alternative(html, subtype="html")
        body = template.as_bytes(policy=policy.SMTP)
        if len(_BODIES) > 64:
            _BODIES.clear()
        _BODIES[key] = body
    domain = settings.sender.rpartition("@")[2] or "localhost"
    head = "".join(
        policy.SMTP.fold(name, value)
        for name, value in (
            ("To", to),
            ("Date", formatdate(localtime=False)),
            ("Message-ID", make_msgid(domain=domain)),
        )
    )
    return Prepared(to, head.encode("ascii") + body)


def send(settings: MailSettings, msg: EmailMessage | Prepared) -> None:
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

    def _transmit(self, msg: EmailMessage | Prepared) -> None:
        if isinstance(msg, Prepared):
            self._smtp.sendmail(self.settings.sender, [msg.to], msg.data)
        else:
            self._smtp.send_message(msg)

    def send(self, msg: EmailMessage | Prepared) -> None:
        if not self.settings.server:
            raise MailError("MAIL_SERVER is not set", permanent=True)
        reused = self._smtp is not None
        try:
            try:
                if self._smtp is None:
                    self._smtp = self._open()
                self._transmit(msg)
            except smtplib.SMTPServerDisconnected:
                if not reused:
                    raise
                # the server hung up on an idle connection: once more on a new one
                self.close()
                self._smtp = self._open()
                self._transmit(msg)
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
