"""PyTorch's own test inputs for the four losses, through core and through torch.

The torch wheel ships the inputs its developers test these losses with (torch.testing._internal):
- the OpInfo `sample_inputs` of nn.functional.cross_entropy, nll_loss, binary_cross_entropy and
  binary_cross_entropy_with_logits (common_methods_invocations.op_db),
- the ModuleInfo `module_inputs_func` and `module_error_inputs_func` of nn.CrossEntropyLoss, NLLLoss,
  BCELoss and BCEWithLogitsLoss (common_modules.module_db): constructor arguments, forward inputs, and
  the calls torch must refuse.
Each case runs through torch and through core (tests/framework_calls.py), in float32 and float64:
values and gradients must agree, and where torch raises, core must raise the same kind of error.
Building the cases imports those heavy modules once (a module-scoped fixture); the run reports how many
cases ran ("PyTorch's own test inputs: N") and fails if fewer than MINIMUM_CASES ran.
"""

import inspect
from dataclasses import dataclass

import pytest

from framework_calls import agreement_problem, core_outcome, gradient_scale, input_scale, torch_outcome

pytestmark = [
    pytest.mark.usefixtures("torch_cpu"),
    pytest.mark.filterwarnings("ignore::UserWarning"),  # size_average/reduce inputs warn, as intended
]

MINIMUM_CASES = 500
OPINFO_FUNCTIONS = {  # OpInfo name -> core's function
    "nn.functional.cross_entropy": "cross_entropy",
    "nn.functional.nll_loss": "nll_loss",
    "nn.functional.binary_cross_entropy": "binary_cross_entropy",
    "nn.functional.binary_cross_entropy_with_logits": "binary_cross_entropy_with_logits",
}
MODULE_FUNCTIONS = {  # nn module -> core's function (their constructor arguments are its keywords)
    "CrossEntropyLoss": "cross_entropy",
    "NLLLoss": "nll_loss",
    "BCELoss": "binary_cross_entropy",
    "BCEWithLogitsLoss": "binary_cross_entropy_with_logits",
}


@dataclass
class Case:
    """One call: `torch_call(input, *args, **kwargs)` in torch against core.<name>(same arguments)."""

    label: str
    name: str
    torch_call: object
    input: object
    args: tuple
    kwargs: dict


@pytest.fixture(scope="module")
def pytorch_cases(torch_cpu):
    """Every case, built once: OpInfo samples and ModuleInfo inputs and error inputs, float32 and float64."""
    from torch.testing._internal.common_methods_invocations import op_db
    from torch.testing._internal.common_modules import module_db

    cases = []
    for dtype in (torch_cpu.float32, torch_cpu.float64):
        for op in (op for op in op_db if op.name in OPINFO_FUNCTIONS):
            for index, sample in enumerate(op.sample_inputs("cpu", dtype, requires_grad=True)):
                label = f"OpInfo {op.name} sample {index} ({dtype})"
                cases.append(
                    Case(label, OPINFO_FUNCTIONS[op.name], op.op, sample.input, sample.args, sample.kwargs)
                )
        for module_info in (m for m in module_db if m.module_cls.__name__ in MODULE_FUNCTIONS):
            cases += module_cases(module_info, dtype)
    return cases


def module_cases(module_info, dtype):
    """The ModuleInfo's inputs and error inputs as Cases: torch builds the module and calls it; core gets
    the constructor's arguments as keywords."""
    cls = module_info.module_cls
    options = dict(device="cpu", dtype=dtype, requires_grad=True, training=True)
    inputs = [(each, "input") for each in module_info.module_inputs_func(module_info, **options)]
    if module_info.module_error_inputs_func is not None:
        errors = module_info.module_error_inputs_func(module_info, **options)
        inputs += [(error.module_error_input, "error input") for error in errors]
    cases = []
    for index, (module_input, kind) in enumerate(inputs):
        constructor, forward = module_input.constructor_input, module_input.forward_input
        keywords = constructor_keywords(cls, constructor.args, constructor.kwargs)
        input, *args = forward.args
        cases.append(
            Case(
                f"ModuleInfo {cls.__name__} {kind} {index} ({dtype}) {keywords_label(keywords)}",
                MODULE_FUNCTIONS[cls.__name__],
                module_call(cls, constructor.args, constructor.kwargs),
                input,
                tuple(args),
                dict(forward.kwargs),
            )
        )
        cases[-1].kwargs.update(keywords)
    return cases


def module_call(cls, args, kwargs):
    """A call that builds the module (inside the call: a refused constructor argument raises there) and
    applies it; keyword arguments meant for core are dropped."""

    def call(input, *forward_args, **_core_keywords):
        return cls(*args, **kwargs)(input, *forward_args)

    return call


def constructor_keywords(cls, args, kwargs):
    """The module's constructor arguments by name (positional ones bound to its signature)."""
    bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    return {name: value for name, value in bound.arguments.items() if name != "self"}


def keywords_label(keywords):
    shown = {k: tuple(v.shape) if hasattr(v, "shape") else v for k, v in keywords.items()}
    return str(shown) if shown else ""


def test_pytorch_own_inputs_agree_with_core(oracle, pytorch_cases):
    problems = []
    for case in pytorch_cases:
        expected = torch_outcome(case.torch_call, case.input, case.args, case.kwargs)
        actual = core_outcome(case.name, case.input, case.args, case.kwargs)
        problem = agreement_problem(
            oracle,
            case.label,
            expected,
            actual,
            value_scale=input_scale(case.input),
            grad_scale=gradient_scale(**case.kwargs),
        )
        if problem:
            problems.append(problem)
    oracle.note("PyTorch's own test inputs (cases run)", len(pytorch_cases))
    print(f"PyTorch's own test inputs: {len(pytorch_cases)} cases ran, {len(problems)} differ")
    assert len(pytorch_cases) >= MINIMUM_CASES, f"only {len(pytorch_cases)} of PyTorch's cases ran"
    assert not problems, f"{len(problems)} of {len(pytorch_cases)} cases differ:\n" + "\n".join(problems)
