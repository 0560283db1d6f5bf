"""Language content of the sample mailbox: sv.toml and en.toml read into typed values."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any

LANGUAGES: tuple[str, ...] = ("sv", "en")


@dataclass(frozen=True, slots=True, kw_only=True)
class SellerSpec:
    first: str
    last: str
    title: str
    phone: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Market:
    """Where a kind of customer sits: domain ending, time zone, calendar, names."""

    language: str
    tld: str  # "" for private people on free-mail
    weight: float
    tz: str
    holidays: str  # "SE", or "GB-ENG" for a subdivision
    holiday_categories: tuple[str, ...]
    names: str
    legal_forms: tuple[str, ...]
    phones: tuple[str, ...]  # patterns; "#" is a digit
    freemail: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Calendar:
    months: tuple[str, ...]
    months_short: tuple[str, ...]
    weekdays: tuple[str, ...]
    weekdays_short: tuple[str, ...]
    am: str
    pm: str
    ordinals: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Lexicon:
    language: str
    seller_company: str
    seller_short: str
    seller_domain: str
    seller_web: str
    seller_tz: str
    seller_holidays: str
    seller_holiday_categories: tuple[str, ...]
    sellers: tuple[SellerSpec, ...]
    markets: tuple[Market, ...]
    names: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
    prefixes: tuple[str, ...]
    sectors: tuple[str, ...]
    places: tuple[str, ...]
    pools: Mapping[str, tuple[str, ...]]
    formats: Mapping[str, tuple[str, ...]]
    calendar: Calendar
    outlook: Mapping[str, str]
    gmail: Mapping[str, str]
    apple: Mapping[str, str]

    def pool(self, key: str) -> tuple[str, ...]:
        return self.pools[key]

    def client(self, family: str) -> Mapping[str, str]:
        if family == "outlook":
            return self.outlook
        if family == "gmail":
            return self.gmail
        return self.apple

    def date_fields(self, local: datetime) -> dict[str, str]:
        """Everything a date template in the TOML files may ask for."""
        cal = self.calendar
        hour12 = local.hour % 12 or 12
        ampm = cal.am if local.hour < 12 else cal.pm
        day = local.day
        if cal.ordinals:
            index = 3 if 10 < day % 100 < 14 or day % 10 not in (1, 2, 3) else day % 10 - 1
            ordinal = f"{day}{cal.ordinals[index]}"
        else:
            ordinal = str(day)
        delta = local.utcoffset()
        minutes = int(delta.total_seconds()) // 60 if delta is not None else 0
        sign = "-" if minutes < 0 else "+"
        offset = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
        return {
            "day": str(day),
            "day2": f"{day:02d}",
            "day_ordinal": ordinal,
            "month": cal.months[local.month - 1],
            "month_short": cal.months_short[local.month - 1],
            "mon": cal.months_short[local.month - 1],
            "mnum": str(local.month),
            "mnum2": f"{local.month:02d}",
            "weekday": cal.weekdays[local.weekday()],
            "wd": cal.weekdays_short[local.weekday()],
            "year": str(local.year),
            "H": str(local.hour),
            "HH": f"{local.hour:02d}",
            "MM": f"{local.minute:02d}",
            "SS": f"{local.second:02d}",
            "h12": str(hour12),
            "ampm": ampm,
            "ampm_lower": ampm.lower(),
            "offset": offset,
        }

    def date(self, template: str, local: datetime) -> str:
        return template.format_map(self.date_fields(local))


def _str(table: Mapping[str, Any], key: str) -> str:
    value = table[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def _strs(
    table: Mapping[str, Any], key: str, default: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    if key not in table and default is not None:
        return default
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key} must be a list of strings")
    return tuple(value)


def _table(table: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = table[key]
    if not isinstance(value, dict):
        raise TypeError(f"{key} must be a table")
    return value


def _tables(table: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TypeError(f"{key} must be an array of tables")
    return value


def _string_table(table: Mapping[str, Any]) -> dict[str, str]:
    return {key: _str(table, key) for key in table}


def _market(language: str, raw: Mapping[str, Any]) -> Market:
    weight = raw["weight"]
    if not isinstance(weight, int | float):
        raise TypeError("market weight must be a number")
    return Market(
        language=language,
        tld=_str(raw, "tld"),
        weight=float(weight),
        tz=_str(raw, "tz"),
        holidays=_str(raw, "holidays"),
        holiday_categories=_strs(raw, "holiday_categories", ("public",)),
        names=_str(raw, "names"),
        legal_forms=_strs(raw, "legal_forms"),
        phones=_strs(raw, "phone"),
        freemail=_strs(raw, "freemail", ()),
    )


def _parse(language: str, raw: Mapping[str, Any]) -> Lexicon:
    seller = _table(raw, "seller")
    company = _table(raw, "company")
    cal = _table(raw, "calendar")
    names = {
        key: (_strs(value, "first"), _strs(value, "last"))
        for key, value in _table(raw, "names").items()
    }
    pools = _table(raw, "pools")
    formats = _table(raw, "formats")
    return Lexicon(
        language=language,
        seller_company=_str(seller, "company"),
        seller_short=_str(seller, "short"),
        seller_domain=_str(seller, "domain"),
        seller_web=_str(seller, "web"),
        seller_tz=_str(seller, "tz"),
        seller_holidays=_str(seller, "holidays"),
        seller_holiday_categories=_strs(seller, "holiday_categories", ("public",)),
        sellers=tuple(
            SellerSpec(
                first=_str(p, "first"),
                last=_str(p, "last"),
                title=_str(p, "title"),
                phone=_str(p, "phone"),
            )
            for p in _tables(seller, "people")
        ),
        markets=tuple(_market(language, m) for m in _tables(raw, "markets")),
        names=names,
        prefixes=_strs(company, "prefixes"),
        sectors=_strs(company, "sectors"),
        places=_strs(company, "places"),
        pools={key: _strs(pools, key) for key in pools},
        formats={key: _strs(formats, key) for key in formats},
        calendar=Calendar(
            months=_strs(cal, "months"),
            months_short=_strs(cal, "months_short"),
            weekdays=_strs(cal, "weekdays"),
            weekdays_short=_strs(cal, "weekdays_short"),
            am=_str(cal, "am"),
            pm=_str(cal, "pm"),
            ordinals=_strs(cal, "ordinals", ()),
        ),
        outlook=_string_table(_table(raw, "outlook")),
        gmail=_string_table(_table(raw, "gmail")),
        apple=_string_table(_table(raw, "apple")),
    )


@cache
def lexicon(language: str) -> Lexicon:
    text = files("tystnad_sample").joinpath(f"{language}.toml").read_text(encoding="utf-8")
    return _parse(language, tomllib.loads(text))


@cache
def lexicons() -> tuple[Lexicon, ...]:
    """Both languages, checked to offer the same pools so any template key works in either."""
    found = tuple(lexicon(language) for language in LANGUAGES)
    first = found[0]
    for other in found[1:]:
        for attr in ("pools", "formats", "outlook", "gmail", "apple"):
            mine, theirs = set(getattr(first, attr)), set(getattr(other, attr))
            if mine != theirs:
                raise ValueError(
                    f"{first.language}.toml and {other.language}.toml differ in [{attr}]: "
                    f"{sorted(mine ^ theirs)}"
                )
    return found
