from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from billing.models import LedgerEntry
from interviews.models import Interview
from interviews.recordings import recordings_usage


def usage_summary(*, since: datetime) -> dict:
    """Interviews by kind and status, minutes, credits spent and refunded, feedback outcomes."""
    interviews = Interview.objects.filter(created_at__gte=since)
    duration = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    timed = interviews.filter(started_at__isnull=False, ended_at__isnull=False)
    by_kind_minutes = {
        row["kind"]: round((row["total"] or timedelta()).total_seconds() / 60, 1)
        for row in timed.values("kind").annotate(total=Sum(duration))
    }
    ledger = LedgerEntry.objects.filter(created_at__gte=since).aggregate(
        spent=Sum("delta", filter=Q(kind=LedgerEntry.Kind.INTERVIEW_DEBIT)),
        refunded=Sum("delta", filter=Q(kind=LedgerEntry.Kind.REFUND)),
    )
    return {
        "since": since.isoformat(),
        "interviews": {
            f"{row['kind']}/{row['status']}": row["n"]
            for row in interviews.values("kind", "status").annotate(n=Count("id")).order_by()
        },
        "minutes": by_kind_minutes,
        "credits_spent": -(ledger["spent"] or 0),
        "credits_refunded": ledger["refunded"] or 0,
        "feedback": {
            row["feedback_status"]: row["n"]
            for row in interviews.values("feedback_status").annotate(n=Count("id")).order_by()
        },
        "recordings": recordings_usage(since=since),
        "feedback_failed_ids": [
            str(pk)
            for pk in interviews.filter(feedback_status=Interview.FeedbackStatus.FAILED)
            .order_by("-created_at")
            .values_list("pk", flat=True)[:20]
        ],
    }


class Command(BaseCommand):
    help = "Usage over the last N days: interviews, minutes, credits, feedback failures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="How many days back (default 7).")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(options["days"], 1)
        summary = usage_summary(since=timezone.now() - timedelta(days=days))
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, sort_keys=True))
            return
        self.stdout.write(f"Usage over the last {days} day{'s' if days != 1 else ''}")
        self.stdout.write("Interviews by kind/status:")
        for key, count in sorted(summary["interviews"].items()):
            self.stdout.write(f"  {key}: {count}")
        for kind, minutes in sorted(summary["minutes"].items()):
            self.stdout.write(f"Minutes ({kind}): {minutes}")
        self.stdout.write(f"Credits spent: {summary['credits_spent']}")
        self.stdout.write(f"Credits refunded: {summary['credits_refunded']}")
        feedback = ", ".join(f"{k} {v}" for k, v in sorted(summary["feedback"].items()))
        self.stdout.write(f"Feedback: {feedback or 'none'}")
        failures = summary["feedback"].get(Interview.FeedbackStatus.FAILED, 0)
        latest = " ".join(summary["feedback_failed_ids"])
        self.stdout.write(f"Feedback failures: {failures} {latest}".rstrip())
        recorded = summary["recordings"]
        self.stdout.write(
            f"Recordings: {recorded['ready']} ({recorded['bytes'] / 1_000_000:.1f} MB), "
            f"{recorded['uploading']} unfinished"
        )
