"""Typed reading of one TOML table, key by key, so that a leftover key (a typo) is an error.

The engine reads an assignment's `assignment.toml` with it, and an assignment's own support code
may read its `[checks]` table with it too, so that both give the same kind of message.
"""

from __future__ import annotations

import math
from typing import Any

from autograder.errors import GraderError


class SettingsError(GraderError, ValueError):
    """A settings file is missing, unreadable or inconsistent; the message names the key."""


class Table:
    """A TOML table whose keys are taken one by one; `done()` reports the ones never taken."""

    def __init__(self, raw: Any, where: str = "") -> None:
        if not isinstance(raw, dict):
            raise SettingsError(f"{where or 'the file'} must be a table")
        self._raw = raw
        self._where = where
        self._taken: set[str] = set()

    def has(self, key: str) -> bool:
        return key in self._raw

    def _take(self, key: str, default: Any = ...) -> Any:
        if key not in self._raw:
            if default is not ...:
                return default
            raise SettingsError(f"missing key {self.name(key)}")
        self._taken.add(key)
        return self._raw[key]

    def name(self, key: str) -> str:
        return f"{self._where}.{key}" if self._where else key

    def done(self) -> None:
        unknown = sorted(set(self._raw) - self._taken)
        if unknown:
            raise SettingsError("unknown key(s): " + ", ".join(self.name(k) for k in unknown))

    def string(self, key: str, default: Any = ...) -> str:
        value = self._take(key, default)
        if value is default and default is not ...:
            return value
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f"{self.name(key)} must be a non-empty string")
        return value

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        value = self._take(key, default)
        if value is default and default is not ...:
            return tuple(value)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise SettingsError(f"{self.name(key)} must be a list of non-empty strings")
        return tuple(value)

    def boolean(self, key: str, default: Any = ...) -> bool:
        value = self._take(key, default)
        if not isinstance(value, bool):
            raise SettingsError(f"{self.name(key)} must be true or false")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: Any = ...) -> str:
        value = self._take(key, default)
        if value not in allowed:
            raise SettingsError(f"{self.name(key)} = {value!r} is not one of {', '.join(allowed)}")
        return value

    def number(self, key: str, default: Any = ...) -> float:
        value = self._take(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SettingsError(f"{self.name(key)} must be a finite number")
        return value

    def positive(self, key: str, default: Any = ...) -> float:
        value = self.number(key, default)
        if value <= 0:
            raise SettingsError(f"{self.name(key)} must be positive, not {value}")
        return value

    def fraction(self, key: str, default: Any = ...) -> float:
        value = self.number(key, default)
        if not 0 <= value <= 1:
            raise SettingsError(f"{self.name(key)} must lie in [0, 1], not {value}")
        return float(value)

    def integer(self, key: str, default: Any = ...) -> int:
        value = self._take(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{self.name(key)} must be an integer")
        return value

    def table(self, key: str, default: Any = ...) -> Table:
        return Table(self._take(key, default), self.name(key))

    def array_of_tables(self, key: str) -> list[Table]:
        value = self._take(key)
        if not isinstance(value, list):
            raise SettingsError(f"{self.name(key)} must be an array of tables ([[{key}]])")
        return [Table(entry, f"{self.name(key)}[{index}]") for index, entry in enumerate(value)]

    def raw(self, key: str, default: Any = ...) -> Any:
        """The value as TOML gave it (for a table the engine passes on without reading)."""
        return self._take(key, default)
