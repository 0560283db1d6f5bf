"""Settings: the only reader of the environment and the config file. Flags > env > file > defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

from tystnad.errors import ConfigError

__all__ = ["Settings", "load_settings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    home: Path  # the data directory (TYSTNAD_HOME)
    country: str  # the seller's country: calendar for customers whose domain names none
    timezone: str
    workers: int  # processes that parse mail; 1 parses in this process


def load_settings(**flags: object) -> Settings:
    home = Path(str(flags.get("home") or os.environ.get("TYSTNAD_HOME") or user_data_path("tystnad")))
    file_values: dict[str, object] = {}
    config_file = home / "config.toml"
    if config_file.is_file():
        try:
            file_values = tomllib.loads(config_file.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{config_file}: not valid TOML ({error})") from error

    def pick(name: str, default: object) -> object:
        if flags.get(name) is not None:
            return flags[name]
        env = os.environ.get(f"TYSTNAD_{name.upper()}")
        if env:
            return env
        return file_values.get(name, default)

    try:
        workers = int(str(pick("workers", min(os.cpu_count() or 1, 4))))
    except ValueError as error:
        raise ConfigError(f"TYSTNAD_WORKERS must be a whole number ({error})") from error
    return Settings(
        home=home,
        country=str(pick("country", "SE")).upper(),
        timezone=str(pick("timezone", "Europe/Stockholm")),
        workers=max(1, workers),
    )
