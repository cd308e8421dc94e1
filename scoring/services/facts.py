"""Recording facts — the only input to official scores — with their provenance and history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Officer, OrgUnit
from scoring.engine.facts import coercer
from scoring.enums import FactSource, RubricSubject
from scoring.models import CampaignRubric, Fact, PendingChange
from scoring.services.rubrics import CLOSED_STATUSES, rubric_of

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign
    from scoring.engine.facts import FactSpec

Subject = OrgUnit | Officer | None

SUBJECT_LABELS = {
    RubricSubject.COLLECTIVE: "集体",
    RubricSubject.INDIVIDUAL: "个人",
}


@dataclass(frozen=True, slots=True)
class FactEntry:
    """One fact to record in a batch (record_facts)."""

    subject: Subject
    key: str
    value: Any
    source_ref: str = ""


@dataclass(frozen=True, slots=True)
class Declaration:
    rubric_key: str
    spec: FactSpec


class Declarations:
    """The fact keys the pinned rubrics of one campaign declare, by subject kind."""

    def __init__(self, campaign: Campaign) -> None:
        self.facts: dict[str, dict[str, list[Declaration]]] = {
            RubricSubject.COLLECTIVE: {},
            RubricSubject.INDIVIDUAL: {},
        }
        self.derived: set[str] = set()
        pins = CampaignRubric.objects.filter(campaign=campaign).select_related("version")
        for pin in pins:
            rubric = rubric_of(pin.version)
            by_key = self.facts[rubric.subject]
            for key, spec in rubric.facts.items():
                by_key.setdefault(key, []).append(Declaration(pin.rubric_key, spec))
            self.derived.update(rubric.derived)

    def for_subject(self, subject: Subject, key: str) -> list[Declaration]:
        if isinstance(subject, OrgUnit):
            return self.facts[RubricSubject.COLLECTIVE].get(key, [])
        if isinstance(subject, Officer):
            return self.facts[RubricSubject.INDIVIDUAL].get(key, [])
        # A campaign-wide fact (a city total, a provincial average) reaches every candidate.
        return [
            *self.facts[RubricSubject.COLLECTIVE].get(key, []),
            *self.facts[RubricSubject.INDIVIDUAL].get(key, []),
        ]


def _subject_kind_label(subject: Subject) -> str:
    if isinstance(subject, OrgUnit):
        return "集体评分细则"
    if isinstance(subject, Officer):
        return "个人评分细则"
    return "评分细则"


def to_json(value: Any) -> Any:
    """A coerced fact value as JSON: decimals as strings (exact), integral ones as numbers."""
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return int(value)
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    raise TypeError(f"cannot store {type(value).__name__} in a fact")


def _check_shape(spec: FactSpec, value: Any) -> None:
    """What the engine's coercion lets through but a typo would cause: unknown names."""
    if spec.type == "categories" and spec.categories and isinstance(value, Mapping):
        unknown = sorted(str(k) for k in value if str(k) not in spec.categories)
        if unknown:
            raise ValueError(f"未声明的类别 {', '.join(unknown)}")
    if spec.type != "records" or not isinstance(value, list | tuple):
        return
    declared = set(spec.fields or {})
    for index, row in enumerate(value):
        unknown = sorted(set(row) - declared) if isinstance(row, Mapping) else []
        if unknown:
            raise ValueError(f"第 {index + 1} 条记录含有未声明的字段 {', '.join(unknown)}")


def validate_fact(*, declarations: Declarations, subject: Subject, key: str, value: Any) -> Any:
    """The value to store for `key`, checked against every pinned rubric declaring it for this
    kind of subject; ValidationError (in Chinese, per field) otherwise."""
    if key in declarations.derived and not declarations.for_subject(subject, key):
        raise ValidationError({"key": f"“{key}”是评分细则中的派生事实，由系统计算，不能录入。"})
    found = declarations.for_subject(subject, key)
    if not found:
        raise ValidationError(
            {"key": f"事实“{key}”未在本活动启用的{_subject_kind_label(subject)}中声明。"}
        )
    stored: Any = None
    for declaration in found:
        spec = declaration.spec
        try:
            _check_shape(spec, value)
            coerced = coercer(spec)(value)
        except (ValueError, TypeError) as exc:
            raise ValidationError(
                {"value": f"事实“{key}”（{spec.label}，{declaration.rubric_key}）的取值无效：{exc}"}
            ) from None
        normalised = to_json(coerced)
        if stored is not None and normalised != stored:
            raise ValidationError(
                {"key": f"事实“{key}”在多个评分细则中的类型不一致，请先统一细则。"}
            )
        stored = normalised
    return stored


def _check_may_record(campaign: Campaign, actor: User | None) -> None:
    if actor is not None and actor.is_branch_staff:
        raise PermissionDenied("单位填报员只能提交自评申报，评分事实由评审或管理员录入。")
    if campaign.status in CLOSED_STATUSES:
        raise ValidationError("活动已结束，评分事实不能再修改。")


def _subject_filter(subject: Subject) -> dict[str, Any]:
    if isinstance(subject, OrgUnit):
        return {"unit": subject, "officer": None}
    if isinstance(subject, Officer):
        return {"unit": None, "officer": subject}
    if subject is None:
        return {"unit": None, "officer": None}
    raise TypeError("subject must be an OrgUnit, an Officer or None")


def _upsert(
    *,
    campaign: Campaign,
    subject: Subject,
    key: str,
    value: Any,
    source: str,
    source_ref: str,
    actor: User | None,
) -> tuple[Fact, bool]:
    """Create or update one fact (row-locked); returns (fact, changed)."""
    where = {"campaign": campaign, "key": key, **_subject_filter(subject)}
    fact = Fact.objects.select_for_update().filter(**where).first()
    if fact is None:
        fact = Fact(**where, value=value, source=source, source_ref=source_ref, recorded_by=actor)
        fact._history_user = actor
        try:
            with transaction.atomic():  # savepoint: a concurrent insert of the same key wins
                fact.save()
            return fact, True
        except IntegrityError:
            fact = Fact.objects.select_for_update().get(**where)
    if (fact.value, fact.source, fact.source_ref) == (value, source, source_ref):
        return fact, False
    fact.value = value
    fact.source = source
    fact.source_ref = source_ref
    fact.recorded_by = actor
    fact.recorded_at = timezone.now()
    fact._history_user = actor
    fact.save(update_fields=["value", "source", "source_ref", "recorded_by", "recorded_at"])
    return fact, True


def _mark_changed(campaign: Campaign, changed: Iterable[tuple[Subject, str]]) -> None:
    rows = [
        PendingChange(campaign=campaign, key=key, **_subject_filter(subject))
        for subject, key in changed
    ]
    if not rows:
        return
    PendingChange.objects.bulk_create(rows, batch_size=500)
    from scoring.services.evaluation import queue_evaluation

    queue_evaluation(campaign_id=campaign.pk)


def _check_source(source: str) -> None:
    if source not in FactSource.values:
        raise ValidationError({"source": f"未知的事实来源“{source}”。"})


@transaction.atomic
def record_fact(
    *,
    campaign: Campaign,
    subject: Subject,
    key: str,
    value: Any,
    source: str,
    source_ref: str = "",
    actor: User | None = None,
) -> Fact:
    """Record (create or replace) the fact `key` of `subject` in `campaign`.

    `subject` is an OrgUnit, an Officer, or None for a campaign-wide fact (e.g. a city total).
    The key and value are checked against the pinned rubrics that declare the key; the change
    is written to the fact's history, and a (debounced) re-evaluation is queued on commit.
    Recording the same value, source and reference again changes nothing."""
    _check_may_record(campaign, actor)
    _check_source(source)
    declarations = Declarations(campaign)
    stored = validate_fact(declarations=declarations, subject=subject, key=key, value=value)
    fact, changed = _upsert(
        campaign=campaign,
        subject=subject,
        key=key,
        value=stored,
        source=source,
        source_ref=source_ref.strip(),
        actor=actor,
    )
    if changed:
        _mark_changed(campaign, [(subject, key)])
    return fact


BULK_BATCH = 1000  # facts per locked read / bulk write in record_facts

_WRITTEN_FIELDS = ["value", "source", "source_ref", "recorded_by", "recorded_at"]

# (unit id, officer id, key): the identity of a fact within its campaign.
FactIdent = tuple[int | None, int | None, str]


@dataclass(slots=True)
class _Prepared:
    subject: Subject
    key: str
    value: Any
    source_ref: str
    ident: FactIdent


def _ident(subject: Subject, key: str) -> FactIdent:
    where = _subject_filter(subject)  # TypeError for anything but a unit, an officer or None
    unit, officer = where["unit"], where["officer"]
    return (unit.pk if unit else None, officer.pk if officer else None, key)


def _locked_facts(campaign: Campaign, batch: list[_Prepared]) -> dict[FactIdent, Fact]:
    """The stored facts of the batch's subjects and keys, read in one query, rows locked."""
    keys = {item.key for item in batch}
    unit_ids = {item.ident[0] for item in batch if item.ident[0] is not None}
    officer_ids = {item.ident[1] for item in batch if item.ident[1] is not None}
    subjects = Q(pk__in=[])
    if unit_ids:
        subjects |= Q(unit_id__in=unit_ids)
    if officer_ids:
        subjects |= Q(officer_id__in=officer_ids)
    if any(item.ident[:2] == (None, None) for item in batch):
        subjects |= Q(unit__isnull=True, officer__isnull=True)
    rows = (
        Fact.objects.select_for_update()
        .filter(subjects, campaign=campaign, key__in=keys)
        .order_by("pk")
    )
    return {(fact.unit_id, fact.officer_id, fact.key): fact for fact in rows}


def _history_rows(changes: list[tuple[Fact, dict[str, Any], str]], actor: User | None) -> list[Any]:
    """HistoricalFact rows as `fact.save()` would have written them, one per change."""
    history_model = Fact.history.model
    rows = []
    for fact, values, history_type in changes:
        values["id"] = fact.pk
        rows.append(
            history_model(
                history_date=values.pop("_at"),
                history_user=actor,
                history_change_reason=None,
                history_type=history_type,
                **values,
            )
        )
    return rows


def _write_batch(
    *, campaign: Campaign, batch: list[_Prepared], source: str, actor: User | None
) -> list[tuple[Subject, str]] | None:
    """Set-based upsert of one batch; the changed (subject, key) pairs, or None when a fact
    was inserted concurrently (nothing of the batch is written then: the caller falls back to
    the row-at-a-time path, which handles that race)."""
    stored = _locked_facts(campaign, batch)
    created: dict[FactIdent, Fact] = {}
    updated: dict[FactIdent, Fact] = {}
    changes: list[tuple[Fact, dict[str, Any], str]] = []
    changed: list[tuple[Subject, str]] = []
    tracked = [f.attname for f in Fact.history.model.tracked_fields]
    for item in batch:
        fact = created.get(item.ident) or stored.get(item.ident)
        if fact is None:
            fact = Fact(
                campaign=campaign,
                key=item.key,
                value=item.value,
                source=source,
                source_ref=item.source_ref,
                recorded_by=actor,
                **_subject_filter(item.subject),
            )
            created[item.ident] = fact
            history_type = "+"
        elif (fact.value, fact.source, fact.source_ref) == (item.value, source, item.source_ref):
            continue  # unchanged: no write, no history, no re-scoring
        else:
            fact.value = item.value
            fact.source = source
            fact.source_ref = item.source_ref
            fact.recorded_by = actor
            fact.recorded_at = timezone.now()
            if item.ident not in created:
                updated[item.ident] = fact
            history_type = "~"
        values = {name: getattr(fact, name) for name in tracked}
        values["_at"] = timezone.now()
        changes.append((fact, values, history_type))
        changed.append((item.subject, item.key))
    if created:
        try:
            with transaction.atomic():  # savepoint: a concurrent insert of the same key wins
                Fact.objects.bulk_create(created.values(), batch_size=BULK_BATCH)
        except IntegrityError:
            return None
        if any(fact.pk is None for fact in created.values()):  # a backend without RETURNING
            ids = _locked_facts(campaign, batch)
            for ident, fact in created.items():
                fact.pk = ids[ident].pk
    if updated:
        Fact.objects.bulk_update(updated.values(), _WRITTEN_FIELDS, batch_size=BULK_BATCH)
    if changes and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        Fact.history.model.objects.bulk_create(_history_rows(changes, actor), batch_size=BULK_BATCH)
    return changed


@transaction.atomic
def record_facts(
    *,
    campaign: Campaign,
    entries: Iterable[FactEntry],
    source: str,
    actor: User | None = None,
) -> int:
    """Record many facts from one source (an import) in one transaction; all or nothing.

    Every entry is validated before anything is written; errors name the entry. Returns how
    many facts changed. One re-evaluation is queued for the whole batch.

    Set-based, with the semantics of calling `record_fact` for each entry in order: per batch
    of BULK_BATCH entries, the stored facts are read (and locked) in one query, the new,
    changed and unchanged ones are told apart in Python, and the new ones are inserted, the
    changed ones updated and their history rows written in bulk. An unchanged fact is not
    written; an entry repeated in the batch is applied in order, each change with its own
    history row."""
    _check_may_record(campaign, actor)
    _check_source(source)
    declarations = Declarations(campaign)
    prepared: list[_Prepared] = []
    for index, entry in enumerate(entries, start=1):
        try:
            stored = validate_fact(
                declarations=declarations, subject=entry.subject, key=entry.key, value=entry.value
            )
        except ValidationError as exc:
            raise ValidationError(
                [f"第 {index} 条（{entry.key}）：{message}" for message in exc.messages]
            ) from None
        prepared.append(
            _Prepared(
                subject=entry.subject,
                key=entry.key,
                value=stored,
                source_ref=entry.source_ref.strip(),
                ident=_ident(entry.subject, entry.key),
            )
        )
    changed: list[tuple[Subject, str]] = []
    for start in range(0, len(prepared), BULK_BATCH):
        batch = prepared[start : start + BULK_BATCH]
        written = _write_batch(campaign=campaign, batch=batch, source=source, actor=actor)
        if written is None:
            written = _record_one_by_one(campaign=campaign, batch=batch, source=source, actor=actor)
        changed += written
    _mark_changed(campaign, changed)
    return len(changed)


def _record_one_by_one(
    *, campaign: Campaign, batch: list[_Prepared], source: str, actor: User | None
) -> list[tuple[Subject, str]]:
    changed: list[tuple[Subject, str]] = []
    for item in batch:
        _fact, did_change = _upsert(
            campaign=campaign,
            subject=item.subject,
            key=item.key,
            value=item.value,
            source=source,
            source_ref=item.source_ref,
            actor=actor,
        )
        if did_change:
            changed.append((item.subject, item.key))
    return changed


@transaction.atomic
def retract_fact(*, fact: Fact, actor: User | None = None, reason: str = "") -> None:
    """Delete a fact recorded in error; its history keeps the value and who retracted it."""
    campaign = fact.campaign
    _check_may_record(campaign, actor)
    subject: Subject = fact.unit or fact.officer
    key = fact.key
    fact._history_user = actor
    fact._change_reason = reason[:100] or None
    fact.delete()
    _mark_changed(campaign, [(subject, key)])


def facts_of(*, campaign: Campaign, subject: Subject) -> dict[str, Any]:
    """The stored facts of one subject (plus nothing else): key -> value."""
    return dict(
        Fact.objects.filter(campaign=campaign, **_subject_filter(subject)).values_list(
            "key", "value"
        )
    )
