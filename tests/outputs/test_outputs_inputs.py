"""topics.outputs.files and topics.outputs.inputs: every format the page reads (written here by NumPy,
torch, the safetensors package and pandas), and every bad input refused with its own message, a pickle
never unpickled."""

import io
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.numpy import save as save_safetensors
from safetensors.torch import save as save_torch_safetensors

from topics.outputs import files, inputs, numbers
from topics.shared.i18n import STRINGS
from topics.shared.inputs import InputError

LIMIT = 50_000_000
RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((12, 4)).astype(np.float32)
LABELS = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], dtype=np.int64)


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def pt(value):
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


def csv(frame, header=True):
    return frame.to_csv(index=False, header=header).encode()


def read(*named_files, kind="logits", max_bytes=LIMIT):
    return inputs.read_outputs(list(named_files), kind, max_bytes)


def problem_of(*named_files, kind="logits", max_bytes=LIMIT, analyse=False):
    """The one problem's kind (and its fields) that reading (and analysing) the files raises."""
    with pytest.raises(InputError) as raised:
        model_outputs = read(*named_files, kind=kind, max_bytes=max_bytes)
        if analyse:
            numbers.analyse(model_outputs)
    (problem,) = raised.value.problems
    assert problem.kind in STRINGS["en"] and problem.kind in STRINGS["zh"]
    STRINGS["en"][problem.kind].format(**problem.params)  # every field the sentence names is given
    STRINGS["zh"][problem.kind].format(**problem.params)
    return problem.kind.removeprefix("mo.problem."), problem.params


GOOD_FILES = {
    "npz with logits and labels": [("out.npz", npz(logits=LOGITS, labels=LABELS))],
    "npy outputs and npy labels": [("logits.npy", npy(LOGITS)), ("labels.npy", npy(LABELS))],
    "fortran-ordered npy": [("logits.npy", npy(np.asfortranarray(LOGITS))), ("labels.npy", npy(LABELS))],
    "pt dict of tensors": [
        ("out.pt", pt({"logits": torch.from_numpy(LOGITS), "labels": torch.from_numpy(LABELS)}))
    ],
    "pth tensor and pt labels": [
        ("out.pth", pt(torch.from_numpy(LOGITS))),
        ("y.pt", pt(torch.from_numpy(LABELS))),
    ],
    "pt tuple of tensors and npy labels": [
        ("out.pt", pt((torch.from_numpy(LOGITS),))),
        ("y.npy", npy(LABELS)),
    ],
    "safetensors (numpy)": [("out.safetensors", save_safetensors({"logits": LOGITS, "labels": LABELS}))],
    "safetensors (torch)": [
        (
            "out.safetensors",
            save_torch_safetensors({"logits": torch.from_numpy(LOGITS), "labels": torch.from_numpy(LABELS)}),
        )
    ],
    "csv with a label column": [
        ("out.csv", csv(pd.DataFrame(LOGITS, columns=[f"z{c}" for c in range(4)]).assign(label=LABELS)))
    ],
    "csv without header and a labels csv": [
        ("out.csv", csv(pd.DataFrame(LOGITS), header=False)),
        ("labels.csv", csv(pd.DataFrame({"label": LABELS}))),
    ],
}


@pytest.mark.parametrize("name", GOOD_FILES)
def test_every_format_reads_the_same_outputs_and_labels(name):
    model_outputs = read(*GOOD_FILES[name])
    assert np.allclose(model_outputs.scores, LOGITS, rtol=1e-6)
    assert np.array_equal(model_outputs.labels, LABELS)
    assert model_outputs.scores.dtype == np.float32 or name.startswith("csv")


def test_npy_is_read_without_a_copy():
    data = npy(LOGITS)
    array = files.read_arrays("a.npy", data, LIMIT)["array"]
    assert not array.flags.owndata and not array.flags.writeable  # a view of the uploaded bytes


def test_bfloat16_and_float16_tensors_become_float32():
    bf16 = torch.from_numpy(LOGITS).to(torch.bfloat16)
    for data in (
        pt({"logits": bf16, "labels": torch.from_numpy(LABELS)}),
        save_torch_safetensors({"logits": bf16, "labels": torch.from_numpy(LABELS)}),
    ):
        name = "x.pt" if data[:2] == b"PK" else "x.safetensors"
        model_outputs = read((name, data))
        assert model_outputs.scores.dtype == np.float32
        assert np.array_equal(model_outputs.scores, bf16.float().numpy())
    half = read(("x.npz", npz(logits=LOGITS.astype(np.float16), labels=LABELS)))
    assert half.scores.dtype == np.float32


def test_float64_stays_float64_and_whole_float_labels_are_read():
    model_outputs = read(("x.npz", npz(logits=LOGITS.astype(np.float64), labels=LABELS.astype(np.float32))))
    assert model_outputs.scores.dtype == np.float64 and model_outputs.labels.dtype == np.int64


class Exploit:
    """A pickle whose loading would run code: it must never be loaded."""

    def __reduce__(self):
        return (exec, ("import builtins; builtins.UNPICKLED = True",))


def test_a_pickle_in_a_pt_file_is_refused_and_never_run():
    import builtins

    data = pt({"logits": torch.from_numpy(LOGITS), "evil": Exploit()})
    assert problem_of(("x.pt", data))[0] == "pickle"
    assert not hasattr(builtins, "UNPICKLED")


def test_object_arrays_in_npy_and_npz_are_refused_as_pickles():
    import builtins

    objects = np.array([Exploit(), 1], dtype=object)
    buffer = io.BytesIO()
    np.save(buffer, objects, allow_pickle=True)
    assert problem_of(("x.npy", buffer.getvalue()))[0] == "pickle"
    buffer = io.BytesIO()
    np.savez(buffer, logits=objects)
    assert problem_of(("x.npz", buffer.getvalue()))[0] == "pickle"
    assert not hasattr(builtins, "UNPICKLED")


def test_a_pt_file_of_other_python_values_is_refused():
    assert problem_of(("x.pt", pt({"logits": torch.from_numpy(LOGITS), "note": "hi"})))[0] == "not_tensors"
    assert problem_of(("x.pt", pt(3)))[0] == "not_tensors"


def test_without_torch_a_pt_file_says_how_to_convert(monkeypatch):
    monkeypatch.setattr(files, "torch_installed", lambda: False)
    kind, params = problem_of(("model_out.pt", pt(torch.from_numpy(LOGITS))))
    assert kind == "no_torch" and params["name"] == "model_out.pt"


BAD_FILES = {
    "empty": ([("x.npz", b"")], {}, "empty"),
    "too large": ([("x.npz", npz(logits=LOGITS, labels=LABELS))], {"max_bytes": 100}, "file_too_large"),
    "unknown ending": ([("x.pkl", pickle.dumps(LOGITS))], {}, "unknown_type"),
    "not an npy": ([("x.npy", b"hello, world")], {}, "not_readable"),
    "truncated npy": ([("x.npy", npy(LOGITS)[:-10])], {}, "not_readable"),
    "not a zip": ([("x.npz", b"PK not really")], {}, "not_readable"),
    "not a torch file": ([("x.pt", b"\x00\x01garbage")], {}, "not_readable"),
    "safetensors header too long": (
        [("x.safetensors", (10**9).to_bytes(8, "little") + b"{}")],
        {},
        "not_readable",
    ),
    "safetensors offsets off": (
        [
            (
                "x.safetensors",
                _bad := (lambda h: len(h).to_bytes(8, "little") + h)(
                    b'{"logits": {"dtype": "F32", "shape": [12, 4], "data_offsets": [0, 8]}}'
                ),
            )
        ],
        {},
        "not_readable",
    ),  # fmt: skip
    "csv of text": ([("x.csv", b"a,b\nc,d\n")], {}, "not_readable"),
    "no labels": ([("x.npz", npz(logits=LOGITS))], {}, "no_labels"),
    "which outputs": ([("x.npz", npz(a=LOGITS, b=LOGITS, labels=LABELS))], {}, "which_outputs"),
    "which labels": ([("x.npy", npy(LOGITS)), ("y.npz", npz(a=LABELS, b=LABELS))], {}, "which_labels"),
    "integer logits": (
        [("x.npz", npz(logits=(LOGITS * 10).astype(np.int32), labels=LABELS))],
        {},
        "integer_outputs",
    ),
    "strings": ([("x.npz", npz(logits=np.array([["a", "b"]]), labels=np.array([0])))], {}, "dtype"),
    "rank 3": ([("x.npz", npz(logits=LOGITS.reshape(12, 2, 2), labels=LABELS))], {}, "rank"),
    "rank 1": ([("x.npz", npz(logits=LOGITS[:, 0], labels=LABELS))], {}, "rank"),
    "one class": ([("x.npz", npz(logits=LOGITS[:, :1], labels=LABELS * 0))], {}, "too_few_classes"),
    "no rows": ([("x.npz", npz(logits=LOGITS[:0], labels=LABELS[:0]))], {}, "no_samples"),
    "too many classes": (
        [("x.npz", npz(logits=np.zeros((2, 1001), np.float32), labels=np.zeros(2, int)))],
        {},
        "too_big",
    ),
    "too many samples": (
        [("x.npz", npz(logits=np.zeros((100_001, 2), np.float32), labels=np.zeros(100_001, int)))],
        {},
        "too_big",
    ),
    "labels of rank 2": ([("x.npz", npz(logits=LOGITS, labels=np.zeros((12, 3))))], {}, "label_rank"),
    "N mismatch": ([("x.npz", npz(logits=LOGITS, labels=LABELS[:10]))], {}, "count_mismatch"),
    "label out of range": (
        [("x.npz", npz(logits=LOGITS, labels=np.where(LABELS == 3, 4, LABELS)))],
        {},
        "label_range",
    ),
    "negative label": (
        [("x.npz", npz(logits=LOGITS, labels=np.where(LABELS == 3, -1, LABELS)))],
        {},
        "label_range",
    ),
    "labels not whole": ([("x.npz", npz(logits=LOGITS, labels=LABELS + 0.5))], {}, "label_not_whole"),
    "all ignored": ([("x.npz", npz(logits=LOGITS, labels=np.full(12, -100)))], {}, "all_ignored"),
    "bool labels": ([("x.npz", npz(logits=LOGITS, labels=LABELS > 1))], {}, "dtype"),
    "probabilities outside [0, 1]": (
        [("x.npz", npz(logits=LOGITS, labels=LABELS))],
        {"kind": "probs"},
        "prob_range",
    ),
    "probabilities not summing to 1": (
        [("x.npz", npz(logits=np.full((12, 4), 0.3, np.float32), labels=LABELS))],
        {"kind": "probs"},
        "prob_sum",
    ),
    "NaN probabilities": (
        [
            (
                "x.npz",
                npz(logits=np.where(LOGITS == LOGITS[3, 1], np.nan, 0.25).astype(np.float32), labels=LABELS),
            )
        ],
        {"kind": "probs"},
        "nonfinite",
    ),  # fmt: skip
    "soft targets not summing to 1": (
        [("x.npz", npz(logits=LOGITS, labels=np.full((12, 4), 0.3, np.float32)))],
        {},
        "prob_sum",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_each_bad_input_gets_its_own_message(name):
    named_files, options, expected = BAD_FILES[name]
    assert problem_of(*named_files, **options)[0] == expected


def test_a_ragged_csv_leaves_holes_that_are_named_as_missing_values():
    labels = csv(pd.DataFrame({"label": [0, 1]}))
    name, params = problem_of(("x.csv", b"1,2,3\n4,5\n"), ("y.csv", labels), analyse=True)
    assert name == "nonfinite" and (params["row"], params["column"], params["nan"]) == (1, 2, 1)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (np.nan, "logits"),
        (np.inf, "logits"),
        (-np.inf, "logits"),
        (np.nan, "log_probs"),
        (np.inf, "log_probs"),
    ],
)
def test_nan_and_infinities_are_found_by_the_scan_and_located(value, kind):
    logits = LOGITS.copy() if kind == "logits" else np.log(np.full((12, 4), 0.25, np.float32))
    logits[7, 2] = value
    name, params = problem_of(("x.npz", npz(logits=logits, labels=LABELS)), kind=kind, analyse=True)
    assert name == "nonfinite" and (params["row"], params["column"]) == (7, 2)
    assert params["nan"] + params["inf"] == 1


def test_log_probabilities_may_hold_minus_infinity_but_must_sum_to_one():
    log_probs = np.log(np.array([[0.5, 0.5, 0.0, 0.0]] * 12, dtype=np.float32))
    labels = np.zeros(12, dtype=np.int64)
    analysis = numbers.analyse(read(("x.npz", npz(logits=log_probs, labels=labels)), kind="log_probs"))
    assert analysis.torch_loss == pytest.approx(np.log(2))
    name, params = problem_of(("x.npz", npz(logits=LOGITS, labels=LABELS)), kind="log_probs", analyse=True)
    assert name == "log_prob_sum"


def test_labels_of_minus_100_are_left_out():
    labels = LABELS.copy()
    labels[:3] = inputs.IGNORE_INDEX
    analysis = numbers.analyse(read(("x.npz", npz(logits=LOGITS, labels=labels))))
    assert analysis.num_ignored == 3 and analysis.num_counted == 9
    assert np.all(analysis.losses[:3] == 0)


def test_labels_of_shape_n_by_1_are_class_indices():
    model_outputs = read(("x.npz", npz(logits=LOGITS, labels=LABELS[:, None])))
    assert model_outputs.target is None and np.array_equal(model_outputs.labels, LABELS)


def test_content_digest_changes_with_any_byte_and_is_stable():
    """The analysis cache's key: the same bytes give the same digest; one flipped bit anywhere (first,
    middle, last byte) or one byte more gives another."""
    data = bytearray(npy(LOGITS))
    digest = files.content_digest(bytes(data))
    assert files.content_digest(memoryview(bytes(data))) == digest
    assert len(digest) == 32  # 128 bits in hex
    for position in (0, len(data) // 2, len(data) - 1):
        changed = bytearray(data)
        changed[position] ^= 1
        assert files.content_digest(bytes(changed)) != digest
    assert files.content_digest(bytes(data) + b"\0") != digest
