from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviews.feedback import feedback_remeasure, feedback_request, feedbacks_stalled
from interviews.models import Interview
from interviews.tasks import feedback_generate_task


class Command(BaseCommand):
    help = (
        "Write an interview's report again (one ID), retry every failed report (--failed), "
        "or re-queue reports stuck pending (--stalled, e.g. after a lost queue message); "
        "--measured re-measures every written report from its transcript, keeping its scores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("interview_id", nargs="?", help="The interview's id (a UUID).")
        parser.add_argument("--failed", action="store_true", help="Every report that failed.")
        parser.add_argument(
            "--stalled", action="store_true", help="Reports pending 15+ minutes after the end."
        )
        parser.add_argument(
            "--measured",
            action="store_true",
            help="Re-measure every written report with today's analytics (no model call).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        modes = ["failed", "stalled", "measured"]
        chosen = [bool(options["interview_id"])] + [options[mode] for mode in modes]
        if chosen.count(True) != 1:
            raise CommandError("Give either one interview id, --failed, --stalled or --measured.")
        if options["measured"]:
            self._remeasure()
            return
        for interview in self._interviews(options):
            feedback_request(interview=interview)
            # Through the task, so a worker retries transient failures (eager: runs right here).
            feedback_generate_task.delay(str(interview.pk))
            interview.refresh_from_db(fields=["feedback_status"])
            self.stdout.write(f"{interview.pk}: {interview.feedback_status}")

    def _remeasure(self) -> None:
        written = [Interview.FeedbackStatus.READY, Interview.FeedbackStatus.FAILED]
        count = 0
        for interview in Interview.objects.filter(feedback_status__in=written).iterator():
            count += feedback_remeasure(interview=interview) is not None
        self.stdout.write(f"re-measured {count} reports")

    def _interviews(self, options: dict) -> list[Interview]:
        if options["failed"]:
            return list(Interview.objects.filter(feedback_status=Interview.FeedbackStatus.FAILED))
        if options["stalled"]:
            return list(feedbacks_stalled())
        try:
            interview = Interview.objects.get(pk=options["interview_id"])
        except (Interview.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"There is no interview with id {options['interview_id']}.") from exc
        if not interview.is_finished:
            raise CommandError("That interview has not ended yet: its report comes when it does.")
        return [interview]
