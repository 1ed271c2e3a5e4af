from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from billing.entitlements import Entitlement, entitlement
from interviews import case_content
from vocahire.lib import languages

# The job-title rule's one home: required for a job interview (services), at most this long.
JOB_TITLE_MAX = 200


class CaseQuerySet(models.QuerySet["Case"]):
    def published(self) -> CaseQuerySet:
        return self.filter(published=True)

    def visible_to(self, user: settings.AUTH_USER_MODEL) -> CaseQuerySet:
        """The cases this person may see and start (the rule `Case.is_visible_to` says per row)."""
        # Staff may preview unpublished cases; everyone else sees only the published library.
        return self if user.is_staff else self.published()


class Case(models.Model):
    """A consulting case from the library: the context and its numbered questions."""

    class CaseType(models.TextChoices):
        PROFITABILITY = "profitability", "Profitability"
        MARKET_ENTRY = "market_entry", "Market entry"
        MARKET_SIZING = "market_sizing", "Market sizing"
        MERGERS_ACQUISITIONS = "mergers_acquisitions", "M&A"
        PRICING = "pricing", "Pricing"
        OPERATIONS = "operations", "Operations"
        GROWTH = "growth", "Growth"

    class LeadType(models.TextChoices):
        INTERVIEWER_LED = "interviewer_led", "Interviewer-led"
        CANDIDATE_LED = "candidate_led", "Candidate-led"

    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    case_type = models.CharField(max_length=30, choices=CaseType.choices)
    lead_type = models.CharField(max_length=20, choices=LeadType.choices)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    industry = models.CharField(max_length=100)
    summary = models.CharField(max_length=500)
    brief = models.TextField(
        help_text="The situation: read out by the interviewer and shown at question 1."
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=30)
    published = models.BooleanField(default=False)
    free = models.BooleanField(
        default=False, help_text="A sample case anyone signed in may run without a subscription."
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    # The brief was called the case prompt before cases had briefs; old callers still say so.
    @property
    def prompt(self) -> str:
        return self.brief

    @prompt.setter
    def prompt(self, value: str) -> None:
        self.brief = value

    def is_visible_to(self, user: settings.AUTH_USER_MODEL) -> bool:
        """Published, or the person is staff (who preview unpublished cases); as `visible_to`."""
        return self.published or user.is_staff

    def can_be_run_by(self, user: settings.AUTH_USER_MODEL) -> bool:
        """True if this person may start this case (billing's answer): signed in, and staff, a free
        sample, or a subscriber."""
        if not user.is_authenticated:
            return False
        return entitlement(
            user_id=user.pk, kind="case", staff=user.is_staff, free=self.free
        ).allowed


class CaseQuestion(models.Model):
    class Kind(models.TextChoices):
        CLARIFYING = "clarifying", "Clarifying"
        FRAMEWORK = "framework", "Framework"
        MATH = "math", "Math"
        EXHIBIT = "exhibit", "Exhibit"
        BRAINSTORM = "brainstorm", "Brainstorm"
        SYNTHESIS = "synthesis", "Synthesis"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    prompt = models.TextField(help_text="What the candidate hears and sees.")
    interviewer_data = models.TextField(
        blank=True,
        help_text="Facts the interviewer shares only when asked, one per line. Never shown to the "
        "candidate before the interview ends.",
    )
    exhibit = models.JSONField(
        null=True,
        blank=True,
        help_text='A table shown when the question opens: {"title", "columns": [..], '
        '"rows": [[..]], "note", "chart": "bar"|"line"|null}.',
    )
    evaluator_context = models.TextField(help_text="What a strong answer contains. Never shown.")
    expected = models.JSONField(
        null=True,
        blank=True,
        help_text='Math questions: {"value", "unit", "tolerance" (a fraction: 0.05 is 5%), '
        '"common_errors": [{"value", "diagnosis"}]}.',
    )
    hints = models.JSONField(
        default=list, blank=True, help_text="Hints given one at a time when the candidate asks."
    )

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="case_question_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="case_question_number_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.case} Q{self.number}"

    def clean(self) -> None:
        problems = case_content.question_problems(
            interviewer_data=self.interviewer_data,
            exhibit=self.exhibit,
            expected=self.expected,
            hints=self.hints,
        )
        if problems:
            raise ValidationError(problems)


class InterviewQuerySet(models.QuerySet["Interview"]):
    def visible_to(self, user: settings.AUTH_USER_MODEL) -> InterviewQuerySet:
        return self if user.is_staff else self.filter(owner=user)


class Interview(models.Model):
    """One practice interview and its lifecycle. Changed only through interviews.services."""

    class Kind(models.TextChoices):
        JOB = "job", "Job interview"
        CASE = "case", "Case interview"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        ABANDONED = "abandoned", "Abandoned"
        FAILED = "failed", "Failed"

    class FeedbackStatus(models.TextChoices):
        NONE = "none", "Not requested"
        PENDING = "pending", "Pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        NOT_ENOUGH = "not_enough", "Not enough to assess"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interviews"
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    job_title = models.CharField(max_length=JOB_TITLE_MAX, blank=True)
    job_description = models.TextField(blank=True)
    use_resume = models.BooleanField(default=False)
    resume_text = models.TextField(blank=True, help_text="Snapshot of the resume at creation.")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="interviews"
    )
    # Snapshot of the case (title, type, prompt, questions with evaluator context) taken at start,
    # so later edits to the case never change an old interview or its report.
    case_snapshot = models.JSONField(default=dict, blank=True)
    # The exact instructions sent upstream, keyed by question number ("job" for job interviews).
    instructions_snapshot = models.JSONField(default=dict, blank=True)
    question_count = models.PositiveSmallIntegerField(default=0)
    current_question = models.PositiveSmallIntegerField(default=1)
    questions_completed = models.PositiveSmallIntegerField(default=0)
    time_limit_minutes = models.PositiveSmallIntegerField(default=30)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    credits_charged = models.PositiveIntegerField(default=0)
    credits_refunded = models.PositiveIntegerField(default=0)
    # Bumped by every start that moves a draft to in progress; part of the debit's idempotency
    # key, so a start after a reverted (refunded) one charges again exactly once.
    start_attempt = models.PositiveSmallIntegerField(default=0)
    # Set by the server when an upstream session was minted: the only fact a refund may rest on.
    first_minted_at = models.DateTimeField(null=True, blank=True)
    call_id = models.CharField(max_length=100, blank=True)
    # Set when the server created a call and a supervisor records the transcript: from then on
    # turns a client posts are ignored (DESIGN section 3b).
    supervised = models.BooleanField(default=False)
    end_reason = models.CharField(max_length=40, blank=True)
    feedback_status = models.CharField(
        max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.NONE
    )
    # Opt-in: the browser records both sides and uploads them (interviews/recordings.py).
    record = models.BooleanField(default=False)
    # What the interviewer speaks and the transcription expects (DESIGN section 11).
    language = models.CharField(
        max_length=languages.CODE_MAX_LENGTH,
        choices=languages.CHOICES,
        default=languages.DEFAULT,
    )
    # Practise again: the attempt this one repeats, and which of its questions (None: all of it).
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    retry_question = models.PositiveSmallIntegerField(null=True, blank=True)
    # Case tools, per question number (as a string): the scratchpad's text and hints revealed.
    scratchpad = models.JSONField(default=dict, blank=True)
    hints_used = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="job", case__isnull=True) | Q(kind="case", case__isnull=False),
                name="interview_case_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(credits_refunded__lte=models.F("credits_charged")),
                name="interview_refund_lte_charge",
            ),
            models.CheckConstraint(
                condition=Q(language__in=list(languages.LANGUAGES)),
                name="interview_language_supported",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def title(self) -> str:
        if self.kind == self.Kind.CASE:
            return self.case_snapshot.get("title") or (self.case.title if self.case_id else "")
        return self.job_title

    @property
    def deadline(self) -> datetime | None:
        if self.started_at is None:
            return None
        return self.started_at + timedelta(minutes=self.time_limit_minutes)

    @property
    def duration_seconds(self) -> int | None:
        """Measured length: from the server's start to its end (None before both are known)."""
        if self.started_at is None or self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.started_at).total_seconds()))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.ABANDONED, self.Status.FAILED)

    @property
    def case_is_free(self) -> bool:
        """A free sample case: the snapshot decides once started, the case before."""
        if self.case_snapshot:
            return bool(self.case_snapshot.get("free"))
        return bool(self.case_id and self.case.free)

    def is_visible_to(self, user: settings.AUTH_USER_MODEL) -> bool:
        return user.is_authenticated and (user.is_staff or self.owner_id == user.pk)

    def entitlement_for(self, actor: settings.AUTH_USER_MODEL) -> Entitlement:
        """Billing's answer for this interview: may it run for `actor` (owner or staff), at what cost."""
        # Staff exemption goes by the actor: only the owner or staff may act on an interview at all.
        # The free flag is read last: the token path defers the snapshot it is read from.
        answer = entitlement(user_id=self.owner_id, kind=self.kind, staff=actor.is_staff)
        if answer.allowed or self.kind != self.Kind.CASE or not self.case_is_free:
            return answer
        return entitlement(user_id=self.owner_id, kind=self.kind, staff=actor.is_staff, free=True)

    def can_be_run_by(self, actor: settings.AUTH_USER_MODEL) -> bool:
        """True if the interview may run for `actor`: a case for staff, a free sample or a
        subscriber; a job interview when the owner's balance covers a start."""
        return self.entitlement_for(actor).allowed


class TranscriptTurn(models.Model):
    class Speaker(models.TextChoices):
        INTERVIEWER = "interviewer", "Interviewer"
        CANDIDATE = "candidate", "Candidate"

    class Source(models.TextChoices):
        SPEECH = "speech", "Speech"
        TYPED = "typed", "Typed"

    class Origin(models.TextChoices):
        SERVER = "server", "Server (supervisor)"
        CLIENT = "client", "Client"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="turns")
    question_number = models.PositiveSmallIntegerField(default=1)
    speaker = models.CharField(max_length=12, choices=Speaker.choices)
    text = models.TextField()
    start_ms = models.PositiveIntegerField(default=0, help_text="Offset from interview start.")
    duration_ms = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.SPEECH)
    # Who wrote the turn: the supervisor from upstream's own events, or the browser (ek_ sessions).
    origin = models.CharField(max_length=6, choices=Origin.choices, default=Origin.CLIENT)
    # The client's own id for the turn (or "rt:<upstream item id>" for a server turn), so a re-sent
    # event batch or a re-attached sideband never stores a turn twice.
    client_turn_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interview", "start_ms", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "client_turn_id"], name="turn_client_id_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:40]}"


class StageTiming(models.Model):
    """A room state transition reported by the browser (ms since the candidate clicked Start)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="timings")
    attempt = models.CharField(max_length=40, help_text="Client id of one connect attempt.")
    question_number = models.PositiveSmallIntegerField(default=1)
    stage = models.CharField(max_length=30)
    elapsed_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["interview", "attempt", "elapsed_ms"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "attempt", "question_number", "stage"],
                name="stage_timing_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} at {self.elapsed_ms} ms"


class Feedback(models.Model):
    """The report for one interview: AI assessment (when available) and measured analytics."""

    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="feedback")
    source = models.CharField(max_length=12, default="analytics")  # "ai+analytics" or "analytics"
    model = models.CharField(max_length=60, blank=True)
    assessment = models.JSONField(default=dict, blank=True)  # schema-validated AI output
    analytics = models.JSONField(default=dict, blank=True)  # measured delivery figures
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Feedback for {self.interview_id}"


class ReportShare(models.Model):
    """A read-only, revocable, expiring link to one interview's report."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="shares")
    token = models.CharField(max_length=64, unique=True)
    # The owner ticked "include the recording": the link also plays the interview's audio.
    include_recording = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Share of {self.interview_id}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RecordingQuerySet(models.QuerySet["Recording"]):
    def ready(self) -> RecordingQuerySet:
        return self.filter(status=Recording.Status.READY)


class Recording(models.Model):
    """The audio of one interview (both sides mixed), uploaded in numbered chunks, then assembled.

    One file per interview: a case interview keeps recording across its questions, so the
    transcript's start_ms (from the interview start) maps onto one timeline via `offset_ms`.
    """

    class Status(models.TextChoices):
        UPLOADING = "uploading", "Uploading"
        READY = "ready", "Ready"

    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="recording")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADING)
    content_type = models.CharField(max_length=100)
    # Name in the "recordings" storage (STORAGES) once assembled.
    file_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # Where the recording starts on the transcript's clock (ms since the interview started).
    offset_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = RecordingQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Recording of {self.interview_id} ({self.status})"


class RecordingChunk(models.Model):
    """One uploaded piece of a recording, stored in the recordings storage until assembled."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recording", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["recording", "seq"], name="recording_chunk_seq_unique")
        ]

    def __str__(self) -> str:
        return f"Chunk {self.seq} of {self.recording_id}"
