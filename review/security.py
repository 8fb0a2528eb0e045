"""The review server's guard: host and origin checks, the access token, CSRF, security headers.

One ASGI middleware in front of every route:

1. **Host.** On loopback, only ``127.0.0.1``, ``localhost`` and ``::1`` are accepted as the
   ``Host`` header, so a web page cannot reach the server through DNS rebinding.
2. **Access token.** When the server listens on anything but loopback, every request needs the
   token printed at start: ``?token=…`` once (it becomes an HttpOnly cookie), the cookie, or an
   ``X-Tafsiri-Token`` header.
3. **CSRF.** Every browser gets a random session cookie; its CSRF token is an HMAC of that
   session under a per-server secret (a synchronizer token that needs no storage). Every request
   that is not GET/HEAD must send it in ``X-CSRF-Token``; pages carry it in a ``<meta>`` tag.
   Requests whose ``Origin`` is another site, or that a browser marks ``Sec-Fetch-Site:
   cross-site``, are refused before that.
4. **Headers.** A strict Content-Security-Policy (scripts and styles only from the server's own
   static files, no inline script), ``nosniff``, no framing, no referrer, no caching of API
   answers.
5. **Body size.** Request bodies over :data:`MAX_BODY` bytes are refused with 413, whether the
   size is announced in ``Content-Length`` or the body is streamed (``Transfer-Encoding:
   chunked``): the body is read here, counting bytes, and handed on only when it is complete.

Every refusal is the API's JSON error shape, ``{"error": "..."}``. The access-token redirect goes
only to a path on this server: ``//evil.example/x?token=…`` lands on ``/evil.example/x``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "LOOPBACK_HOSTS",
    "MAX_BODY",
    "SESSION_COOKIE",
    "TOKEN_COOKIE",
    "CSRF_HEADER",
    "TOKEN_HEADER",
    "is_loopback",
    "local_path",
    "new_token",
    "Guard",
]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: The largest request body accepted (a segment's English is a few hundred bytes).
MAX_BODY = 1_000_000
SESSION_COOKIE = "tafsiri_session"
TOKEN_COOKIE = "tafsiri_token"
CSRF_HEADER = "x-csrf-token"
TOKEN_HEADER = "x-tafsiri-token"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_loopback(host: str) -> bool:
    """Whether a listen address is loopback only (``127.x.x.x``, ``::1``, ``localhost``)."""
    host = host.strip("[]")
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def new_token() -> str:
    """A fresh random access token (32 bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


def _same(a: str, b: str) -> bool:
    # compare_digest refuses non-ASCII str; headers may hold any latin-1 byte.
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


def _hostname(host_header: str) -> str:
    try:
        return (urlsplit(f"//{host_header}").hostname or "").lower()
    except ValueError:
        return ""


class Guard:
    """ASGI middleware enforcing the rules in this module's docstring.

    Args:
        app: the application behind it.
        allowed_hosts: accepted ``Host`` names; None accepts any (only when a token is
            required, i.e. listening on all interfaces).
        token: the access token, or None when the server is loopback only.
        secret: the key CSRF tokens are derived with (random per server by default).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: frozenset[str] | None = LOOPBACK_HOSTS,
        token: str | None = None,
        secret: bytes | None = None,
    ) -> None:
        if allowed_hosts is None and token is None:
            raise ValueError("accepting any Host header needs an access token")
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.token = token
        self.secret = secret if secret is not None else secrets.token_bytes(32)

    def csrf_token(self, session: str) -> str:
        """The CSRF token of a session."""
        return hmac.new(self.secret, session.encode(), hashlib.sha256).hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookies = _cookies(headers.get("cookie", ""))
        method = scope["method"].upper()
        host = headers.get("host", "")
        if self.allowed_hosts is not None and _hostname(host) not in self.allowed_hosts:
            await _refuse(send, 400, f"unknown Host {host!r}: use http://127.0.0.1")
            return
        set_cookies: list[str] = []
        if self.token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if "token" in query and _same(query["token"], self.token):
                # Swap the token in the address for a cookie, so it is not left in the history.
                rest = urlencode([(k, v) for k, v in query.items() if k != "token"])
                location = local_path(scope["path"]) + (f"?{rest}" if rest else "")
                await _redirect(send, location, _cookie(TOKEN_COOKIE, self.token))
                return
            supplied = headers.get(TOKEN_HEADER) or cookies.get(TOKEN_COOKIE) or ""
            if not _same(supplied, self.token):
                await _refuse(
                    send,
                    401,
                    "access token required: open the address tafsiri review serve printed",
                )
                return
        length = headers.get("content-length") or "0"
        if not length.isdigit():
            await _refuse(send, 400, "bad Content-Length")
            return
        if int(length) > MAX_BODY:
            await _refuse(send, 413, _TOO_LARGE)
            return
        session = cookies.get(SESSION_COOKIE, "")
        if method not in _SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
                await _refuse(send, 403, f"cross-origin request from {origin} refused")
                return
            if headers.get("sec-fetch-site") == "cross-site":
                await _refuse(send, 403, "cross-site request refused")
                return
            sent = headers.get(CSRF_HEADER, "")
            if not session or not _same(sent, self.csrf_token(session)):
                await _refuse(send, 403, "CSRF token missing or wrong: reload the page")
                return
        if not session:
            session = secrets.token_urlsafe(24)
            set_cookies.append(_cookie(SESSION_COOKIE, session))
        scope.setdefault("state", {})["csrf_token"] = self.csrf_token(session)
        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if is_api:
                    extra.append((b"cache-control", b"no-store"))
                extra += [(b"set-cookie", c.encode("latin-1")) for c in set_cookies]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        body = await _read_body(receive, MAX_BODY)
        if body is _GONE:
            return  # the client hung up mid-body: nobody to answer
        if body is None:
            await _refuse(send, 413, _TOO_LARGE)
            return
        await self.app(scope, _replay(body, receive), send_with_headers)


_TOO_LARGE = f"request body too large (at most {MAX_BODY:,} bytes)"
_GONE = b"<disconnected>"


def local_path(path: str) -> str:
    """``path`` as a redirect target that can only be a path on this server.

    Characters a browser would read as part of an authority (a second leading ``/``, ``\\``,
    tabs and line breaks, which browsers drop) are percent-encoded or folded, so the result
    starts with exactly one ``/`` followed by a path segment.
    """
    quoted = quote(path, safe="/:@!$&'()*+,;=-._~")
    return "/" + quoted.lstrip("/")


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body; None as soon as it runs past ``limit`` bytes; :data:`_GONE`
    (compared by identity) when the client disconnects first."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return _GONE
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body already read, then waits on the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header is treated as none
        return {}
    return {k: m.value for k, m in jar.items()}


def _cookie(name: str, value: str) -> str:
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict"


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await _respond(send, status, body, [(b"content-type", b"application/json")])


async def _redirect(send: Send, location: str, cookie: str) -> None:
    headers = [(b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1"))]
    await _respond(send, 303, b"", headers)


async def _respond(send: Send, status: int, body: bytes, headers: list[Any]) -> None:
    headers = [
        *headers,
        (b"content-length", str(len(body)).encode()),
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
