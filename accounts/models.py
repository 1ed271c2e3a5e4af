from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from vocahire.lib import languages


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address; no username."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Carried in every API token ("ver"); raising it (API logout) revokes all the user's tokens.
    token_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        return (profile.display_name if profile else "") or self.email.split("@")[0]


class Profile(models.Model):
    """What the interviewer may know about a candidate, and how they like to practise."""

    class ThinkingTime(models.TextChoices):
        SHORT = "short", "Short (answer quickly)"
        NORMAL = "normal", "Normal"
        LONG = "long", "Long (time to think before answering)"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True)
    target_role = models.CharField(max_length=120, blank=True)
    thinking_time = models.CharField(
        max_length=10, choices=ThinkingTime.choices, default=ThinkingTime.NORMAL
    )
    resume_file = models.FileField(upload_to="resumes/%Y/%m/", blank=True)
    resume_filename = models.CharField(max_length=255, blank=True)
    resume_text = models.TextField(blank=True)
    resume_updated_at = models.DateTimeField(null=True, blank=True)
    # Default of the room's "Record this interview" choice (both sides, replay on the report).
    record_interviews = models.BooleanField(default=False)
    # Default of the language new interviews are held in (DESIGN section 11).
    interview_language = models.CharField(
        max_length=languages.CODE_MAX_LENGTH,
        choices=languages.CHOICES,
        default=languages.DEFAULT,
        help_text="The language new interviews are held in, unless chosen otherwise.",
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"
