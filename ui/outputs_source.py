"""Where the outputs page's data comes from: the shipped digits example or the visitor's files, read once
and analysed once per content.

An upload is hashed once (topics.outputs.files.content_digest of its bytes, remembered per upload id in
session state), and the analysis is cached by that hash and the outputs' kind (st.cache_resource with
few entries, shared and not copied: a rerun takes the frozen Analysis as it is, without unpickling its
arrays; an analysis of 50,000 x 1,000 outputs keeps ~10 MB of per-sample arrays and the confusion
matrix, never the scores). The example's Analysis is made once per process. So a slider on the page reruns
the script without reading, hashing or analysing again. A file that cannot be used is cached as its
problems, and the page keeps showing the last outputs it could read.
"""

import hashlib

import numpy as np
import streamlit as st

from topics.outputs.example import EXAMPLE_NAME, example_analysis, example_image
from topics.outputs.files import content_digest
from topics.outputs.inputs import CLASS_RANGE, MAX_SAMPLES, read_outputs
from topics.outputs.numbers import analyse
from topics.shared.inputs import InputError
from ui import messages
from ui.language import t
from ui.url_state import publish

PAGE = "outputs"
CACHE_ENTRIES = 4
HASHES = "_mo_hashes"  # {upload file_id: content digest}; not a widget key
LAST_GOOD = "_mo_last_good"  # (name, Analysis) of the last upload that could be read
REPORT_VALUES = "_mo_report_values"  # {control key: value} the report download reads; not a widget key
UPLOAD_TYPES = ["npy", "npz", "pt", "pth", "safetensors", "csv"]
IMAGES_SHOWN = 8
IMAGE_SCALE = 8  # an 8 x 8 digit drawn as 64 x 64 pixels


def max_upload_bytes():
    """server.maxUploadSize (MiB, as Streamlit counts it) in bytes."""
    return st.get_option("server.maxUploadSize") * 1024 * 1024


@st.cache_resource(max_entries=CACHE_ENTRIES, show_spinner=False)
def cached_analysis(content_key, kind, _files, max_bytes):
    """("ok", Analysis) or ("problems", InputError's problems) for files [(name, bytes)] whose content
    hashes to `content_key` (the bytes themselves are not hashed again: the leading _ tells Streamlit)."""
    try:
        return "ok", analyse(read_outputs(_files, kind, max_bytes))
    except InputError as error:
        return "problems", error.problems


def content_key(uploads):
    """One key for the uploads' names and bytes, each upload's bytes digested once per session."""
    hashes = st.session_state.setdefault(HASHES, {})
    parts = []
    for upload in uploads:
        if upload.file_id not in hashes:
            hashes[upload.file_id] = content_digest(upload.getbuffer())
        parts.append(f"{upload.name}:{hashes[upload.file_id]}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def upload_controls():
    """The two uploaders; returns the uploaded files (outputs first), or [] when none."""
    size = f"{st.get_option('server.maxUploadSize'):,}"  # as Streamlit's uploader says it
    help_text = t("mo.upload_help", rows=f"{MAX_SAMPLES:,}", classes=f"{CLASS_RANGE[1]:,}", size=size)
    outputs = st.file_uploader(
        t("mo.upload_outputs"), type=UPLOAD_TYPES, key="mo_outputs_file", help=help_text
    )
    labels = st.file_uploader(t("mo.upload_labels"), type=UPLOAD_TYPES, key="mo_labels_file")
    return [outputs, labels] if outputs is not None and labels is not None else [outputs] if outputs else []


def current_analysis(source, kind, uploads):
    """(name, Analysis) to show: the uploads' analysis if they can be read, else the last outputs that
    could (or the example), with the problems said in the message box."""
    if source == "upload" and uploads:
        files = [(upload.name, upload.getbuffer()) for upload in uploads]  # views: no copy of the bytes
        status, result = cached_analysis(content_key(uploads), kind, files, max_upload_bytes())
        if status == "ok":
            messages.clear(PAGE)
            st.session_state[LAST_GOOD] = (uploads[0].name, result)
            return uploads[0].name, result
        keeps = "mo.keeps" if LAST_GOOD in st.session_state else "mo.keeps_example"
        messages.say_problems(PAGE, "source", InputError(result), keeps)
    else:
        messages.clear(PAGE)
    if source == "upload" and LAST_GOOD in st.session_state:
        return st.session_state[LAST_GOOD]
    return EXAMPLE_NAME, example_analysis()  # computed once per server process


def report_values(specs):
    """The page's control values in one dict per session, updated in place: the report download's
    callable runs outside any script run (no session state there), and a fragment's run does not redraw
    the button, so the button holds this dict and reads it when clicked."""
    values = st.session_state.setdefault(REPORT_VALUES, {})
    values.update({spec.key: st.session_state[spec.key] for spec in specs})
    return values


def publish_outputs(specs):
    """The URL and the report's control values follow every run, a fragment's included."""
    report_values(specs)
    publish(specs)


def worst_digits(analysis):
    """The digits example's worst samples as the 8 x 8 images they are, with true -> predicted."""
    st.caption(t("mo.worst_images"))
    with st.container(horizontal=True, wrap=True, key="mo_digits"):
        for index in analysis.worst[:IMAGES_SHOWN]:
            fields = {"index": int(index), "true": int(analysis.labels[index]),
                      "predicted": int(analysis.predicted[index])}  # fmt: skip
            pixels = np.kron(example_image(int(index)), np.ones((IMAGE_SCALE, IMAGE_SCALE), dtype=np.uint8))
            caption, alt = t("mo.image_caption", **fields), t("mo.image_alt", **fields)
            st.image(pixels, caption=caption, width=72, alt=alt)
