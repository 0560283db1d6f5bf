"""The dashboard's view of the mailbox: the latest scan held in memory, and a rescan that runs
beside the pages, so the board stays usable while a large mailbox is read again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tystnad.accounts import sync_account
from tystnad.config import Settings
from tystnad.errors import TystnadError
from tystnad.model import Diagnosis, ScanResult, Seller
from tystnad.session import ACCOUNT_PREFIX, scan_and_record
from tystnad.web.views import BoardRow, board_row

__all__ = ["ScanRequest", "Snapshot", "Scanner", "take_snapshot"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanRequest:
    """What to read and as whom; `now` None means the moment each scan starts."""
    sources: tuple[str, ...]  # paths, or account:NAME for a synced account
    seller: Seller
    seller_text: str  # --me as the user wrote it, for the store's record
    now: datetime | None
    settings: Settings

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(s.removeprefix(ACCOUNT_PREFIX) for s in self.sources if s.startswith(ACCOUNT_PREFIX))


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    result: ScanResult  # with each deal's outcome as recorded when the scan ran
    rows: list[BoardRow]  # most urgent first
    by_organization: dict[str, Diagnosis]
    taken_at: datetime


def take_snapshot(request: ScanRequest, progress: Callable[[int], None] | None = None) -> Snapshot:
    """Scan and record (as `tystnad scan` does), then index the result for the pages."""
    recorded = scan_and_record(request.sources, seller=request.seller, seller_text=request.seller_text,
                               now=request.now or datetime.now().astimezone(), settings=request.settings,
                               progress=progress)
    result = recorded.result
    return Snapshot(result=result, rows=[board_row(diagnosis) for diagnosis in result.diagnoses],
                    by_organization={diagnosis.deal.organization: diagnosis for diagnosis in result.diagnoses},
                    taken_at=datetime.now().astimezone())


@dataclass(slots=True)
class Scanner:
    """One rescan at a time, in a background thread; pages read `snapshot`, which is replaced
    whole when a scan finishes, never changed in place."""
    request: ScanRequest
    snapshot: Snapshot
    running: bool = False
    phase: str = ""  # what the running rescan does now: "sync NAME" or "read"
    read: int = 0  # messages read (or, while syncing, copied) by the running rescan
    error: str | None = None
    warning: str | None = None  # the rescan went on without it, e.g. a sync that could not connect
    finished_at: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> bool:
        """False when a scan is already running."""
        with self._lock:
            if self.running:
                return False
            self.running, self.read, self.error, self.warning = True, 0, None, None
        threading.Thread(target=self._run, name="tystnad-rescan", daemon=True).start()
        return True

    def _count(self, read: int) -> None:
        self.read = read

    def _synced(self, folder: str, done: int, total: int) -> None:
        self.read = done

    def _sync(self) -> None:
        """New mail first, for a synced account; without a connection the local copy is read as it is."""
        for name in self.request.accounts:
            self.phase = f"sync {name}"
            try:
                result = sync_account(self.request.settings.home, name, progress=self._synced)
            except TystnadError as error:
                self.warning = str(error)
                continue
            if result.not_copied:
                self.warning = (f"account {name}: {result.not_copied:,} message(s) the server did not send this "
                                f"time were left for the next rescan")
        self.phase, self.read = "read", 0

    def _run(self) -> None:
        try:
            self._sync()
            self.snapshot = take_snapshot(self.request, progress=self._count)
        except TystnadError as error:
            self.error = str(error)
        except OSError as error:
            self.error = f"{error.filename or 'mail'}: {error.strerror or error}"
        except Exception as error:  # noqa: BLE001 — the thread's edge: a rescan must never fail silently
            log.exception("rescan failed")
            self.error = f"the scan stopped ({type(error).__name__}: {error}); the previous results are shown"
        finally:
            self.finished_at = datetime.now().astimezone()
            self.running = False

    def status(self, snapshot: Snapshot) -> dict[str, Any]:
        """The rescan's state, beside the counts of the snapshot the page is showing."""
        return {"running": self.running, "phase": self.phase, "read": self.read, "error": self.error,
                "warning": self.warning,
                "messages": snapshot.result.messages, "deals": len(snapshot.rows),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None}
