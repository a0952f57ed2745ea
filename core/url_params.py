"""URL query parameters: what each page's controls accept, and strict parsing of untrusted URL text.

A shared link carries a page's state as `?pg_z0=2.5&pg_class=1`. Anything a link holds is untrusted:
each parameter is parsed by its spec and refused (ValueError) unless it is a value the control could
hold itself, so a broken or hostile link opens the page with defaults and a notice, never an error.
"""

import math
from dataclasses import dataclass

MAX_PARAM_LENGTH = 40  # longer URL values are refused before parsing


@dataclass(frozen=True)
class FloatParam:
    key: str
    low: float
    high: float
    default: float
    step: float

    def parse(self, raw):
        value = _finite_float(raw)
        if not self.low <= value <= self.high:
            raise ValueError(f"{value:g} is outside {self.low:g}..{self.high:g}")
        return round(round(value / self.step) * self.step, 10)

    def encode(self, value):
        return f"{value:g}"


@dataclass(frozen=True)
class IntParam:
    key: str
    low: int
    high: int
    default: int

    def parse(self, raw):
        value = _finite_float(raw)
        if value != int(value):
            raise ValueError(f"{value:g} is not a whole number")
        if not self.low <= value <= self.high:
            raise ValueError(f"{value:g} is outside {self.low}..{self.high}")
        return int(value)

    def encode(self, value):
        return str(int(value))


@dataclass(frozen=True)
class ChoiceParam:
    key: str
    choices: tuple
    default: str

    def parse(self, raw):
        text = _bounded_text(raw).strip()
        if text not in self.choices:
            raise ValueError(f"{text!r} is not one of {', '.join(self.choices)}")
        return text

    def encode(self, value):
        return str(value)


def read_params(query, specs):
    """(valid, invalid): the values of `specs` found in `query` (a mapping of str to str), parsed, and
    the keys whose values were refused."""
    valid, invalid = {}, []
    for spec in specs:
        if spec.key not in query:
            continue
        try:
            valid[spec.key] = spec.parse(query[spec.key])
        except ValueError:
            invalid.append(spec.key)
    return valid, invalid


def encode_params(values, specs):
    """The query string entries for `values` that differ from their spec's default."""
    return {
        spec.key: spec.encode(values[spec.key])
        for spec in specs
        if spec.key in values and values[spec.key] != spec.default
    }


def _bounded_text(raw):
    text = raw[-1] if isinstance(raw, list | tuple) and raw else raw
    text = str(text)
    if len(text) > MAX_PARAM_LENGTH:
        raise ValueError("value too long")
    return text


def _finite_float(raw):
    try:
        value = float(_bounded_text(raw).strip())
    except (TypeError, ValueError):
        raise ValueError("not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value
