from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from billing import entitlements
from interviews import case_tools, instructions, recordings, services
from interviews.models import Case, Feedback, Interview, TranscriptTurn
from vocahire.lib import languages
from vocahire.lib.headers import microphone_allowed
from vocahire.lib.types import InterviewId

DASHBOARD_ROWS = 50


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    interviews = (
        Interview.objects.filter(owner=request.user)
        .select_related("case")
        .defer("instructions_snapshot", "resume_text", "job_description")[:DASHBOARD_ROWS]
    )
    return render(request, "interviews/dashboard.html", {"interviews": interviews})


def language_field() -> forms.ChoiceField:
    """The interview's language, for the new-interview form and the case page."""
    # Not required: a form posted without it (an old page, a script) gets the profile's choice.
    return forms.ChoiceField(
        label="Interview language",
        required=False,
        choices=languages.CHOICES,
        help_text="The interviewer speaks it and the transcript expects it; pages stay in English.",
    )


def language_preference(user: object) -> str:
    """The signed-in candidate's preferred interview language (the forms' default)."""
    profile = getattr(user, "profile", None)
    return profile.interview_language if profile else languages.DEFAULT


class CaseInterviewForm(forms.Form):
    language = language_field()


class JobInterviewForm(forms.Form):
    job_title = forms.CharField(max_length=services.JOB_TITLE_MAX)
    job_description = forms.CharField(
        required=False,
        max_length=services.JOB_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Optional. Paste the advert so the interviewer asks about what the job needs.",
    )
    use_resume = forms.BooleanField(required=False, label="Use my resume")
    language = language_field()

    def __init__(self, *args: object, has_resume: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not has_resume:
            field = self.fields["use_resume"]
            field.disabled = True
            field.help_text = "Upload a resume on your profile to let the interviewer read it."


@login_required
@require_http_methods(["GET", "POST"])
def interview_new(request: HttpRequest) -> HttpResponse:
    case = _case_for_new(request)
    profile = getattr(request.user, "profile", None)
    posted = request.POST if request.method == "POST" else None
    initial = {"language": language_preference(request.user)}
    form: forms.Form = (
        CaseInterviewForm(posted, initial=initial)
        if case
        else JobInterviewForm(
            posted, initial=initial, has_resume=bool(profile and profile.resume_text.strip())
        )
    )
    if posted is not None and form.is_valid():
        fields = {"kind": "case", "case": case} if case else {"kind": "job"}
        fields |= form.cleaned_data
        try:
            interview = services.interview_create(owner=request.user, **fields)
        except services.InterviewError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("interview-room", interview_id=interview.pk)
    context = {
        "form": form,
        "case": case,
        "can_start_case": case is not None and case.can_be_run_by(request.user),
        "credit_cost": entitlements.credit_cost("job"),
    }
    return render(request, "interviews/new.html", context)


def _case_for_new(request: HttpRequest) -> Case | None:
    slug = request.POST.get("case") or request.GET.get("case")
    if not slug:
        return None
    cases = Case.objects.visible_to(request.user)
    return get_object_or_404(cases.prefetch_related("questions"), slug=slug)


def interview_for_page(request: HttpRequest, interview_id: InterviewId) -> Interview:
    """The interview for a page: the 404 or 403 page (AppErrorMiddleware) unless the user owns it
    or is staff."""
    return services.interview_for_actor(interview_id=interview_id, actor=request.user)


@login_required
def interview_detail(request: HttpRequest, interview_id: InterviewId) -> HttpResponse:
    interview = interview_for_page(request, interview_id)
    context = {
        "interview": interview,
        "questions": _transcript_by_question(interview),
        "feedback": Feedback.objects.filter(interview=interview).first(),
        "recording": recordings.recording_ready(interview=interview),
        "recording_url": reverse("api-interview-recording", kwargs={"interview_id": interview.pk}),
    }
    return render(request, "interviews/detail.html", context)


def _question_prompts(interview: Interview) -> dict[int, str]:
    """Question prompts for the candidate's eyes: never the evaluator context."""
    return {q["number"]: q["prompt"] for q in _candidate_questions(interview)}


# What a candidate may see of a question before the interview ends (DESIGN section 10): never
# the interviewer data, the evaluator context, the expected answer or the hints not yet taken.
CANDIDATE_QUESTION_FIELDS = ("number", "prompt", "exhibit", "hints")


def _candidate_questions(interview: Interview) -> list[dict]:
    if interview.case_snapshot:
        questions = interview.case_snapshot.get("questions", [])
    elif interview.case_id:
        questions = list(interview.case.questions.values(*CANDIDATE_QUESTION_FIELDS))
    else:
        return []
    return [
        {
            "number": q["number"],
            "prompt": q["prompt"],
            "exhibit": q.get("exhibit"),
            "hints_total": len(q.get("hints") or []),
        }
        for q in questions
    ]


def _case_brief(interview: Interview) -> str:
    if interview.case_snapshot:
        return instructions.case_brief(interview.case_snapshot)
    return interview.case.brief if interview.case_id else ""


def _transcript_by_question(interview: Interview) -> list[dict]:
    turns = list(interview.turns.order_by("question_number", "start_ms", "id"))
    prompts = _question_prompts(interview)
    if not interview.is_finished:
        # The interviewer reveals questions one at a time: before the end, list only those asked.
        asked = max([t.question_number for t in turns], default=0)
        if interview.status == Interview.Status.IN_PROGRESS:
            asked = max(asked, interview.current_question)
        prompts = {number: prompt for number, prompt in prompts.items() if number <= asked}
    groups: dict[int, list[TranscriptTurn]] = {number: [] for number in sorted(prompts)}
    for turn in turns:
        groups.setdefault(turn.question_number, []).append(turn)
    return [
        {"number": number, "prompt": prompts.get(number, ""), "turns": turns}
        for number, turns in sorted(groups.items())
    ]


@microphone_allowed
@login_required
def interview_room(request: HttpRequest, interview_id: InterviewId) -> HttpResponse:
    interview = interview_for_page(request, interview_id)
    questions = _candidate_questions(interview)
    context = {
        "interview": interview,
        "room_data": _room_data(interview, questions, _room_entitlement(request, interview)),
        "case_brief": _case_brief(interview),
        "exhibits": [q for q in questions if q["exhibit"]],
    }
    return render(request, "interviews/room.html", context)


def _room_entitlement(
    request: HttpRequest, interview: Interview
) -> entitlements.Entitlement | None:
    """What starting this draft costs its owner, and whether they may (billing's answer); None
    once started, when only the cost matters (reconnecting is free) and no query is needed."""
    if interview.status != Interview.Status.DRAFT:
        return None
    return interview.entitlement_for(request.user)


def _room_data(
    interview: Interview, questions: list[dict], entitled: entitlements.Entitlement | None
) -> dict:
    """What the room's script needs, and nothing the candidate must not see."""
    api = f"/api/v1/interviews/{interview.pk}"
    prompts = {q["number"]: q["prompt"] for q in questions}
    return {
        "interview_id": str(interview.pk),
        "kind": interview.kind,
        "status": interview.status,
        "title": interview.title,
        "job_title": interview.job_title,
        "case_title": interview.title if interview.kind == Interview.Kind.CASE else "",
        "question_count": interview.question_count,
        "current_question": interview.current_question,
        "questions": [{"number": n, "prompt": p} for n, p in sorted(prompts.items())],
        "time_limit_minutes": interview.time_limit_minutes,
        "started_at": interview.started_at.isoformat() if interview.started_at else None,
        "deadline": interview.deadline.isoformat() if interview.deadline else None,
        "credit_cost": entitled.cost if entitled else entitlements.credit_cost(interview.kind),
        # Only a draft can still be refused: once started, reconnecting is always free.
        "start_refused": entitled.message if entitled else "",
        "record": interview.record,
        "urls": {
            "health": "/api/v1/realtime/health",
            "start": f"{api}/start",
            "calls": f"{api}/calls",
            "question_calls": f"{api}/questions/{{n}}/calls",
            "events": f"{api}/events",
            "complete": f"{api}/questions/{{n}}/complete",
            "end": f"{api}/end",
            "transcript": f"{api}/transcript",
            "me": "/api/v1/me",
            "interview_page": reverse("interview-detail", kwargs={"interview_id": interview.pk}),
            "pricing": "/billing/pricing/",
        },
        "case_tools": _case_tools_data(interview, questions, api),
    }


def _case_tools_data(interview: Interview, questions: list[dict], api: str) -> dict | None:
    """The room's case tools (static/js/case_tools.js): hints taken, scratchpads, endpoints."""
    if interview.kind != Interview.Kind.CASE:
        return None
    state = case_tools.case_tools_state(interview=interview)
    return {
        "questions": {
            str(q["number"]): {
                "hints_total": q["hints_total"],
                "hints": state.get(str(q["number"]), {}).get("hints", []),
                "scratchpad": state.get(str(q["number"]), {}).get("scratchpad", ""),
                "has_exhibit": bool(q["exhibit"]),
            }
            for q in questions
        },
        "urls": {
            "scratchpad": f"{api}/questions/{{n}}/scratchpad",
            "hints": f"{api}/questions/{{n}}/hints",
        },
    }
