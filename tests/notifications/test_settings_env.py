"""REMINDER_DAYS and the SMTP switches come from the environment and fail loudly."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def _settings_value(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("REMINDER_", "EMAIL_"))}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "portal.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import portal.settings as s; print(s.{name})"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_reminder_days_default_and_override():
    assert _settings_value("REMINDER_DAYS").stdout.strip() == "[1, 7]"
    assert _settings_value("REMINDER_DAYS", REMINDER_DAYS="3, 14,3").stdout.strip() == "[3, 14]"


def test_malformed_reminder_days_and_tls_ssl_stop_start_up():
    bad = _settings_value("REMINDER_DAYS", REMINDER_DAYS="7,tomorrow")
    assert bad.returncode != 0 and "REMINDER_DAYS" in bad.stderr
    both = _settings_value("EMAIL_HOST", EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    assert both.returncode != 0 and "EMAIL_USE_TLS" in both.stderr
