"""Which upstream answers, chosen by settings: the realtime provider and the feedback grader.

The realtime provider is the local engine (`manage.py runrealtime`), OpenAI, or an OpenAI-compatible
endpoint (a proxy or gateway at another URL); settings choose it (`REALTIME_PROVIDER`, from the key
and `REALTIME_BASE_URL`). The gateway, the health endpoint and command, the supervisor, the pages and
feedback ask here, never the URLs themselves. Read per call, so a settings override takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings

ProviderKind = Literal["local", "openai", "openai_compatible"]
OPENAI_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class RealtimeProvider:
    """The realtime upstream in use."""

    kind: ProviderKind
    base_url: str  # no trailing slash

    @property
    def name(self) -> str:
        """What health and pages show: "local", or "openai" for OpenAI and compatible endpoints."""
        return "local" if self.kind == "local" else "openai"

    @property
    def is_local(self) -> bool:
        return self.kind == "local"

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the upstream (what the page's CSP connect-src names)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, path: str) -> str:
        """An upstream URL for an API path (absolute URLs pass through)."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"


def realtime_provider() -> RealtimeProvider:
    """The realtime provider the settings choose."""
    base_url = settings.REALTIME_BASE_URL.rstrip("/")
    if settings.REALTIME_PROVIDER == "local":
        return RealtimeProvider("local", base_url)
    return RealtimeProvider("openai" if base_url == OPENAI_URL else "openai_compatible", base_url)


def ai_grading_enabled() -> bool:
    """Whether reports get an AI assessment (FEEDBACK_PROVIDER), besides the measured analytics."""
    return settings.FEEDBACK_PROVIDER == "openai"


def responses_url() -> str:
    """The Responses API the grader calls (OpenAI or any OpenAI-compatible endpoint)."""
    return f"{settings.OPENAI_BASE_URL.rstrip('/')}/responses"
