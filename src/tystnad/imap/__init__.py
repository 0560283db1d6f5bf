"""IMAP accounts: read-only incremental sync into local Maildirs, and drafts saved to the Drafts folder."""

from tystnad.imap.accounts import account_mail_folders, add_account, default_account, list_accounts, remove_account
from tystnad.imap.drafts import save_draft
from tystnad.imap.sync import SyncResult, sync_account

__all__ = ["account_mail_folders", "add_account", "default_account", "list_accounts", "remove_account",
           "save_draft", "sync_account", "SyncResult"]
