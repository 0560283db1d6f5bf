"""TystnadError and the few subclasses a caller can act on."""


class TystnadError(Exception):
    """Something the user can fix; the CLI prints it as one line."""


class SourceUnavailable(TystnadError):
    """A mail source does not exist, cannot be opened, or holds no mail."""


class ConfigError(TystnadError):
    """A flag, environment variable or config file value is wrong."""


class StoreError(TystnadError):
    """The local store could not be read or written."""
