from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing.services import billing_audit


class Command(BaseCommand):
    help = "Prove every balance equals the sum of its ledger and none is negative."

    def handle(self, *args: Any, **options: Any) -> None:
        report = billing_audit()
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(report.problems)} billing mismatch(es) found.")
        self.stdout.write(f"OK: {report.accounts} accounts, ledgers and balances agree.")
