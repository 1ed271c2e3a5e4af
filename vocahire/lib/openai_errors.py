"""The OpenAI gateway's error, in its own module so that the breaker (which the gateway calls) can
tell an upstream failure from our own mistake without importing the gateway."""

from __future__ import annotations


class OpenAIError(Exception):
    """An upstream call failed; `retryable` says whether trying again can help."""

    def __init__(self, message: str, code: str, status: int | None, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.retryable = retryable

    def __repr__(self) -> str:
        return f"OpenAIError(code={self.code!r}, status={self.status}, retryable={self.retryable})"
