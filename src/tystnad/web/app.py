"""The dashboard's routes: each reads the latest snapshot, asks views.py for plain values, and
renders a template. Every page works as plain links and forms; script only adds comfort."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tystnad.errors import TystnadError
from tystnad.imap.accounts import default_account, list_accounts
from tystnad.imap.drafts import save_draft
from tystnad.model import Diagnosis
from tystnad.monday import monday_deals
from tystnad.outgoing import draft_to_eml
from tystnad.store import OUTCOMES, open_store
from tystnad.web.i18n import languages, pick_language, words_for
from tystnad.web.security import Guard
from tystnad.web.state import Scanner
from tystnad.web.views import STATUSES, board_page, deal_page

__all__ = ["create_app"]

LANGUAGE_COOKIE = "tystnad_lang"
HERE = Path(str(resources.files(__package__)))


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(HERE / "templates"),
                              autoescape=select_autoescape(default=True, default_for_string=True))
    environment.filters["pct"] = lambda value: f"{round(float(value) * 100):d} %"
    environment.filters["days"] = lambda value: f"{float(value):.0f}" if float(value) >= 0.5 else "—"
    environment.filters["url"] = lambda value: quote(str(value), safe="")
    return environment


def _here(request: Request) -> str:
    """This page's path and query, for links that come back to it (the language switch)."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def create_app(scanner: Scanner, *, guard: Guard) -> Starlette:
    environment = _environment()

    def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        code = pick_language(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
        snapshot = scanner.snapshot
        html = environment.get_template(template).render(
            t=words_for(code), lang=code, languages=languages(), csrf=guard.csrf, scan=scanner.status(),
            now=snapshot.result.now, path=_here(request), **values)
        return HTMLResponse(html, status_code=status_code)

    def outcomes() -> dict[str, Any]:
        store = open_store(scanner.request.settings.home)
        try:
            return store.latest_outcomes()
        finally:
            store.close()

    async def board(request: Request) -> Response:
        params = request.query_params
        try:
            page_number = int(params.get("page", "1"))
        except ValueError:
            page_number = 1
        page = board_page(scanner.snapshot.rows, status=params.get("status"), query=params.get("q", ""),
                          page=page_number)
        return render(request, "board.html", page=page, statuses=STATUSES, outcomes=outcomes(),
                      messages=scanner.snapshot.result.messages)

    async def monday(request: Request) -> Response:
        return render(request, "monday.html", deals=monday_deals(scanner.snapshot.document))

    async def deal(request: Request) -> Response:
        organization = request.path_params["organization"].lower()
        found = scanner.snapshot.by_organization.get(organization)
        if found is None:
            return render(request, "missing.html", status_code=404, organization=organization)
        diagnosis, document = found
        return render_deal(request, organization, diagnosis, document)

    def render_deal(request: Request, organization: str, diagnosis: Diagnosis, document: dict[str, Any],
                    status_code: int = 200, save_error: str | None = None) -> HTMLResponse:
        settings = scanner.request.settings
        page = deal_page(diagnosis, document, seller=scanner.request.seller, now=scanner.snapshot.result.now,
                         home_country=settings.country, home_zone=settings.timezone)
        return render(request, "deal.html", status_code=status_code, page=page, anchors=page.anchors,
                      outcome=outcomes().get(organization), outcome_kinds=OUTCOMES,
                      recorded=request.query_params.get("recorded"), saved=request.query_params.get("saved"),
                      can_save=bool(list_accounts(settings.home)), save_error=save_error)

    async def record_outcome(request: Request) -> Response:
        organization = request.path_params["organization"].lower()
        form = await request.form()
        kind = str(form.get("outcome", ""))
        if kind not in OUTCOMES or organization not in scanner.snapshot.by_organization:
            return Response("unknown deal or outcome", status_code=400)
        store = open_store(scanner.request.settings.home)
        try:
            store.record_outcome(organization=organization, outcome=kind, note=str(form.get("note", ""))[:500],
                                 recorded_at=datetime.now().astimezone())
        finally:
            store.close()
        return RedirectResponse(f"/deal/{quote(organization, safe='')}?recorded={kind}#outcome", 303)

    async def edited_draft(request: Request) -> tuple[str, dict[str, Any] | None]:
        """The deal's draft with the subject and body as the seller edited them on the page."""
        organization = request.path_params["organization"].lower()
        found = scanner.snapshot.by_organization.get(organization)
        written = ((found[1].get("play") or {}) if found else {}).get("draft")
        if not written:
            return organization, None
        form = await request.form()
        edited = dict(written)
        for name in ("subject", "body"):
            value = form.get(name)
            if isinstance(value, str) and value.strip():
                edited[name] = value.replace("\r\n", "\n")
        return organization, edited

    async def download_draft(request: Request) -> Response:
        organization, edited = await edited_draft(request)
        if edited is None:
            return Response("no draft for this deal", status_code=404)
        data = draft_to_eml(edited, now=datetime.now().astimezone())
        filename = "".join(c if c.isalnum() or c in ".-" else "-" for c in organization) + ".eml"
        return Response(data, media_type="message/rfc822",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    async def save_to_drafts(request: Request) -> Response:
        """APPEND the edited draft to the mail account's Drafts folder; tystnad never sends."""
        organization, edited = await edited_draft(request)
        if edited is None:
            return Response("no draft for this deal", status_code=404)
        home = scanner.request.settings.home
        message = draft_to_eml(edited, now=datetime.now().astimezone())
        try:
            account = default_account(home, None, scanner.request.sources)
            # The IMAP round trip blocks: keep it off the event loop so other pages still answer.
            where = await run_in_threadpool(save_draft, home, account, message, organization)
        except TystnadError as error:
            diagnosis, document = scanner.snapshot.by_organization[organization]
            return render_deal(request, organization, diagnosis, document, status_code=502, save_error=str(error))
        return RedirectResponse(f"/deal/{quote(organization, safe='')}?saved={quote(where)}#play", 303)

    async def start_rescan(request: Request) -> Response:
        scanner.start()
        return RedirectResponse("/rescan", 303)

    async def rescan_page(request: Request) -> Response:
        return render(request, "rescan.html")

    async def rescan_status(request: Request) -> Response:
        return JSONResponse(scanner.status())

    async def choose_language(request: Request) -> Response:
        code = request.path_params["code"]
        target = request.query_params.get("next", "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"  # only our own pages: never an open redirect
        response = RedirectResponse(target, 303)
        if code in languages():
            response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="strict")
        return response

    routes = [
        Route("/", board),
        Route("/monday", monday),
        Route("/deal/{organization}", deal),
        Route("/deal/{organization}/outcome", record_outcome, methods=["POST"]),
        Route("/deal/{organization}/draft.eml", download_draft, methods=["POST"]),
        Route("/deal/{organization}/save-draft", save_to_drafts, methods=["POST"]),
        Route("/rescan", start_rescan, methods=["POST"]),
        Route("/rescan", rescan_page),
        Route("/rescan/status", rescan_status),
        Route("/lang/{code}", choose_language),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=guard)])
