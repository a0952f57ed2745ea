"""The "fix the snippet" lesson's checker (topics.lessons.snippet_fix), which never runs the student's
code: on fixes written several ways, wrong fixes and hostile text. The loss it computes (through core) is
compared with what real torch prints when the test itself runs each snippet (snippets written here, in
the test, never a student's text)."""

import numpy as np
import pytest

from topics.lessons import snippet_fix
from topics.lessons.snippet_fix import STARTING_CODE, check_fix

WRITTEN = "loss_fn = nn.BCEWithLogitsLoss()\nloss = loss_fn(y_pred, y_true)"


def fixed(new_lines):
    """The starting snippet with its two loss lines replaced."""
    assert WRITTEN in STARTING_CODE
    return STARTING_CODE.replace(WRITTEN, new_lines)


RIGHT = {
    "BCELoss on the probabilities": fixed("loss_fn = nn.BCELoss()\nloss = loss_fn(y_pred, y_true)"),
    "logits through torch.logit": fixed(
        "loss_fn = nn.BCEWithLogitsLoss()\nloss = loss_fn(torch.logit(y_pred), y_true)"
    ),
    "logits as log-odds": fixed(
        "logits = torch.log(y_pred / (1 - y_pred))\nloss = nn.BCEWithLogitsLoss()(logits, y_true)"
    ),
    "the logit method": fixed("loss = nn.BCEWithLogitsLoss()(y_pred.logit(), y_true)"),
    "functional BCE": "import torch\nimport torch.nn.functional as F\n"
    "y_true = torch.tensor([1.0, 0.0, 1.0])\ny_pred = torch.tensor([0.9, 0.2, 0.8])\n"
    "loss = F.binary_cross_entropy(y_pred, y_true)\nprint(loss)\n",
    "functional with logits, keywords": "import torch\nfrom torch.nn import functional as F\n"
    "y_true = torch.tensor([1.0, 0.0, 1.0])\ny_pred = torch.tensor([0.9, 0.2, 0.8])\n"
    "loss = F.binary_cross_entropy_with_logits(input=torch.special.logit(y_pred), target=y_true)\n",
    "logits typed in": "import torch\nfrom torch.nn import BCEWithLogitsLoss\n"
    "y_true = torch.tensor([1.0, 0.0, 1.0])\nlogits = torch.tensor([2.1972246, -1.3862944, 1.3862944])\n"
    "loss = BCEWithLogitsLoss()(logits, y_true)\n",
    "reduction sum": fixed("loss = nn.BCELoss(reduction='sum')(y_pred, y_true)"),
    "import torch.nn as nn": STARTING_CODE.replace("from torch import nn", "import torch.nn as nn").replace(
        "nn.BCEWithLogitsLoss()", "nn.BCELoss()"
    ),
    "an earlier wrong loss, then the right one": fixed(
        "wrong = nn.BCEWithLogitsLoss()(y_pred, y_true)\nloss = nn.BCELoss()(y_pred, y_true)"
    ),
}

WRONG = {
    "unchanged": (STARTING_CODE, "still_probs"),
    "a second sigmoid": (
        fixed("loss = nn.BCEWithLogitsLoss()(torch.sigmoid(y_pred), y_true)"),
        "double_sigmoid",
    ),
    "sigmoid into BCELoss": (fixed("loss = nn.BCELoss()(y_pred.sigmoid(), y_true)"), "double_sigmoid"),
    "arguments swapped": (fixed("loss = nn.BCELoss()(y_true, y_pred)"), "swapped"),
    "other labels": (fixed("loss = nn.BCELoss()(y_pred, 1 - y_true)"), "other_labels"),
    "a changed prediction": (fixed("loss = nn.BCELoss()(y_pred * 0.5, y_true)"), "other_numbers"),
    "the loss's last call is wrong": (
        fixed("loss = nn.BCELoss()(y_pred, y_true)\nloss = nn.BCEWithLogitsLoss()(y_pred, y_true)"),
        "still_probs",
    ),
}

RAISES = {
    "logits into BCELoss": fixed("loss = nn.BCELoss()(torch.logit(y_pred), y_true)"),
}


def torch_loss(code, torch):
    """What torch computes for a snippet written in this test file (trusted code, run only here)."""
    scope = {}
    exec(compile(code.replace("print(loss)", ""), "<test snippet>", "exec"), scope)  # noqa: S102
    return scope["loss"]


@pytest.mark.parametrize("name", list(RIGHT))
def test_a_right_fix_is_recognised_and_its_loss_is_torchs(name, torch_cpu, oracle):
    verdict = check_fix(RIGHT[name])
    assert verdict.right and verdict.key == "right", verdict
    expected = torch_loss(RIGHT[name], torch_cpu)
    oracle.close(np.float32(verdict.loss), expected.sum(), what=name)
    seed_meant = torch_cpu.nn.BCELoss(reduction="sum" if "sum" in name else "mean")(
        torch_cpu.tensor(snippet_fix.SEED_001_PROBS), torch_cpu.tensor(snippet_fix.SEED_001_LABELS)
    )
    oracle.close(np.float32(verdict.intended), seed_meant, what=f"{name}: the loss seed 001 meant")


@pytest.mark.parametrize("name", list(WRONG))
def test_a_wrong_fix_is_refused_with_its_reason_and_the_loss_torch_would_print(name, torch_cpu, oracle):
    code, reason = WRONG[name]
    verdict = check_fix(code)
    assert not verdict.right and verdict.key == reason, verdict
    oracle.close(np.float32(verdict.loss), torch_loss(code, torch_cpu).sum(), what=name)


@pytest.mark.parametrize("name", list(RAISES))
def test_a_fix_torch_refuses_says_what_torch_would_raise(name, torch_cpu):
    verdict = check_fix(RAISES[name])
    assert not verdict.right and verdict.key == "raises" and "between 0 and 1" in verdict.fields["message"]
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        torch_loss(RAISES[name], torch_cpu)


HOSTILE = {
    "does not parse": ("loss = nn.BCELoss()(y_pred, y_true", "syntax"),
    "indentation": ("import torch\n  x = 1\n", "syntax"),
    "another module": ("import os\nos.system('rm -rf /')\n", "import"),
    "from another module": ("from subprocess import run\nrun(['ls'])\n", "import"),
    "relative import": ("from . import torch\n", "import"),
    "eval": (STARTING_CODE + "eval('1')\n", "unknown_name"),
    "dunder walk": ("import torch\nx = torch.tensor.__class__.__base__\n", "expression"),
    "a loop": (STARTING_CODE + "for i in range(10**9):\n    pass\n", "statement"),
    "a function": ("def f():\n    return 1\n", "statement"),
    "a huge tensor": ("import torch\nx = torch.tensor([0.5] * 100000)\n", "tensor"),
    "a computed tensor": ("import torch\nx = torch.tensor(open('/etc/passwd'))\n", "tensor"),
    "deep nesting": ("x = " + "(" * 500 + "1" + ")" * 500, "too_deep"),
    "very long": ("#" * 10_000, "too_long"),
    "no loss": ("import torch\nx = torch.tensor([1.0])\n", "no_loss"),
    "nothing": ("", "no_loss"),
    "a null character": ("import torch\x00\n", "syntax"),
    "markup": ("<script>alert(1)</script>", "syntax"),
    "not text": (None, "too_long"),
    "an unknown option": (fixed("loss = nn.BCELoss(weight=y_true)(y_pred, y_true)"), "option"),
    "a power": (fixed("loss = nn.BCELoss()(y_pred ** 2, y_true)"), "expression"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_or_broken_code_gets_a_verdict_and_is_never_run(name, monkeypatch):
    code, reason = HOSTILE[name]

    def refuse(*arguments, **options):
        raise AssertionError("the checker ran code")

    monkeypatch.setattr("builtins.eval", refuse)
    monkeypatch.setattr("builtins.exec", refuse)
    verdict = check_fix(code)
    assert not verdict.right and verdict.key == reason, verdict


def test_every_verdict_has_words_in_both_languages():
    from topics.shared.i18n import STRINGS

    keys = {"right", "too_long", "syntax", "too_deep", "too_long_code", "no_loss", "raises", "not_finite"}
    keys |= {reason for _, reason in WRONG.values()} | {reason for _, reason in HOSTILE.values()}
    keys |= {
        "import",
        "statement",
        "unknown_name",
        "expression",
        "call",
        "tensor",
        "option",
        "loss_arguments",
    }
    for lang in ("en", "zh"):
        missing = [key for key in sorted(keys) if f"ls.code.{key}" not in STRINGS[lang]]
        assert not missing, (lang, missing)


def test_the_starting_code_holds_seed_001s_numbers_as_the_binary_page_does():
    from topics.binary.numbers import MISTAKE_PROBS, MISTAKE_TARGET, mistake

    assert (snippet_fix.SEED_001_PROBS, snippet_fix.SEED_001_LABELS) == (MISTAKE_PROBS, MISTAKE_TARGET)
    verdict = check_fix(STARTING_CODE)
    assert verdict.loss == pytest.approx(mistake().wrong_mean, rel=1e-6)
    assert verdict.intended == pytest.approx(mistake().right_mean, rel=1e-6)


def test_a_message_never_carries_markup_from_the_code():
    verdict = check_fix("import torch\nx = `![x](http://e.example/a.png)`<b>\n")
    assert not any(character in str(verdict.fields) for character in "`[]<>!")
