"""The import-cycle checker of `make lint` (.ci/import_cycles.py): it finds cycles, and there are none."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parents[2] / ".ci" / "import_cycles.py"


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("import_cycles", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_cycle_through_a_function_level_import_is_found(checker, tmp_path, monkeypatch):
    app = tmp_path / "accounts"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "a.py").write_text("from accounts import b\n")
    (app / "b.py").write_text("def f():\n    from accounts.a import x\n")
    (app / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from accounts import a\n"
    )
    monkeypatch.setattr(checker, "ROOT", tmp_path)
    monkeypatch.setattr(checker, "PACKAGES", ("accounts",))
    modules = checker.module_files()
    graph = {name: checker.edges(name, path, modules) for name, path in modules.items()}
    assert graph["accounts.c"] == set()  # type-checking imports do not count
    assert checker.cycles(graph) == [["accounts.a", "accounts.b"]]
    assert checker.main() == 1


def test_the_application_has_no_import_cycle():
    # In a fresh interpreter, as `make lint` runs it: CPython 3.11's ast.parse can raise
    # "AST constructor recursion depth mismatch" when another thread of this process (a live
    # server, the engine) parses at the same moment.
    result = subprocess.run(
        [sys.executable, str(CHECKER)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith(" 0 cycle(s)")
