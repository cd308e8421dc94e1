"""Every write of the case-file review: keyword-only, typed, one transaction each.

Views, the admin and the ``verify_draw`` command call these; the pure parts live in
``cases.scoring`` (file scores), ``cases.draws`` (the random draw), ``cases.eligibility`` (the
pool) and ``cases.assignment`` (the solver). File scores reach the rubrics only as facts,
through ``scoring.services.facts.record_fact`` (source ``case_review``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.access import check_unit, writes_everything
from accounts.enums import Role
from campaigns.enums import CampaignStatus, PhaseKind
from campaigns.phases import is_open
from cases import assignment as solver
from cases import draws as drawing
from cases import eligibility
from cases import scoring as file_scoring
from cases.enums import (
    ENDED_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    CaseType,
    DrawMethod,
    HandlerRole,
    SlotKind,
)
from cases.models import (
    Assignment,
    CaseDocument,
    CaseFile,
    CaseHandler,
    Checklist,
    Draw,
    DrawRecord,
    DrawSeed,
    FileReview,
    ReviewSettings,
    SampledFile,
)
from cases.selectors import CASE_FACT_KEYS
from scoring.enums import FactSource
from scoring.services.rubrics import CLOSED_STATUSES

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign, Officer, OrgUnit
    from scoring.models import Candidate, Fact


OWN_UNIT_MESSAGE = "不得评查本单位的案卷。"


# --- checklists ---------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _parse_cached(content_hash: str, content: str) -> file_scoring.Checklist:
    return file_scoring.parse_checklist(content)


def checklist_of(row: Checklist) -> file_scoring.Checklist:
    """The parsed checklist of a stored version (parsed once per process per hash)."""
    return _parse_cached(row.content_hash, row.content)


@transaction.atomic
def load_checklist(*, text: str | None = None, actor: User | None = None) -> Checklist:
    """Store a checklist version (the shipped national 2024 file by default). Loading the same
    content again returns the stored row; other content under the same key and version is
    refused, because reviews already scored with it must keep meaning what they meant."""
    if actor is not None and not writes_everything(actor):
        raise PermissionDenied("只有活动管理员可以载入评查表。")
    text = text if text is not None else file_scoring.load_checklist_text()
    try:
        parsed = file_scoring.parse_checklist(text)
    except file_scoring.ScoringError as exc:
        raise ValidationError(str(exc)) from None
    digest = file_scoring.content_hash(text)
    row = Checklist.objects.filter(key=parsed.key, version=parsed.version).first()
    if row is not None:
        if row.content_hash != digest:
            raise ValidationError(
                f"评查表 {parsed.key}@{parsed.version} 已载入且内容不同；修改内容须使用新的版本号。"
            )
        return row
    return Checklist.objects.create(
        key=parsed.key,
        version=parsed.version,
        title=parsed.title or parsed.key,
        content=text,
        content_hash=digest,
    )


def _check_admin(campaign: Campaign, actor: User | None, what: str) -> None:
    if actor is not None and not writes_everything(actor):
        raise PermissionDenied(f"只有活动管理员可以{what}。")
    if campaign.status in CLOSED_STATUSES:
        raise ValidationError("活动已结束，案卷评查不能再更改。")


@transaction.atomic
def configure_review(
    *,
    campaign: Campaign,
    checklist: Checklist,
    actor: User | None,
    reviewers_per_file: int = 1,
    max_load: int = 20,
    aggregation: str = "mean",
    spread_threshold: Decimal = Decimal(10),
    no_reciprocal: bool = False,
    rotation: Sequence[int] = (),
    blind: bool = False,
) -> ReviewSettings:
    """Pin a checklist version and the review options of a campaign (history keeps changes)."""
    _check_admin(campaign, actor, "配置案卷评查")
    settings_row, _ = ReviewSettings.objects.select_for_update().get_or_create(
        campaign=campaign, defaults={"checklist": checklist}
    )
    settings_row.checklist = checklist
    settings_row.reviewers_per_file = reviewers_per_file
    settings_row.max_load = max_load
    settings_row.aggregation = aggregation
    settings_row.spread_threshold = spread_threshold
    settings_row.no_reciprocal = no_reciprocal
    settings_row.rotation = [int(u) for u in rotation]
    settings_row.blind = blind
    settings_row._history_user = actor
    settings_row.full_clean(exclude=["campaign"])
    settings_row.save()
    return settings_row


def review_settings(campaign: Campaign) -> ReviewSettings:
    found = ReviewSettings.objects.select_related("checklist").filter(campaign=campaign).first()
    if found is None:
        raise ValidationError("本活动尚未配置案卷评查（评查表版本、评查人数等）。")
    return found


# --- the registry -------------------------------------------------------------------------------


@transaction.atomic
def register_case(
    *,
    unit: OrgUnit,
    case_number: str,
    case_type: str,
    decision_date: dt.date | None,
    handlers: Sequence[tuple[Officer, str]] = (),
    party_name: str = "",
    decision_published: bool = False,
    decision_only: bool = False,
    actor: User | None,
) -> CaseFile:
    """Register a case file with its handlers (one (officer, role) pair per role)."""
    if actor is not None:
        check_unit(actor, unit, write=True)
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": f"未知的案卷类型“{case_type}”。"})
    case = CaseFile(
        unit=unit,
        case_number=case_number.strip(),
        case_type=case_type,
        decision_date=decision_date,
        party_name=party_name.strip(),
        decision_published=decision_published,
        decision_only=decision_only,
        created_by=actor,
    )
    case._history_user = actor
    case.full_clean()
    case.save()
    for officer, role in handlers:
        if role not in HandlerRole.values:
            raise ValidationError({"handlers": f"未知的承办角色“{role}”。"})
        CaseHandler.objects.create(case_file=case, officer=officer, role=role)
    return case


@transaction.atomic
def attach_document(
    *, case_file: CaseFile, evidence: Any, label: str = "", actor: User | None
) -> CaseDocument:
    """Attach a scanned document (an evidence upload of the case's own unit) to a case file."""
    if actor is not None:
        check_unit(actor, case_file.unit, write=True)
    if evidence.owner_unit_id != case_file.unit_id:
        raise ValidationError({"evidence": "只能附加本案卷办案单位上传的文件。"})
    if getattr(evidence, "withdrawn_at", None) is not None:
        raise ValidationError({"evidence": "该文件已撤回，不能附加。"})
    document = CaseDocument(case_file=case_file, evidence=evidence, label=label.strip())
    document.full_clean()
    document.save()
    return document


# Column headers of a case import (shared with the spreadsheet import: it reads the sheet into
# rows of header → text and hands them here). Officers are named by certificate number.
IMPORT_COLUMNS = (
    "单位代码",
    "案件编号",
    "案卷类型",
    "决定日期",
    "当事人",
    "检查人证件号",
    "立案审批承办人证件号",
    "主办人证件号",
    "门户网站公开",
    "仅录入决定书",
)
_ROLE_COLUMNS = {
    "检查人证件号": HandlerRole.INSPECTION_RECORD,
    "立案审批承办人证件号": HandlerRole.FILING_APPROVAL,
    "主办人证件号": HandlerRole.PRESIDING,
}
_YES = {"是", "Y", "y", "yes", "1", "true", "TRUE", "√"}
_NO = {"", "否", "N", "n", "no", "0", "false", "FALSE"}


def split_certificates(raw: str) -> list[str]:
    for sep in ("、", "，", ";", "；", " "):
        raw = raw.replace(sep, ",")
    return [c.strip() for c in raw.split(",") if c.strip()]


@transaction.atomic
def import_cases(*, rows: Sequence[Mapping[str, Any]], actor: User | None) -> list[CaseFile]:
    """Register many case files at once; all or nothing. Every row is checked first (unit,
    type, date, officers by certificate number, duplicates); any problem raises one
    ValidationError listing every bad row, and nothing is saved."""
    from campaigns.models import Officer, OrgUnit

    if actor is not None and not writes_everything(actor):
        raise PermissionDenied("只有活动管理员可以导入案卷。")
    labels = {label: value for value, label in CaseType.choices}
    units = {
        u.code: u
        for u in OrgUnit.objects.filter(code__in={str(r.get("单位代码", "")).strip() for r in rows})
    }
    wanted = {
        c for r in rows for col in _ROLE_COLUMNS for c in split_certificates(str(r.get(col) or ""))
    }
    officers = {o.certificate_no: o for o in Officer.objects.filter(certificate_no__in=wanted)}
    registered = set(  # (unit id, case number) already in the registry: one query, not one a row
        CaseFile.objects.filter(
            unit__in=list(units.values()),
            case_number__in={str(r.get("案件编号") or "").strip() for r in rows},
        ).values_list("unit_id", "case_number")
    )
    errors: list[str] = []
    prepared = []
    seen: set[tuple[str, str]] = set()
    for index, row in enumerate(rows, start=2):  # row 1 is the header
        problems: list[str] = []
        unit = units.get(str(row.get("单位代码", "")).strip())
        if unit is None:
            problems.append(f"未知的单位代码“{row.get('单位代码', '')}”")
        number = str(row.get("案件编号") or "").strip()
        if not number:
            problems.append("缺少案件编号")
        raw_type = str(row.get("案卷类型") or "").strip()
        case_type = labels.get(raw_type, raw_type if raw_type in CaseType.values else None)
        if case_type is None:
            problems.append(f"未知的案卷类型“{raw_type}”")
        raw_date = row.get("决定日期")
        decision: dt.date | None = None
        if isinstance(raw_date, dt.datetime):
            decision = raw_date.date()
        elif isinstance(raw_date, dt.date):
            decision = raw_date
        elif raw_date not in (None, ""):
            try:
                decision = dt.date.fromisoformat(str(raw_date).strip())
            except ValueError:
                problems.append(f"决定日期“{raw_date}”格式应为 YYYY-MM-DD")
        handlers = []
        for column, role in _ROLE_COLUMNS.items():
            for cert in split_certificates(str(row.get(column) or "")):
                officer = officers.get(cert)
                if officer is None:
                    problems.append(f"{column}：未登记的执法证件号“{cert}”")
                else:
                    handlers.append((officer, role))
        flags = {}
        for column, field in (
            ("门户网站公开", "decision_published"),
            ("仅录入决定书", "decision_only"),
        ):
            raw = str(row.get(column) or "").strip()
            if raw not in _YES | _NO:
                problems.append(f"{column}应填“是”或“否”，实际为“{raw}”")
            flags[field] = raw in _YES
        if unit is not None and number:
            key = (unit.code, number)
            if key in seen:
                problems.append("与前面的行案件编号重复")
            elif (unit.pk, number) in registered:
                problems.append("本单位已登记该案件编号")
            seen.add(key)
        if problems:
            errors.append(f"第 {index} 行：" + "；".join(problems))
        else:
            prepared.append(
                (unit, number, case_type, decision, str(row.get("当事人") or ""), handlers, flags)
            )
    if errors:
        raise ValidationError(errors)
    return [
        register_case(
            unit=unit,
            case_number=number,
            case_type=case_type,
            decision_date=decision,
            handlers=handlers,
            party_name=party,
            actor=None,  # checked above: an admin import
            **flags,
        )
        for unit, number, case_type, decision, party, handlers, flags in prepared
    ]


# Draw plans per rubric (issue 5 §2): (slot, count) per candidate.
# 000 collective "2份一般行政处罚案卷和1份四个配套办法案卷"; 000 individual "随机抽取 2 份";
# 002 individual "1 份一般行政处罚案卷和 1 份配套办法案卷". Seed 003's 7 files are submitted
# by type, not drawn: SUBMISSION_PLANS below.
SAMPLING_PLANS: dict[str, tuple[tuple[str, int], ...]] = {
    "s000-collective": ((SlotKind.GENERAL, 2), (SlotKind.SUPPORTING, 1)),
    "s000-individual": ((SlotKind.ANY, 2),),
    "s002-individual": ((SlotKind.GENERAL, 1), (SlotKind.SUPPORTING, 1)),
}


@transaction.atomic
def draw_plan(*, candidate: Candidate, seed: DrawSeed | None, actor: User | None) -> list[Draw]:
    """Every draw the candidate's rubric calls for, with one announced seed."""
    plan = SAMPLING_PLANS.get(candidate.campaign_rubric.rubric_key)
    if plan is None and candidate.campaign_rubric.rubric_key in SUBMISSION_PLANS:
        raise ValidationError("该评分细则的案卷由参评单位按类型提交，不随机抽取。")
    if plan is None:
        raise ValidationError(f"评分细则“{candidate.campaign_rubric.rubric_key}”没有案卷抽取方案。")
    return [
        draw_files(candidate=candidate, slot=slot, count=count, seed=seed, actor=actor)
        for slot, count in plan
    ]


@transaction.atomic
def draw_plan_for_pin(*, pin: Any, seed: DrawSeed | None, actor: User | None) -> int:
    """Draw the plan for every active candidate of a pinned rubric not drawn yet (a candidate
    with any in-force draw is skipped: a redraw is a separate, reasoned act)."""
    from scoring.models import Candidate

    done = set(
        Draw.objects.filter(campaign=pin.campaign, replaced_by__isnull=True).values_list(
            "candidate_id", flat=True
        )
    )
    count = 0
    for candidate in (
        Candidate.objects.filter(campaign_rubric=pin, is_active=True)
        .select_related("campaign_rubric__campaign", "unit", "officer")
        .order_by("pk")
    ):
        if candidate.pk in done:
            continue
        count += len(draw_plan(candidate=candidate, seed=seed, actor=actor))
    return count


# --- seeds and draws ----------------------------------------------------------------------------


@transaction.atomic
def announce_seed(
    *, campaign: Campaign, value: str, note: str = "", actor: User | None
) -> DrawSeed:
    """Record the seed the office announced. It must exist before any draw can use it."""
    _check_admin(campaign, actor, "公布随机种子")
    try:
        value = drawing.check_seed(value)
    except drawing.DrawError as exc:
        raise ValidationError({"value": str(exc)}) from None
    seed = DrawSeed(campaign=campaign, value=value, note=note.strip(), announced_by=actor)
    seed.full_clean()
    seed.save()
    return seed


def _candidate_subject(candidate: Candidate) -> tuple[int | None, int | None]:
    return candidate.unit_id, candidate.officer_id


def _case_facts(
    *, campaign: Campaign, candidate: Candidate, slot: str
) -> list[eligibility.CaseFacts]:
    """The candidate's files of the slot's types inside the window (SQL narrows, the pure rule
    decides), with the officers on the two records."""
    unit_id, officer_id = _candidate_subject(candidate)
    qs = CaseFile.objects.filter(
        decision_date__gte=campaign.window_start, decision_date__lte=campaign.window_end
    )
    if officer_id is not None:
        # The officer's files by the (officer, role) index first: left to itself, SQLite
        # walks the (type, date) index over every general-penalty file in the window.
        mine = set(
            CaseHandler.objects.filter(officer_id=officer_id).values_list("case_file_id", flat=True)
        )
        qs = qs.filter(pk__in=sorted(mine))
    else:
        qs = qs.filter(unit_id=unit_id)
    if slot == SlotKind.GENERAL:
        qs = qs.filter(case_type=CaseType.GENERAL_PENALTY)
    elif slot == SlotKind.SUPPORTING:
        qs = qs.filter(case_type__in=sorted(eligibility.SUPPORTING_MEASURES))
    elif slot != SlotKind.ANY:
        qs = qs.filter(case_type=slot)
    rows = list(qs.order_by("pk").values("pk", "case_type", "unit_id", "decision_date"))
    roles: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for case_id, officer, role in CaseHandler.objects.filter(
        case_file_id__in=[r["pk"] for r in rows]
    ).values_list("case_file_id", "officer_id", "role"):
        roles[case_id][role].add(officer)
    return [
        eligibility.CaseFacts(
            id=r["pk"],
            case_type=r["case_type"],
            unit_id=r["unit_id"],
            decision_date=r["decision_date"],
            inspection_officer_ids=frozenset(roles[r["pk"]][HandlerRole.INSPECTION_RECORD]),
            approval_officer_ids=frozenset(roles[r["pk"]][HandlerRole.FILING_APPROVAL]),
        )
        for r in rows
    ]


def pool_rule(
    *,
    campaign: Campaign,
    candidate: Candidate,
    slot: str,
    before: Draw | None = None,
    among: Sequence[int] | None = None,
) -> eligibility.PoolRule:
    """The rule for a candidate's slot. `among` (the candidate's own files) narrows the read
    of earlier draws' files to those that matter; None reads them all."""
    # Files of the draws in force at the time of `before`: earlier draws (all campaigns) not
    # replaced by then; for a new draw, every draw not replaced. One query, driven from the
    # small `among` side (the case_file index, then each file's draw).
    taken = SampledFile.objects.all()
    if among is not None:
        taken = taken.filter(case_file_id__in=list(among))
    if before is None or before.pk is None:
        taken = taken.filter(draw__replaced_by__isnull=True)
    else:
        taken = taken.filter(draw__pk__lt=before.pk).exclude(draw__replaced_by__pk__lte=before.pk)
    if before is not None and before.replaces_id is not None:
        taken = taken.exclude(draw_id=before.replaces_id)
    rows = list(taken.values_list("case_file_id", "draw__campaign_id", "draw__candidate_id"))
    sampled_before = frozenset(case_id for case_id, _c, _k in rows)
    serving_others = frozenset(
        case_id
        for case_id, campaign_id, candidate_id in rows
        if campaign_id == campaign.pk and candidate_id != candidate.pk
    )
    unit_id, officer_id = _candidate_subject(candidate)
    return eligibility.PoolRule(
        slot=slot,
        window_start=campaign.window_start,
        window_end=campaign.window_end,
        unit_id=unit_id,
        officer_id=officer_id,
        sampled_before=sampled_before,
        serving_others=serving_others,
    )


def eligible_pool(
    *, campaign: Campaign, candidate: Candidate, slot: str, before: Draw | None = None
) -> list[int]:
    """The canonical ids a draw for this candidate's slot chooses from (now, or as of `before`)."""
    facts = _case_facts(campaign=campaign, candidate=candidate, slot=slot)
    rule = pool_rule(
        campaign=campaign,
        candidate=candidate,
        slot=slot,
        before=before,
        among=[f.id for f in facts],
    )
    return eligibility.eligible_ids(facts, rule)


@transaction.atomic
def draw_files(
    *,
    candidate: Candidate,
    slot: str,
    count: int,
    seed: DrawSeed | None,
    actor: User | None,
    purpose: str = "",
    reason: str = "",
    replaces: Draw | None = None,
) -> Draw:
    """Draw `count` files for one slot of a candidate with an announced seed, and record it.

    A second draw for the same candidate and slot must replace the first, with a reason; both
    stay on record. Fewer eligible files than `count` is not an error: the draw records the
    shortfall, and each missing slot scores 0 (seed 002)."""
    campaign = candidate.campaign_rubric.campaign
    _check_admin(campaign, actor, "抽取案卷")
    if seed is None:
        raise ValidationError({"seed": "抽取前必须先公布随机种子，未填写种子不能抽取。"})
    if seed.campaign_id != campaign.pk:
        raise ValidationError({"seed": "该随机种子不是本活动公布的种子。"})
    if slot not in SlotKind.values:
        raise ValidationError({"slot": f"未知的抽取类别“{slot}”。"})
    if count < 1:
        raise ValidationError({"count": "应抽份数至少为 1。"})
    existing = (
        Draw.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, candidate=candidate, slot=slot, replaced_by__isnull=True)
        .first()
    )
    if replaces is None and existing is not None:
        raise ValidationError(
            f"该参评对象的“{SlotKind(slot).label}”已抽取（抽取 #{existing.pk}）；"
            "重新抽取须注明理由并取代原抽取。"
        )
    if replaces is not None:
        if existing is None or replaces.pk != existing.pk:
            raise ValidationError({"replaces": "只能取代该参评对象同一类别当前有效的抽取。"})
        if not reason.strip():
            raise ValidationError({"reason": "重新抽取必须填写理由。"})
        if SampledFile.objects.filter(
            draw=replaces, assignments__review__submitted_at__isnull=False
        ).exists():
            raise ValidationError({"replaces": "原抽取的案卷已有评查结果提交，不能重新抽取。"})
    draw = Draw(
        campaign=campaign,
        candidate=candidate,
        purpose=purpose.strip() or f"{candidate} · {SlotKind(slot).label}",
        slot=slot,
        count=count,
        seed=seed,
        reason=reason.strip(),
        replaces=replaces,
        drawn_by=actor,
    )
    pool = eligible_pool(campaign=campaign, candidate=candidate, slot=slot, before=draw)
    _record_draw(draw, pool=pool, result=drawing.draw(seed.value, pool, count))
    if replaces is not None:
        # The replaced draw's files are out of the review: end their open assignments.
        Assignment.objects.filter(
            sampled__draw=replaces, status__in=[AssignmentStatus.PROPOSED, AssignmentStatus.ACTIVE]
        ).update(
            status=AssignmentStatus.REPLACED,
            conflict_reason=f"抽取 #{replaces.pk} 已被重新抽取取代",
        )
    return draw


def _record_draw(draw: Draw, *, pool: list[int], result: list[int]) -> None:
    """Save a draw (random or submitted) with its pool, the pool's hash and its files."""
    draw.pool_ids = pool
    draw.pool_hash = drawing.pool_hash(pool)
    draw.result_ids = result
    draw.save()
    SampledFile.objects.bulk_create(
        SampledFile(draw=draw, case_file_id=case_id, position=index)
        for index, case_id in enumerate(result, start=1)
    )


@dataclass(frozen=True, slots=True)
class DrawCheck:
    draw_id: int
    recorded_pool_hash: str
    current_pool_hash: str
    recorded_result: list[int]
    recomputed_result: list[int]
    current_pool_size: int

    @property
    def pool_matches(self) -> bool:
        return self.recorded_pool_hash == self.current_pool_hash

    @property
    def result_matches(self) -> bool:
        return self.recorded_result == self.recomputed_result

    @property
    def ok(self) -> bool:
        return self.pool_matches and self.result_matches


def verify_draw(*, draw: Draw) -> DrawCheck:
    """Recompute a draw from its recorded seed and the CURRENT eligible pool (as of the draw's
    place in the sequence of draws). A changed registry shows as a different pool hash; a
    tampered result as a different result.

    A submitted set (seed 003) has no seed to recompute: its "recomputed" result is the
    recorded files still in the pool, so a file that was not eligible shows as a mismatch."""
    candidate = draw.candidate
    pool = eligible_pool(campaign=draw.campaign, candidate=candidate, slot=draw.slot, before=draw)
    if draw.method == DrawMethod.SUBMITTED:
        admitted = set(pool)
        recorded = [int(i) for i in draw.result_ids]
        return check_against_pool(draw, pool, [i for i in recorded if i in admitted])
    return check_against_pool(draw, pool)


def check_against_pool(
    draw: DrawRecord, pool: list[int], recomputed: list[int] | None = None
) -> DrawCheck:
    """Any recorded draw (case files, competition contestants or targets) against `pool`:
    recomputed from its seed unless `recomputed` is given."""
    if recomputed is None:
        recomputed = drawing.draw(draw.seed.value, pool, draw.count)
    return DrawCheck(
        draw_id=draw.pk,
        recorded_pool_hash=draw.pool_hash,
        current_pool_hash=drawing.pool_hash(pool),
        recorded_result=[int(i) for i in draw.result_ids],
        recomputed_result=recomputed,
        current_pool_size=len(pool),
    )


# --- seed 003: files submitted by type ----------------------------------------------------------

# Seed 003 (先进集体评选细则 一(二)): "应提交 2016 年 9-11 月期间形成的 7 份执法案卷：（1）3 份行政
# 处罚案卷；（2）1 份按日计罚案卷；（3）1 份移送公安机关行政拘留材料；（4）1 份涉嫌环境污染犯罪移送
# 公安机关材料；（5）1 份申请法院强制执行材料" — chosen by the unit ("各单位自行组织筛选优秀案卷"),
# during self-assessment; "未提供的,该案卷按零分计".
SUBMISSION_PLANS: dict[str, tuple[tuple[str, int], ...]] = {
    "s003-collective": (
        (SlotKind.GENERAL, 3),
        (SlotKind.DAILY_PENALTY, 1),
        (SlotKind.DETENTION_TRANSFER, 1),
        (SlotKind.CRIME_TRANSFER, 1),
        (SlotKind.COURT_ENFORCEMENT, 1),
    ),
}
SUBMISSION_PHASE = PhaseKind.SELF_ASSESSMENT


@dataclass(frozen=True, slots=True)
class SubmissionSlot:
    slot: str
    label: str
    count: int
    eligible: list[CaseFile]


def submission_plan(candidate: Candidate) -> tuple[tuple[str, int], ...]:
    plan = SUBMISSION_PLANS.get(candidate.campaign_rubric.rubric_key)
    if plan is None or candidate.unit_id is None:
        raise ValidationError("该参评对象的评分细则不需要按类型提交案卷。")
    return plan


def submitted_draws(candidate: Candidate) -> list[Draw]:
    return list(
        Draw.objects.filter(candidate=candidate, method=DrawMethod.SUBMITTED).order_by("pk")
    )


def _slot_pools(
    *, campaign: Campaign, candidate: Candidate, slots: Sequence[str]
) -> tuple[dict[int, eligibility.CaseFacts], eligibility.PoolRule, dict[str, list[int]]]:
    """Every slot's pool from one read of the unit's files (3 queries, not 3 per slot). The
    slots are disjoint types, so each pool equals what eligible_pool gives for it alone (and
    what verify_draw recomputes)."""
    facts = _case_facts(campaign=campaign, candidate=candidate, slot=SlotKind.ANY)
    rule = pool_rule(
        campaign=campaign, candidate=candidate, slot=SlotKind.ANY, among=[f.id for f in facts]
    )
    pools = {
        slot: eligibility.eligible_ids(facts, dataclasses.replace(rule, slot=slot))
        for slot in slots
    }
    return {f.id: f for f in facts}, rule, pools


def submission_slots(*, candidate: Candidate) -> list[SubmissionSlot]:
    """What the unit may submit now: per slot of the plan, its eligible files (4 queries)."""
    plan = submission_plan(candidate)
    _facts, _rule, pools = _slot_pools(
        campaign=candidate.campaign_rubric.campaign,
        candidate=candidate,
        slots=[slot for slot, _n in plan],
    )
    cases = CaseFile.objects.in_bulk({i for ids in pools.values() for i in ids})
    return [
        SubmissionSlot(slot, SlotKind(slot).label, count, [cases[i] for i in pools[slot]])
        for slot, count in plan
    ]


def submission_open(candidate: Candidate) -> bool:
    return is_open(candidate.campaign_rubric.campaign, SUBMISSION_PHASE)


@transaction.atomic
def submit_case_files(
    *, candidate: Candidate, choices: Mapping[str, Sequence[int]], actor: User | None
) -> list[Draw]:
    """The unit submits its case files by type (seed 003), once, while self-assessment is open.

    `choices` maps each slot of the plan to the chosen file ids (at most the slot's count; an
    empty slot is "未提供" and scores 0). Every file must be the unit's own and eligible (type,
    decision window, not sampled before, not serving another candidate). Any problem raises
    one ValidationError listing them all, and nothing is saved. Each slot is recorded as a
    SUBMITTED Draw with its pool and hash, so the files then go to cross-review like drawn
    ones and `verify_draw` can check them."""
    from scoring.models import Candidate as CandidateModel

    plan = submission_plan(candidate)
    campaign = candidate.campaign_rubric.campaign
    if actor is not None:
        check_unit(actor, candidate.unit, write=True)
    if campaign.status in CLOSED_STATUSES:
        raise ValidationError("活动已结束，不能再提交案卷。")
    if not is_open(campaign, SUBMISSION_PHASE):
        raise ValidationError("自评推选阶段未开放或已截止，不能提交案卷。")
    # Two submissions of one unit at once (two tabs): the candidate row serialises them.
    CandidateModel.objects.select_for_update().filter(pk=candidate.pk).first()
    if Draw.objects.filter(candidate=candidate, method=DrawMethod.SUBMITTED).exists():
        raise ValidationError("本单位已提交案卷，提交后不能更改。")
    slots = [slot for slot, _n in plan]
    unknown = sorted(set(choices) - set(slots))
    if unknown:
        raise ValidationError(f"评分细则没有这些案卷类别：{'、'.join(unknown)}。")
    try:
        chosen = {slot: [int(i) for i in choices.get(slot) or ()] for slot in slots}
    except (TypeError, ValueError):
        raise ValidationError("案卷编号无效。") from None
    if not any(chosen.values()):
        raise ValidationError("请至少选择一份案卷再提交（未提供的类型按 0 分计）。")
    facts, rule, pools = _slot_pools(campaign=campaign, candidate=candidate, slots=slots)
    cases = CaseFile.objects.in_bulk({i for ids in chosen.values() for i in ids})
    errors: list[str] = []
    seen: set[int] = set()
    for slot, count in plan:
        label = SlotKind(slot).label
        if len(chosen[slot]) > count:
            errors.append(f"“{label}”应提交 {count} 份，实际选择了 {len(chosen[slot])} 份。")
        for case_id in chosen[slot]:
            case = cases.get(case_id)
            if case is None or case.unit_id != candidate.unit_id:
                errors.append(f"“{label}”：案卷 #{case_id} 不存在或不是本单位的案卷。")
                continue
            if case_id in seen:
                errors.append(f"案卷“{case.case_number}”被重复选择，每份案卷只能提交一次。")
                continue
            seen.add(case_id)
            if case_id not in pools[slot]:
                found = facts.get(case_id)
                why = (
                    eligibility.exclusion_reason(found, dataclasses.replace(rule, slot=slot))
                    if found is not None
                    else "决定日期不在评审期内"
                )
                errors.append(f"“{label}”：案卷“{case.case_number}”不能提交（{why}）。")
    if errors:
        raise ValidationError(errors)
    draws = []
    for slot, count in plan:
        draw = Draw(
            campaign=campaign,
            candidate=candidate,
            purpose=f"{candidate} · {SlotKind(slot).label}（单位提交）",
            slot=slot,
            count=count,
            method=DrawMethod.SUBMITTED,
            seed=None,
            drawn_by=actor,
        )
        _record_draw(draw, pool=pools[slot], result=chosen[slot])
        draws.append(draw)
    return draws


# --- assignment ---------------------------------------------------------------------------------


def _reviewers(campaign: Campaign) -> list[User]:
    from accounts.models import User

    return list(User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk"))


def _open_sampled(campaign: Campaign) -> QuerySet[SampledFile]:
    return SampledFile.objects.filter(draw__campaign=campaign, draw__replaced_by__isnull=True)


@transaction.atomic
def propose_assignments(*, campaign: Campaign, actor: User | None) -> int:
    """Compute an assignment for every in-force sampled file without reviewers and record it
    as PROPOSED (shown for approval). AssignmentError's Chinese message when impossible."""
    _check_admin(campaign, actor, "分配评查任务")
    options = review_settings(campaign)
    todo = list(
        _open_sampled(campaign)
        .exclude(assignments__isnull=False)
        .select_related("case_file")
        .order_by("pk")
    )
    if not todo:
        return 0
    reviewers = _reviewers(campaign)
    loads: dict[int, int] = defaultdict(int)
    for reviewer_id in Assignment.objects.filter(
        sampled__draw__campaign=campaign,
        status__in=[AssignmentStatus.PROPOSED, AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED],
    ).values_list("reviewer_id", flat=True):
        loads[reviewer_id] += 1
    # Reviewers already carrying files here count with their remaining room only.
    room = [r for r in reviewers if loads[r.pk] < options.max_load]
    try:
        plan = solver.assign(
            [solver.FileSlot(s.pk, s.case_file.unit_id) for s in todo],
            [solver.Reviewer(r.pk, r.unit_id, room=options.max_load - loads[r.pk]) for r in room],
            per_file=options.reviewers_per_file,
            max_load=options.max_load,
            no_reciprocal=options.no_reciprocal,
            rotation=list(options.rotation) or None,
        )
    except solver.AssignmentError as exc:
        raise ValidationError(str(exc)) from None
    rows = [
        Assignment(sampled_id=sampled_id, reviewer_id=reviewer_id)
        for sampled_id, reviewer_ids in plan.items()
        for reviewer_id in reviewer_ids
    ]
    Assignment.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def approve_assignments(*, campaign: Campaign, actor: User | None) -> int:
    """Approve the proposed assignment: reviewers see their files from now on."""
    _check_admin(campaign, actor, "批准评查分配")
    return Assignment.objects.filter(
        sampled__draw__campaign=campaign, status=AssignmentStatus.PROPOSED
    ).update(status=AssignmentStatus.ACTIVE, approved_at=timezone.now())


def _check_reviewer(assignment: Assignment, actor: User) -> None:
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied("这份案卷没有分配给您。")
    if actor.unit_id is not None and assignment.sampled.case_file.unit_id == actor.unit_id:
        raise PermissionDenied(OWN_UNIT_MESSAGE)


@transaction.atomic
def declare_conflict(*, assignment: Assignment, reason: str, actor: User) -> Assignment:
    """The reviewer declares a conflict of interest: the assignment ends (kept on record) and
    the file goes to the least-loaded other reviewer outside the file's unit."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("sampled__case_file", "sampled__draw__campaign")
        .get(pk=assignment.pk)
    )
    _check_reviewer(assignment, actor)
    if not reason.strip():
        raise ValidationError({"reason": "申报回避必须写明理由。"})
    if assignment.status not in (AssignmentStatus.PROPOSED, AssignmentStatus.ACTIVE):
        raise ValidationError("该评查任务已提交或已回避，不能再申报回避。")
    campaign = assignment.sampled.draw.campaign
    options = review_settings(campaign)
    assignment.status = AssignmentStatus.CONFLICT
    assignment.conflict_reason = reason.strip()
    assignment._history_user = actor
    assignment.save(update_fields=["status", "conflict_reason"])
    loads: dict[int, int] = defaultdict(int)
    for reviewer_id in Assignment.objects.filter(
        sampled__draw__campaign=campaign,
        status__in=[AssignmentStatus.PROPOSED, AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED],
    ).values_list("reviewer_id", flat=True):
        loads[reviewer_id] += 1
    exclude = set(assignment.sampled.assignments.values_list("reviewer_id", flat=True))
    try:
        new_reviewer = solver.reassign(
            solver.FileSlot(assignment.sampled_id, assignment.sampled.case_file.unit_id),
            [solver.Reviewer(r.pk, r.unit_id) for r in _reviewers(campaign)],
            exclude=exclude,
            loads=loads,
            max_load=options.max_load,
        )
    except solver.AssignmentError as exc:
        raise ValidationError(str(exc)) from None
    return Assignment.objects.create(
        sampled=assignment.sampled,
        reviewer_id=new_reviewer,
        status=AssignmentStatus.ACTIVE,
        approved_at=timezone.now(),
    )


# --- reviewing ----------------------------------------------------------------------------------


def _locked_review(assignment: Assignment, actor: User) -> tuple[Assignment, FileReview]:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("sampled__case_file", "sampled__draw__campaign")
        .get(pk=assignment.pk)
    )
    _check_reviewer(assignment, actor)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise ValidationError("评查结果已提交并锁定，不能再修改。")
    if assignment.status != AssignmentStatus.ACTIVE:
        raise ValidationError("该评查任务尚未批准或已回避，不能评分。")
    campaign = assignment.sampled.draw.campaign
    if campaign.status in CLOSED_STATUSES:
        raise ValidationError("活动已结束，案卷评查不能再更改。")
    if campaign.status != CampaignStatus.ACTIVE:
        raise ValidationError("活动尚未开始，不能评查案卷。")
    check_review_phase(campaign)
    review = FileReview.objects.select_for_update().filter(assignment=assignment).first()
    if review is None:
        review = FileReview.objects.create(
            assignment=assignment, checklist=review_settings(campaign).checklist
        )
    if review.is_locked:
        raise ValidationError("评查结果已提交并锁定，不能再修改。")
    return assignment, review


REVIEW_PHASE_MESSAGE = "复审阶段未开放或已截止，现在不能评查案卷（保存或提交评分）。"


def check_review_phase(campaign: Campaign) -> None:
    """Scoring a file (saving marks, submitting) only while the campaign's review phase is
    open — when the campaign defines one; a campaign without a review phase is not gated."""
    from campaigns.models import Phase

    # The open phase (the usual case) costs one query; only a closed one asks whether there is
    # a review phase at all.
    if is_open(campaign, PhaseKind.REVIEW):
        return
    if Phase.objects.filter(campaign=campaign, kind=PhaseKind.REVIEW).exists():
        raise ValidationError(REVIEW_PHASE_MESSAGE)


def _validate_partial(
    checklist: file_scoring.Checklist, case_type: str, marks: Mapping[str, Any]
) -> dict[str, Any]:
    """Check what has been entered so far (items may still be missing) and normalise it."""
    _reviewed_as, item_set = checklist.item_set_for(case_type)
    by_id = {i.id: i for i in item_set.items}
    parsed = file_scoring.Marks.from_json(marks)
    for item_id, mark in parsed.items.items():
        item = by_id.get(item_id)
        if item is None:
            raise file_scoring.ScoringError(f"评查表中没有文书项“{item_id}”。")
        file_scoring.check_item_mark(item, mark)
    file_scoring.check_grave(checklist, case_type, parsed.grave)
    known = {d.id for d in checklist.deductions}
    for ded_id, times in parsed.deductions.items():
        if ded_id not in known:
            raise file_scoring.ScoringError(f"评查表中没有基本要素扣分项“{ded_id}”。")
        if times < 0:
            raise file_scoring.ScoringError("扣分次数不能为负数。")
    return {
        "items": {
            k: {"state": m.state, "points": None if m.points is None else str(m.points)}
            for k, m in parsed.items.items()
        },
        "grave": {k: v.strip() for k, v in parsed.grave.items()},
        "deductions": {k: v for k, v in parsed.deductions.items() if v},
        "bonus_met": parsed.bonus_met,
    }


@transaction.atomic
def save_marks(
    *, assignment: Assignment, marks: Mapping[str, Any], actor: User, merge: bool = True
) -> FileReview:
    """Save what the reviewer entered (as they go). With `merge`, the given items, grave
    problems and deductions are merged into what is stored (one field per autosave)."""
    assignment, review = _locked_review(assignment, actor)
    checklist = checklist_of(review.checklist)
    stored = dict(review.marks or {}) if merge else {}
    combined = {
        "items": {**(stored.get("items") or {}), **(marks.get("items") or {})},
        "grave": {**(stored.get("grave") or {}), **(marks.get("grave") or {})},
        "deductions": {**(stored.get("deductions") or {}), **(marks.get("deductions") or {})},
        "bonus_met": marks.get("bonus_met", stored.get("bonus_met", False)),
    }
    # An unticked grave problem arrives as an empty reason with "clear" semantics.
    for problem_id in list(marks.get("clear_grave") or []):
        combined["grave"].pop(problem_id, None)
    try:
        review.marks = _validate_partial(
            checklist, assignment.sampled.case_file.case_type, combined
        )
    except file_scoring.ScoringError as exc:
        raise ValidationError(str(exc)) from None
    review.updated_at = timezone.now()
    review._history_user = actor
    review.save(update_fields=["marks", "updated_at"])
    return review


@transaction.atomic
def submit_review(*, assignment: Assignment, actor: User) -> FileReview:
    """Score the file, lock the review, and combine the file's reviews once all are in."""
    assignment, review = _locked_review(assignment, actor)
    checklist = checklist_of(review.checklist)
    try:
        result = file_scoring.score_file(
            checklist,
            assignment.sampled.case_file.case_type,
            file_scoring.Marks.from_json(review.marks or {}),
        )
    except file_scoring.ScoringError as exc:
        raise ValidationError(str(exc)) from None
    now = timezone.now()
    review.score = result.total
    review.zeroed = result.zeroed
    review.explanation = list(result.lines)
    review.marks = {**review.marks, "seed002_defect": result.seed002_defect}
    review.updated_at = now
    review.submitted_at = now
    review._history_user = actor
    review.save()
    assignment.status = AssignmentStatus.SUBMITTED
    assignment._history_user = actor
    assignment.save(update_fields=["status"])
    _combine(sampled=assignment.sampled, actor=actor)
    return review


def _combine(*, sampled: SampledFile, actor: User | None) -> None:
    campaign = sampled.draw.campaign
    options = review_settings(campaign)
    live = list(
        Assignment.objects.filter(sampled=sampled)
        .exclude(status__in=ENDED_ASSIGNMENT_STATUSES)
        .select_related("review")
    )
    submitted = [a.review for a in live if a.status == AssignmentStatus.SUBMITTED]
    if len(submitted) < len(live) or len(submitted) < options.reviewers_per_file:
        return
    combined = file_scoring.combine(
        [r.score for r in submitted],
        how=options.aggregation,
        threshold=options.spread_threshold,
    )
    sampled.combined_score = combined.score
    sampled.spread = combined.spread
    sampled.flagged = combined.flagged and sampled.arbitrated_score is None
    sampled.zeroed = all(r.zeroed for r in submitted)
    sampled.seed002_defect = all(r.marks.get("seed002_defect") for r in submitted)
    lines = [combined.line]
    for r in submitted:
        if r.zeroed:
            lines.extend(r.explanation)
    sampled.explanation = lines
    sampled.final_score = None if sampled.flagged else combined.score
    sampled._history_user = actor
    sampled.save()
    if sampled.final_score is not None:
        publish_candidate_facts(candidate=sampled.draw.candidate, actor=actor)


def may_arbitrate(user: User, campaign: Campaign) -> bool:
    if writes_everything(user):
        return True
    found = ReviewSettings.objects.filter(campaign=campaign, lead_reviewers=user).exists()
    return bool(user.is_authenticated and found)


@transaction.atomic
def arbitrate(
    *,
    sampled: SampledFile,
    score: Decimal,
    reason: str,
    actor: User,
    seed002_defect: bool | None = None,
) -> SampledFile:
    """The lead reviewer's final score for a flagged file, with a reason (recorded)."""
    sampled = (
        SampledFile.objects.select_for_update(of=("self",))
        .select_related("draw__campaign", "case_file")
        .get(pk=sampled.pk)
    )
    campaign = sampled.draw.campaign
    if not may_arbitrate(actor, campaign):
        raise PermissionDenied("只有主审人员或活动管理员可以裁定。")
    if not sampled.flagged:
        raise ValidationError("该案卷没有待裁定的分差。")
    if not reason.strip():
        raise ValidationError({"reason": "主审裁定必须写明理由。"})
    if score < 0 or score > 100:
        raise ValidationError({"score": f"裁定得分 {score} 超出范围（0 至 100 分）。"})
    sampled.arbitrated_score = score
    sampled.arbitration_reason = reason.strip()
    sampled.arbitrated_by = actor
    sampled.arbitrated_at = timezone.now()
    sampled.flagged = False
    sampled.final_score = score
    sampled.zeroed = score == 0
    if seed002_defect is not None:
        sampled.seed002_defect = seed002_defect
    sampled.explanation = [*sampled.explanation, f"主审裁定 {score} 分：{reason.strip()}"]
    sampled._history_user = actor
    sampled.save()
    publish_candidate_facts(candidate=sampled.draw.candidate, actor=actor)
    return sampled


# --- into the rubrics ---------------------------------------------------------------------------


def case_fact_spec(candidate: Candidate) -> tuple[str, dict[str, str]] | None:
    """(fact key, record fields) of the file-score records the candidate's rubric reads."""
    rubric = candidate.campaign_rubric.version.rubric()
    for key in CASE_FACT_KEYS:
        spec = rubric.facts.get(key)
        if spec is not None and spec.type == "records" and spec.fields and "score" in spec.fields:
            return key, dict(spec.fields)
    return None


def candidate_files(candidate: Candidate) -> list[SampledFile]:
    """The in-force sampled files of a candidate, in draw order."""
    return list(
        SampledFile.objects.filter(draw__candidate=candidate, draw__replaced_by__isnull=True)
        .select_related("case_file", "draw")
        .order_by("draw_id", "position")
    )


def case_records(
    candidate: Candidate, fields: Iterable[str]
) -> tuple[list[dict[str, Any]], list[int]]:
    """The records value (one per final file score) in the rubric's shape, and the file ids."""
    fields = set(fields)
    records: list[dict[str, Any]] = []
    ids: list[int] = []
    for sampled in candidate_files(candidate):
        if sampled.final_score is None:
            continue
        record: dict[str, Any] = {"score": str(sampled.final_score)}
        case = sampled.case_file
        if "decision_only_or_unpublished" in fields:
            # Seed 000: "仅录入行政处罚决定书或者处罚情况未在门户网站公开的，该案卷按0分计".
            record["decision_only_or_unpublished"] = (
                case.decision_only or not case.decision_published
            )
        if "grave_defect" in fields:
            # Seed 002: one of the five circumstances → 0 and a further −1 (the rubric applies it).
            record["grave_defect"] = sampled.seed002_defect
        records.append(record)
        ids.append(case.pk)
    return records, ids


@transaction.atomic
def publish_candidate_facts(*, candidate: Candidate, actor: User | None) -> Fact | None:
    """Record the candidate's file scores as the records fact its rubric declares (through
    record_fact: validated, with history, re-evaluation queued). Files still under review are
    left out; the rubric counts every slot without a record as 0 ("expected")."""
    from scoring.services.facts import record_fact

    spec = case_fact_spec(candidate)
    if spec is None:
        return None
    key, fields = spec
    records, ids = case_records(candidate, fields)
    subject = candidate.unit if candidate.unit_id else candidate.officer
    # The recording actor may be a reviewer; record_fact refuses branch staff only.
    return record_fact(
        campaign=candidate.campaign_rubric.campaign,
        subject=subject,
        key=key,
        value=records,
        source=FactSource.CASE_REVIEW,
        source_ref=";".join(f"casefile:{i}" for i in ids)[:300],
        actor=actor,
    )


# --- reads used by views ------------------------------------------------------------------------


def reviewer_queue(user: User) -> QuerySet[Assignment]:
    """A reviewer's active and submitted assignments; two queries regardless of length."""
    return (
        Assignment.objects.filter(
            reviewer=user, status__in=[AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED]
        )
        .select_related("sampled__case_file__unit", "sampled__draw__campaign", "review")
        .order_by("status", "pk")
    )


def progress_by_reviewer(campaign: Campaign) -> list[dict[str, Any]]:
    """Per reviewer: assigned, submitted, flagged (files they reviewed awaiting arbitration)."""
    rows: dict[int, dict[str, Any]] = {}
    for a in (
        Assignment.objects.filter(sampled__draw__campaign=campaign)
        .exclude(status__in=ENDED_ASSIGNMENT_STATUSES)
        .select_related("reviewer", "sampled")
    ):
        row = rows.setdefault(
            a.reviewer_id, {"reviewer": a.reviewer, "assigned": 0, "done": 0, "flagged": 0}
        )
        row["assigned"] += 1
        row["done"] += a.status == AssignmentStatus.SUBMITTED
        row["flagged"] += a.sampled.flagged
    return [rows[k] for k in sorted(rows)]


def matrix(campaign: Campaign) -> tuple[list[Any], list[Any], dict[tuple[int, int], int]]:
    """Assignment matrix: reviewer unit × file unit → number of assignments."""
    from campaigns.models import OrgUnit

    counts: dict[tuple[int, int], int] = defaultdict(int)
    for reviewer_unit, file_unit in (
        Assignment.objects.filter(sampled__draw__campaign=campaign)
        .exclude(status__in=ENDED_ASSIGNMENT_STATUSES)
        .values_list("reviewer__unit_id", "sampled__case_file__unit_id")
    ):
        counts[(reviewer_unit, file_unit)] += 1
    unit_ids = {u for pair in counts for u in pair if u is not None}
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=unit_ids)}
    rows = sorted({r for r, _ in counts if r in units})
    cols = sorted({c for _, c in counts if c in units})
    return [units[r] for r in rows], [units[c] for c in cols], dict(counts)


def flagged_files(campaign: Campaign) -> QuerySet[SampledFile]:
    return _open_sampled(campaign).filter(flagged=True).select_related("case_file", "draw")


def draws_of(campaign: Campaign) -> QuerySet[Draw]:
    """A campaign's draws and submissions, each with the number of its files' assignments a
    redraw ended (status REPLACED); one query."""
    return (
        Draw.objects.filter(campaign=campaign)
        .select_related("seed", "candidate", "replaces", "replaced_by", "drawn_by")
        .annotate(
            replaced_assignments=Count(
                "sampled__assignments",
                filter=Q(sampled__assignments__status=AssignmentStatus.REPLACED),
            )
        )
        .order_by("pk")
    )
