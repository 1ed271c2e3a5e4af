"""Demo people for `manage.py seed_demo`."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from accounts.models import Profile, User

DEMO_CANDIDATE = ("demo@vocahire.local", "practise-out-loud")
DEMO_STAFF = ("staff@vocahire.local", "staff-runs-cases")


def demo_users_seed() -> tuple[User, User]:
    """Create (or reset the passwords of) the demo candidate and the staff user."""
    candidate = _user(*DEMO_CANDIDATE, is_staff=False)
    staff = _user(*DEMO_STAFF, is_staff=True)
    Profile.objects.update_or_create(
        user=candidate, defaults={"display_name": "Demo Candidate", "target_role": "Consultant"}
    )
    Profile.objects.get_or_create(user=staff, defaults={"display_name": "Staff"})
    return candidate, staff


def _user(email: str, password: str, *, is_staff: bool) -> User:
    user = User.objects.filter(email=email).first() or User(email=email)
    user.is_staff = user.is_superuser = is_staff
    user.set_password(password)
    user.save()
    # Verified, so the demo logins work even with ACCOUNT_EMAIL_VERIFICATION=mandatory.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
