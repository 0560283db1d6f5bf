"""Guards for a local app that shows hostile input (other people's mail): strict headers that
forbid inline script, a Host check against DNS rebinding, a token when bound beyond loopback,
and a CSRF token on every form."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

__all__ = ["Guard"]

AUTH_COOKIE = "tystnad_auth"
# No inline script or style at all: even a quote that slipped past escaping could not run.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _same(given: str | None, secret: str) -> bool:
    """Constant-time comparison that a non-ASCII guess cannot crash (compare_digest on str can)."""
    return given is not None and hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def _host_name(host: str, port: int) -> set[str]:
    """A host as a browser writes it in the Host and Origin headers (IPv6 in brackets)."""
    shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    return {shown, f"{shown}:{port}"}


class Guard:
    """On loopback, only our own host names are answered (no DNS rebinding). Beyond loopback a
    `token` is required: given once in the URL (?token=…), then kept in an HttpOnly cookie that a
    page on another site never gets, whatever name it reached us by; so there any Host is let in."""

    def __init__(self, *, host: str, port: int, token: str | None) -> None:
        self.token = token
        self.csrf = secrets.token_urlsafe(32)
        self.hosts: set[str] = set()
        for name in ("localhost", "127.0.0.1", "::1", host):
            self.hosts |= _host_name(name, port)

    def csrf_ok(self, given: str | None) -> bool:
        return _same(given, self.csrf)

    async def __call__(self, request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        host = request.headers.get("host", "")
        if self.token is None and host not in self.hosts:
            return PlainTextResponse("unknown host", status_code=421)
        if self.token is not None:
            given = request.query_params.get("token")
            if _same(given, self.token):
                # Take the token out of the address bar (and out of history) at once.
                response: Response = RedirectResponse(request.url.remove_query_params("token"), 303)
                response.set_cookie(AUTH_COOKIE, self.token, httponly=True, samesite="strict")
                return self._harden(response)
            if not _same(request.cookies.get(AUTH_COOKIE), self.token):
                return self._harden(PlainTextResponse(
                    "tystnad: open the address printed by `tystnad serve`, with its token", 401))
        if request.method not in SAFE_METHODS:
            origin = request.headers.get("origin")
            if origin is not None and origin != f"{request.url.scheme}://{host}":
                return self._harden(PlainTextResponse("cross-site request refused", 403))
            if not await self._form_token_ok(request):
                return self._harden(PlainTextResponse("missing or stale form token; reload the page", 403))
        return self._harden(await call_next(request))

    async def _form_token_ok(self, request: Request) -> bool:
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
        # Pages show mail: keep them out of shared caches and the browser's disk cache.
        response.headers.setdefault("Cache-Control", "no-store")
        return response
