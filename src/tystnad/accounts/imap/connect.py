"""Open a logged-in IMAP connection for an account; every failure becomes one line that says what to do."""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from tystnad.accounts.credentials import Credentials
from tystnad.accounts.errors import (
    ConnectionLost,
    LoginRefused,
    SecureConnectionFailed,
    ServerRefused,
    ServerUnreachable,
)

if TYPE_CHECKING:
    from tystnad.accounts.imap.account import ImapAccount

__all__ = ["connect", "close_quietly", "server_errors", "CONNECTION_ERRORS", "TIMEOUT_SECONDS"]

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0
# A dropped or reset connection: imaplib raises abort on EOF and BYE, the socket OSError on resets.
CONNECTION_ERRORS = (IMAPClientAbortError, OSError)


def connect(account: ImapAccount, credentials: Credentials, *, timeout: float | None = None) -> IMAPClient:
    """`timeout` bounds every wait for the server (default TIMEOUT_SECONDS): a hung server ends in one line."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    client = _open(account, timeout)
    try:
        _login(client, account, credentials, timeout)
    except BaseException:
        close_quietly(client)
        raise
    log.debug("logged in to %s:%d as %s", account.host, account.port, account.user)
    return client


def _where(account: ImapAccount) -> str:
    return f"account {account.name} ({account.host}:{account.port})"


def _open(account: ImapAccount, timeout: float) -> IMAPClient:
    where = _where(account)
    context = ssl.create_default_context()
    try:
        client = IMAPClient(account.host, port=account.port, ssl=account.tls == "ssl", ssl_context=context,
                            timeout=timeout)
        if account.tls == "starttls":
            client.starttls(context)
        return client
    except ssl.SSLCertVerificationError as error:
        raise SecureConnectionFailed(f"{where}: the server's certificate is not trusted ({error.verify_message}); "
                                     f"check --host is the name on the certificate") from error
    except ssl.SSLError as error:
        raise SecureConnectionFailed(f"{where}: TLS failed ({error.reason or error}); add the account again "
                                     f"with the --tls the port speaks: ssl on 993, starttls on 143") from error
    except socket.gaierror as error:
        raise ServerUnreachable(f"{where}: no such host ({error.strerror}); check --host") from error
    except ConnectionRefusedError as error:
        raise ServerUnreachable(f"{where}: nothing answers on port {account.port}; check --port "
                                f"(993 for ssl, 143 for starttls)") from error
    except TimeoutError as error:
        raise ServerUnreachable(f"{where}: no answer within {timeout:g} s; check --host, --port and "
                                f"the network") from error
    except OSError as error:
        raise ServerUnreachable(f"{where}: cannot connect ({error.strerror or error}); check --host, "
                                f"--port and the network") from error
    except IMAPClientError as error:
        said = _said(error)
        if said.startswith(("* BYE", "* NO")):
            # The server is there and speaks IMAP but will not serve now (too many connections, maintenance).
            raise ServerRefused(f"{where}: the server turned the connection away ({said.removeprefix('* ')}); "
                                f"try again later") from error
        # starttls() on a server that does not offer it, or a greeting that is not IMAP.
        raise SecureConnectionFailed(f"{where}: {str(error)[:120]}; check --tls and --port") from error


def _said(error: Exception) -> str:
    return str(error).removeprefix("b'").removesuffix("'")[:120]


def _login(client: IMAPClient, account: ImapAccount, credentials: Credentials, timeout: float) -> None:
    where = _where(account)
    try:
        if credentials.token is not None:
            client.oauth2_login(credentials.user, credentials.token)
        elif (credentials.user + (credentials.password or "")).isascii():
            client.login(credentials.user, credentials.password or "")
        else:
            # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8 (RFC 4616).
            client.plain_login(credentials.user, credentials.password or "")
    except TimeoutError as error:
        raise ServerUnreachable(f"{where}: no answer to the login within {timeout:g} s; the server may be "
                                f"busy, try again later") from error
    except LoginError as error:
        # imapclient turns every failure of the login command into LoginError, a dropped connection
        # too: that one is not the password's fault.
        if isinstance(error.__context__, CONNECTION_ERRORS):
            raise ConnectionLost(f"{where}: the connection dropped during the login "
                                 f"({_said(error.__context__)}); try again") from error
        said = _said(error)
        raise LoginRefused(f"{where}: login as {account.user} refused ({said}); "
                           f"{_fix_hint(account)}") from error
    except CONNECTION_ERRORS as error:
        raise ConnectionLost(f"{where}: the connection dropped during the login ({_said(error)}); "
                             f"try again") from error


def _fix_hint(account: ImapAccount) -> str:
    if account.secret == "oauth_command":
        return "check the token command gives a current token for this user"
    if account.secret == "env":
        return f"check the password in ${account.password_env}"
    if account.secret == "keyring":
        return f"check the password: `tystnad account remove {account.name}` and add it again with --keyring"
    return "check the user name and password"


def close_quietly(client: IMAPClient) -> None:
    """Log out, or just close when the connection is already gone: nothing more to save either way."""
    try:
        client.logout()
    except (IMAPClientError, OSError):
        with suppress(OSError):
            client.shutdown()


@contextmanager
def server_errors(account: ImapAccount, doing: str, *, again: str) -> Iterator[None]:
    """A dropped connection or a refused command while `doing` becomes one line; `again` says how to retry."""
    try:
        yield
    except CONNECTION_ERRORS as error:
        raise ConnectionLost(f"{_where(account)}: the connection dropped while {doing} ({str(error)[:120]}); "
                             f"{again}") from error
    except IMAPClientError as error:
        said = str(error).removeprefix("b'").removesuffix("'")[:160]
        raise ServerRefused(f"{_where(account)}: the server refused {doing} ({said}); {again}") from error
