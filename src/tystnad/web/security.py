"""Guards for a local app that shows hostile input (other people's mail): strict headers that
forbid inline script, a Host check against DNS rebinding, a token when bound beyond loopback,
and a CSRF token on every form."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

__all__ = ["Guard", "is_loopback"]

AUTH_COOKIE = "tystnad_auth"
# No inline script or style at all: even a quote that slipped past escaping could not run.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """`token` is required when the app listens beyond loopback; it is given once in the URL
    (?token=…) and kept in an HttpOnly cookie."""

    def __init__(self, *, host: str, port: int, token: str | None) -> None:
        self.token = token
        self.csrf = secrets.token_urlsafe(32)
        names = {"localhost", "127.0.0.1", "[::1]", host}
        self.hosts = names | {f"{name}:{port}" for name in names}

    def csrf_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given, self.csrf)

    async def __call__(self, request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.headers.get("host", "") not in self.hosts:
            return PlainTextResponse("unknown host", status_code=421)
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given, self.token):
                # Take the token out of the address bar (and out of history) at once.
                response: Response = RedirectResponse(request.url.remove_query_params("token"), 303)
                response.set_cookie(AUTH_COOKIE, self.token, httponly=True, samesite="strict")
                return self._harden(response)
            cookie = request.cookies.get(AUTH_COOKIE)
            if cookie is None or not hmac.compare_digest(cookie, self.token):
                return self._harden(PlainTextResponse(
                    "tystnad: open the address printed by `tystnad serve`, with its token", 401))
        if request.method not in SAFE_METHODS:
            origin = request.headers.get("origin")
            if origin is not None and origin.split("://", 1)[-1] not in self.hosts:
                return self._harden(PlainTextResponse("cross-site request refused", 403))
            if not await self._form_token_ok(request):
                return self._harden(PlainTextResponse("missing or stale form token; reload the page", 403))
        return self._harden(await call_next(request))

    async def _form_token_ok(self, request: Request) -> bool:
        header = request.headers.get("x-csrf-token")
        if header is not None:
            return self.csrf_ok(header)
        # The raw body, not request.form(): Starlette replays a body read here to the endpoint,
        # but a form parsed here would leave the endpoint an empty one.
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return False
        values = parse_qs((await request.body()).decode("utf-8", "replace")).get("csrf", [])
        return self.csrf_ok(values[0] if values else None)

    @staticmethod
    def _harden(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        # same-origin, not no-referrer: with no-referrer the browser sends "Origin: null" on our own forms.
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response
