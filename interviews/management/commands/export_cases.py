from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from interviews.case_library import cases_export


class Command(BaseCommand):
    help = "Write the case library as JSON in the format import_cases reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="Output path, or - for stdout.")
        parser.add_argument(
            "--published-only", action="store_true", help="Leave out unpublished cases."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = cases_export(published_only=options["published_only"])
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if options["file"] == "-":
            self.stdout.write(text, ending="")
            return
        Path(options["file"]).write_text(text, encoding="utf-8")
        self.stderr.write(f"Exported {len(data['cases'])} cases to {options['file']}.")
