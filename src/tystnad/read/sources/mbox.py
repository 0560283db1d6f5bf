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
    # A plain file can be read again by position; a compressed one must travel as bytes.
    emit = _message if opener is not open else _located
    return _split(handle, path, emit=emit, offset=len(first))


def read_mbox_from(path: Path, *, offset: int, number: int) -> Iterator[RawMessage | Skipped]:
    """A plain mbox read from `offset`, where an earlier read ended and a "From " line must begin,
    its messages numbered after the `number` read before: what a client appended since."""
    try:
        handle = open(path, "rb")  # noqa: SIM115  # closed by _split when the stream ends
        handle.seek(offset)
        first = handle.readline()
        while first in (b"\n", b"\r\n"):  # the empty line that ended the old last message
            offset += len(first)
            first = handle.readline()
    except OSError as error:
        raise SourceUnavailable(f"{path}: cannot read mbox ({error})") from error
    if not first.startswith(b"From "):
        handle.close()
        raise SourceUnavailable(f"{path}: the mbox changed before its end, not only after it")
    return _split(handle, path, emit=_located, offset=offset + len(first), index=number)


# A message ends at a blank line followed by a "From " separator line (mboxo/mboxrd).
_SEPARATOR = re.compile(rb"\n\r?\n(?=From )")
_CHUNK = 1 << 22


def _split(
    handle: IO[Any], path: Path, *, emit: Callable[[bytes, Path, int, int], RawMessage], offset: int,
    index: int = 0,
) -> Iterator[RawMessage | Skipped]:
    """Find separators in large blocks with a compiled search, not line by line: an mbox of
    a gigabyte splits in seconds, and memory holds one block plus the message being cut."""
    # read1 returns what one underlying read gave, so the blocks before a damaged spot
    # of a truncated .gz arrive before the error does.
    read = getattr(handle, "read1", handle.read)
    with handle:
        buffer = b""
        try:
            while True:
                block = read(_CHUNK)
                buffer += block
                start = 0
                for match in _SEPARATOR.finditer(buffer):
                    yield emit(buffer[start : match.start() + 1], path, index, offset + start)
                    index += 1
                    line_end = buffer.find(b"\n", match.end())
                    start = line_end + 1 if line_end >= 0 else len(buffer)
                buffer = buffer[start:]
                offset += start
                if not block:
                    break
        except (OSError, EOFError, ValueError) as error:
            # A truncated .gz still yields every complete message before the damage.
            yield Skipped(origin=f"{path}#{index + 1}", reason=f"mbox damaged from here on ({error})")
            return
        if buffer.strip():
            yield emit(buffer, path, index, offset)


def _unescape(data: bytes) -> bytes:
    return _ESCAPED_FROM.sub(rb"\1", data) if b">From " in data else data


def _message(data: bytes, path: Path, index: int, start: int) -> RawMessage:
    return RawMessage(data=_unescape(data), origin=f"{path}#{index + 1}")


def _located(data: bytes, path: Path, index: int, start: int) -> RawMessage:
    return RawMessage(data=b"", origin=f"{path}#{index + 1}", location=(str(path), start, start + len(data)))


def load(raw: RawMessage) -> bytes:
    """The message's bytes, read from the mbox by position when the source left them there."""
    if raw.location is None:
        return raw.data
    name, start, end = raw.location
    with open(name, "rb") as handle:
        handle.seek(start)
        return _unescape(handle.read(end - start))
