"""One way to write a number, everywhere: pages, formulas, figure labels, captions."""

import math

import numpy as np

DECIMALS = 4


def fmt(value, decimals=DECIMALS):
    """A number as people read it: fixed decimals, scientific beyond 1e5 or below 1e-4 (but not 0),
    'NaN' and '∞' spelled out, and no '-0.0000'."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    magnitude = abs(value)
    if magnitude >= 1e5 or (0 < magnitude < 10**-decimals):
        return f"{value:.{max(decimals - 1, 1)}e}"
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fmt_vector(values, decimals=DECIMALS):
    """[a, b, c] with each entry through fmt."""
    return "[" + ", ".join(fmt(v, decimals) for v in np.ravel(values)) + "]"


def fmt_signed(value, decimals=DECIMALS):
    """fmt with an explicit '+' for positive values (gradients, differences)."""
    text = fmt(value, decimals)
    return text if text.startswith("-") or float(value) == 0 or text == "NaN" else "+" + text


# Numbers written as Python code (the snippets the pages generate, which tests execute)


def code_number(value):
    """A float as the shortest Python literal that reads back as the same float: 2.0 -> '2.0',
    0.1 -> '0.1', -0.0 -> '0.0' (a minus on zero only confuses a reader)."""
    return repr(float(value) + 0.0)


def code_list(values, integer=False):
    """[a, b, c] as a Python list literal; integer=True writes 3 instead of 3.0 (labels, indices)."""
    return "[" + ", ".join(str(int(v)) if integer else code_number(v) for v in values) + "]"


def code_matrix(rows, indent):
    """Rows as a nested list literal, one row a line, continuation lines indented by `indent` spaces
    (so they line up under the first row when the literal follows `indent` characters of code)."""
    return "[" + (",\n" + " " * indent).join(code_list(row) for row in rows) + "]"
