"""Nominating officers for a campaign's individual rubric, within the unit's quota."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

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
from submissions.models import Nomination

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
    that is not individual, the phase closed, a unit outside the campaign, the quota full, no
    enforcement certificate, an eligibility condition or veto of the rubric met by the unit's
    answers and the officer's facts, or a confirmed attachment (“已附…”) without a file."""
    check_officer(actor, officer, write=True)
    campaign = campaign_rubric.campaign
    if campaign_rubric.version.subject != RubricSubject.INDIVIDUAL:
        raise ValidationError("只能按个人评分细则推荐执法人员。")
    if not is_open(campaign, PhaseKind.SELF_ASSESSMENT):
        raise ValidationError("自评推选阶段未开放或已截止，不能推荐。")
    participation = (
        Participation.objects.select_for_update()  # serialises quota checks (PostgreSQL)
        .filter(campaign=campaign, unit_id=officer.unit_id)
        .first()
    )
    if participation is None:
        raise ValidationError("该执法人员所在单位未参加本活动，不能推荐。")
    existing = Nomination.objects.filter(campaign_rubric=campaign_rubric, officer=officer).first()
    if existing is not None and existing.status == NominationStatus.ACTIVE:
        raise ValidationError(f"{officer.name}已被推荐，请勿重复推荐。")
    used = Nomination.objects.filter(
        campaign_rubric=campaign_rubric, unit_id=officer.unit_id, status=NominationStatus.ACTIVE
    ).count()
    quota = participation.individual_quota
    if used >= quota:
        raise ValidationError(
            f"本单位推荐名额为 {quota} 人，已推荐 {used} 人，名额已满，不能再推荐。"
        )
    if not officer.is_active:
        raise ValidationError(f"{officer.name}不在编在岗，不能推荐。")
    if not officer.certificate_no.strip():
        raise ValidationError(f"{officer.name}未登记行政执法证件号，不符合推荐条件。")
    answers = dict(answers or {})
    refusals = eligibility_refusals(campaign_rubric, officer, answers)
    if refusals:
        raise ValidationError([f"不符合推荐条件：{reason}" for reason in refusals])
    files = list(files)
    for file in files:
        if file.owner_unit_id != officer.unit_id or file.is_withdrawn:
            raise ValidationError(
                f"文件“{file.original_name}”不属于本单位或已撤回，不能作为证明材料。"
            )
    missing = [
        spec.label
        for key, spec in eligibility_questions(campaign_rubric)
        if answers.get(key) and needs_attachment(spec)
    ]
    if missing and not files:
        raise ValidationError([f"请上传证明材料：{label}" for label in missing])
    candidate = register_candidate(campaign_rubric=campaign_rubric, officer=officer, actor=None)
    nomination = existing or Nomination(
        campaign_rubric=campaign_rubric, unit_id=officer.unit_id, officer=officer
    )
    nomination.status = NominationStatus.ACTIVE
    nomination.candidate = candidate
    nomination.eligibility_values = answers
    nomination.nominated_by = actor
    nomination._history_user = actor  # type: ignore[attr-defined]
    nomination.save()
    if files:
        nomination.evidence.add(*files)
    return nomination


@transaction.atomic
def withdraw_nomination(*, nomination: Nomination, actor: User) -> Nomination:
    """Withdraw a nomination while self-assessment is open; the candidate leaves the pool."""
    check_officer(actor, nomination.officer, write=True)
    if not is_open(nomination.campaign_rubric.campaign, PhaseKind.SELF_ASSESSMENT):
        raise ValidationError("自评推选阶段未开放或已截止，不能撤回推荐。")
    if nomination.status == NominationStatus.WITHDRAWN:
        return nomination
    nomination.status = NominationStatus.WITHDRAWN
    nomination._history_user = actor  # type: ignore[attr-defined]
    nomination.save(update_fields=["status"])
    if nomination.candidate_id:
        withdraw_candidate(candidate=nomination.candidate, actor=None)
    return nomination
