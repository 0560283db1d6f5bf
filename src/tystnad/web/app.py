"""The dashboard's routes: each takes the latest snapshot once, asks views.py for plain values, and
renders a template. Every page works as plain links and forms; script only adds comfort."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
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

from tystnad import session
from tystnad.accounts import list_accounts
from tystnad.act.monday import monday_deals
from tystnad.act.outcomes import apply_outcomes
from tystnad.act.outgoing import draft_to_eml
from tystnad.errors import TystnadError
from tystnad.model import Draft, Outcome
from tystnad.store import OUTCOMES
from tystnad.web.i18n import languages, pick_language, words_for
from tystnad.web.security import Guard
from tystnad.web.state import Scanner, Snapshot
from tystnad.web.views import STATUSES, board_page, deal_page

__all__ = ["create_app"]

# A deal snoozed from the dashboard comes back after this many days.
SNOOZE_DAYS = 7

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


def _own_page(target: str) -> str:
    """Only a path on this server: never an open redirect ("//host", "/\\host", control characters)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or not target.isprintable():
        return "/"
    return target


def _organization(request: Request) -> str:
    return str(request.path_params["organization"]).lower()


def _deal_url(organization: str, query: str = "", fragment: str = "") -> str:
    return f"/deal/{quote(organization, safe='')}" + (f"?{query}" if query else "") + (
        f"#{fragment}" if fragment else "")


def create_app(scanner: Scanner, *, guard: Guard) -> Starlette:
    environment = _environment()
    home = scanner.request.settings.home
    # What the last Save to Drafts of each deal said, shown on its page (never taken from the URL).
    saved_to: dict[str, str] = {}

    def outcomes() -> dict[str, Outcome]:
        return session.latest_outcomes(home)

    def render(request: Request, snapshot: Snapshot, template: str, status_code: int = 200,
               **values: Any) -> HTMLResponse:
        code = pick_language(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
        html = environment.get_template(template).render(
            t=words_for(code), lang=code, languages=languages(), csrf=guard.csrf, scan=scanner.status(snapshot),
            now=snapshot.result.now, path=_here(request), **values)
        return HTMLResponse(html, status_code=status_code)

    async def board(request: Request) -> Response:
        snapshot, params = scanner.snapshot, request.query_params
        try:
            page_number = int(params.get("page", "1"))
        except ValueError:
            page_number = 1
        page = board_page(snapshot.rows, status=params.get("status"), query=params.get("q", ""),
                          page=page_number)
        return render(request, snapshot, "board.html", page=page, statuses=STATUSES,
                      outcomes=await run_in_threadpool(outcomes), messages=snapshot.result.messages)

    async def monday(request: Request) -> Response:
        snapshot = scanner.snapshot
        # Outcomes recorded since the scan count too: a deal marked won, sent or snoozed leaves the list
        # at once, and comes back when newer mail or the snooze's day makes it due again.
        live = await run_in_threadpool(outcomes)
        today = max(snapshot.result.now, datetime.now(snapshot.result.now.tzinfo)).date()
        current = replace(snapshot.result, diagnoses=tuple(apply_outcomes(snapshot.result.diagnoses, live,
                                                                          today=today)))
        deals = monday_deals(current)
        return render(request, snapshot, "monday.html", deals=deals)

    async def render_deal(request: Request, snapshot: Snapshot, organization: str, status_code: int = 200,
                          save_error: str | None = None, draft: Draft | None = None) -> Response:
        diagnosis = snapshot.by_organization.get(organization)
        if diagnosis is None:
            return render(request, snapshot, "missing.html", status_code=404, organization=organization)
        settings = scanner.request.settings
        page = deal_page(diagnosis, seller=scanner.request.seller, now=snapshot.result.now,
                         home_country=settings.country, home_zone=settings.timezone)
        outcome = (await run_in_threadpool(outcomes)).get(organization)
        history = await run_in_threadpool(session.outcome_history, home, organization)
        can_save = bool(await run_in_threadpool(list_accounts, home))
        return render(request, snapshot, "deal.html", status_code=status_code, page=page, outcome=outcome,
                      history=history,
                      outcome_kinds=OUTCOMES, can_save=can_save, save_error=save_error,
                      saved=saved_to.get(organization) if request.query_params.get("saved") else None,
                      draft=draft or (diagnosis.play.draft if diagnosis.play is not None else None))

    async def deal(request: Request) -> Response:
        return await render_deal(request, scanner.snapshot, _organization(request))

    async def record_outcome(request: Request) -> Response:
        organization = _organization(request)
        kind = str((await request.form()).get("outcome", ""))
        if kind not in OUTCOMES or organization not in scanner.snapshot.by_organization:
            return Response("unknown deal or outcome", status_code=400)

        # Snoozing from the page puts the deal away for a week; the CLI takes any day (--until).
        until = (datetime.now().astimezone() + timedelta(days=SNOOZE_DAYS)).date() if kind == "snoozed" else None
        try:
            await run_in_threadpool(partial(session.record_outcome, home, organization, kind, until=until))
        except (sqlite3.Error, TystnadError) as error:
            return Response(f"the outcome could not be recorded ({error}); try again", status_code=503)
        return RedirectResponse(_deal_url(organization, fragment="outcome"), 303)

    async def edited_draft(request: Request, snapshot: Snapshot) -> Draft | None:
        """The deal's draft with the subject and body as the seller edited them on the page."""
        found = snapshot.by_organization.get(_organization(request))
        written = found.play.draft if found is not None and found.play is not None else None
        if written is None:
            return None
        form = await request.form()

        def edited(name: str, written_text: str) -> str:
            value = form.get(name)
            return value.replace("\r\n", "\n") if isinstance(value, str) and value.strip() else written_text

        return replace(written, subject=edited("subject", written.subject), body=edited("body", written.body))

    async def download_draft(request: Request) -> Response:
        edited = await edited_draft(request, scanner.snapshot)
        if edited is None:
            return Response("no draft for this deal", status_code=404)
        data = draft_to_eml(edited, now=datetime.now().astimezone())
        filename = "".join(c if c.isalnum() or c in ".-" else "-" for c in _organization(request)) + ".eml"
        return Response(data, media_type="message/rfc822",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    async def save_to_drafts(request: Request) -> Response:
        """APPEND the edited draft to the mail account's Drafts folder; tystnad never sends."""
        snapshot, organization = scanner.snapshot, _organization(request)
        edited = await edited_draft(request, snapshot)
        if edited is None:
            return Response("no draft for this deal", status_code=404)
        try:
            # The IMAP round trip blocks: keep it off the event loop so other pages still answer.
            saved_to[organization] = await run_in_threadpool(
                partial(session.save_deal_draft, home, edited, organization, account=None,
                        scanned_sources=scanner.request.sources))
        except TystnadError as error:
            # The page again, with what went wrong and the seller's edit kept.
            return await render_deal(request, snapshot, organization, status_code=502, save_error=str(error),
                                     draft=edited)
        return RedirectResponse(_deal_url(organization, query="saved=1", fragment="play"), 303)

    async def start_rescan(request: Request) -> Response:
        scanner.start()
        return RedirectResponse("/rescan", 303)

    async def rescan_page(request: Request) -> Response:
        return render(request, scanner.snapshot, "rescan.html")

    async def rescan_status(request: Request) -> Response:
        return JSONResponse(scanner.status(scanner.snapshot))

    async def choose_language(request: Request) -> Response:
        code = request.path_params["code"]
        response = RedirectResponse(_own_page(request.query_params.get("next", "/")), 303)
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
