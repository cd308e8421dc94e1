"""Template helpers of the evidence uploader: the size limits it announces and pre-checks."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def evidence_limits() -> dict[str, int]:
    """The limits from settings (the server enforces them; the page only announces them)."""
    mib = 1024 * 1024
    return {
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
        "video_max_bytes": settings.EVIDENCE_VIDEO_MAX_BYTES,
        "max_mb": settings.EVIDENCE_MAX_BYTES // mib,
        "video_max_mb": settings.EVIDENCE_VIDEO_MAX_BYTES // mib,
    }
