from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviews.feedback import feedback_request
from interviews.models import Interview
from interviews.tasks import feedback_generate_task


class Command(BaseCommand):
    help = "Write an interview's report again (one ID), or retry every failed report (--failed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("interview_id", nargs="?", help="The interview's id (a UUID).")
        parser.add_argument("--failed", action="store_true", help="Every report that failed.")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["interview_id"]) == options["failed"]:
            raise CommandError("Give either one interview id or --failed.")
        for interview in self._interviews(options["interview_id"]):
            feedback_request(interview=interview)
            # Through the task, so a worker retries transient failures (eager: runs right here).
            feedback_generate_task.delay(str(interview.pk))
            interview.refresh_from_db(fields=["feedback_status"])
            self.stdout.write(f"{interview.pk}: {interview.feedback_status}")

    def _interviews(self, interview_id: str | None) -> list[Interview]:
        if interview_id is None:
            return list(Interview.objects.filter(feedback_status=Interview.FeedbackStatus.FAILED))
        try:
            interview = Interview.objects.get(pk=interview_id)
        except (Interview.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"There is no interview with id {interview_id}.") from exc
        if not interview.is_finished:
            raise CommandError("That interview has not ended yet: its report comes when it does.")
        return [interview]
