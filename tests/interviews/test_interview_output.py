"""The interview JSON rendered without DRF's field objects is exactly what DRF renders."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from interviews import services
from interviews.api.interviews import InterviewOutput
from interviews.models import Interview
from tests.factories import job_interview, started_case_interview, started_job_interview
from vocahire.lib.output import plain_value

pytestmark = pytest.mark.django_db


def _drf(interview: Interview) -> dict:
    """What the plain ModelSerializer (the same declared fields, DRF's own rendering) gives."""
    return dict(serializers.ModelSerializer.to_representation(InterviewOutput(), interview))


def test_plain_output_matches_drf_in_every_state(candidate, subscriber):
    draft = job_interview(candidate)
    started = started_job_interview(candidate)
    ended = services.interview_end(interview=started_job_interview(candidate), actor=candidate)
    case = started_case_interview(subscriber)
    for interview in (draft, started, ended, case, Interview.objects.get(pk=ended.pk)):
        assert InterviewOutput(interview).data == _drf(interview)
    assert InterviewOutput(ended).data["ended_at"].endswith("Z")
    assert InterviewOutput(case).data["case"]["id"] == case.case_id


def test_plain_output_of_a_list(candidate):
    interviews = [job_interview(candidate), started_job_interview(candidate)]
    rendered = InterviewOutput(interviews, many=True).data
    assert rendered == [_drf(interview) for interview in interviews]


def test_plain_value_refuses_what_it_cannot_render_like_drf():
    from decimal import Decimal

    with pytest.raises(TypeError):
        plain_value(Decimal("1.5"))
