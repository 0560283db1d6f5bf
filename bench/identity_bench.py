"""Who is who on real mail: each of the fifteen Enron people in ../shared/data/enron scanned alone,
`--me` = the addresses their own sent folders write from, counting what issue 14 names:

- deals keyed on a mail provider (hotmail.com, aol.com …) or on a bare public suffix (co.uk, ac.uk);
- quotes (signal, reason and MEDDICC evidence) that hold a footer or a disclaimer, by this file's own
  independent patterns rather than the ones tystnad sets aside with;
- quotes that stop mid-sentence at a hard line wrap: no closing punctuation, and the message's text
  goes on after a line break with a lower-case word.

Run it against another commit's code with PYTHONPATH=that/src; it counts with this checkout's provider list:
`python bench/identity_bench.py [OUTPUT.json]`.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections import Counter
from datetime import datetime
from pathlib import Path

import tldextract

from tystnad.model import RawMessage, Seller
from tystnad.pipeline import scan
from tystnad.read.parse import parse
from tystnad.read.sources import open_source

ROOT = Path(__file__).resolve().parent.parent
ENRON = ROOT.parent / "shared" / "data" / "enron"
OUT = ROOT / "bench" / "out"
SENT = ("sent", "sent_items", "_sent_mail")
NOW = datetime.fromisoformat("2002-12-31 00:00-06:00")

# Independent of tystnad's own footer data: what a reader would call a footer in a quote (dashes
# inside a word, "f-----k", are no rule).
FOOTER = re.compile(
    r"_{5,}|(?<![\w-])-{5,}|={5,}|unsubscribe|mailing list"
    r"|intended (?:only |solely )?for the (?:named )?(?:recipient|addressee)"
    r"|confidentiality notice|privileged and confidential|confidential and privileged|privileged or confidential"
    r"|please notify the sender|not specifically authori[sz]ed|do you yahoo|msn explorer|hotmail on your"
    r"|inline attachment", re.IGNORECASE)
CLOSED = re.compile(r"[.!?:;…)\]\"'”’]\s*$")
WRAP_GOES_ON = re.compile(r"^[ \t]*\r?\n[ \t>]*[a-zåäöéü]")


def own_addresses(person: str) -> frozenset[str]:
    found: Counter[str] = Counter()
    for path in sorted(ENRON.glob(f"enron.{person}.*.mbox.gz")):
        if path.name.split(".")[2] not in SENT:
            continue
        for raw in open_source(path):
            if isinstance(raw, RawMessage):
                try:
                    found[parse(raw).sender.email] += 1
                except ValueError:
                    continue
    return frozenset(email for email, count in found.items() if count >= 3)


def measure(person: str) -> dict[str, object]:
    addresses = own_addresses(person)
    seller = Seller(domains=frozenset(), addresses=addresses)
    result = scan(sorted(ENRON.glob(f"enron.{person}.*.mbox.gz")), seller=seller, now=NOW,
                  home_country="US", home_zone="America/Chicago")
    # This checkout's provider list, whichever commit's tystnad is measured.
    providers = set(tomllib.loads((ROOT / "src/tystnad/language/mailboxes.toml").read_text())["free_mail_domains"])
    suffixes = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    keyed_badly = [organization for organization in (d.deal.organization for d in result.diagnoses)
                   if organization in providers or suffixes(organization).suffix == organization]
    quotes = footers = cut = 0
    examples: list[str] = []
    for diagnosis in result.diagnoses:
        texts = {m.message_id: m.new_text for t in diagnosis.deal.threads for m in t.messages}
        evidence = [s.evidence for s in diagnosis.signals] + [m.evidence for m in diagnosis.meddicc]
        for item in evidence:
            if item is None or not item.quote:
                continue
            quotes += 1
            if FOOTER.search(item.quote):
                footers += 1
                examples.append(f"footer: {item.quote[:100]!r}")
            text = texts.get(item.message_id, "")
            at = text.find(item.quote)
            if at >= 0 and not CLOSED.search(item.quote) and WRAP_GOES_ON.match(text[at + len(item.quote):]):
                cut += 1
                examples.append(f"cut: {item.quote[-60:]!r} | {text[at + len(item.quote):][:30]!r}")
    return {"person": person, "me": sorted(addresses), "messages": result.messages,
            "deals": len(result.diagnoses), "provider_or_suffix_deals": len(keyed_badly),
            "bad_keys": keyed_badly[:10], "quotes": quotes, "footer_quotes": footers,
            "cut_at_wrap": cut, "left_out": getattr(result, "left_out", None), "examples": examples[:6]}


def main() -> None:
    if not ENRON.is_dir():
        print("../shared/data/enron not present: nothing to measure")
        return
    people = sorted({p.name.split(".")[1] for p in ENRON.glob("enron.*.mbox.gz")})
    rows = []
    for person in people:
        row = measure(person)
        rows.append(row)
        print(f"{person:13s} msgs {row['messages']:>6} deals {row['deals']:>5} provider/suffix-keyed "
              f"{row['provider_or_suffix_deals']:>3} quotes {row['quotes']:>5} footer {row['footer_quotes']:>3} "
              f"cut at wrap {row['cut_at_wrap']:>3} left out {row['left_out']}", flush=True)
        for example in row["examples"]:  # type: ignore[attr-defined]
            print("     ", example)
    keys = ("messages", "deals", "provider_or_suffix_deals", "quotes", "footer_quotes", "cut_at_wrap")
    totals = {key: sum(int(r[key]) for r in rows) for key in keys}  # type: ignore[call-overload]
    print("total", totals)
    OUT.mkdir(parents=True, exist_ok=True)
    name = sys.argv[1] if len(sys.argv) > 1 else "identity.json"
    (OUT / name).write_text(json.dumps({"totals": totals, "people": rows}, indent=2))


if __name__ == "__main__":
    main()
