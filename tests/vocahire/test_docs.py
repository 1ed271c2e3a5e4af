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


def test_readme_lists_every_management_command():
    readme = (BASE_DIR / "README.md").read_text()
    commands = {
        path.stem
        for path in BASE_DIR.glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }
    assert "seed_demo" in commands  # the glob still finds the commands
    missing = {name for name in commands if f"| `{name}` |" not in readme}
    assert not missing, f"add to the README's management commands table: {sorted(missing)}"


def test_readme_names_every_make_target():
    readme = (BASE_DIR / "README.md").read_text()
    makefile = (BASE_DIR / "Makefile").read_text()
    targets = set(re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split())
    assert {"run", "test", "lint"} <= targets
    missing = {name for name in targets if not re.search(rf"make {name}\b", readme)}
    assert not missing, f"describe in the README: {sorted(f'make {name}' for name in missing)}"


def test_readme_lists_every_api_endpoint():
    from django.urls import URLPattern, URLResolver, get_resolver

    def routes(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from routes(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    readme = (BASE_DIR / "README.md").read_text()
    api = [r for r in routes(get_resolver().url_patterns) if r.startswith("api/v1/")]
    documented = {"api/v1/schema/", "api/v1/docs/"}
    missing = []
    for route in api:
        # Django's <uuid:interview_id> is written {id} in the README, <int:question_number> {n}.
        written = re.sub(r"<(?:\w+:)?(\w+)>", "{}", route.removeprefix("api/v1/"))
        pattern = re.escape(written).replace(r"\{\}", r"\{\w+\}")
        if route not in documented and not re.search(rf"`{pattern}(\?[^`]*)?`", readme):
            missing.append(route)
    assert api and not missing, f"add to the README's API table: {missing}"
