"""URL query parameters: what each page's controls accept, and strict parsing of untrusted URL text.

A shared link carries a page's state as `?pg_z0=2.5&pg_class=1`. Anything a link holds is untrusted:
each parameter is parsed by its spec and refused (ValueError) unless it is a value the control could
hold itself, so a broken or hostile link opens the page with defaults and a notice, never an error.
"""

import math
from dataclasses import dataclass

from topics.shared.parsing import parse_matrix, parse_vector

MAX_PARAM_LENGTH = 40  # longer URL values are refused before parsing
MAX_ARRAY_PARAM_LENGTH = 2000  # the same for a whole vector or matrix (VectorParam, MatrixParam)


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


@dataclass(frozen=True)
class VectorParam:
    """A list of numbers, written compactly as `0,2` (the bracket form `[0, 2]` is read too).

    Parsed with topics.shared.parsing (never eval): NaN, infinities, |x| > max_abs and more than max_length
    numbers are refused. The value is a tuple (of ints with `integer=True`, else of floats)."""

    key: str
    default: tuple
    max_length: int
    min_length: int = 1
    integer: bool = False
    max_abs: float = 1e6
    low: float | None = None  # the smallest value allowed (None: -max_abs)

    def parse(self, raw):
        text = _bounded_text(raw, MAX_ARRAY_PARAM_LENGTH)
        vector = parse_vector(
            text,
            min_length=self.min_length,
            max_length=self.max_length,
            integer=self.integer,
            max_abs=self.max_abs,
        )
        _check_low(vector, self.low)
        return tuple(int(v) for v in vector) if self.integer else tuple(float(v) for v in vector)

    def encode(self, value):
        return ",".join(str(int(v)) if self.integer else _compact_float(v) for v in value)


@dataclass(frozen=True)
class MatrixParam:
    """A matrix of numbers, written compactly as `2,1,0.1;0.5,2,0.3` (rows split by `;`); the bracket
    form `[[2, 1, 0.1], [0.5, 2, 0.3]]` is read too.

    Parsed with topics.shared.parsing (never eval): ragged rows, NaN, infinities, |x| > max_abs and shapes
    outside min..max rows and columns are refused. The value is a tuple of row tuples of floats."""

    key: str
    default: tuple
    max_rows: int
    max_cols: int
    min_rows: int = 1
    min_cols: int = 1
    max_abs: float = 1e6
    low: float | None = None

    def parse(self, raw):
        text = _bounded_text(raw, MAX_ARRAY_PARAM_LENGTH).strip()
        if not any(bracket in text for bracket in "[("):
            text = "[[" + text.replace(";", "],[") + "]]"
        matrix = parse_matrix(text, max_rows=self.max_rows, max_cols=self.max_cols, max_abs=self.max_abs)
        if matrix.shape[0] < self.min_rows or matrix.shape[1] < self.min_cols:
            raise ValueError(
                f"expected at least {self.min_rows} rows of {self.min_cols} numbers; got shape {matrix.shape}"
            )
        _check_low(matrix, self.low)
        return tuple(tuple(float(v) for v in row) for row in matrix)

    def encode(self, value):
        return ";".join(",".join(_compact_float(v) for v in row) for row in value)


@dataclass(frozen=True)
class BoolParam:
    key: str
    default: bool

    def parse(self, raw):
        text = _bounded_text(raw).strip().lower()
        if text not in ("0", "1", "true", "false"):
            raise ValueError(f"{text!r} is not 0 or 1")
        return text in ("1", "true")

    def encode(self, value):
        return "1" if value else "0"


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


def _bounded_text(raw, max_length=MAX_PARAM_LENGTH):
    text = raw[-1] if isinstance(raw, list | tuple) and raw else raw
    text = str(text)
    if len(text) > max_length:
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


def _check_low(values, low):
    if low is not None and values.size and values.min() < low:
        raise ValueError(f"{values.min():g} is below {low:g}")


def _compact_float(value):
    """The shortest text that reads back as the same float: 2.0 -> '2', 0.1 -> '0.1', 1e-05 -> '1e-05'."""
    text = repr(float(value) + 0.0)
    return text[:-2] if text.endswith(".0") else text


def by_key(specs):
    """{key: spec} of a page's specs."""
    return {spec.key: spec for spec in specs}
