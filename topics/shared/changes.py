"""A change of a page's controls that a person asked for (a paste, a step, an example, a new shape), with
what the page says about it. A topic's function returns a Change, or raises inputs.InputError when the
input cannot be used; ui.messages.apply sets the values and shows the sentence."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    values: dict  # control key -> new value
    kind: str | None = None  # "success" or "info"; None: nothing to say (an older message is cleared)
    key: str | None = None  # the i18n key of the sentence
    fields: dict = field(default_factory=dict)
    also: tuple = ()  # keys of further sentences (without fields) said in the same paragraph
