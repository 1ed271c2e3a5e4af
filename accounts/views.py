from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import ProfileForm, ResumeUploadForm
from accounts.models import Profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Show and save the candidate's details and resume text."""
    current = services.profile_for(request.user)
    form = _details_form(current, data=request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.profile_update(profile=current, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    status = 400 if form.is_bound else 200
    return _render(request, current, form=form, upload_form=ResumeUploadForm(), status=status)


@login_required
@require_POST
def resume_upload(request: HttpRequest) -> HttpResponse:
    """Attach a resume file; on any problem say why and keep what was there."""
    current = services.profile_for(request.user)
    upload_form = ResumeUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            services.resume_attach(
                profile=current, uploaded_file=upload_form.cleaned_data["resume"]
            )
        except services.ResumeError as error:
            upload_form.add_error("resume", error.message)
        else:
            messages.success(request, "Resume uploaded. Check the extracted text below.")
            return redirect("profile")
    return _render(
        request, current, form=_details_form(current), upload_form=upload_form, status=400
    )


@login_required
@require_POST
def resume_remove(request: HttpRequest) -> HttpResponse:
    services.resume_remove(profile=services.profile_for(request.user))
    messages.success(request, "Your resume is removed.")
    return redirect("profile")


@login_required
def resume_download(request: HttpRequest) -> FileResponse:
    """The candidate's own resume file; media files are never served publicly."""
    current = services.profile_for(request.user)
    if not current.resume_file:
        raise Http404("No resume file.")
    try:
        handle = current.resume_file.open("rb")
    except FileNotFoundError:
        raise Http404("The resume file is missing.") from None
    name = current.resume_filename or current.resume_file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)


def _details_form(current: Profile, *, data: QueryDict | None = None) -> ProfileForm:
    initial = {
        "display_name": current.display_name,
        "target_role": current.target_role,
        "thinking_time": current.thinking_time,
        "record_interviews": current.record_interviews,
        "interview_language": current.interview_language,
        "resume_text": current.resume_text,
    }
    return ProfileForm(data, initial=initial)


def _render(
    request: HttpRequest,
    current: Profile,
    *,
    form: ProfileForm,
    upload_form: ResumeUploadForm,
    status: int,
) -> HttpResponse:
    context = {"profile": current, "form": form, "upload_form": upload_form}
    return render(request, "accounts/profile.html", context, status=status)
