"""topics.shared.parsing: what students paste (Python, PyTorch and NumPy printouts) reads back as the
right array; everything else raises ValueError with a message that names the problem and where it is."""

import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from topics.shared import parsing
from topics.shared.parsing import format_matrix, format_vector, parse_array, parse_matrix, parse_vector

VECTOR = [2.0, 1.0, 0.1]
MATRIX = [[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]]


# ---------------------------------------------------------------------------------------------------
# Accepted forms
# ---------------------------------------------------------------------------------------------------

ACCEPTED = [
    ("2, 1, 0.1", VECTOR),
    ("2 1 0.1", VECTOR),
    ("[2.0, 1.0, 0.1]", VECTOR),
    ("(2, 1, 0.1)", VECTOR),
    ("tensor([2.0, 1.0, 0.1])", VECTOR),
    ("torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])", MATRIX),
    ("tensor([0, 2])", [0.0, 2.0]),
    ("tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=torch.float64)", MATRIX),
    ("tensor([2.0, 1.0, 0.1], requires_grad=True)", VECTOR),
    ("tensor([2.0, 1.0, 0.1], grad_fn=<AddBackward0>)", VECTOR),
    ("tensor([2., 1., 0.1], device='cuda:0', grad_fn=<MulBackward0>)", VECTOR),
    ("tensor([2., 1., 0.1], dtype=torch.float64,)", VECTOR),
    ("array([[2. , 1. , 0.1], [0.5, 2. , 0.3]])", MATRIX),
    ("array([0, 2])", [0.0, 2.0]),
    ("np.array([1, 2])", [1.0, 2.0]),
    ("numpy.array([1, 2])", [1.0, 2.0]),
    ("array([1., 2.], dtype=float32)", [1.0, 2.0]),
    ("[[2.  1.  0.1]\n [0.5 2.  0.3]]", MATRIX),
    ("[np.float64(2.0), np.float64(1.0), np.float64(0.1)]", VECTOR),
    ("1e-3, 9.1276e-01, -1E+2", [1e-3, 0.91276, -100.0]),
    ("+1, -.5, 2., 1.e-03", [1.0, -0.5, 2.0, 1e-3]),
    ("[1, 2,]", [1.0, 2.0]),
    ("1, 2,", [1.0, 2.0]),
    ("  \n\t [2.0, 1.0, 0.1] \n\n", VECTOR),
    ("\n2\n1\n0.1\n", VECTOR),
    ("[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]", MATRIX),  # a Python tuple of rows
    ("((2, 1, 0.1), (0.5, 2, 0.3))", MATRIX),
    ("[[1, 2],\n [3, 4]]", [[1.0, 2.0], [3.0, 4.0]]),
    ("[[[[1]]]]", [[[[1.0]]]]),
    ("3", [3.0]),
    ("tensor(2.5)", [2.5]),
    ("[]", []),
    ("-0.0, 0", [0.0, 0.0]),
    ("1e6, -1e6", [1e6, -1e6]),
    ("1e-400", [0.0]),
]


@pytest.mark.parametrize("text, expected", ACCEPTED)
def test_parse_array_reads_accepted_forms(text, expected):
    array = parse_array(text)
    assert array.dtype == np.float64
    np.testing.assert_array_equal(array, np.array(expected, dtype=np.float64).reshape(array.shape))
    assert array.shape == np.shape(expected)


@pytest.mark.parametrize("text, expected", [(t, e) for t, e in ACCEPTED if np.ndim(e) == 1 and len(e)])
def test_parse_vector_reads_flat_forms(text, expected):
    vector = parse_vector(text)
    assert vector.dtype == np.float64 and vector.ndim == 1
    np.testing.assert_array_equal(vector, expected)


@pytest.mark.parametrize("text, expected", [(t, e) for t, e in ACCEPTED if np.ndim(e) == 2])
def test_parse_matrix_reads_lists_of_rows(text, expected):
    matrix = parse_matrix(text)
    assert matrix.dtype == np.float64 and matrix.ndim == 2
    np.testing.assert_array_equal(matrix, expected)


@pytest.mark.parametrize(
    "text, expected",
    [("tensor([0, 2])", [0, 2]), ("array([0, 2])", [0, 2]), ("2.0, 1, -3", [2, 1, -3]), ("1e2", [100])],
)
def test_integer_vectors_accept_whole_numbers(text, expected):
    vector = parse_vector(text, integer=True)
    assert vector.dtype == np.int64
    np.testing.assert_array_equal(vector, expected)


def test_integer_arrays_keep_their_shape():
    array = parse_array("[[0, 1], [2.0, 3]]", integer=True)
    assert array.dtype == np.int64
    np.testing.assert_array_equal(array, [[0, 1], [2, 3]])


def test_limits_are_inclusive():
    np.testing.assert_array_equal(parse_vector("1, 2", min_length=2, max_length=2), [1.0, 2.0])
    np.testing.assert_array_equal(parse_matrix("[[1, 2], [3, 4]]", max_rows=2, max_cols=2), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(parse_vector("-10, 10", max_abs=10), [-10.0, 10.0])


def test_text_of_exactly_the_limit_is_read():
    text = "1 " * (parsing.MAX_TEXT_LENGTH // 2)
    assert len(text) == parsing.MAX_TEXT_LENGTH
    assert parse_vector(text).shape == (parsing.MAX_TEXT_LENGTH // 2,)


# ---------------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------------

REFUSED = [
    (parse_vector, "", r"the text is empty"),
    (parse_vector, " \n\t ", r"the text is empty"),
    (parse_vector, "1, abc", r"^could not read 'abc' at position 4: expected a number$"),
    (parse_vector, "hello", r"could not read 'hello' at position 1"),
    (parse_vector, "1, 2x, 3", r"could not read '2x' at position 4"),
    (parse_vector, "1-2", r"could not read '1-2'"),
    (parse_vector, "1.2.3", r"could not read '1.2.3'"),
    (parse_vector, "[True, False]", r"could not read 'True'"),
    (parse_vector, "foo([1, 2])", r"could not read 'foo' at position 1"),
    (parse_vector, "1, 2, nan", r"^NaN is not allowed \(position 7\)"),
    (parse_vector, "[NaN]", r"NaN is not allowed \(position 2\)"),
    (parse_vector, "tensor([1., inf])", r"infinity is not allowed \(position 13\)"),
    (parse_vector, "-inf", r"infinity is not allowed \(position 1\)"),
    (parse_vector, "Infinity", r"infinity is not allowed"),
    (parse_vector, "1, 2e6", r"2e6 at position 4 is too large: .*1,000,000"),
    (parse_vector, "-1000000.5", r"too large"),
    (parse_vector, "1e999", r"too large"),
    (lambda text: parse_vector(text, max_abs=10), "10.5", r"too large: numbers must be between -10 and 10"),
    (parse_vector, "[1, 2", r"unbalanced brackets: '\[' at position 1 is never closed"),
    (parse_vector, "[1, 2)", r"unbalanced brackets: '\[' at position 1 is closed by '\)' at position 6"),
    (parse_vector, "1, 2]", r"unbalanced brackets: '\]' at position 5 has no opening bracket"),
    (parse_vector, "tensor([1, 2]", r"unbalanced brackets: '\(' at position 7 is never closed"),
    (parse_matrix, "[[1, 2, 3], [4, 5]]", r"^row 2 has 2 numbers but row 1 has 3$"),
    (parse_matrix, "[[1, 2], [3, 4], [5]]", r"^row 3 has 1 number but row 1 has 2$"),
    (parse_array, "[[[1, 2], [3]]]", r"in block 1: row 2 has 1 number but row 1 has 2"),
    (parse_array, "[[[1, 2]], [[1, 2], [3, 4]]]", r"block 2 has 2 rows but block 1 has 1"),
    (parse_array, "[1, [2, 3]]", r"item 2 is a list but item 1 is a number"),
    (parse_array, "[[1, 2], [[3, 4]]]", r"item 2 has 2 levels of brackets but item 1 has 1"),
    (
        lambda text: parse_vector(text, max_length=10),
        ", ".join(["1"] * 12),
        r"^expected at most 10 numbers, got 12$",
    ),
    (lambda text: parse_vector(text, min_length=2), "1", r"^expected at least 2 numbers, got 1$"),
    (parse_vector, "[]", r"expected at least 1 number, got 0"),
    (lambda text: parse_matrix(text, max_rows=2), "[[1], [2], [3]]", r"^expected at most 2 rows, got 3$"),
    (
        lambda text: parse_matrix(text, max_cols=2),
        "[[1, 2, 3]]",
        r"^expected at most 2 numbers per row, got 3$",
    ),
    (parse_matrix, "[[]]", r"expected at least 1 number per row, got 0"),
    (parse_matrix, "[]", r"expected at least 1 row"),
    (parse_matrix, "2, 1, 0.1", r"expected a matrix .*\[\[.*\], \[.*\]\]; got a flat list of 3 numbers"),
    (parse_matrix, "[[[1]]]", r"expected a matrix"),
    (parse_vector, "[[2, 1, 0.1]]", r"expected a flat list of numbers .*got a matrix, shape \(1, 3\)"),
    (lambda text: parse_vector(text, integer=True), "0, 1.5", r"1\.5 at position 4 is not a whole number"),
    (parse_array, "x" * (parsing.MAX_TEXT_LENGTH + 1), r"the text is too long: 10,001 characters"),
    (parse_array, "[" * (parsing.MAX_TEXT_LENGTH + 1), r"the text is too long"),  # refused before parsing
    (parse_array, "[[[[[1]]]]]", r"nested too deep at position 5: at most 4 levels"),
    (parse_array, "[" * 5000 + "1" + "]" * 4999, r"nested too deep"),
    (parse_array, "[[[[1]]]], [[[[2]]]]", r"nested 5 deep; at most 4 levels"),
    (parse_array, "tensor(" * 6 + "1" + ")" * 6, r"nested too deep"),
    (parse_vector, "[1,,2]", r"expected a number at position 4, found ','"),
    (parse_vector, "[, 1]", r"expected a number at position 2, found ','"),
    (parse_vector, "tensor()", r"expected a number at position 8, found '\)'"),
    (parse_vector, "tensor([1, 2], [3])", r"may only hold keyword arguments like dtype=\.\.\.; found '\['"),
    (parse_vector, "tensor([1, 2] dtype=float)", r"expected ',' or '\)' at position 15"),
    (parse_vector, "tensor([1], dtype=)", r"dtype= at position 13 has no value"),
    (parse_vector, "tensor([1], grad_fn=<AddBackward0)", r"'<' at position 21 is never closed with '>'"),
    (parse_vector, "tensor([1], device='cpu)", r"the quote ' at position 20 is never closed"),
    (
        parse_vector,
        "tensor([1.0, 2.0, ..., 9.0])",
        r"'\.\.\.' at position 19 means the printout was shortened",
    ),
    (parse_vector, "= 1", r"expected a number at position 1, found '='"),
    (parse_vector, "'a\nb'", r"^expected a number at position 1, found ''a\\nb''$"),  # one-line message
]


@pytest.mark.parametrize("parse, text, message", REFUSED, ids=[repr(r[1][:30]) for r in REFUSED])
def test_refusals_say_what_and_where(parse, text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)


def test_non_text_is_a_type_error():
    with pytest.raises(TypeError, match="expected the text as a str; got list"):
        parse_vector([1.0, 2.0])


# ---------------------------------------------------------------------------------------------------
# Formatting and round trips
# ---------------------------------------------------------------------------------------------------


def test_format_examples():
    assert format_vector(VECTOR) == "[2.0, 1.0, 0.1]"
    assert format_vector([0.123456, -2.5, -0.00001], decimals=2) == "[0.12, -2.5, 0.0]"
    assert format_vector(np.array([0, 2])) == "[0, 2]"
    assert format_vector([1 / 3], decimals=None) == "[0.3333333333333333]"
    assert format_matrix(MATRIX) == "[[2.0, 1.0, 0.1],\n [0.5, 2.0, 0.3]]"


@pytest.mark.parametrize("call", [lambda: format_vector(MATRIX), lambda: format_matrix(VECTOR)])
def test_format_refuses_the_wrong_number_of_dimensions(call):
    with pytest.raises(ValueError, match=r"needs a [12]-D array; got shape"):
        call()


finite_values = st.floats(
    -parsing.DEFAULT_MAX_ABS, parsing.DEFAULT_MAX_ABS, allow_nan=False, allow_infinity=False
)
vectors = st.lists(finite_values, min_size=1, max_size=20)
matrices = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6), elements=finite_values
)
decimals = st.integers(0, 8)


def _rounded(array, places):
    return np.vectorize(lambda v: round(float(v), places))(np.asarray(array, dtype=np.float64))


@given(vectors)
def test_vector_round_trip_is_exact_at_full_precision(values):
    np.testing.assert_array_equal(parse_vector(format_vector(values, decimals=None)), values)


@given(vectors, decimals)
def test_vector_round_trip_gives_the_values_rounded(values, places):
    parsed = parse_vector(format_vector(values, decimals=places))
    np.testing.assert_array_equal(parsed, _rounded(values, places))
    assert np.all(np.abs(parsed - values) <= 0.5 * 10.0**-places * (1 + 1e-9) + 1e-9 * np.abs(values))


@given(matrices)
def test_matrix_round_trip_is_exact_at_full_precision(matrix):
    np.testing.assert_array_equal(parse_matrix(format_matrix(matrix, decimals=None)), matrix)


@given(matrices, decimals)
def test_matrix_round_trip_gives_the_values_rounded(matrix, places):
    np.testing.assert_array_equal(
        parse_matrix(format_matrix(matrix, decimals=places)), _rounded(matrix, places)
    )


@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=20))
def test_integer_round_trip(values):
    parsed = parse_vector(format_vector(np.array(values, dtype=np.int64)), integer=True)
    assert parsed.dtype == np.int64
    np.testing.assert_array_equal(parsed, values)


# ---------------------------------------------------------------------------------------------------
# The real printers: torch's str/repr and NumPy's repr/str
# ---------------------------------------------------------------------------------------------------

PRINTED_ARRAYS = [
    VECTOR,
    MATRIX,
    [[1e-5, 123456.7], [-3.25, 0.0]],  # torch and NumPy switch to scientific notation
    [1e5, 1e-3, -42.0],
    [[1.0, 2.0], [3.0, 4.0]],
    np.linspace(-1.0, 1.0, 30).reshape(3, 10),  # wrapped over several lines
    np.arange(24.0).reshape(2, 3, 4) / 7,
    [0.0],
]


@pytest.mark.parametrize("values", PRINTED_ARRAYS, ids=range(len(PRINTED_ARRAYS)))
def test_torch_printouts_read_back_at_print_precision(torch_cpu, values):
    expected = np.asarray(values, dtype=np.float64)
    tensor = torch_cpu.tensor(expected)
    grad_tensor = torch_cpu.tensor(expected, dtype=torch_cpu.float32, requires_grad=True)
    for printed in (str(tensor), repr(tensor), repr(grad_tensor), repr(grad_tensor * 1.0)):
        np.testing.assert_allclose(parse_array(printed), expected, rtol=1e-4, atol=1e-4, err_msg=printed)


@pytest.mark.parametrize("values", PRINTED_ARRAYS, ids=range(len(PRINTED_ARRAYS)))
def test_numpy_printouts_read_back_at_print_precision(values):
    expected = np.asarray(values, dtype=np.float64)
    for printed, rtol in (
        (repr(expected), 1e-7),
        (str(expected), 1e-7),
        (repr(expected.astype(np.float32)), 1e-6),
    ):
        np.testing.assert_allclose(parse_array(printed), expected, rtol=rtol, atol=1e-8, err_msg=printed)


def test_integer_printouts_read_back_exactly(torch_cpu):
    indices = np.array([0, 2, 1])
    for printed in (str(torch_cpu.tensor(indices)), repr(indices), str(indices)):
        parsed = parse_vector(printed, integer=True)
        assert parsed.dtype == np.int64
        np.testing.assert_array_equal(parsed, indices)


@given(matrices)
def test_numpy_repr_of_any_matrix_reads_back(matrix):
    np.testing.assert_allclose(parse_matrix(repr(matrix)), matrix, rtol=1e-7, atol=1e-8)


def test_shortened_torch_printout_is_refused(torch_cpu):
    with pytest.raises(ValueError, match=r"printout was shortened"):
        parse_vector(str(torch_cpu.zeros(2000)))


# ---------------------------------------------------------------------------------------------------
# Fuzzing: any text gives an array or a ValueError, quickly
# ---------------------------------------------------------------------------------------------------

TRICKY_CHARACTERS = "[](),.=<>'\" \n\t0123456789eE+-_naifNItensorry"


def _parse_or_value_error(text):
    try:
        array = parse_array(text)
    except ValueError as error:
        message = str(error)
        assert message and len(message) < 300 and "\n" not in message
        return
    assert array.dtype == np.float64 and 1 <= array.ndim <= parsing.MAX_DEPTH
    assert np.all(np.abs(array) <= parsing.DEFAULT_MAX_ABS)


@settings(deadline=1000)
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_value_error(text):
    _parse_or_value_error(text)


@settings(deadline=1000)
@given(st.text(alphabet=TRICKY_CHARACTERS, max_size=120))
def test_text_of_tricky_characters_parses_or_raises_value_error(text):
    _parse_or_value_error(text)


@settings(deadline=1000)
@given(matrices, st.integers(0, 200), st.text(alphabet=TRICKY_CHARACTERS, max_size=3))
def test_damaged_printouts_parse_or_raise_value_error(matrix, where, insert):
    printed = repr(matrix)
    where = min(where, len(printed))
    _parse_or_value_error(printed[:where] + insert + printed[where + len(insert) :])


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 4999,
        "[1]," * 2499,
        "[[[" * 3333,
        "(" * 9999,
        "<" * 9999,
        "'" * 9999,
        "a" * 9999,
        "1" * 9999,
        "tensor(" * 1428,
        "[" + "1," * 4998 + "[1]]",
        "[[1], " * 1666,
    ],
    ids=lambda text: repr(text[:8]),
)
def test_worst_case_texts_are_parsed_or_refused_without_crashing(text):
    """Deep nesting, long runs and unclosed quotes end in a value or a ValueError, never a RecursionError.
    (No timing here: a hang is caught by pytest-timeout, speed belongs in benchmarks.)"""
    _parse_or_value_error(text)


def test_the_parser_never_evaluates_the_text():
    """No eval, exec, compile, ast, pickle or regular expressions in core/parsing.py."""
    tree = ast.parse(Path(parsing.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"numpy", "dataclasses", "dataclass"}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert not names & {"eval", "exec", "compile", "__import__", "literal_eval"}
