"""Rubric versions and pins: loading YAML into immutable versions, pinning them to campaigns."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.enums import CampaignStatus
from scoring.engine import RubricError, check_rubric, parse_rubric
from scoring.engine.yaml_io import parse_yaml
from scoring.models import CampaignRubric, PendingChange, RubricVersion

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign
    from scoring.engine.model import Rubric

_CACHE_LOCK = threading.Lock()
_RUBRICS: dict[tuple[str, str], Rubric] = {}  # (key, content hash) -> parsed rubric
_CACHE_LIMIT = 128

CLOSED_STATUSES = (CampaignStatus.CLOSED, CampaignStatus.ARCHIVED)


def content_hash(text: str) -> str:
    """SHA-256 of the (line-ending normalised) YAML text: `sha256sum` of the stored content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read(path_or_text: str | Path) -> tuple[str, str]:
    """(text, source label). A Path, or a one-line string ending in .yaml/.yml, is a file name."""
    is_path = isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and path_or_text.strip().endswith((".yaml", ".yml"))
    )
    if not is_path:
        return _normalise(str(path_or_text)), "<text>"
    path = Path(path_or_text)
    try:
        return _normalise(path.read_text(encoding="utf-8")), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        from scoring.engine.errors import Problem

        raise RubricError([Problem(str(path), "", f"无法读取文件：{exc}")]) from None


def parse_text(text: str, source: str = "<text>") -> Rubric:
    """Validate YAML text with the engine (RubricError naming source, path and problem)."""
    return parse_rubric(parse_yaml(text, source), source)


def rubric_of(version: RubricVersion) -> Rubric:
    """The parsed rubric of a version. Versions are immutable, so the parse is cached by hash."""
    cache_key = (version.key, version.content_hash)
    rubric = _RUBRICS.get(cache_key)
    if rubric is None:
        rubric = parse_text(version.content, f"{version.key}@{version.short_hash}")
        with _CACHE_LOCK:
            if len(_RUBRICS) >= _CACHE_LIMIT:
                _RUBRICS.pop(next(iter(_RUBRICS)))
            _RUBRICS[cache_key] = rubric
    return rubric


def needs_pool(rubric: Rubric) -> bool:
    """Whether any rule looks at the whole pool (ranks, the best value, pool sums).

    Such a rubric is always evaluated in full; any other rubric can be evaluated candidate by
    candidate (in chunks, and incrementally after a fact change)."""
    for _path, node in rubric.walk():
        rule = getattr(node, "rule", None)
        if rule is not None and rule.reads_pool():
            return True
    return False


def load_rubric_version(*, path_or_text: str | Path, actor: User | None = None) -> RubricVersion:
    """Validate a rubric (file path or YAML text) and store it as a version.

    Returns the existing version when the same content was loaded before (same key, same hash).
    Raises RubricError (problems with file, path and message) when the engine refuses it."""
    text, source = _read(path_or_text)
    rubric = parse_text(text, source)
    digest = content_hash(text)
    earlier = RubricVersion.objects.filter(key=rubric.id).exclude(subject=rubric.subject).first()
    if earlier is not None:
        raise ValidationError(
            f"评分细则“{rubric.id}”已有评价对象为“{earlier.get_subject_display()}”的版本，"
            "新版本不能改变评价对象；请使用新的 id。"
        )
    version, _created = RubricVersion.objects.get_or_create(
        key=rubric.id,
        content_hash=digest,
        defaults={
            "title": rubric.title,
            "subject": rubric.subject,
            "source_seed": rubric.source,
            "content": text,
            "created_by": actor,
        },
    )
    return version


def version_warnings(version: RubricVersion) -> list[Any]:
    """check_rubric's warnings (source inconsistencies) for a stored version."""
    return check_rubric(rubric_of(version))


def _check_may_configure(campaign: Campaign, actor: User | None) -> None:
    if actor is not None and not actor.is_campaign_admin:
        raise PermissionDenied("只有活动管理员可以配置评分细则。")
    if campaign.status in CLOSED_STATUSES:
        raise ValidationError("活动已结束，不能再更改评分细则。")


@transaction.atomic
def pin_rubric(*, campaign: Campaign, version: RubricVersion, actor: User | None) -> CampaignRubric:
    """Make `campaign` score with `version` of its rubric.

    Pinning a rubric key for the first time creates the pin; pinning another version of a key
    already pinned replaces the version (the pin's history keeps the earlier one; snapshots keep
    theirs) and queues a full re-evaluation. Pinning the pinned version again changes nothing."""
    _check_may_configure(campaign, actor)
    pin = (
        CampaignRubric.objects.select_for_update()
        .filter(campaign=campaign, rubric_key=version.key)
        .first()
    )
    if pin is not None and pin.version_id == version.pk:
        return pin
    if pin is None:
        pin = CampaignRubric(campaign=campaign, rubric_key=version.key)
    pin.version = version
    pin.pinned_at = timezone.now()
    pin.pinned_by = actor
    pin._history_user = actor  # simple_history: who re-pinned, also outside a request
    pin.save()
    from scoring.services.evaluation import queue_evaluation

    PendingChange.objects.create(campaign=campaign, full=True)
    queue_evaluation(campaign_id=campaign.pk)
    return pin
