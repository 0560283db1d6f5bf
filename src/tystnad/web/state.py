"""The dashboard's view of the mailbox: the latest scan held in memory, and a rescan that runs
beside the pages, so the board stays usable while a large mailbox is read again."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tystnad.errors import TystnadError
from tystnad.model import Diagnosis, Seller
from tystnad.pipeline import ScanResult
from tystnad.pipeline import scan as run_scan
from tystnad.report import to_json
from tystnad.store import open_store
from tystnad.web.views import BoardRow, board_row

__all__ = ["ScanRequest", "Snapshot", "Scanner", "take_snapshot"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanRequest:
    """What to read and as whom; `now` None means the moment each scan starts."""
    sources: tuple[Path, ...]
    seller: Seller
    seller_text: str  # --me as the user wrote it, for the store's record
    now: datetime | None
    home: Path
    country: str
    zone: str
    workers: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    result: ScanResult
    document: dict[str, Any]
    rows: list[BoardRow]  # most urgent first
    by_organization: dict[str, tuple[Diagnosis, dict[str, Any]]]
    taken_at: datetime


def take_snapshot(request: ScanRequest, progress: Callable[[int], None] | None = None) -> Snapshot:
    """Scan, record the scan in the store (so draft and monday see it too), index it for pages."""
    now = request.now or datetime.now().astimezone()
    result = run_scan(list(request.sources), seller=request.seller, now=now, home_country=request.country,
                      home_zone=request.zone, workers=request.workers, progress=progress)
    document = to_json(result)
    store = open_store(request.home)
    try:
        store.record_scan(created_at=datetime.now().astimezone(), sources=[str(s) for s in request.sources],
                          seller=request.seller_text, document=document,
                          text=json.dumps(document, ensure_ascii=False, indent=2))
    finally:
        store.close()
    by_organization = {
        diagnosis.deal.organization: (diagnosis, deal)
        for diagnosis, deal in zip(result.diagnoses, document["deals"], strict=True)
    }
    return Snapshot(result=result, document=document, rows=[board_row(deal) for deal in document["deals"]],
                    by_organization=by_organization, taken_at=datetime.now().astimezone())


@dataclass(slots=True)
class Scanner:
    """One rescan at a time, in a background thread; pages read `snapshot`, which is replaced
    whole when a scan finishes, never changed in place."""
    request: ScanRequest
    snapshot: Snapshot
    running: bool = False
    read: int = 0  # messages read by the running scan
    error: str | None = None
    finished_at: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> bool:
        """False when a scan is already running."""
        with self._lock:
            if self.running:
                return False
            self.running, self.read, self.error = True, 0, None
        threading.Thread(target=self._run, name="tystnad-rescan", daemon=True).start()
        return True

    def _count(self, read: int) -> None:
        self.read = read

    def _run(self) -> None:
        try:
            self.snapshot = take_snapshot(self.request, progress=self._count)
        except TystnadError as error:
            self.error = str(error)
        except OSError as error:
            self.error = f"{error.filename or 'mail'}: {error.strerror or error}"
        finally:
            self.finished_at = datetime.now().astimezone()
            self.running = False

    def status(self) -> dict[str, Any]:
        return {"running": self.running, "read": self.read, "error": self.error,
                "messages": self.snapshot.result.messages, "deals": len(self.snapshot.rows),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None}
