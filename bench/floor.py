"""The floor a scan is measured against: a bare, single-process stdlib parse of the same files.

Every message of every source split out of its mbox (gzip or plain) or read from its file, then
`email.message_from_bytes` with the compat32 policy, its text parts decoded: the least any mail
tool must do to read the mail. `scan_bench.py` runs it in the same run as `tystnad scan` and
prints the ratio. Usage: python bench/floor.py SOURCE...
"""

from __future__ import annotations

import email
import gzip
import re
import sys
from collections.abc import Iterator
from email.policy import compat32
from pathlib import Path

_FROM_LINE = re.compile(rb"^From ", re.MULTILINE)


def _raw_messages(path: Path) -> Iterator[bytes]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                yield child.read_bytes()
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if not data.startswith(b"From "):
        yield data
        return
    starts = [m.start() for m in _FROM_LINE.finditer(data)]
    for start, end in zip(starts, [*starts[1:], len(data)], strict=True):
        yield data[data.index(b"\n", start) + 1 : end]


def main(paths: list[Path]) -> int:
    count = 0
    for path in paths:
        for raw in _raw_messages(path):
            message = email.message_from_bytes(raw, policy=compat32)
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    part.get_payload(decode=True)
            count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main([Path(arg) for arg in sys.argv[1:]]))
