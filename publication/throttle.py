"""Spam resistance for the public objection form, without a captcha.

- Rate limit per client address, counted in the cache: at most OBJECTION_RATE per window from
  one address. Only that address is held back; others file as usual, and a held-back objector
  gets their form back, filled in, with a Chinese message saying when to try again.
- A honeypot field that people never see (hidden by CSS and from assistive technology) and bots
  fill in.
- A minimum form-fill time, carried in a signed token issued with the form: a form posted
  within seconds of being served was not typed by a person. The token also expires.

The cache is the default one: per process with the built-in local-memory cache, so a
production deployment with several web processes sets a shared cache (Redis) for the limit to
hold across them.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

TOKEN_SALT = "publication.objection-form"  # noqa: S105 - a signing namespace, not a secret
TOO_FAST = "提交过快：请核对填写的内容后再提交一次。"
EXPIRED = "表单已过期，请核对内容后再提交一次。"
THROTTLED = "同一网络地址提交过于频繁，请 {minutes} 分钟后再提交。已填写的内容保留在下方。"


def rate() -> int:
    return int(getattr(settings, "PUBLICATION_OBJECTION_RATE", 5))


def window_seconds() -> int:
    return int(getattr(settings, "PUBLICATION_OBJECTION_WINDOW", 3600))


def min_fill_seconds() -> float:
    return float(getattr(settings, "PUBLICATION_OBJECTION_MIN_SECONDS", 3))


def max_form_age_seconds() -> int:
    return int(getattr(settings, "PUBLICATION_OBJECTION_FORM_MAX_AGE", 6 * 3600))


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR: the proxy in front must set it to the real client (forwarded headers are
    not trusted here, they are the client's to forge)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(address: str) -> str:
    return f"publication:objections:{address}"


def is_throttled(address: str) -> bool:
    return int(cache.get(_key(address), 0)) >= rate()


def count_attempt(address: str) -> None:
    """Count one submission from `address` (accepted or not: a flood is a flood)."""
    key = _key(address)
    if cache.add(key, 1, timeout=window_seconds()):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds())


def throttled_message() -> str:
    return THROTTLED.format(minutes=max(1, window_seconds() // 60))


def issue_token() -> str:
    return signing.dumps(time.time(), salt=TOKEN_SALT)


def check_token(token: str) -> str | None:
    """None when the form was filled by a person in time; otherwise the message to show."""
    try:
        issued = float(signing.loads(token or "", salt=TOKEN_SALT, max_age=max_form_age_seconds()))
    except (signing.BadSignature, TypeError, ValueError):  # expired, forged or missing
        return EXPIRED
    if time.time() - issued < min_fill_seconds():
        return TOO_FAST
    return None
