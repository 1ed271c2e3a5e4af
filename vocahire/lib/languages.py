"""The languages an interview may be held in (DESIGN section 11): one list for every app.

The pages stay in English; the language is what the interviewer speaks, what the transcription
expects, what the local engine says and which filler words the analytics count.
"""

from __future__ import annotations

DEFAULT = "en"
# ISO 639-1 code -> the language's English name (what the pages and the instructions say).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
}
# What each language calls itself: said to the interviewer beside the English name.
NATIVE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "español",
    "fr": "français",
    "de": "Deutsch",
    "pt": "português",
    "it": "italiano",
    "nl": "Nederlands",
}
CHOICES: list[tuple[str, str]] = list(LANGUAGES.items())
CODE_MAX_LENGTH = 2


def language_valid(code: object) -> bool:
    """True for one of the supported codes, exactly as written (lower case)."""
    return isinstance(code, str) and code in LANGUAGES


def language_name(code: str) -> str:
    """The English name of a supported language; English for anything else."""
    return LANGUAGES.get(code, LANGUAGES[DEFAULT])


def language_invalid_message(code: object) -> str:
    """The sentence an API client or a form shows for an unsupported language."""
    supported = ", ".join(LANGUAGES)
    return f"{str(code)[:20]!r} is not a language interviews can be held in. Choose one of: {supported}."
