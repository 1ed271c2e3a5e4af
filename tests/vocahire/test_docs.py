"""Every setting read from the environment is documented where operators look."""

from __future__ import annotations

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _env_names() -> set[str]:
    source = (BASE_DIR / "vocahire" / "settings.py").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', source))
    assert "DATABASE_URL" in names and "SECRET_KEY" in names  # the pattern still matches
    return names


def test_readme_configuration_table_lists_every_setting():
    readme = (BASE_DIR / "README.md").read_text()
    missing = {name for name in _env_names() if f"| `{name}` |" not in readme}
    assert not missing, f"add to the README configuration table: {sorted(missing)}"


def test_env_example_lists_every_setting():
    example = (BASE_DIR / ".env.example").read_text()
    missing = {name for name in _env_names() if not re.search(rf"^# {name}=", example, re.M)}
    assert not missing, f"add to .env.example: {sorted(missing)}"
