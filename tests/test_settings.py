"""Production settings fail loudly: each case starts `manage.py check --deploy` in a fresh
process with the production settings module and a chosen environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Variables the settings read; cleared so that the developer's or CI's environment cannot
# leak into a case (DATABASE_URL is kept: parsing it connects to nothing).
SETTINGS_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "DJANGO_SETTINGS_MODULE",
]


def _check(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment |= {
        # pytest runs with portal.settings.test; the check is about the real settings.
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_debug_off_without_secret_key_refuses_to_start(tmp_path):
    result = _check(tmp_path, DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_debug_off_with_the_development_key_refuses_to_start(tmp_path):
    result = _check(tmp_path, DEBUG="0", SECRET_KEY="dev-only-insecure-key-never-use-in-production")

    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


PRODUCTION = {"DEBUG": "0", "ALLOWED_HOSTS": "portal.example.org"}


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _check(tmp_path, SECRET_KEY=secrets.token_urlsafe(64), **PRODUCTION)

    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = _check(
        tmp_path,
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "perhaps", "DEBUG='perhaps' is not a boolean"),
        ("SECURE_SSL_REDIRECT", "sometimes", "SECURE_SSL_REDIRECT='sometimes' is not a boolean"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS='a year' is not an integer"),
    ],
)
def test_malformed_variable_fails_loudly_naming_it(tmp_path, variable, value, message):
    env = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "x.org"}
    env[variable] = value

    result = _check(tmp_path, **env)

    assert result.returncode != 0
    assert message in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_cache_url_other_than_redis_fails_loudly(tmp_path):
    env = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "x.org"}

    result = _check(tmp_path, CACHE_URL="memcached://127.0.0.1:11211", **env)

    assert result.returncode != 0
    assert "CACHE_URL='memcached://127.0.0.1:11211' is not a redis://" in result.stderr


def test_cache_url_selects_the_shared_redis_cache(tmp_path):
    """Several gunicorn workers share rate limits and job progress only through Redis."""
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "VAR_DIR": str(tmp_path),
        "CACHE_URL": "redis://127.0.0.1:6379/3",
    }
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr
