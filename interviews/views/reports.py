"""Pages around the report: progress over time, practise again, and shareable read-only links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from interviews import charts, feedback, recordings, services
from interviews.api.recordings import recording_response
from interviews.models import Interview, Recording, ReportShare
from interviews.views.interviews import interview_for_page
from vocahire.lib.types import InterviewId


def _report_url(interview: Interview, anchor: str = "report") -> str:
    return reverse("interview-detail", kwargs={"interview_id": interview.pk}) + f"#{anchor}"


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    data = feedback.progress_build(interviews=feedback.progress_interviews(owner=request.user))
    return render(request, "interviews/progress.html", data | {"charts": _progress_charts(data)})


def _measured_chart(rows: list[dict], labels: list[str], *, figure: str, title: str, name: str):
    values = [r[figure] for r in rows]
    if all(value is None for value in values):
        return None  # the page says what would fill it instead of an empty 0-1 frame
    return charts.line_chart_svg(title=title, labels=labels, series=[(name, values)])


def _progress_charts(data: dict) -> dict:
    rows = data["rows"]
    labels = [row["interview"].created_at.strftime("%d %b") for row in rows]
    built = {
        "pace": _measured_chart(
            rows,
            labels,
            figure="words_per_minute",
            title="Words per minute over time (measured)",
            name="Words per minute",
        ),
        "fillers": _measured_chart(
            rows,
            labels,
            figure="fillers_per_minute",
            title="Filler words per minute over time (measured)",
            name="Fillers per minute",
        ),
    }
    if data["has_scores"]:
        built["scores"] = charts.line_chart_svg(
            title="Average score over time, 1 to 5",
            labels=labels,
            series=_score_series(rows),
            y_max=5,
        )
    return built if rows else {}


def _score_series(rows: list[dict]) -> list[tuple[str, list[float | None]]]:
    # Case and job interviews are scored on different rubrics: one line each, never joined.
    series = []
    for kind in (Interview.Kind.CASE, Interview.Kind.JOB):
        scores = [r["overall_score"] if r["interview"].kind == kind else None for r in rows]
        if any(score is not None for score in scores):
            series.append((f"{kind.label}s", scores))
    return series


@login_required
@require_POST
def practise_again(request: HttpRequest, interview_id: InterviewId) -> HttpResponse:
    """A new draft of the same case or job (or one question of it), straight into its room."""
    interview = interview_for_page(request, interview_id)
    question = request.POST.get("question", "")
    try:
        again = services.interview_retry_create(
            interview=interview,
            actor=request.user,
            question_number=int(question) if question.isdigit() else None,
        )
    except services.InterviewError as exc:
        messages.error(request, exc.message)
        return redirect(_report_url(interview))
    return redirect("interview-room", interview_id=again.pk)


@login_required
@require_POST
def share_create(request: HttpRequest, interview_id: InterviewId) -> HttpResponse:
    interview = interview_for_page(request, interview_id)
    try:
        share = feedback.report_share_create(
            interview=interview,
            actor=request.user,
            include_recording=request.POST.get("include_recording") == "on",
        )
    except feedback.ReportShareError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Your share link works until {share.expires_at:%d %b %Y} or until revoked."
        )
    return redirect(_report_url(interview, "share"))


@login_required
@require_POST
def share_revoke(request: HttpRequest, interview_id: InterviewId, share_id: int) -> HttpResponse:
    interview = interview_for_page(request, interview_id)
    try:
        feedback.report_share_revoke(interview=interview, actor=request.user, share_id=share_id)
    except feedback.ReportShareError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Link revoked: it no longer opens the report.")
    return redirect(_report_url(interview, "share"))


def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only report behind a share link; a revoked or expired link says so (410)."""
    share = feedback.report_share_lookup(token=token)
    if share is None:
        raise Http404("This link is not valid: check that it was copied whole.")
    if not share.is_valid:
        response = render(request, "interviews/shared_report_gone.html", status=410)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    interview = share.interview
    try:
        report_feedback = interview.feedback
    except ObjectDoesNotExist:
        report_feedback = None
    context = {"interview": interview, "feedback": report_feedback, "shared": True, "share": share}
    recording = _shared_recording(share)
    if recording is not None:
        context |= {
            "recording": recording,
            "recording_url": reverse("report-shared-recording", kwargs={"token": token}),
            "turns": interview.turns.order_by("start_ms", "id"),
        }
    response = render(request, "interviews/shared_report.html", context)
    # The token is the credential: keep it out of Referer headers and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _shared_recording(share: ReportShare | None) -> Recording | None:
    # Only a live link (the lookup also finds revoked and expired ones, to say so) whose owner
    # ticked "include the recording".
    if share is None or not share.is_valid or not share.include_recording:
        return None
    return recordings.recording_ready(interview=share.interview)


def shared_recording(request: HttpRequest, token: str) -> HttpResponse:
    """The recording behind a share link that includes it (range requests); 404 otherwise."""
    recording = _shared_recording(feedback.report_share_lookup(token=token))
    if recording is None:
        raise Http404("This link does not include a recording.")
    response = recording_response(request, recording)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_POST
def recording_delete(request: HttpRequest, interview_id: InterviewId) -> HttpResponse:
    """The owner's Delete button on the report; anyone else gets 404, as from the API."""
    interview = recordings.interview_for_recording(interview_id=interview_id, actor=request.user)
    if recordings.recording_delete(interview=interview):
        messages.success(request, "The recording is deleted.")
    return redirect(reverse("interview-detail", kwargs={"interview_id": interview.pk}))
