"""Test settings: fast hashing, eager Celery that propagates errors, a temporary media root."""

import tempfile
from pathlib import Path

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dalianbing-test-media-"))
EVIDENCE_ROOT = Path(tempfile.mkdtemp(prefix="dalianbing-test-evidence-"))
EXPORTS_ROOT = Path(tempfile.mkdtemp(prefix="dalianbing-test-exports-"))
# An existing (empty) static root, so WhiteNoise has nothing to warn about.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="dalianbing-test-static-"))
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks eagerly; the worker tests (tests/test_celery_worker.py) start a real worker
# process and switch eager off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 3
LANGUAGE_CODE = "zh-hans"
