"""Settings read in a fresh interpreter, as a fresh clone or a production host would."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

SHOW_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"],
    "name": str(s.DATABASES["default"]["NAME"]),
    "cache": s.CACHES["default"]["BACKEND"],
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "email": s.EMAIL_BACKEND,
    "realtime_base_url": s.REALTIME_BASE_URL,
    "realtime_provider": s.REALTIME_PROVIDER,
    "feedback_provider": s.FEEDBACK_PROVIDER,
    "openai_base_url": s.OPENAI_BASE_URL,
    "debug": s.DEBUG,
    "verification": s.ACCOUNT_EMAIL_VERIFICATION,
    "conn_max_age": s.DATABASES["default"].get("CONN_MAX_AGE"),
    "conn_health_checks": s.DATABASES["default"].get("CONN_HEALTH_CHECKS"),
    "broker_transport": getattr(s, "CELERY_BROKER_TRANSPORT", None),
}))
"""


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp"}
    base["DJANGO_SETTINGS_MODULE"] = "vocahire.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(env: dict[str, str]) -> dict:
    if (BASE_DIR / ".env").exists():
        pytest.skip("a local .env file would leak into the 'no environment' settings")
    result = _run(["-c", SHOW_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_runs_embedded():
    shown = _settings({})
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(BASE_DIR / "db.sqlite3")
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["eager"] is True
    assert shown["broker_transport"] is None  # memory://
    assert shown["email"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["realtime_base_url"] == "http://127.0.0.1:8765/v1"
    assert shown["realtime_provider"] == "local"
    assert shown["feedback_provider"] == "none"
    assert shown["debug"] is False
    assert shown["verification"] == "mandatory"


def test_production_environment_switches_every_service_on():
    shown = _settings(
        {
            "DATABASE_URL": "postgres://vocahire:pw@db.example.com:5432/vocahire",
            "REDIS_URL": "redis://cache.example.com:6379/0",
            "CELERY_BROKER_URL": "redis://cache.example.com:6379/1",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
            "OPENAI_API_KEY": "sk-test-not-real",
            "ACCOUNT_EMAIL_VERIFICATION": "mandatory",
        }
    )
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["conn_max_age"] > 0 and shown["conn_health_checks"] is True
    assert shown["cache"] == "vocahire.lib.cache.FallbackRedisCache"  # django-redis, with fallback
    assert shown["eager"] is False
    assert shown["broker_transport"] == "vocahire.lib.kombu_redis:Transport"
    assert shown["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert shown["realtime_base_url"] == "https://api.openai.com/v1"
    assert shown["realtime_provider"] == "openai"
    assert shown["feedback_provider"] == "openai"
    assert shown["verification"] == "mandatory"


def test_a_broker_other_than_redis_keeps_its_own_transport():
    shown = _settings({"CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"})
    assert shown["eager"] is False
    assert shown["broker_transport"] is None


def test_a_tls_redis_broker_keeps_kombus_transport_and_so_its_tls():
    # kombu turns TLS on from the rediss scheme; a transport named in the settings would hide it.
    url = "rediss://:pw@cache.example.com:6380/1?ssl_cert_reqs=required"
    shown = _settings({"CELERY_BROKER_URL": url})
    assert shown["broker_transport"] is None


def test_an_openai_compatible_endpoint_keeps_ai_feedback_on():
    # A proxy's URL says nothing about who is behind it: the key switches OpenAI on.
    proxy = "https://llm-gateway.example.com/openai/v1"
    shown = _settings({"OPENAI_API_KEY": "sk-test-not-real", "OPENAI_BASE_URL": proxy})
    assert (shown["openai_base_url"], shown["realtime_base_url"]) == (proxy, proxy)
    assert (shown["feedback_provider"], shown["realtime_provider"]) == ("openai", "openai")
    off = _settings({"OPENAI_API_KEY": "sk-test-not-real", "FEEDBACK_PROVIDER": "none"})
    assert off["feedback_provider"] == "none"


def test_an_unknown_feedback_provider_refuses_to_start():
    result = _run(["manage.py", "check"], {"FEEDBACK_PROVIDER": "gemini"})
    assert result.returncode != 0
    assert "FEEDBACK_PROVIDER must be 'openai' or 'none'" in result.stderr


def test_check_deploy_is_clean_with_production_env():
    env = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "vocahire.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://vocahire.example.com",
        "SECURE_SSL_REDIRECT": "1",
        "DATABASE_URL": "postgres://vocahire:pw@db.example.com:5432/vocahire",
        "REDIS_URL": "redis://cache.example.com:6379/0",
        "CELERY_BROKER_URL": "redis://cache.example.com:6379/1",
        "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
    }
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_the_development_secret_key():
    env = {"DEBUG": "0", "SECURE_SSL_REDIRECT": "1"}
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_a_public_host_without_a_secret_key_refuses_to_start():
    env = {"DEBUG": "0", "ALLOWED_HOSTS": "vocahire.example.com"}
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY" in result.stderr
    assert "vocahire.example.com" in result.stderr
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    env["EMAIL_URL"] = "smtp+tls://mailer:pw@smtp.example.com:587"
    assert _run(["manage.py", "check"], env).returncode == 0


def test_a_public_host_with_console_email_refuses_to_start():
    # Reset links printed to the web log are readable by anyone who reads the log.
    env = {
        "DEBUG": "0",
        "ALLOWED_HOSTS": "vocahire.example.com",
        "SECRET_KEY": secrets.token_urlsafe(64),
    }
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set EMAIL_URL" in result.stderr
