"""A small checker of JSON request bodies that words its problems like OpenAI's error objects.

Each `Spec` checks one field and returns the first `Problem` (message, param, code) or None; the
engine's protocol builds the GA session's schema from them (`protocol.SESSION`).
"""

from __future__ import annotations

from typing import Any

Problem = tuple[str, str, str]  # (message, param, code), as in OpenAI's error object


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _type_error(param: str, expected: str, value: Any) -> Problem:
    message = f"Invalid type for '{param}': expected {expected}, but got {_kind(value)} instead."
    return message, param, "invalid_type"


def _enum_error(param: str, value: Any, allowed: tuple[str, ...]) -> Problem:
    listed = ", ".join(f"'{v}'" for v in allowed)
    return f"Invalid value: '{value}'. Supported values are: {listed}.", param, "invalid_value"


class Spec:
    """One field's rule; check() returns the first Problem or None."""

    def check(self, value: Any, param: str) -> Problem | None:  # pragma: no cover - interface
        raise NotImplementedError


class Anything(Spec):
    def check(self, value: Any, param: str) -> Problem | None:
        return None


class Str(Spec):
    def check(self, value: Any, param: str) -> Problem | None:
        return None if isinstance(value, str) else _type_error(param, "a string", value)


class Bool(Spec):
    def check(self, value: Any, param: str) -> Problem | None:
        return None if isinstance(value, bool) else _type_error(param, "a boolean", value)


class Enum(Spec):
    def __init__(self, *allowed: str) -> None:
        self.allowed = allowed

    def check(self, value: Any, param: str) -> Problem | None:
        if not isinstance(value, str):
            return _type_error(param, "one of " + ", ".join(self.allowed), value)
        return None if value in self.allowed else _enum_error(param, value, self.allowed)


class Num(Spec):
    """A number within [lo, hi]; integer=True wants an integer (OpenAI's integer_* codes)."""

    def __init__(
        self, lo: float | None = None, hi: float | None = None, *, integer: bool = False
    ) -> None:
        self.lo, self.hi, self.integer = lo, hi, integer

    def check(self, value: Any, param: str) -> Problem | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _type_error(param, "an integer" if self.integer else "a number", value)
        if self.integer and not isinstance(value, int):
            return _type_error(param, "an integer", value)
        word = "integer" if self.integer else "decimal"
        if self.lo is not None and value < self.lo:
            message = (
                f"Invalid '{param}': {word} below minimum value. "
                f"Expected a value >= {self.lo}, but got {value} instead."
            )
            return message, param, f"{word}_below_min_value"
        if self.hi is not None and value > self.hi:
            message = (
                f"Invalid '{param}': {word} above maximum value. "
                f"Expected a value <= {self.hi}, but got {value} instead."
            )
            return message, param, f"{word}_above_max_value"
        return None


class Nullable(Spec):
    def __init__(self, inner: Spec) -> None:
        self.inner = inner

    def check(self, value: Any, param: str) -> Problem | None:
        return None if value is None else self.inner.check(value, param)


class ListOf(Spec):
    def __init__(self, inner: Spec) -> None:
        self.inner = inner

    def check(self, value: Any, param: str) -> Problem | None:
        if not isinstance(value, list):
            return _type_error(param, "an array", value)
        for index, item in enumerate(value):
            problem = self.inner.check(item, f"{param}[{index}]")
            if problem:
                return problem
        return None


class Obj(Spec):
    """An object with known fields only (unknown ones are OpenAI's unknown_parameter)."""

    def __init__(
        self, fields: dict[str, Spec], *, required: tuple[str, ...] = (), ignored=()
    ) -> None:
        self.fields, self.required, self.ignored = fields, required, tuple(ignored)

    def check(self, value: Any, param: str) -> Problem | None:
        if not isinstance(value, dict):
            return _type_error(param, "an object", value)
        for name in value:
            if name not in self.fields and name not in self.ignored:
                return (
                    f"Unknown parameter: '{param}.{name}'.",
                    f"{param}.{name}",
                    "unknown_parameter",
                )
        for name in self.required:
            if name not in value:
                message = f"Missing required parameter: '{param}.{name}'."
                return message, f"{param}.{name}", "missing_required_parameter"
        for name, spec in self.fields.items():
            if name in value:
                problem = spec.check(value[name], f"{param}.{name}")
                if problem:
                    return problem
        return None


class Tagged(Spec):
    """A union told apart by its `type` field (turn_detection, tools, formats, truncation...)."""

    def __init__(self, variants: dict[str, Obj], *, plain: Spec | None = None) -> None:
        self.variants, self.plain = variants, plain

    def check(self, value: Any, param: str) -> Problem | None:
        if self.plain is not None and not isinstance(value, dict):
            return self.plain.check(value, param)
        if not isinstance(value, dict):
            return _type_error(param, "an object", value)
        if "type" not in value:
            message = f"Missing required parameter: '{param}.type'."
            return message, f"{param}.type", "missing_required_parameter"
        variant = self.variants.get(value["type"])
        if variant is None:
            return _enum_error(f"{param}.type", value["type"], tuple(self.variants))
        return variant.check(value, param)


class Either(Spec):
    """A value that is either a plain value (checked by `plain`) or an object (`shape`)."""

    def __init__(self, plain: Spec, shape: Spec) -> None:
        self.plain, self.shape = plain, shape

    def check(self, value: Any, param: str) -> Problem | None:
        return (
            self.shape.check(value, param)
            if isinstance(value, dict)
            else self.plain.check(value, param)
        )


class MaxTokens(Spec):
    def check(self, value: Any, param: str) -> Problem | None:
        if isinstance(value, str):
            return None if value == "inf" else _enum_error(param, value, ("inf",))
        return Num(1, 4096, integer=True).check(value, param)
