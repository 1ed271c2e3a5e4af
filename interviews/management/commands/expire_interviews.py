from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from interviews.services import interviews_expire


class Command(BaseCommand):
    help = "Close in-progress interviews past their time limit; refund those never connected."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = interviews_expire()
        self.stdout.write(
            f"Expired interviews: {counts['completed']} completed, "
            f"{counts['abandoned']} abandoned, {counts['refunded']} refunded."
        )
