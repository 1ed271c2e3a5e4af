"""Types every layer passes around: primary keys, as the apps hand them to each other.

Users and interviews have UUID keys; a URL converter gives a UUID, a Celery task or a cache key its
text form, and the ORM takes either. Billing's payments and plans have integer keys.
"""

from __future__ import annotations

import uuid
from typing import TypeAlias

UserId: TypeAlias = uuid.UUID | str
InterviewId: TypeAlias = uuid.UUID | str
RowId: TypeAlias = int | str  # an integer primary key (payments, plans), or its text from a form
