"""The interviews app's own receivers, connected in `InterviewsConfig.ready`.

The lifecycle and feedback say "write this report now" with the `feedback_requested` signal; this
module, above both, turns that into the Celery task, so neither imports the tasks module.
"""

from __future__ import annotations

from typing import Any

from interviews.signals import feedback_requested
from interviews.tasks import feedback_generate_task


def feedback_queue(sender: object, *, interview_id: str, **kwargs: Any) -> None:
    """Queue the report (run at once in embedded mode, where tasks are eager)."""
    feedback_generate_task.delay(interview_id)


def receivers_connect() -> None:
    feedback_requested.connect(feedback_queue, dispatch_uid="interviews.feedback_queue")
