"""Who an address belongs to: an organisation under its public suffix, or, on a consumer mail
provider, the person."""

from __future__ import annotations

import pytest

from tystnad.model import Address
from tystnad.understand.addresses import is_free_mail, organization_of


def _org(email: str) -> str:
    return organization_of(Address(email=email, name=""))


@pytest.mark.parametrize(("email", "organization"), [
    ("anna@kvarnbyn.se", "kvarnbyn.se"),
    ("anna@mail.kvarnbyn.se", "kvarnbyn.se"),
    ("sam@sales.hartley.co.uk", "hartley.co.uk"),
    ("j.peeters@cs.ulb.ac.be", "ulb.ac.be"),          # a university under a two-label suffix
    ("wang@mail.tsinghua.edu.cn", "tsinghua.edu.cn"),
    ("tanaka@eng.u-tokyo.ac.jp", "u-tokyo.ac.jp"),
    ("lee@lists.vendor.com", "vendor.com"),
    ("ops@intranet.local", "intranet.local"),         # no public suffix: its last two labels
])
def test_an_organisation_is_what_it_registered_under_its_public_suffix(email: str, organization: str) -> None:
    assert _org(email) == organization


@pytest.mark.parametrize("email", [
    "li.wei@126.com", "zhang@mail.163.com", "ravi@yahoo.co.in", "ivan@mail.ru", "bob@verizon.net",
    "sue@comcast.net", "marie@free.fr", "ulf.gustafsson@hotmail.se", "kari@online.no", "mk@t-online.de",
])
def test_a_customer_on_a_consumer_provider_is_the_person_not_the_provider(email: str) -> None:
    assert is_free_mail(Address(email=email, name=""))
    assert _org(email) == email


def test_two_strangers_on_one_provider_are_two_customers() -> None:
    assert _org("li.wei@126.com") != _org("chen.jie@126.com")
