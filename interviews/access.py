"""Finding an interview: for a person (its owner or staff), and locked for a write."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.models import User
from interviews.errors import InterviewForbidden, InterviewNotFound
from interviews.models import Interview
from vocahire.lib.rowcache import PkLookup
from vocahire.lib.types import InterviewId

_interview_by_pk = PkLookup(Interview)
_interview_locked_by_pk = PkLookup(Interview, for_update=True)


def interview_for_actor(
    *,
    interview_id: InterviewId,
    actor: User,
    for_update: bool = False,
    queryset: QuerySet[Interview] | None = None,
    lookup: PkLookup[Interview] | None = None,
) -> Interview:
    """The interview if the actor owns it or is staff; 404 / 403 errors otherwise.

    The one lookup of an interview by id for a person (API, pages, realtime); `queryset` narrows
    what is read (select_related, only, annotations) without changing the rule, and `lookup` does
    the same with its SELECT compiled once (a hot path's narrowed PkLookup).
    """
    try:
        if lookup is not None:
            interview = lookup.get(interview_id)
        elif queryset is None and not for_update:  # every API request: the SELECT compiled once
            interview = _interview_by_pk.get(interview_id)
        else:
            queryset = Interview.objects.all() if queryset is None else queryset
            if for_update:
                queryset = queryset.select_for_update()
            interview = queryset.filter(pk=interview_id).first()
    except (ValueError, ValidationError):  # not a UUID
        interview = None
    if interview is None:
        raise InterviewNotFound("There is no interview with that id.")
    if not interview.is_visible_to(actor):
        raise InterviewForbidden("This interview belongs to someone else.")
    return interview


def _locked(interview: Interview) -> Interview:
    locked = _interview_locked_by_pk.get(interview.pk)
    if locked is None:
        raise Interview.DoesNotExist("Interview matching query does not exist.")
    return locked
