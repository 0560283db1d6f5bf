"""Who a mail address belongs to: its organisation, and the country and zone it lives in."""

from __future__ import annotations

from functools import cache

from tystnad.language import languages, mail_systems
from tystnad.model import Address

__all__ = ["organization_of", "is_free_mail", "country_of"]


def is_free_mail(address: Address) -> bool:
    return address.domain in mail_systems().free_mail_domains


@cache
def _registrable(domain: str) -> str:
    """"mail.kvarnbyn.se" -> "kvarnbyn.se"; "sales.acme.co.uk" -> "acme.co.uk"."""
    labels = domain.split(".")
    if len(labels) <= 2:
        return domain
    keep = 3 if ".".join(labels[-2:]) in mail_systems().public_suffixes_two_labels else 2
    return ".".join(labels[-keep:])


def organization_of(address: Address) -> str:
    """A customer organisation is its mail domain; on free-mail, the person is the customer."""
    if is_free_mail(address):
        return address.email
    return _registrable(address.domain)


@cache
def _tld_countries() -> dict[str, tuple[str, str]]:
    systems = mail_systems()
    table = {
        tld: (country, systems.timezone_of_country[country])
        for tld, country in systems.country_of_tld.items()
    }
    for lang in languages():
        for tld in lang.top_level_domains:
            table[tld] = (lang.country, lang.timezone)
    return table


def country_of(organization: str, *, default: tuple[str, str]) -> tuple[str, str]:
    """(country code, IANA zone) of an organisation, by its top-level domain; `default`
    (the seller's own) for .com, free-mail and anything else that names no country."""
    tld = organization.rpartition(".")[2].lower()
    if "@" in organization:
        return default
    return _tld_countries().get(tld, default)
