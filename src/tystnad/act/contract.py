"""The contract's JSON document (report.to_json) -> ScanResult again: a recorded scan leaves the store
as the same frozen types a scan returns, so the Monday list, the draft check, the .eml writer and the
dashboard read one kind of value. What the JSON does not hold stays empty: a thread's messages (their
count is kept), a thread's own silence, and the message a reason's quote came from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tystnad.model import (
    Address,
    Deal,
    Decision,
    Diagnosis,
    Draft,
    Evidence,
    MeddiccElement,
    MeddiccItem,
    MeddiccState,
    Outcome,
    Party,
    Person,
    Play,
    PlayKind,
    Reason,
    ReasonScore,
    Rhythm,
    RiskDriver,
    ScanResult,
    Signal,
    SignalKind,
    Skipped,
    Status,
    Thread,
    ThreadReport,
    Timeline,
)

__all__ = ["from_json"]


def from_json(document: dict[str, Any]) -> ScanResult:
    """Raises KeyError, ValueError or TypeError when the document is not one this version wrote."""
    return ScanResult(
        now=datetime.fromisoformat(document["now"]),
        diagnoses=tuple(_diagnosis(deal) for deal in document["deals"]),
        skipped=tuple(Skipped(origin=s["origin"], reason=s["reason"]) for s in document.get("skipped", ())),
        messages=int(document.get("messages", 0)),
        duplicates=int(document.get("duplicates", 0)),
        left_out=int((document.get("left_out") or {}).get("bulk_threads", 0)),
    )


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _timeline(item: dict[str, Any]) -> Timeline:
    return Timeline(status=Status(item["status"]), risk=float(item["risk"]),
                    last_inbound=_moment(item.get("last_inbound")),
                    last_outbound=_moment(item.get("last_outbound")),
                    silence=float(item.get("silence_business_days", 0.0)),
                    unanswered=int(item.get("unanswered", 0)),
                    waiting_until=_day(item.get("waiting_until")))


def _thread(item: dict[str, Any]) -> ThreadReport:
    return ThreadReport(thread=Thread(id=item["id"], subject=item["subject"], messages=()),
                        timeline=_timeline(item), messages=int(item.get("messages", 0)))


def _signal(item: dict[str, Any]) -> Signal:
    has_evidence = item.get("message_id") is not None and item.get("quote") is not None
    return Signal(kind=SignalKind(item["kind"]), detail=item.get("detail", ""),
                  evidence=Evidence(message_id=item["message_id"], quote=item["quote"]) if has_evidence else None)


def _reason(item: dict[str, Any]) -> ReasonScore:
    return ReasonScore(reason=Reason(item["reason"]), score=float(item["score"]),
                       evidence=tuple(Evidence(message_id="", quote=quote) for quote in item["evidence"]))


def _meddicc(states: dict[str, str], evidence: dict[str, dict[str, str]]) -> tuple[MeddiccItem, ...]:
    return tuple(
        MeddiccItem(element=MeddiccElement(element), state=MeddiccState(state),
                    evidence=Evidence(message_id=evidence[element]["message_id"], quote=evidence[element]["quote"])
                    if element in evidence else None)
        for element, state in states.items()
    )


def _play(item: dict[str, Any] | None) -> Play | None:
    if item is None:
        return None
    written = item.get("draft")
    draft = None if written is None else Draft(
        language=written["language"], to=tuple(written["to"]), cc=tuple(written.get("cc", ())),
        subject=written["subject"], body=written["body"],
        sender=written.get("from", ""), in_reply_to=written.get("in_reply_to", ""),
        references=tuple(written.get("references", ())))
    return Play(kind=PlayKind(item["kind"]), why=item["why"], send_on=_day(item.get("send_on")), draft=draft)


def _outcome(organization: str, item: dict[str, Any] | None) -> Outcome | None:
    if item is None:
        return None
    return Outcome(organization=organization, outcome=item["outcome"], note=item.get("note", ""),
                   recorded_at=datetime.fromisoformat(item["recorded_at"]), play=item.get("play", ""),
                   until=_day(item.get("until")))


def _diagnosis(deal: dict[str, Any]) -> Diagnosis:
    threads = tuple(_thread(item) for item in deal["threads"])
    rhythm = deal.get("rhythm") or {}
    return Diagnosis(
        deal=Deal(organization=deal["organization"], contacts=tuple(Address(email=c) for c in deal["contacts"]),
                  threads=tuple(report.thread for report in threads),
                  others=tuple(Person(address=Address(email=p["email"], name=p.get("name", "")),
                                      party=Party(p["party"]), kind=p.get("kind", ""))
                               for p in deal.get("others", ()))),
        language=deal["language"],
        country=deal.get("country", ""),
        rhythm=Rhythm(median=float(rhythm.get("median_business_days", 0.0)), samples=int(rhythm.get("samples", 0)),
                      source=rhythm.get("source", "default")),
        timeline=_timeline(deal),
        threads=threads,
        signals=tuple(_signal(item) for item in deal.get("signals", ())),
        reasons=tuple(_reason(item) for item in deal.get("reasons", ())),
        meddicc=_meddicc(deal.get("meddicc", {}), deal.get("meddicc_evidence", {})),
        play=_play(deal.get("play")),
        risk_drivers=tuple(RiskDriver(signal=item["signal"], effect=float(item["effect"]), detail=item["detail"])
                           for item in deal.get("risk_drivers", ())),
        decisions=tuple(Decision(head=item["head"], choice=item["choice"], probability=float(item["probability"]),
                                 drivers=tuple((d["feature"], float(d["pull"])) for d in item["drivers"]))
                        for item in deal.get("decisions", ())),
        outcome=_outcome(deal["organization"], deal.get("outcome")),
    )
