"""Group robots (群机器人): the JSON each kind expects, its signature, and how it says "ok".

- WeCom (企业微信): ``{"msgtype": "text", "text": {"content": ...}}``; answers ``errcode: 0``.
- DingTalk (钉钉): the same shape; with a secret (加签), ``timestamp`` (ms) and ``sign`` =
  base64(HMAC-SHA256(secret, "timestamp\\nsecret")) go in the query string; ``errcode: 0``.
- Feishu (飞书): ``{"msg_type": "text", "content": {"text": ...}}``; with a secret, the body
  carries ``timestamp`` (s) and ``sign`` = base64(HMAC-SHA256("timestamp\\nsecret", b""));
  answers ``code: 0``.
- Generic JSON: ``{"title", "text", "link", "sent_at"}``; with a secret, the header
  ``X-Xuekao-Signature: sha256=<hex HMAC-SHA256(secret, body)>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import urllib.parse
from dataclasses import dataclass


class RobotError(Exception):
    """The robot refused the message or could not be reached."""


@dataclass(frozen=True)
class RobotRequest:
    url: str
    body: bytes
    headers: dict[str, str]


def _hmac_b64(key: bytes, msg: bytes) -> str:
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    return _hmac_b64(secret.encode(), f"{timestamp_ms}\n{secret}".encode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    return _hmac_b64(f"{timestamp_s}\n{secret}".encode(), b"")


def json_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def build_request(
    kind: str, url: str, secret: str, text: str, *, title: str, link: str, now_s: float
) -> RobotRequest:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if kind in ("wecom", "dingtalk"):
        payload: dict = {"msgtype": "text", "text": {"content": text}}
        if kind == "dingtalk" and secret:
            ts = int(now_s * 1000)
            query = urllib.parse.urlencode({"timestamp": ts, "sign": dingtalk_sign(secret, ts)})
            url = f"{url}{'&' if '?' in url else '?'}{query}"
    elif kind == "feishu":
        payload = {"msg_type": "text", "content": {"text": text}}
        if secret:
            ts = int(now_s)
            payload = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **payload}
    elif kind == "json":
        payload = {"title": title, "text": text, "link": link, "sent_at": int(now_s)}
    else:
        raise RobotError(f"unknown robot kind {kind!r}")
    body = json.dumps(payload, ensure_ascii=False).encode()
    if kind == "json" and secret:
        headers["X-Xuekao-Signature"] = json_signature(secret, body)
    return RobotRequest(url, body, headers)


def post(request: RobotRequest, kind: str, timeout: float) -> None:
    """Send on a connection of its own; raise ``RobotError`` unless the robot said ok."""
    with Session() as session:
        session.post(request, kind, timeout)


class Session:
    """Keeps one HTTP(S) connection per robot host open across an outbox batch (keep-alive),
    instead of a TCP (and TLS) handshake per message."""

    def __init__(self) -> None:
        self._connections: dict[tuple[str, str, int | None], http.client.HTTPConnection] = {}

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def post(self, request: RobotRequest, kind: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RobotError("robot URL is not http(s)")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            status, raw = self._exchange(parts, path, request, timeout, retry=True)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise RobotError(str(exc) or type(exc).__name__) from exc
        if status >= 400:
            raise RobotError(f"HTTP {status}")
        if kind == "json":
            return
        try:
            answer = json.loads(raw or b"{}")
        except ValueError as exc:
            raise RobotError("the robot's answer is not JSON") from exc
        code = answer.get("code", answer.get("errcode", answer.get("StatusCode", 0)))
        if code not in (0, "0", None):
            message = answer.get("msg") or answer.get("errmsg") or ""
            raise RobotError(f"robot answered {code}: {message}"[:300])

    def _exchange(self, parts, path: str, request: RobotRequest, timeout: float, *, retry: bool):
        origin = (parts.scheme, parts.hostname, parts.port)
        connection = self._connections.get(origin)
        reused = connection is not None
        if connection is None:
            cls = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            connection = cls(parts.hostname, parts.port, timeout=timeout)
            self._connections[origin] = connection
        try:
            connection.request("POST", path, body=request.body, headers=request.headers)
            response = connection.getresponse()
            raw = response.read(65536)
            if response.will_close:
                self._drop(origin)
            return response.status, raw
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self._drop(origin)
            if reused and retry:  # the server closed an idle kept-alive connection
                return self._exchange(parts, path, request, timeout, retry=False)
            raise
        except Exception:
            self._drop(origin)
            raise

    def _drop(self, origin) -> None:
        connection = self._connections.pop(origin, None)
        if connection is not None:
            connection.close()
