from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviews.case_library import CaseLibraryError, cases_import


class Command(BaseCommand):
    help = "Create or update cases from a case library JSON file. All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to a case library file (format 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = cases_import(path=options["file"])
        except CaseLibraryError as exc:
            count = len(exc.problems)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} found.\n{exc}"
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {report}."))
