"""Make tests/factories.py importable as `factories`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

pytest_plugins = ["dovecot"]  # the session's real IMAP server, for test_imap.py


def pytest_addoption(parser):  # type: ignore[no-untyped-def]
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.json from the current behaviour")


import os  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def isolated_home(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Every scan records itself in the store: keep the tests' store out of the user's."""
    home = tmp_path_factory.mktemp("tystnad-home")
    previous = os.environ.get("TYSTNAD_HOME")
    os.environ["TYSTNAD_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("TYSTNAD_HOME", None)
    else:
        os.environ["TYSTNAD_HOME"] = previous
