"""Which server folders hold the seller's conversations (Inbox, Sent) and where drafts go.

SPECIAL-USE flags (RFC 6154) decide first; the names mail systems give these folders in
each language, read from folders.toml, decide when a server sets no flags."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

__all__ = ["Listing", "find_special_folder", "folders_to_sync"]

# One LIST response line as imapclient returns it: (flags, delimiter, name).
Listing = tuple[tuple[bytes, ...], bytes | None, str]

_FLAGS = {"sent": b"\\sent", "drafts": b"\\drafts"}
_UNSELECTABLE = {b"\\noselect", b"\\nonexistent"}


@cache
def _names() -> dict[str, tuple[str, ...]]:
    data = tomllib.loads(resources.files(__package__).joinpath("folders.toml").read_text("utf-8"))
    return {role: tuple(data[role]) for role in _FLAGS}


def _is_selectable(entry: Listing) -> bool:
    return not any(flag.lower() in _UNSELECTABLE for flag in entry[0])


def find_special_folder(listing: Sequence[Listing], role: str) -> str | None:
    """The folder for `role` ("sent" or "drafts"), or None when the server has none."""
    selectable = [entry for entry in listing if _is_selectable(entry)]
    for flags, _, name in selectable:
        if _FLAGS[role] in (flag.lower() for flag in flags):
            return name
    by_name: dict[str, str] = {}
    for _, delimiter, name in selectable:
        by_name.setdefault(name.casefold(), name)
        # Courier and Cyrus keep every folder under the INBOX namespace ("INBOX.Sent").
        separator = (delimiter or b"").decode("ascii", "replace")
        prefix = f"inbox{separator}"
        if separator and name.casefold().startswith(prefix):
            by_name.setdefault(name.casefold().removeprefix(prefix), name)
    for candidate in _names()[role]:
        if candidate.casefold() in by_name:
            return by_name[candidate.casefold()]
    return None


def folders_to_sync(listing: Sequence[Listing], extra: Sequence[str]) -> tuple[list[str], list[str]]:
    """(folders to copy, configured folders the server does not have): Inbox, Sent, then the extra ones."""
    selectable = {entry[2] for entry in listing if _is_selectable(entry)}
    chosen = ["INBOX"]
    sent = find_special_folder(listing, "sent")
    if sent is not None:
        chosen.append(sent)
    missing = []
    for name in extra:
        if name in chosen:
            continue
        if name in selectable:
            chosen.append(name)
        else:
            missing.append(name)
    return chosen, missing
