from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from interviews.recordings import recordings_purge


class Command(BaseCommand):
    help = (
        "Delete interview recordings older than RECORDING_RETENTION_DAYS, and uploads never "
        "completed after a day (Celery beat also runs this)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = recordings_purge()
        self.stdout.write(
            f"Deleted {counts['expired']} recording(s) older than "
            f"{settings.RECORDING_RETENTION_DAYS} days and {counts['unfinished']} unfinished "
            "upload(s)."
        )
