"""The interviews admin, one module per part: interviews, the case library, and the feedback side
(the report inline, share links and "regenerate" action, attached to the interview admin here)."""

from interviews.admin import cases, feedback, interviews  # noqa: F401 - each registers its admins

feedback.feedback_admin_attach(interviews.InterviewAdmin)
