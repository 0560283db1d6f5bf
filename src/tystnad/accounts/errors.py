"""What can go wrong with a mail account of any kind, named for what the seller can do about it."""

from tystnad.errors import ConfigError, SourceUnavailable


class AccountUnknown(ConfigError):
    """No account by that name: add it, or pick one `tystnad account list` shows."""


class NotSynced(SourceUnavailable):
    """The account exists but nothing is copied yet: run `tystnad sync NAME`."""


class ServerUnreachable(SourceUnavailable):
    """No connection: the host, the port or the network is wrong."""


class SecureConnectionFailed(ConfigError):
    """TLS did not work: the --tls mode does not match the port, or the certificate is not trusted."""


class LoginRefused(ConfigError):
    """The server said no to the user name and password or token."""


class SecretUnavailable(ConfigError):
    """The password or token could not be obtained (variable unset, no keyring, token command failed)."""


class ConnectionLost(SourceUnavailable):
    """The connection kept dropping; what was copied is kept and the next sync resumes."""


class FolderMissing(SourceUnavailable):
    """The server has no folder for that purpose (e.g. no Drafts)."""


class ServerRefused(SourceUnavailable):
    """The server answered NO or BAD to a command (a folder it will not open, a message it will not take)."""


class SyncRunning(SourceUnavailable):
    """Another sync of the same account holds its lock: two at once could lose mail."""
