"""Read numbers pasted from Python, PyTorch or NumPy output, and write numbers back as text.

Students paste what their notebook printed into a text box: `2, 1, 0.1`, `[2.0, 1.0, 0.1]`,
`tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=torch.float64)`, NumPy's `array([0, 2])` or its
comma-free `[[2.  1.  0.1]\\n [0.5 2.  0.3]]`. The text is never evaluated: a small tokenizer splits it
into numbers, brackets, commas and names, and a recursive-descent parser reads the nested lists.

Anything else raises ValueError with a short message that says what was wrong and where, with
positions counted from 1: "could not read 'abc' at position 4: expected a number",
"row 2 has 2 numbers but row 1 has 3", "NaN is not allowed (position 7)".

Grammar (whitespace is ignored, so it also separates numbers where commas are missing):

    text     := items                                 a bare list: `2, 1, 0.1` or `2 1 0.1`
    items    := value ([","] value)* [","]
    list     := "[" [items] "]"  |  "(" [items] ")"
    value    := number | list | call
    call     := NAME "(" value ("," NAME "=" anything)* [","] ")"    tensor(...), np.array(...)

Keyword arguments after the data (`dtype=torch.float64`, `requires_grad=True`,
`grad_fn=<AddBackward0>`) are skipped. A bare text holding a single list is that list.
"""

from dataclasses import dataclass

import numpy as np

MAX_TEXT_LENGTH = 10_000
MAX_DEPTH = 4
DEFAULT_MAX_ABS = 1e6

_DIGITS = "0123456789"
_OPENERS = "[("
_CLOSERS = "])"
_CLOSER_OF = {"[": "]", "(": ")"}
# Characters that end a word: besides whitespace, each of these is a token of its own.
_WORD_ENDS = ",[]()=<'\""
_SCALAR_TYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8")
# The names that may wrap data: torch's and NumPy's constructors, and NumPy 2's scalar reprs.
_CALLABLES = frozenset(
    ["tensor", "torch.tensor", "torch.as_tensor", "torch.Tensor", "array", "asarray"]
    + [f"{module}.{name}" for module in ("np", "numpy") for name in ("array", "asarray", *_SCALAR_TYPES)]
)
_EXAMPLE_VECTOR = "[2, 1, 0.1]"
_EXAMPLE_MATRIX = "[[2, 1, 0.1], [0.5, 2, 0.3]]"


# ---------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------


def parse_array(text, *, integer=False, max_abs=DEFAULT_MAX_ABS):
    """Read a rectangular array of any nesting depth (1 to 4) from `text`.

    Returns float64, or int64 with `integer=True` (then 2.0 reads as 2, but 1.5 is refused). A single
    number reads as a one-element vector, so the result always has at least one dimension.

    >>> parse_array("tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=torch.float64)")
    array([[2. , 1. , 0.1],
           [0.5, 2. , 0.3]])
    >>> parse_array("array([0, 2])", integer=True)
    array([0, 2])
    >>> parse_array("1, 2, 3")
    array([1., 2., 3.])
    """
    _check_text(text)
    nested = _Parser(text, integer=integer, max_abs=max_abs).parse_text()
    shape = _rectangular_shape(nested)
    if len(shape) > MAX_DEPTH:
        raise ValueError(f"the lists are nested {len(shape)} deep; at most {MAX_DEPTH} levels are allowed")
    array = np.array(nested, dtype=np.float64).reshape(shape)
    return array.astype(np.int64) if integer else array


def parse_vector(text, *, min_length=1, max_length=None, integer=False, max_abs=DEFAULT_MAX_ABS):
    """Read a flat list of numbers: a 1-D float64 array (int64 with `integer=True`).

    >>> parse_vector("2, 1, 0.1")
    array([2. , 1. , 0.1])
    >>> parse_vector("tensor([0, 2])", integer=True)
    array([0, 2])
    >>> parse_vector("[1, 2, 3]", max_length=2)
    Traceback (most recent call last):
    ...
    ValueError: expected at most 2 numbers, got 3
    """
    vector = parse_array(text, integer=integer, max_abs=max_abs)
    if vector.ndim != 1:
        got = "a matrix" if vector.ndim == 2 else f"{vector.ndim} levels of brackets"
        raise ValueError(
            f"expected a flat list of numbers like {_EXAMPLE_VECTOR}; got {got}, shape {vector.shape}"
        )
    _check_count(len(vector), min_length, max_length, "number", "numbers")
    return vector


def parse_matrix(text, *, max_rows=None, max_cols=None, max_abs=DEFAULT_MAX_ABS):
    """Read a matrix written as a list of rows: a 2-D float64 array.

    >>> parse_matrix("[[2.  1.  0.1]\\n [0.5 2.  0.3]]")
    array([[2. , 1. , 0.1],
           [0.5, 2. , 0.3]])
    >>> parse_matrix("[[1, 2, 3], [4, 5]]")
    Traceback (most recent call last):
    ...
    ValueError: row 2 has 2 numbers but row 1 has 3
    """
    matrix = parse_array(text, max_abs=max_abs)
    if matrix.ndim == 1 and matrix.size == 0:
        raise ValueError(f"expected at least 1 row, like {_EXAMPLE_MATRIX}; got none")
    if matrix.ndim == 1:
        raise ValueError(
            f"expected a matrix written as a list of rows, like {_EXAMPLE_MATRIX}; "
            f"got a flat list of {_count(matrix.size, 'number')}"
        )
    if matrix.ndim > 2:
        raise ValueError(f"expected a matrix (a list of rows); got {matrix.ndim} levels of brackets")
    _check_count(matrix.shape[0], 1, max_rows, "row", "rows")
    _check_count(matrix.shape[1], 1, max_cols, "number per row", "numbers per row")
    return matrix


def format_vector(values, decimals=4):
    """Write a 1-D array as text that `parse_vector` reads back.

    Each number is rounded to `decimals` places and written in its shortest form, so
    parse_vector(format_vector(x, d)) equals x rounded to d places; with `decimals=None` every digit
    is kept and the round trip is exact. Integer arrays are written as integers.

    >>> format_vector([2.0, 1.0, 0.1])
    '[2.0, 1.0, 0.1]'
    >>> format_vector([0.123456, -2.5], decimals=2)
    '[0.12, -2.5]'
    >>> format_vector(np.array([0, 2]))
    '[0, 2]'
    """
    vector = np.asarray(values)
    if vector.ndim != 1:
        raise ValueError(f"format_vector needs a 1-D array; got shape {vector.shape}")
    integer = vector.dtype.kind in "iub"
    return "[" + ", ".join(_format_number(value, decimals, integer) for value in vector) + "]"


def format_matrix(values, decimals=4):
    """Write a 2-D array as text that `parse_matrix` reads back, one row per line.

    >>> print(format_matrix([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]]))
    [[2.0, 1.0, 0.1],
     [0.5, 2.0, 0.3]]
    """
    matrix = np.asarray(values)
    if matrix.ndim != 2:
        raise ValueError(f"format_matrix needs a 2-D array; got shape {matrix.shape}")
    return "[" + ",\n ".join(format_vector(row, decimals) for row in matrix) + "]"


# ---------------------------------------------------------------------------------------------------
# Checks and formatting helpers
# ---------------------------------------------------------------------------------------------------


def _check_text(text):
    if not isinstance(text, str):
        raise TypeError(f"expected the text as a str; got {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(
            f"the text is too long: {len(text):,} characters; at most {MAX_TEXT_LENGTH:,} are allowed"
        )
    if not text.strip():
        raise ValueError(f"the text is empty: type some numbers, like {_EXAMPLE_VECTOR}")


def _check_count(count, minimum, maximum, singular, plural):
    if minimum is not None and count < minimum:
        raise ValueError(f"expected at least {minimum} {singular if minimum == 1 else plural}, got {count}")
    if maximum is not None and count > maximum:
        raise ValueError(f"expected at most {maximum} {singular if maximum == 1 else plural}, got {count}")


def _count(n, noun):
    """'1 number', '3 numbers'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _readable(x):
    """1e6 as '1,000,000'; numbers that are not whole, or huge, in %g form."""
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def _format_number(value, decimals, integer):
    if integer:
        return str(int(value))
    number = float(value)
    if decimals is not None:
        number = round(number, decimals)  # Python's round: correctly rounded in decimal
    return repr(number + 0.0)  # + 0.0 turns -0.0 into 0.0; repr is the shortest exact form


# ---------------------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    """One piece of the text. kind: word, open, close, comma, equals, string, angle or end."""

    kind: str
    text: str
    start: int  # 0-based index into the text; messages show start + 1

    @property
    def position(self):
        return self.start + 1

    def describe(self):
        return "the end of the text" if self.kind == "end" else f"'{_shorten(self.text)}'"


def _shorten(text, limit=20):
    """`text` fit for a one-line message: at most `limit` characters, newlines and tabs shown as \\n, \\t."""
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _tokenize(text):
    """Split `text` into tokens. Words are runs of characters up to whitespace or one of `_WORD_ENDS`."""
    tokens = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in _OPENERS or char in _CLOSERS or char in ",=":
            kind = {",": "comma", "=": "equals"}.get(char, "open" if char in _OPENERS else "close")
            end = i + 1
        elif char in "'\"<":
            end = _closing_index(text, i, ">" if char == "<" else char) + 1
            kind = "angle" if char == "<" else "string"
        else:
            end = i
            while end < len(text) and not text[end].isspace() and text[end] not in _WORD_ENDS:
                end += 1
            kind = "word"
        tokens.append(_Token(kind, text[i:end], i))
        i = end
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _closing_index(text, start, closer):
    """Index of the `closer` that ends the quote or <...> opened at `start`."""
    index = text.find(closer, start + 1)
    if index >= 0:
        return index
    if closer == ">":
        raise ValueError(f"'<' at position {start + 1} is never closed with '>'")
    raise ValueError(f"the quote {closer} at position {start + 1} is never closed")


def _is_number_literal(word):
    """True for [+-]digits[.digits][(e|E)[+-]digits], with digits on at least one side of the point."""
    i = 1 if word[:1] in ("+", "-") else 0
    mantissa_start = i
    while i < len(word) and word[i] in _DIGITS:
        i += 1
    if i < len(word) and word[i] == ".":
        i += 1
        while i < len(word) and word[i] in _DIGITS:
            i += 1
    if not any(char in _DIGITS for char in word[mantissa_start:i]):
        return False
    if i < len(word) and word[i] in "eE":
        i += 1
        if i < len(word) and word[i] in "+-":
            i += 1
        exponent_start = i
        while i < len(word) and word[i] in _DIGITS:
            i += 1
        if i == exponent_start:
            return False
    return i == len(word)


# ---------------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the tokens; produces nested Python lists of floats."""

    def __init__(self, text, *, integer, max_abs):
        self.tokens = _tokenize(text)
        self.index = 0
        self.integer = integer
        self.max_abs = max_abs
        self.open_calls = 0

    def peek(self):
        return self.tokens[min(self.index, len(self.tokens) - 1)]

    def advance(self):
        token = self.peek()
        self.index += 1
        return token

    def parse_text(self):
        """The whole text as a list; a text that is one list (or one call) is that list."""
        items = self.parse_items(opener=None, depth=0)
        if len(items) == 1 and isinstance(items[0], list):
            return items[0]
        return items

    def parse_items(self, opener, depth):
        """Values separated by commas or whitespace, up to the bracket closing `opener` (None: the end)."""
        items = []
        while not self.at_close(opener):
            items.append(self.parse_value(depth))
            if self.peek().kind == "comma":
                self.advance()
        return items

    def at_close(self, opener):
        """True (and the closer consumed) if the next token closes `opener`; refuses unbalanced brackets."""
        token = self.peek()
        if token.kind == "end":
            if opener is None:
                return True
            raise ValueError(
                f"unbalanced brackets: '{opener.text}' at position {opener.position} is never closed"
            )
        if token.kind != "close":
            return False
        if opener is None:
            raise ValueError(
                f"unbalanced brackets: '{token.text}' at position {token.position} has no opening bracket"
            )
        if token.text != _CLOSER_OF[opener.text]:
            raise ValueError(
                f"unbalanced brackets: '{opener.text}' at position {opener.position} is closed by "
                f"'{token.text}' at position {token.position}"
            )
        self.advance()
        return True

    def parse_value(self, depth):
        token = self.advance()
        if token.kind == "open":
            if depth >= MAX_DEPTH:
                raise _too_deep(token)
            return self.parse_items(token, depth + 1)
        if token.kind != "word":
            raise ValueError(f"expected a number at position {token.position}, found {token.describe()}")
        if _is_number_literal(token.text):
            return self.number(token)
        if token.text in _CALLABLES and self.peek().text == "(":
            return self.parse_call(token, depth)
        raise _unreadable_word(token)

    def number(self, token):
        value = float(token.text)
        if not abs(value) <= self.max_abs:  # also true for 1e999, which float() reads as inf
            raise ValueError(
                f"{_shorten(token.text)} at position {token.position} is too large: numbers must be "
                f"between -{_readable(self.max_abs)} and {_readable(self.max_abs)}"
            )
        if self.integer and not value.is_integer():
            raise ValueError(
                f"expected whole numbers, but {_shorten(token.text)} at position {token.position} "
                "is not a whole number"
            )
        return value

    def parse_call(self, name, depth):
        """name(data, keyword=value, ...): the data; the keyword arguments are skipped."""
        paren = self.advance()
        self.open_calls += 1
        if self.open_calls > MAX_DEPTH:
            raise _too_deep(paren)
        data = self.parse_value(depth)
        while not self.at_close(paren):
            self.expect_comma(name)
            if self.at_close(paren):  # a trailing comma
                break
            self.skip_keyword_argument(name)
        self.open_calls -= 1
        return data

    def expect_comma(self, call_name):
        token = self.advance()
        if token.kind != "comma":
            raise ValueError(
                f"expected ',' or ')' at position {token.position} in {call_name.text}(...), "
                f"found {token.describe()}"
            )

    def skip_keyword_argument(self, call_name):
        keyword = self.advance()
        if keyword.kind != "word" or self.peek().kind != "equals":
            raise ValueError(
                f"after the numbers, {call_name.text}(...) may only hold keyword arguments like "
                f"dtype=...; found {keyword.describe()} at position {keyword.position}"
            )
        self.advance()
        if not self.skip_balanced_tokens():
            raise ValueError(f"{_shorten(keyword.text)}= at position {keyword.position} has no value")

    def skip_balanced_tokens(self):
        """Skip tokens up to a ',' or closer at bracket level 0; return how many were skipped."""
        open_brackets = []
        skipped = 0
        while open_brackets or self.peek().kind not in ("comma", "close", "end"):
            token = self.peek()
            if token.kind == "end":
                raise ValueError(
                    f"unbalanced brackets: '{open_brackets[-1].text}' at position "
                    f"{open_brackets[-1].position} is never closed"
                )
            if token.kind == "open":
                open_brackets.append(token)
                self.advance()
            elif token.kind == "close":
                self.at_close(open_brackets.pop())
            else:
                self.advance()
            skipped += 1
        return skipped


def _too_deep(token):
    return ValueError(
        f"the brackets are nested too deep at position {token.position}: "
        f"at most {MAX_DEPTH} levels are allowed"
    )


def _unreadable_word(token):
    bare = token.text.lstrip("+-").lower()
    if bare == "nan":
        return ValueError(f"NaN is not allowed (position {token.position}): every value must be a number")
    if bare in ("inf", "infinity"):
        return ValueError(f"infinity is not allowed (position {token.position}): every value must be finite")
    if "..." in token.text:
        return ValueError(
            f"'...' at position {token.position} means the printout was shortened: print all the values "
            "and paste them again"
        )
    return ValueError(f"could not read {token.describe()} at position {token.position}: expected a number")


# ---------------------------------------------------------------------------------------------------
# Shape check
# ---------------------------------------------------------------------------------------------------


def _rectangular_shape(node, path=()):
    """The shape of nested lists of floats; refuses ragged rows and lists mixed with numbers."""
    if not isinstance(node, list):
        return ()
    shapes = [_rectangular_shape(child, (*path, i)) for i, child in enumerate(node)]
    for number, shape in enumerate(shapes[1:], start=2):
        if shape != shapes[0]:
            raise ValueError(_ragged_message(path, number, shape, shapes[0]))
    return (len(node), *(shapes[0] if shapes else ()))


def _ragged_message(path, number, shape, first_shape):
    """Why item `number` (counted from 1) of the list at `path` does not match item 1."""
    where = f"in block {'.'.join(str(i + 1) for i in path)}: " if path else ""
    if not shape or not first_shape:
        kinds = ["a number" if not s else "a list" for s in (shape, first_shape)]
        return f"{where}item {number} is {kinds[0]} but item 1 is {kinds[1]}: numbers and lists cannot mix"
    if len(shape) != len(first_shape):
        return f"{where}item {number} has {len(shape)} levels of brackets but item 1 has {len(first_shape)}"
    if len(shape) == 1:
        return f"{where}row {number} has {_count(shape[0], 'number')} but row 1 has {first_shape[0]}"
    if len(shape) == 2 and shape[0] != first_shape[0]:
        return f"{where}block {number} has {_count(shape[0], 'row')} but block 1 has {first_shape[0]}"
    return f"{where}block {number} has shape {shape} but block 1 has shape {first_shape}"
