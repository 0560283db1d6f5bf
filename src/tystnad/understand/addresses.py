"""Who a mail address belongs to: its organisation, and the country and zone it lives in."""

from __future__ import annotations

from functools import cache

import tldextract

from tystnad.language import languages, mail_systems
from tystnad.model import Address

__all__ = ["organization_of", "is_free_mail", "country_of", "registrable_domain"]


def is_free_mail(address: Address) -> bool:
    """A consumer mailbox (gmail, a national provider, an ISP): its owner is a person, not the
    provider ("mail.163.com" is 163.com's)."""
    providers = mail_systems().free_mail_domains
    return address.domain in providers or registrable_domain(address.domain) in providers


@cache
def _suffixes() -> tldextract.TLDExtract:
    # The Public Suffix List snapshot bundled with the package: never fetched, never cached on disk,
    # so reading mail stays offline. ICANN suffixes only ("ac.be", "co.uk"), not private ones.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@cache
def registrable_domain(domain: str) -> str:
    """"mail.kvarnbyn.se" -> "kvarnbyn.se"; "sales.acme.co.uk" -> "acme.co.uk"; "mail.ulb.ac.be" ->
    "ulb.ac.be": the name an organisation registered under its public suffix."""
    found = _suffixes()(domain).top_domain_under_public_suffix
    if found:
        return found
    labels = domain.split(".")  # no known suffix (an internal or made-up domain): its last two labels
    return ".".join(labels[-2:])


def organization_of(address: Address) -> str:
    """A customer organisation is its mail domain; on free-mail, the person is the customer."""
    if is_free_mail(address):
        return address.email
    return registrable_domain(address.domain)


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
