"""The real `tystnad` command in a subprocess: output formats, the JSON contract, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from factories import conversation, eml, write_mbox
from factories import run_tystnad as tystnad

NOW = "2026-03-20 09:00"




@pytest.fixture
def mailbox(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    steps = [("seller", "2026-02-02 09:00"), ("customer", "2026-02-03 10:00"),
             ("seller", "2026-02-20 09:00")]
    for index, data in enumerate(conversation(steps=steps)):
        (folder / f"{index:02d}.eml").write_bytes(data)
    write_mbox(folder / "other.mbox", conversation(
        customer="Sam Reed <sam@hartley.co.uk>", subject="Proposal",
        body="Hi,\n\nThanks for the proposal, we will read it this week.\n",
        steps=[("seller", "2026-03-16 09:00"), ("customer", "2026-03-18 10:00")]))
    (folder / "broken.eml").write_bytes(b"\x00\xff garbage without any header\n")
    return folder


def _schema() -> dict[str, object]:
    text = resources.files("tystnad.act").joinpath("schema/scan.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_json_follows_the_contract_and_counts_the_broken_message(
    mailbox: Path, tmp_path: Path
) -> None:
    done = tystnad("scan", str(mailbox), "--me", "saljare.se", "--now", NOW, "--format", "json",
                   home=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate(document, _schema())
    assert [deal["organization"] for deal in document["deals"]] == ["hartley.co.uk", "kvarnbyn.se"]
    assert [deal["status"] for deal in document["deals"]] == ["your_move", "silent"]
    assert [deal["language"] for deal in document["deals"]] == ["en", "sv"]
    (skipped,) = document["skipped"]
    assert skipped["origin"].endswith("broken.eml")
    warnings = [line for line in done.stderr.splitlines() if "broken.eml" in line]
    assert len(warnings) == 1 and "skipped" in warnings[0]


def test_table_fits_an_80_column_terminal(mailbox: Path, tmp_path: Path) -> None:
    done = tystnad("scan", str(mailbox), "--me", "saljare.se", "--now", NOW, home=tmp_path)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    body = [line for line in lines if line.startswith(("your_move", "silent"))]
    assert body[0].startswith("your_move") and "hartley.co.uk" in body[0]
    assert "kvarnbyn.se" in body[1]


def test_markdown_is_a_table(mailbox: Path, tmp_path: Path) -> None:
    done = tystnad("scan", str(mailbox), "--me", "saljare.se", "--now", NOW, "--format",
                   "markdown", home=tmp_path)
    assert "| silent |" in done.stdout and "kvarnbyn.se" in done.stdout


def test_a_missing_source_is_one_line_and_a_failure(tmp_path: Path) -> None:
    done = tystnad("scan", str(tmp_path / "nope.mbox"), "--me", "saljare.se", home=tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0
    assert "nope.mbox" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [["--now", "next tuesday"], ["--me", " , "]])
def test_bad_arguments_are_one_line_errors(mailbox: Path, tmp_path: Path,
                                           args: list[str]) -> None:
    base = {"--me": "saljare.se", "--now": NOW}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [item for pair in base.items() for item in pair]
    done = tystnad("scan", str(mailbox), *flat, home=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in ("scan", "generate", "draft", "outcome", "info", "monday", "check"):
        done = tystnad(command, "--help", home=tmp_path)
        assert done.returncode == 0 and "Usage" in done.stdout
    assert "14 days" in tystnad("scan", "--help", home=tmp_path).stdout


def test_the_same_mail_in_two_exports_counts_once(tmp_path: Path) -> None:
    messages = conversation(steps=[("seller", "2026-03-02 09:00"), ("customer", "2026-03-03 09:00")])
    write_mbox(tmp_path / "inbox.mbox", messages)
    write_mbox(tmp_path / "sent.mbox", messages[:1])
    (tmp_path / "copy.eml").write_bytes(messages[1])
    done = tystnad("scan", str(tmp_path / "inbox.mbox"), str(tmp_path / "sent.mbox"),
                   str(tmp_path / "copy.eml"), "--me", "saljare.se", "--now", NOW,
                   "--format", "json", home=tmp_path)
    document = json.loads(done.stdout)
    assert document["messages"] == 2 and document["duplicates"] == 2
    assert document["deals"][0]["threads"][0]["messages"] == 2


def test_a_mailbox_with_a_broken_message_in_the_middle_is_scanned_whole(tmp_path: Path) -> None:
    good = [eml(sender=f"kund{i}@firma{i}.se", subject=f"Fråga {i}".replace("å", "a"))
            for i in range(30)]
    broken = b"From: \r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\xff\xfe"
    write_mbox(tmp_path / "box.mbox", good[:15] + [broken] + good[15:])
    done = tystnad("scan", str(tmp_path / "box.mbox"), "--me", "saljare.se", "--now", NOW,
                   "--format", "json", home=tmp_path)
    assert done.returncode == 0
    document = json.loads(done.stdout)
    assert len(document["deals"]) == 30 and len(document["skipped"]) == 1
    assert document["skipped"][0]["origin"].endswith("box.mbox#16")


def test_sources_that_cannot_be_read_are_named_and_the_rest_is_scanned_twice_alike(tmp_path: Path) -> None:
    """An .mbox.gz that is no gzip and one cut off mid-stream beside good mail: each is named in
    `skipped` with its reason, the rest is judged, exit 0; and the rescan, through the message
    index, says the same."""
    import gzip

    good = write_mbox(tmp_path / "inbox.mbox", conversation(steps=[("seller", "2026-03-02 09:00"),
                                                                   ("customer", "2026-03-03 09:00")]))
    (tmp_path / "archive.mbox.gz").write_bytes(b"From a@b Mon Jan  1 00:00:00 2001\nSubject: plain\n\nhej\n")
    other = conversation(customer="Sam Reed <sam@hartley.co.uk>", subject="Proposal",
                         steps=[("seller", "2026-03-02 09:00"), ("customer", "2026-03-04 09:00")])
    # Noise after the conversation, so the cut falls well after it: random text does not compress.
    noise = [eml(sender=f"kollega{i}@saljare.se", subject=f"Internt {i}", body=os.urandom(3000).hex())
             for i in range(20)]
    whole = gzip.compress(write_mbox(tmp_path / "other.mbox", other + noise).read_bytes())
    (tmp_path / "cut.mbox.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "other.mbox").unlink()
    sources = [str(good), str(tmp_path / "archive.mbox.gz"), str(tmp_path / "cut.mbox.gz")]
    runs = [tystnad("scan", *sources, "--me", "saljare.se", "--now", NOW, "--format", "json",
                    home=tmp_path / "home") for _ in range(2)]
    for done in runs:
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        reasons = {item["origin"].rsplit("/", 1)[-1].split("#")[0]: item["reason"] for item in document["skipped"]}
        assert "gzip" in reasons["archive.mbox.gz"]
        assert "damaged" in reasons["cut.mbox.gz"]
        assert sorted(deal["organization"] for deal in document["deals"]) == ["hartley.co.uk", "kvarnbyn.se"]
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout)


def test_generate_without_the_sample_package_says_in_one_line_how_to_get_it(tmp_path: Path) -> None:
    # The generator is its own package: a tystnad installed without the `sample` extra must say so.
    hide = "import sys; sys.modules['tystnad_sample'] = None; from tystnad.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", hide, "generate", str(tmp_path / "box.mbox")],
                          capture_output=True, text=True, timeout=60,
                          env={"TYSTNAD_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and not (tmp_path / "box.mbox").exists()
    assert done.stderr.count("\n") == 1 and "tystnad-sample" in done.stderr and "Traceback" not in done.stderr
