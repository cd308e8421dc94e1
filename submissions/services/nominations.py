"""Nominating officers for a campaign's individual rubric, within the unit's quota."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import check_officer
from campaigns.enums import PhaseKind
from campaigns.models import Officer, Participation
from campaigns.phases import is_open
from evidence.models import EvidenceFile
from scoring.engine import evaluate
from scoring.engine.parse import names_used
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric
from scoring.services.candidates import register_candidate, withdraw_candidate
from scoring.services.evaluation import load_campaign_facts
from scoring.services.facts import facts_of
from scoring.services.rubrics import rubric_of
from submissions.enums import NominationStatus
from submissions.models import Nomination, NominationTally

if TYPE_CHECKING:
    from accounts.models import User
    from scoring.engine.facts import FactSpec


def _bool_names(expressions: list[Any]) -> set[str]:
    names: set[str] = set()
    for expression in expressions:
        names |= names_used(expression)
    return names


def eligibility_questions(campaign_rubric: CampaignRubric) -> list[tuple[str, FactSpec]]:
    """The yes/no facts the rubric's eligibility conditions and vetoes read: the unit confirms
    them when nominating (e.g. seed 003: certificate held, basic conditions confirmed,
    integrity certificate attached)."""
    rubric = rubric_of(campaign_rubric.version)
    names = _bool_names([e.require for e in rubric.eligibility] + [v.when for v in rubric.vetoes])
    return [
        (key, spec) for key, spec in rubric.facts.items() if key in names and spec.type == "bool"
    ]


def needs_attachment(spec: FactSpec) -> bool:
    """A confirmation that a document is attached (label “已附…”, seed 003's 廉洁执法证明)
    must come with a file."""
    return "附" in spec.label


def eligibility_refusals(
    campaign_rubric: CampaignRubric, officer: Officer, answers: Mapping[str, Any]
) -> list[str]:
    """The rubric's eligibility and veto reasons that the officer meets, evaluated by the
    engine on the officer's recorded facts plus the unit's answers."""
    rubric = rubric_of(campaign_rubric.version)
    if not rubric.eligibility and not rubric.vetoes:
        return []
    campaign = campaign_rubric.campaign
    facts = {
        **load_campaign_facts(campaign=campaign),
        **facts_of(campaign=campaign, subject=officer),
        **{key: bool(value) for key, value in answers.items()},
    }
    result = evaluate(rubric, {"officer": facts}).candidates["officer"]
    return [*result.ineligible, *result.vetoes]


def _take_place(*, campaign_rubric: CampaignRubric, unit_id: int, quota: int) -> None:
    """Take one place of the unit's quota, or refuse when none is left.

    One conditional UPDATE on the unit's tally row (`active < quota`) both checks and takes the
    place, so it holds when two staff nominate at once, on PostgreSQL (the second UPDATE waits
    for the first to commit, then re-checks) and on SQLite (writers run one at a time), where
    `select_for_update` locks nothing. The row is created on first use from the nominations
    already active; only this module changes it, in the nomination's own transaction."""
    active = Nomination.objects.filter(
        campaign_rubric=campaign_rubric, unit_id=unit_id, status=NominationStatus.ACTIVE
    )
    tally, _created = NominationTally.objects.get_or_create(  # the count only on creation
        campaign_rubric=campaign_rubric, unit_id=unit_id, defaults={"active": active.count}
    )
    taken = NominationTally.objects.filter(pk=tally.pk, active__lt=quota).update(
        active=F("active") + 1
    )
    if not taken:
        now_used = NominationTally.objects.values_list("active", flat=True).get(pk=tally.pk)
        raise ValidationError(
            _("本单位推荐名额为 %(quota)s 人，已推荐 %(used)s 人，名额已满，不能再推荐。")
            % {"quota": quota, "used": now_used},
            code="quota_full",
        )


def _write_first(*, campaign_id: int, unit_id: int) -> None:
    """A no-op write as the first statement of a nomination's transaction. SQLite: it takes the
    write lock now, so a colleague nominating at the same moment waits (busy timeout) instead of
    failing with "database is locked" when a transaction that has read tries to write later.
    PostgreSQL: it locks the unit's participation row, so the two run one after the other."""
    Participation.objects.filter(campaign_id=campaign_id, unit_id=unit_id).update(
        individual_quota=F("individual_quota")
    )


def _free_place(*, campaign_rubric_id: int, unit_id: int) -> None:
    NominationTally.objects.filter(
        campaign_rubric_id=campaign_rubric_id, unit_id=unit_id, active__gt=0
    ).update(active=F("active") - 1)


def _record(nomination: Nomination, *, actor: User, reason: str) -> None:
    """A history row for a change made by a conditional UPDATE (which sends no signal)."""
    Nomination.history.bulk_history_create(
        [nomination], update=True, default_user=actor, default_change_reason=reason[:100]
    )


@transaction.atomic
def nominate(
    *,
    campaign_rubric: CampaignRubric,
    officer: Officer,
    actor: User,
    answers: Mapping[str, Any] | None = None,
    files: Iterable[EvidenceFile] = (),
) -> Nomination:
    """Nominate `officer` (of the actor's unit) and enter them as a scoring candidate.

    Refused with the reason: another unit's officer (404), a read-only role (403), a rubric
    that is not individual, the phase closed, a unit outside the campaign, the quota full (also
    when another nomination took the last place meanwhile), no enforcement certificate, an
    eligibility condition or veto of the rubric met by the unit's answers and the officer's
    facts, or a confirmed attachment (“已附…”) without a file."""
    _write_first(campaign_id=campaign_rubric.campaign_id, unit_id=officer.unit_id)
    check_officer(actor, officer, write=True)
    campaign = campaign_rubric.campaign
    if campaign_rubric.version.subject != RubricSubject.INDIVIDUAL:
        raise ValidationError(_("只能按个人评分细则推荐执法人员。"))
    if not is_open(campaign, PhaseKind.SELF_ASSESSMENT):
        raise ValidationError(_("自评推选阶段未开放或已截止，不能推荐。"))
    participation = Participation.objects.filter(campaign=campaign, unit_id=officer.unit_id).first()
    if participation is None:
        raise ValidationError(_("该执法人员所在单位未参加本活动，不能推荐。"))
    existing = Nomination.objects.filter(campaign_rubric=campaign_rubric, officer=officer).first()
    if existing is not None and existing.status == NominationStatus.ACTIVE:
        raise ValidationError(_already_nominated(officer))
    if not officer.is_active:
        raise ValidationError(_("%(name)s不在编在岗，不能推荐。") % {"name": officer.name})
    if not officer.certificate_no.strip():
        raise ValidationError(
            _("%(name)s未登记行政执法证件号，不符合推荐条件。") % {"name": officer.name}
        )
    answers = dict(answers or {})
    refusals = eligibility_refusals(campaign_rubric, officer, answers)
    if refusals:
        raise ValidationError(
            [_("不符合推荐条件：%(reason)s") % {"reason": reason} for reason in refusals]
        )
    files = list(files)
    for file in files:
        if file.owner_unit_id != officer.unit_id or file.is_withdrawn:
            raise ValidationError(
                _("文件“%(name)s”不属于本单位或已撤回，不能作为证明材料。")
                % {"name": file.original_name}
            )
    missing = [
        spec.label
        for key, spec in eligibility_questions(campaign_rubric)
        if answers.get(key) and needs_attachment(spec)
    ]
    if missing and not files:
        raise ValidationError(
            [_("请上传证明材料：%(label)s") % {"label": label} for label in missing]
        )
    # Last before writing, so that the place is held for as short a time as possible.
    _take_place(
        campaign_rubric=campaign_rubric,
        unit_id=officer.unit_id,
        quota=participation.individual_quota,
    )
    candidate = register_candidate(campaign_rubric=campaign_rubric, officer=officer, actor=None)
    if existing is None:
        nomination = Nomination(
            campaign_rubric=campaign_rubric,
            unit_id=officer.unit_id,
            officer=officer,
            candidate=candidate,
            eligibility_values=answers,
            nominated_by=actor,
        )
        nomination._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():  # savepoint: a concurrent nomination of the same officer
                nomination.save()
        except IntegrityError:
            raise ValidationError(_already_nominated(officer)) from None
    else:
        # Reactivate only if still withdrawn: two staff re-nominating at once take one place.
        changed = Nomination.objects.filter(
            pk=existing.pk, status=NominationStatus.WITHDRAWN
        ).update(
            status=NominationStatus.ACTIVE,
            candidate=candidate,
            eligibility_values=answers,
            nominated_by=actor,
            nominated_at=timezone.now(),
        )
        if not changed:
            raise ValidationError(_already_nominated(officer))
        nomination = Nomination.objects.get(pk=existing.pk)
        _record(nomination, actor=actor, reason=str(_("重新推荐")))
    if files:
        nomination.evidence.add(*files)
    return nomination


def _already_nominated(officer: Officer) -> str:
    return _("%(name)s已被推荐，请勿重复推荐。") % {"name": officer.name}


@transaction.atomic
def withdraw_nomination(*, nomination: Nomination, actor: User) -> Nomination:
    """Withdraw a nomination while self-assessment is open; the candidate leaves the pool and
    the place is freed. Withdrawing twice (a double click) changes nothing the second time."""
    _write_first(campaign_id=nomination.campaign_rubric.campaign_id, unit_id=nomination.unit_id)
    check_officer(actor, nomination.officer, write=True)
    if not is_open(nomination.campaign_rubric.campaign, PhaseKind.SELF_ASSESSMENT):
        raise ValidationError(_("自评推选阶段未开放或已截止，不能撤回推荐。"))
    changed = Nomination.objects.filter(pk=nomination.pk, status=NominationStatus.ACTIVE).update(
        status=NominationStatus.WITHDRAWN
    )
    if not changed:  # already withdrawn, maybe by a colleague a moment ago
        nomination.refresh_from_db()
        return nomination
    _free_place(campaign_rubric_id=nomination.campaign_rubric_id, unit_id=nomination.unit_id)
    nomination.refresh_from_db()
    _record(nomination, actor=actor, reason=str(_("撤回推荐")))
    if nomination.candidate_id:
        withdraw_candidate(candidate=nomination.candidate, actor=None)
    return nomination
