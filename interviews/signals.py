"""Interview events other apps react to; sent only after the transaction that caused them commits.

The realtime app connects receivers (to hang up calls) because interviews must not import it.
"""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: interview_id (str), call_id (str, may be empty), reason (str: the interview's end reason)
interview_ended = Signal()

# kwargs: interview_id (str), call_id (str), deadline (datetime | None: when the call must end)
interview_call_reported = Signal()

# kwargs: interview_id (str), question_number (int): a case question was completed
interview_question_completed = Signal()

# kwargs: interview_id (str): the interview's report is pending and should be written now
# (interviews.receivers queues the task: the lifecycle and feedback never import the tasks).
feedback_requested = Signal()
