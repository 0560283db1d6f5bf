"""IMAP, the first kind of mail account: read-only incremental sync into local Maildirs, and drafts saved
to the Drafts folder."""

from tystnad.accounts.imap.account import TLS_MODES, ImapAccount

__all__ = ["ImapAccount", "TLS_MODES"]
