"""mbox files, plain or gzip-compressed, streamed one message at a time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from tystnad.errors import SourceUnavailable
from tystnad.model import RawMessage, Skipped

# mboxo/mboxrd escape body lines that begin with "From " by prefixing ">".
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def looks_like_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError as error:
        raise SourceUnavailable(f"{path}: cannot read ({error.strerror})") from error


def read_mbox(
    path: Path, *, opener: Callable[..., IO[Any]]
) -> Iterator[RawMessage | Skipped]:
    """Open and check now, so a bad path fails before the scan; stream later."""
    try:
        handle = opener(path, "rb")
        first = handle.readline()
    except (OSError, EOFError) as error:
        raise SourceUnavailable(f"{path}: cannot read mbox ({error})") from error
    if not first.startswith(b"From "):
        handle.close()
        raise SourceUnavailable(f"{path}: not an mbox file (no 'From ' line at the start)")
    return _split(handle, path)


def _split(handle: IO[Any], path: Path) -> Iterator[RawMessage | Skipped]:
    """Split on "From " separator lines while reading; memory holds one message."""
    with handle:
        index = 0
        lines: list[bytes] = []
        previous_blank = True
        try:
            for line in handle:
                if line.startswith(b"From ") and previous_blank:
                    yield _message(lines, path, index)
                    index += 1
                    lines = []
                    previous_blank = True
                    continue
                lines.append(line)
                previous_blank = line in (b"\n", b"\r\n")
        except (OSError, EOFError, ValueError) as error:
            # A truncated .gz still yields every complete message before the damage.
            yield Skipped(origin=f"{path}#{index + 1}", reason=f"mbox damaged from here on ({error})")
            return
        if lines:
            yield _message(lines, path, index)


def _message(lines: list[bytes], path: Path, index: int) -> RawMessage:
    # The blank line before the next separator belongs to the mbox format, not the message.
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    data = _ESCAPED_FROM.sub(rb"\1", b"".join(lines))
    return RawMessage(data=data, origin=f"{path}#{index + 1}")
