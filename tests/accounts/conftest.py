"""Accounts tests: uploaded media in a directory of the test's own (resume files: tests/factories.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
