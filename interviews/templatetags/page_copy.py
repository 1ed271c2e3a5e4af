"""Candidate-facing wording for text that can carry internals (the local engine's placeholders)."""

from __future__ import annotations

import re

from django import template

register = template.Library()

# "[untranscribed speech, 4.0 seconds: the local engine has no transcriber]": the reason is
# operator detail; candidates read how long they spoke and that it could not be transcribed.
UNTRANSCRIBED = re.compile(r"^\[untranscribed speech, ([\d.]+) seconds(?::[^\]]*)?\]$")


@register.filter
def candidate_text(text: str, user: object) -> str:
    """A transcript turn as the viewer should read it: staff see it verbatim, others plain words."""
    if getattr(user, "is_staff", False):
        return text
    match = UNTRANSCRIBED.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return text
    return f"[{float(match[1]):g} seconds of speech that could not be transcribed]"
