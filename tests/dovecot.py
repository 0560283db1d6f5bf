"""A real Dovecot 2.3 on 127.0.0.1 with its own config and a temporary mail store, for the IMAP tests.

One server per test session; every test gets its own user (and so its own mailbox) from
`new_user()`. As root, mail processes run as `nobody` and Dovecot's own processes as its
system users, as Dovecot insists; as an ordinary user everything runs as that user.
"""

from __future__ import annotations

import itertools
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from imapclient import IMAPClient

from factories import free_port

DOVECOT = Path("/usr/sbin/dovecot")
DOVEADM = Path("/usr/bin/doveadm")
PASSWORD = "hemligt-1"
# Logging in with this one needs AUTHENTICATE PLAIN: LOGIN is ASCII only.
PASSWORD_BEYOND_ASCII = "hemligt-lösen-åäö"
USERS = 200
UNICODE_USER = "unicode@saljare.se"
# A login name beyond ASCII, with the ordinary password: also needs AUTHENTICATE PLAIN.
NON_ASCII_USER = "försäljare@sågverket.se"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
# Any character in a user name, as servers with internationalised addresses (RFC 6531) allow.
auth_username_chars =
default_internal_user = {internal_user}
default_login_user = {login_user}
{mail_user}
first_valid_uid = 0
# XOAUTH2 tokens are checked by OAuth2 token introspection (RFC 7662) against a small local server.
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf
}}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = {userdb_ids} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
  # No auth penalty: after the wrong-password tests it would slow every login from 127.0.0.1.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = http://127.0.0.1:{port}/introspect
username_attribute = username
active_attribute = active
active_value = true
"""
# The access token the introspection server accepts for a user; any other token is inactive.
TOKEN_PREFIX = "test-access-token-for:"


def token_for(user: str) -> str:
    return TOKEN_PREFIX + user


class _Introspection(BaseHTTPRequestHandler):
    """An OAuth2 provider's token introspection endpoint, as Microsoft's or Google's would answer."""

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
        token = form.get("token", [""])[0]
        answer: dict[str, object] = {"active": False}
        if token.startswith(TOKEN_PREFIX):
            answer = {"active": True, "username": token.removeprefix(TOKEN_PREFIX)}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Dovecot:
    root: Path
    port: int
    config: Path
    process: subprocess.Popen[bytes]
    mail_uid: int
    mail_gid: int
    introspection: HTTPServer
    host: str = "127.0.0.1"
    password: str = PASSWORD

    def new_user(self) -> str:
        """A user nobody used yet, so an empty mailbox (all are in the passwd-file from the start:
        Dovecot notices a changed file only a second later)."""
        number = next(_users)
        if number > USERS:
            raise RuntimeError(f"more than {USERS} users asked for: raise USERS in tests/dovecot.py")
        return f"seller{number}@saljare.se"

    def client(self, user: str) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(user, self.password)
        return client

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        """The user's Maildir folder on the server's disk, created as a mail client would find it."""
        root = self.root / "home" / user / "Maildir"
        path = root if folder == "INBOX" else root / f".{folder.replace('/', '.')}"
        for directory in (root.parent, root, path, path / "cur", path / "new", path / "tmp"):
            directory.mkdir(exist_ok=True)
            os.chown(directory, self.mail_uid, self.mail_gid)
        return path

    def deliver_files(self, user: str, messages: list[bytes], folder: str = "INBOX") -> None:
        """Write messages straight into the store, as a local delivery agent would: fastest for big mailboxes."""
        path = self.maildir(user, folder)
        stamp = int(time.time())
        for data in messages:
            # Dovecot knows a message by its base file name: never reuse one.
            target = path / "new" / f"{stamp}.M{next(_deliveries)}P{os.getpid()}.test"
            target.write_bytes(data)
            os.chown(target, self.mail_uid, self.mail_gid)

    def kick(self, user: str) -> None:
        """Drop every connection of `user`, as a server restart or a flaky network would."""
        subprocess.run([str(DOVEADM), "-c", str(self.config), "kick", user], check=True,
                       capture_output=True, timeout=10)

    def stop(self) -> None:
        self.introspection.shutdown()
        self.introspection.server_close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


_users = itertools.count(1)
_deliveries = itertools.count(1)


def start_dovecot() -> Dovecot:
    root = Path(tempfile.mkdtemp(prefix="tystnad-dovecot-"))
    # Dovecot's unprivileged processes must be able to reach the config, the users and the homes.
    root.chmod(0o755)
    is_root = os.geteuid() == 0
    me = pwd.getpwuid(os.geteuid()).pw_name
    if is_root:
        nobody = pwd.getpwnam("nobody")
        mail_uid, mail_gid = nobody.pw_uid, nobody.pw_gid
        internal_user, login_user = "dovecot", "dovenull"
        mail_user = f"mail_uid = {mail_uid}\nmail_gid = {mail_gid}"
        userdb_ids = f"uid={mail_uid} gid={mail_gid}"
    else:
        mail_uid, mail_gid = os.geteuid(), os.getegid()
        internal_user = login_user = me
        mail_user = ""
        userdb_ids = f"uid={mail_uid} gid={mail_gid}"
    (root / "home").mkdir()
    os.chown(root / "home", mail_uid, mail_gid)
    users = root / "users"
    lines = [f"seller{number}@saljare.se:{{PLAIN}}{PASSWORD}" for number in range(1, USERS + 1)]
    lines.append(f"{UNICODE_USER}:{{PLAIN}}{PASSWORD_BEYOND_ASCII}")
    lines.append(f"{NON_ASCII_USER}:{{PLAIN}}{PASSWORD}")
    users.write_text("\n".join(lines) + "\n", encoding="utf-8")
    users.chmod(0o644)
    introspection = HTTPServer(("127.0.0.1", 0), _Introspection)
    threading.Thread(target=introspection.serve_forever, daemon=True).start()
    oauth2 = root / "oauth2.conf"
    oauth2.write_text(OAUTH2_CONFIG.format(port=introspection.server_address[1]), encoding="utf-8")
    oauth2.chmod(0o644)
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, internal_user=internal_user, login_user=login_user,
                                    mail_user=mail_user, userdb_ids=userdb_ids), encoding="utf-8")
    config.chmod(0o644)
    process = subprocess.Popen([str(DOVECOT), "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    server = Dovecot(root=root, port=port, config=config, process=process, mail_uid=mail_uid,
                     mail_gid=mail_gid, introspection=introspection)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            error = process.stderr.read().decode() if process.stderr else ""
            introspection.shutdown()
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(f"dovecot exited at start:\n{error}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError("dovecot did not start listening within 15 s")


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    if not DOVECOT.exists():
        pytest.skip("/usr/sbin/dovecot is missing: `make test` installs Debian's dovecot-imapd")
    server = start_dovecot()
    yield server
    server.stop()
