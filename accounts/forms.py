from __future__ import annotations

from django import forms

from accounts.models import Profile
from accounts.services import RESUME_TEXT_MAX_CHARS
from vocahire.lib import languages


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=80, required=False, help_text="How the interviewer addresses you."
    )
    target_role = forms.CharField(
        max_length=120, required=False, help_text="The kind of job you are preparing for."
    )
    thinking_time = forms.ChoiceField(
        choices=Profile.ThinkingTime.choices,
        help_text="How long a pause the interviewer waits for before replying.",
    )
    record_interviews = forms.BooleanField(
        required=False,
        label="Record my interviews",
        help_text="Ticked in the room by default: replay both voices beside the transcript. "
        "Only you hear recordings, and they are deleted after a while.",
    )
    interview_language = forms.ChoiceField(
        label="Interview language",
        required=False,  # left out (an older page): unchanged
        choices=languages.CHOICES,
        help_text="The language new interviews are held in; you can change it for each one.",
    )
    resume_text = forms.CharField(
        label="Resume text",
        max_length=RESUME_TEXT_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="What the interviewer reads from your resume. Fix anything extracted wrongly.",
    )


class ResumeUploadForm(forms.Form):
    resume = forms.FileField(
        label="Resume file",
        help_text="PDF, DOCX or TXT, at most 2 MB. We read its text; scanned images have none.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.txt,application/pdf,text/plain"}
        ),
    )
