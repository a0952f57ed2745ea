"""Reading the arrays in an uploaded file, never unpickling it: .npy and .npz (np.load's format without
pickles), .pt/.pth (torch.load(weights_only=True): plain tensors only), .safetensors (its 8-byte header
length, JSON header and raw bytes, parsed here with NumPy) and .csv.

read_arrays(name, data) gives {array name: np.ndarray}; a file that cannot be used raises
topics.shared.inputs.InputError with a Problem naming why ("mo.problem.<kind>"). Arrays are read without
a copy where the format allows (np.frombuffer over the uploaded bytes: read-only views).
"""

import hashlib
import importlib.util
import io
import json
import math
import secrets
import zipfile

import numpy as np

from topics.shared.inputs import InputError, Problem

FORMATS = {
    "npy": "npy",
    "npz": "npz",
    "pt": "torch",
    "pth": "torch",
    "safetensors": "safetensors",
    "csv": "csv",
}
SAFETENSORS_DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
    "BOOL": "?",
}
MAX_HEADER_BYTES = 100_000_000  # safetensors' own limit for the JSON header
LABEL_COLUMNS = ("label", "labels", "target", "targets", "y", "y_true", "class")
# The content digest's seed: secret and new in each server process, so that nobody can make a file that
# collides with another visitor's in the shared analysis cache (xxh3 is fast, not cryptographic).
DIGEST_SEED = secrets.randbits(64)


def content_digest(data):
    """A 128-bit digest of the bytes, the analysis cache's key: xxh3_128 with DIGEST_SEED (~10 GB/s, a
    50,000 x 1,000 float32 upload in ~20 ms; SHA-256 took ~250 ms), or SHA-256 when the xxhash package is
    not installed. Any changed byte changes it (but for a 2^-128 chance)."""
    if importlib.util.find_spec("xxhash") is None:
        return hashlib.sha256(data).hexdigest()
    import xxhash

    return xxhash.xxh3_128(data, seed=DIGEST_SEED).hexdigest()


def problem(kind, **params):
    return InputError([Problem(f"mo.problem.{kind}", params)])


def file_format(name):
    """The format of a file by its name's ending (InputError for another ending)."""
    ending = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ending not in FORMATS:
        raise problem("unknown_type", name=name)
    return FORMATS[ending]


def read_arrays(name, data, max_bytes):
    """{array name: array} of the file `name` holding the bytes `data`."""
    if len(data) == 0:
        raise problem("empty", name=name)
    if len(data) > max_bytes:
        raise problem("file_too_large", name=name, size=_megabytes(len(data)), limit=_megabytes(max_bytes))
    reader = {
        "npy": _read_npy,
        "npz": _read_npz,
        "torch": _read_torch,
        "safetensors": _read_safetensors,
        "csv": _read_csv,
    }[file_format(name)]
    arrays = reader(name, data)
    if not arrays:
        raise problem("no_arrays", name=name)
    return arrays


def _megabytes(size):
    """Bytes in Streamlit's megabytes (MiB: server.maxUploadSize counts 1024 x 1024 bytes)."""
    return f"{size / 2**20:,.1f}"


def _read_npy(name, data):
    """A .npy file as a view of its bytes (np.lib.format's header, then np.frombuffer)."""
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        read_header = (
            np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        )
        shape, fortran_order, dtype = read_header(stream)
    except (ValueError, SyntaxError, EOFError) as error:
        raise problem("not_readable", name=name, format=".npy", detail=str(error)[:200]) from None
    if dtype.hasobject:
        raise problem("pickle", name=name)
    count = math.prod(shape)
    if stream.tell() + count * dtype.itemsize > len(data):
        raise problem("not_readable", name=name, format=".npy", detail="the file ends before its data")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=stream.tell())
    return {"array": array.reshape(shape, order="F" if fortran_order else "C")}


def _read_npz(name, data):
    if bytes(data[:4]) not in (b"PK\x03\x04", b"PK\x05\x06"):  # np.load would try a pickle next
        raise problem("not_readable", name=name, format=".npz", detail="not a zip archive")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except ValueError as error:
        if "allow_pickle" in str(error) or "Object arrays" in str(error):
            raise problem("pickle", name=name) from None
        raise problem("not_readable", name=name, format=".npz", detail=str(error)[:200]) from None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as error:
        raise problem("not_readable", name=name, format=".npz", detail=str(error)[:200]) from None


def torch_installed():
    return importlib.util.find_spec("torch") is not None


def _read_torch(name, data):
    """torch.load(weights_only=True): a tensor, or a dict (or list) of tensors. Anything else is refused
    by torch's restricted unpickler before it runs, and by us after it if it is not plain tensors."""
    if not torch_installed():
        raise problem("no_torch", name=name)
    import torch

    try:
        loaded = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises UnpicklingError, RuntimeError, ... for a file it refuses
        text = str(error)
        if "GLOBAL" in text or "Unsupported global" in text:  # an object torch's unpickler would not build
            raise problem("pickle", name=name) from None
        detail = "not a file torch.save wrote" if "weights_only" in text else text.splitlines()[0][:200]
        raise problem("not_readable", name=name, format=".pt", detail=detail) from None
    if isinstance(loaded, torch.Tensor):
        items = {"tensor": loaded}
    elif isinstance(loaded, dict):
        items = {str(key): value for key, value in loaded.items()}
    elif isinstance(loaded, list | tuple):
        items = {str(index): value for index, value in enumerate(loaded)}
    else:
        raise problem("not_tensors", name=name, found=type(loaded).__name__)
    arrays = {}
    for key, value in items.items():
        if not isinstance(value, torch.Tensor):
            raise problem("not_tensors", name=name, found=f"{key}: {type(value).__name__}")
        value = value.detach()
        if value.dtype in (torch.bfloat16, torch.float16):
            value = value.float()
        arrays[key] = value.numpy()
    return arrays


def _read_safetensors(name, data):
    """The safetensors format: an 8-byte little-endian header length n, n bytes of JSON
    {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the raw
    little-endian bytes (offsets count from the end of the header)."""

    def broken(detail):
        return problem("not_readable", name=name, format=".safetensors", detail=detail)

    if len(data) < 8:
        raise broken("shorter than its 8-byte header length")
    header_length = int.from_bytes(data[:8], "little")
    if header_length > min(MAX_HEADER_BYTES, len(data) - 8):
        raise broken("its header length is larger than the file")
    try:
        header = json.loads(bytes(data[8 : 8 + header_length]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise broken(f"its header is not JSON: {error}") from None
    if not isinstance(header, dict):
        raise broken("its header is not a JSON object")
    start, arrays = 8 + header_length, {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        try:
            code, shape, (begin, end) = entry["dtype"], tuple(entry["shape"]), entry["data_offsets"]
        except (TypeError, KeyError, ValueError):
            raise broken(f"entry {key!r} lacks dtype, shape or data_offsets") from None
        if not all(isinstance(n, int) and n >= 0 for n in (*shape, begin, end)):
            raise broken(f"entry {key!r} has a bad shape or offsets")
        if code == "BF16":
            dtype = np.dtype("<u2")
        elif code in SAFETENSORS_DTYPES:
            dtype = np.dtype(SAFETENSORS_DTYPES[code])
        else:
            raise broken(f"entry {key!r} has dtype {code!r}, which the page does not read")
        count = math.prod(shape)
        if end - begin != count * dtype.itemsize or start + end > len(data) or begin > end:
            raise broken(f"entry {key!r}: its offsets do not match its shape")
        array = np.frombuffer(data, dtype=dtype, count=count, offset=start + begin).reshape(shape)
        if code == "BF16":  # bfloat16 is the top half of a float32
            array = (array.astype(np.uint32) << 16).view(np.float32)
        arrays[key] = array
    return arrays


def _read_csv(name, data):
    """A CSV of numbers, one sample a row, with or without a header. A column named as in LABEL_COLUMNS
    holds the labels ("labels"); the other columns are the outputs ("outputs")."""
    import pandas as pd

    first_line = bytes(data[:65536]).split(b"\n", 1)[0].decode("utf-8", "replace")
    fields = [field.strip().strip('"') for field in first_line.split(",")]
    has_header = not all(_is_number(field) for field in fields)
    try:
        table = pd.read_csv(io.BytesIO(data), header=0 if has_header else None, dtype=np.float64)
    except (ValueError, pd.errors.ParserError) as error:
        detail = str(error).splitlines()[0][:200]
        raise problem("not_readable", name=name, format=".csv", detail=detail) from None
    if not has_header:
        return {"outputs": table.to_numpy()}
    columns = [str(column).strip().lower() for column in table.columns]
    label_columns = [index for index, column in enumerate(columns) if column in LABEL_COLUMNS]
    arrays = {}
    if label_columns:
        arrays["labels"] = table.iloc[:, label_columns[0]].to_numpy()
        table = table.drop(columns=table.columns[label_columns[0]])
    if table.shape[1]:
        arrays["outputs"] = table.to_numpy()
    return arrays


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True
