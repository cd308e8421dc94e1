"""Writes of the competitions app: set-up, contestants (drawn, nominated, from the ranking),
inspection targets, judges' results and publishing the ranks as facts.

Draws use the case-sampling mechanism itself (`cases.draws`: canonical_pool, pool_hash, draw,
check_seed) with a seed announced beforehand through `cases.services.announce_seed`; nothing of
it is copied here. Facts are written only through `scoring.services.facts.record_facts`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.access import unit_subtree_ids, writes_everything
from campaigns.models import Officer, OrgUnit
from cases import draws as drawing
from cases.models import DrawSeed
from cases.services import DrawCheck, check_against_pool
from competitions import ranking
from competitions.enums import CompetitionLevel, CompetitionMode, ContestantSource, DrawKind
from competitions.models import (
    Competition,
    CompetitionDraw,
    Contestant,
    Enterprise,
    Event,
    Result,
    Team,
)
from scoring.engine.decimals import to_decimal
from scoring.enums import FactSource, RubricSubject
from scoring.services.facts import Declarations, FactEntry, record_facts
from scoring.services.rubrics import CLOSED_STATUSES
from scoring.services.shortlists import build_shortlist

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign
    from scoring.models import CampaignRubric

# The fact keys the rank-based rubric items read — the same ones the spreadsheet import kinds
# "competition_units" and "competition_officers" write (spreadsheets/imports/kinds.py).
UNIT_RANK_KEY = "drill_rank"  # s000-collective drill_rank_pts: “根据成绩排名得 1—30 分”
UNIT_PROBLEMS_KEY = "drill_review_problems"  # s000-collective: “发现 1 个问题的，扣 0.5 分”
TEAM_RANK_KEY = "city_drill_team_rank"  # s000-individual city_drill: “第一…得 8 分…递减 0.8 分”
PROVINCE_RANK_KEY = (
    "prov_drill_rank"  # s000-individual prov_drill: “根据个人单项成绩排名得 1—14 分”
)


# --- checks ---------------------------------------------------------------------------------


def _check_open(campaign: Campaign) -> None:
    if campaign.status in CLOSED_STATUSES:
        raise ValidationError("活动已结束，比武不能再更改。")


def _check_admin(campaign: Campaign, actor: User | None, what: str) -> None:
    if actor is not None and not writes_everything(actor):
        raise PermissionDenied(f"只有活动管理员可以{what}。")
    _check_open(campaign)


def is_judge(user: Any, event: Event) -> bool:
    return bool(user and user.is_authenticated) and event.judges.filter(pk=user.pk).exists()


def check_judge(user: User | None, event: Event) -> None:
    """Only the event's judges enter its results (campaign admins assign themselves if need be)."""
    if user is None or not is_judge(user, event):
        raise PermissionDenied(f"您不是“{event.name}”项目的评委，不能录入该项目的成绩。")


# --- set-up ---------------------------------------------------------------------------------


@transaction.atomic
def create_competition(
    *,
    campaign: Campaign,
    title: str,
    actor: User | None,
    mode: str = CompetitionMode.TEAM,
    level: str = CompetitionLevel.CITY,
    description: str = "",
    drawn_per_unit: int = 0,
    nominated_per_unit: int = 0,
    problem_deduction: Decimal = Decimal("0.5"),
) -> Competition:
    _check_admin(campaign, actor, "设立比武")
    competition = Competition(
        campaign=campaign,
        title=title.strip(),
        mode=mode,
        level=level,
        description=description.strip(),
        drawn_per_unit=drawn_per_unit,
        nominated_per_unit=nominated_per_unit,
        problem_deduction=problem_deduction,
        created_by=actor,
    )
    if not competition.title:
        raise ValidationError({"title": "请填写比武名称。"})
    competition.full_clean()
    competition._history_user = actor
    competition.save()
    return competition


@transaction.atomic
def add_event(
    *,
    competition: Competition,
    name: str,
    actor: User | None,
    weight: Decimal | None = None,
    max_score: Decimal = Decimal("100"),
    judges: Iterable[User] = (),
) -> Event:
    _check_admin(competition.campaign, actor, "设置比武项目")
    if competition.published_at is not None:
        raise ValidationError("比武成绩已发布，不能再增加项目。")
    event = Event(
        competition=competition,
        name=name.strip(),
        weight=weight,
        max_score=max_score,
        sort_order=competition.events.count() + 1,
    )
    if not event.name:
        raise ValidationError({"name": "请填写项目名称。"})
    event.full_clean()
    event._history_user = actor
    event.save()
    if judges:
        event.judges.set(list(judges))
    return event


@transaction.atomic
def set_judges(*, event: Event, judges: Iterable[User], actor: User | None) -> Event:
    _check_admin(event.competition.campaign, actor, "指定评委")
    event._history_user = actor
    event.judges.set(list(judges))
    return event


def _team_for_unit(competition: Competition, unit: OrgUnit) -> Team:
    team = Team.objects.filter(competition=competition, unit=unit).first()
    if team is None:
        team = Team.objects.create(
            competition=competition,
            unit=unit,
            name=unit.label,
            sort_order=unit.sort_order,
        )
    return team


def _check_participates(competition: Competition, unit: OrgUnit) -> None:
    if not competition.campaign.participations.filter(unit=unit).exists():
        raise ValidationError({"unit": f"“{unit.label}”不是本活动的参评单位。"})


# --- draws ----------------------------------------------------------------------------------


def officer_pool(*, competition: Competition, unit: OrgUnit, before: CompetitionDraw) -> list[int]:
    """Officers eligible for a contestant draw of `unit`, as `before` saw them: on post
    (在编在岗, seed 001), with an enforcement certificate (seed 000: 持有有效行政执法证件), in the
    unit or below it, and not already a contestant when the draw was made (a recommended officer,
    or one drawn for another unit). Recomputable later: see verify_competition_draw."""
    already = Contestant.objects.filter(
        competition=competition, added_at__lt=before.drawn_at
    ).values("officer_id")
    ids = (
        Officer.objects.filter(unit_id__in=unit_subtree_ids(unit.pk), is_active=True)
        .exclude(certificate_no="")
        .exclude(pk__in=already)
        .values_list("pk", flat=True)
    )
    return drawing.canonical_pool(ids)


def enterprise_pool(*, competition: Competition, unit: OrgUnit) -> list[int]:
    """The enterprises of the county in the list the office entered (still marked drawable)."""
    ids = Enterprise.objects.filter(competition=competition, unit=unit, is_active=True).values_list(
        "pk", flat=True
    )
    return drawing.canonical_pool(ids)


def _pool(draw: CompetitionDraw) -> list[int]:
    if draw.kind == DrawKind.CONTESTANTS:
        return officer_pool(competition=draw.competition, unit=draw.unit, before=draw)
    return enterprise_pool(competition=draw.competition, unit=draw.unit)


def current_draw(competition: Competition, kind: str, unit: OrgUnit) -> CompetitionDraw | None:
    return (
        CompetitionDraw.objects.filter(
            competition=competition, kind=kind, unit=unit, replaced_by__isnull=True
        )
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def _draw(
    *,
    competition: Competition,
    kind: str,
    unit: OrgUnit,
    count: int,
    seed: DrawSeed | None,
    actor: User | None,
    reason: str,
    replaces: CompetitionDraw | None,
) -> CompetitionDraw:
    what = "抽选参赛人员" if kind == DrawKind.CONTESTANTS else "抽取检查对象"
    campaign = competition.campaign
    _check_admin(campaign, actor, what)
    # One draw at a time per competition: two admins pressing "draw" together must not both
    # see the same "no draw yet" (lock the competition row).
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    if seed is None:
        raise ValidationError({"seed": "抽取前必须先公布随机种子，未填写种子不能抽取。"})
    if seed.campaign_id != campaign.pk:
        raise ValidationError({"seed": "该随机种子不是本活动公布的种子。"})
    try:
        drawing.check_seed(seed.value)
    except drawing.DrawError as exc:
        raise ValidationError({"seed": str(exc)}) from None
    _check_participates(competition, unit)
    if count < 1:
        raise ValidationError({"count": "应抽数量至少为 1。"})
    existing = current_draw(competition, kind, unit)
    if replaces is None and existing is not None:
        raise ValidationError(
            f"“{unit.label}”已{what}（抽取 #{existing.pk}）；重新抽取须注明理由并取代原抽取。"
        )
    if replaces is not None:
        if existing is None or replaces.pk != existing.pk:
            raise ValidationError({"replaces": "只能取代该单位同一内容当前有效的抽取。"})
        if not reason.strip():
            raise ValidationError({"reason": "重新抽取必须填写理由。"})
        if kind == DrawKind.CONTESTANTS:
            drawn = Contestant.objects.filter(draw=replaces)
            if Result.objects.filter(contestant__in=drawn).exists():
                raise ValidationError({"replaces": "原抽取的参赛人员已有比武成绩，不能重新抽取。"})
            # The replaced draw's contestants leave the competition; the draw record keeps who
            # they were (result_ids), and the history tables keep the rows.
            for contestant in drawn:
                contestant._history_user = actor
                contestant.delete()
    draw = CompetitionDraw(
        competition=competition,
        kind=kind,
        unit=unit,
        count=count,
        seed=seed,
        reason=reason.strip(),
        replaces=replaces,
        drawn_by=actor,
    )
    pool = _pool(draw)
    if len(pool) < count:
        if kind == DrawKind.CONTESTANTS:
            raise ValidationError(
                f"“{unit.label}”符合条件的执法人员（在编在岗、持有执法证件、尚未参赛）只有 "
                f"{len(pool)} 名，少于应抽取的 {count} 名，不能抽取。"
                "请核对执法人员名单或调整抽取人数。"
            )
        raise ValidationError(
            f"“{unit.label}”可抽取的检查对象只有 {len(pool)} 家，少于应抽取的 {count} 家，"
            "不能抽取。请先录入或导入该县区的企业名单。"
        )
    draw.pool_ids = pool
    draw.pool_hash = drawing.pool_hash(pool)
    draw.result_ids = drawing.draw(seed.value, pool, count)
    draw.save()
    if kind == DrawKind.CONTESTANTS:
        team = _team_for_unit(competition, unit)
        officers = Officer.objects.in_bulk(draw.result_ids)
        for officer_id in draw.result_ids:
            contestant = Contestant(
                competition=competition,
                officer=officers[officer_id],
                unit=unit,
                team=team,
                source=ContestantSource.DRAWN,
                draw=draw,
                added_by=actor,
            )
            contestant._history_user = actor
            contestant.save()
    return draw


def draw_contestants(
    *,
    competition: Competition,
    unit: OrgUnit,
    seed: DrawSeed | None,
    actor: User | None,
    count: int | None = None,
    reason: str = "",
    replaces: CompetitionDraw | None = None,
) -> CompetitionDraw:
    """Seed 001: "每期从各县（区）内随机抽选X名…在编在岗环保执法人员参与市级执法大比武"."""
    count = competition.drawn_per_unit if count is None else count
    if not count:
        raise ValidationError({"count": "本比武未设置每单位随机抽选人数，不能抽选参赛人员。"})
    return _draw(
        competition=competition,
        kind=DrawKind.CONTESTANTS,
        unit=unit,
        count=count,
        seed=seed,
        actor=actor,
        reason=reason,
        replaces=replaces,
    )


def draw_targets(
    *,
    competition: Competition,
    unit: OrgUnit,
    seed: DrawSeed | None,
    actor: User | None,
    count: int = 1,
    reason: str = "",
    replaces: CompetitionDraw | None = None,
) -> CompetitionDraw:
    """Seed 000: "随机抽取检查对象，每县选取 1 家检查对象"."""
    return _draw(
        competition=competition,
        kind=DrawKind.TARGETS,
        unit=unit,
        count=count,
        seed=seed,
        actor=actor,
        reason=reason,
        replaces=replaces,
    )


def verify_competition_draw(*, draw: CompetitionDraw) -> DrawCheck:
    """Recompute a draw from its recorded seed and the CURRENT pool as the draw saw it. A
    changed officer list or enterprise list shows as a different pool hash; a tampered result
    as a different result."""
    return check_against_pool(draw, _pool(draw))


# --- contestants by nomination and from the ranking ------------------------------------------


@transaction.atomic
def nominate(
    *, competition: Competition, unit: OrgUnit, officer: Officer, actor: User | None
) -> Contestant:
    """Seed 001: "各县（区）推荐X名在编在岗环保执法人员"."""
    _check_admin(competition.campaign, actor, "登记推荐参赛人员")
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    _check_participates(competition, unit)
    if not competition.nominated_per_unit:
        raise ValidationError("本比武未设置每单位推荐人数，不能登记推荐人员。")
    if officer.unit_id not in unit_subtree_ids(unit.pk):
        raise ValidationError({"officer": f"{officer} 不属于“{unit.label}”，不能由该单位推荐。"})
    if not officer.is_active:
        raise ValidationError({"officer": f"{officer} 不在编在岗，不能推荐参赛。"})
    taken = Contestant.objects.filter(
        competition=competition, unit=unit, source=ContestantSource.NOMINATED
    ).count()
    if taken >= competition.nominated_per_unit:
        raise ValidationError(
            f"“{unit.label}”已推荐 {taken} 名，"
            f"达到每单位推荐名额（{competition.nominated_per_unit} 名）。"
        )
    if Contestant.objects.filter(competition=competition, officer=officer).exists():
        raise ValidationError({"officer": f"{officer} 已是本比武的参赛人员。"})
    contestant = Contestant(
        competition=competition,
        officer=officer,
        unit=unit,
        team=_team_for_unit(competition, unit),
        source=ContestantSource.NOMINATED,
        added_by=actor,
    )
    contestant._history_user = actor
    contestant.save()
    return contestant


@transaction.atomic
def contestants_from_ranking(
    *, competition: Competition, campaign_rubric: CampaignRubric, actor: User | None
) -> list[Team]:
    """Seed 002: "根据打分结果前10名同志为参加今年执法大练兵工作的参赛候选人，将10名同志分为5个
    小组参加小组赛". The shortlist of the pinned individual rubric (its size and group size set
    on the pin) gives the contestants and the groups; the pairing rule is the pin's
    ContestGrouping (default: 1 & 10, 2 & 9, … 5 & 6, so that the pairs are about equally
    strong). Each group becomes a team "第 N 组"."""
    _check_admin(competition.campaign, actor, "按内部排名确定参赛人员")
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    if campaign_rubric.campaign_id != competition.campaign_id:
        raise ValidationError("该评分细则不属于本比武所在的活动。")
    if campaign_rubric.version.subject != RubricSubject.INDIVIDUAL:
        raise ValidationError("只能按个人评分细则的排名确定参赛人员。")
    if Contestant.objects.filter(competition=competition, source=ContestantSource.RANKING).exists():
        raise ValidationError("本比武已按内部排名确定参赛人员，不能重复确定。")
    shortlist = build_shortlist(campaign_rubric=campaign_rubric)
    if not shortlist.groups:
        detail = "；".join(shortlist.warnings)
        raise ValidationError(
            "内部排名还不能分组：请在该评分细则上设置推荐名额（如 10 名）和每组人数（如 2 人），"
            f"并确认已计算得分。{detail}"
        )
    teams: list[Team] = []
    base = competition.teams.count()
    taken = set(competition.contestants.values_list("officer_id", flat=True))
    for number, group in enumerate(shortlist.groups, start=1):
        team = Team.objects.create(
            competition=competition, name=f"第 {number} 组", sort_order=base + number
        )
        teams.append(team)
        for entry in group:
            officer = entry.candidate.officer
            if officer is None:
                raise ValidationError("排名中的参评对象不是执法人员。")
            if officer.pk in taken:
                raise ValidationError(f"{officer} 已是本比武的参赛人员。")
            taken.add(officer.pk)
            contestant = Contestant(
                competition=competition,
                officer=officer,
                unit=officer.unit,
                team=team,
                source=ContestantSource.RANKING,
                ranking_place=entry.rank,
                added_by=actor,
            )
            contestant._history_user = actor
            contestant.save()
    return teams


# --- the enterprise list --------------------------------------------------------------------


@transaction.atomic
def add_enterprises(*, competition: Competition, text: str, actor: User | None) -> int:
    """Enter the enterprise list, one per line: 单位代码，企业名称[，统一社会信用代码][，行业].
    All lines are checked first; any error names its line and nothing is written. Lines for an
    enterprise already listed are skipped. Returns how many were added."""
    _check_admin(competition.campaign, actor, "录入检查对象名单")
    participating = {
        p.unit.code: p.unit for p in competition.campaign.participations.select_related("unit")
    }
    errors: list[str] = []
    rows: list[Enterprise] = []
    seen: set[tuple[int, str]] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace("，", ",").replace("\t", ",").split(",")]
        if len(parts) < 2 or not parts[1]:
            errors.append(f"第 {number} 行：须为“单位代码，企业名称[，信用代码][，行业]”。")
            continue
        unit = participating.get(parts[0])
        if unit is None:
            errors.append(f"第 {number} 行：单位代码“{parts[0]}”不是本活动的参评单位。")
            continue
        name = parts[1][:200]
        if (unit.pk, name) in seen:
            continue
        seen.add((unit.pk, name))
        rows.append(
            Enterprise(
                competition=competition,
                unit=unit,
                name=name,
                credit_code=(parts[2] if len(parts) > 2 else "")[:40],
                sector=(parts[3] if len(parts) > 3 else "")[:50],
            )
        )
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("没有可录入的企业。")
    existing = set(
        Enterprise.objects.filter(competition=competition).values_list("unit_id", "name")
    )
    added = 0
    for row in rows:
        if (row.unit_id, row.name) in existing:
            continue
        row._history_user = actor
        row.save()
        added += 1
    return added


# --- results --------------------------------------------------------------------------------


@transaction.atomic
def enter_result(
    *,
    event: Event,
    actor: User | None,
    score: Any,
    problems: Any = 0,
    note: str = "",
    team: Team | None = None,
    contestant: Contestant | None = None,
) -> Result:
    """A judge enters (or corrects) the result of one team or contestant in their event."""
    competition = event.competition
    check_judge(actor, event)
    _check_open(competition.campaign)
    if (team is None) == (contestant is None):
        raise ValidationError("成绩须对应一支队伍或一名参赛人员。")
    if team is not None:
        if competition.mode != CompetitionMode.TEAM:
            raise ValidationError("本比武按个人评分，请为参赛人员录入成绩。")
        if team.competition_id != competition.pk:
            raise ValidationError("该队伍不属于本比武。")
    if contestant is not None:
        if competition.mode != CompetitionMode.INDIVIDUAL:
            raise ValidationError("本比武按队评分，请为参赛队伍录入成绩。")
        if contestant.competition_id != competition.pk:
            raise ValidationError("该参赛人员不属于本比武。")
    try:
        value = to_decimal(score)
    except ValueError:
        raise ValidationError({"score": f"“{score}”不是有效的数字。"}) from None
    if value < 0 or value > event.max_score:
        raise ValidationError(
            {"score": f"成绩须在 0 到 {event.max_score.normalize():f} 分之间，收到 {value}。"}
        )
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({"score": "成绩最多保留两位小数。"})
    try:
        count = int(str(problems).strip() or 0)
    except ValueError:
        raise ValidationError({"problems": f"问题数“{problems}”须为整数。"}) from None
    if count < 0 or count > 1000:
        raise ValidationError({"problems": "点评发现问题数须为 0 到 1000 之间的整数。"})
    note = note.strip()[:500]
    where = {"event": event, "team": team, "contestant": contestant}
    result = Result.objects.select_for_update().filter(**where).first()
    if result is None:
        result = Result(**where, score=value, problems=count, note=note)
    elif (result.score, result.problems, result.note) == (value, count, note):
        return result
    else:
        result.score, result.problems, result.note = value, count, note
    result.entered_by = actor
    result.entered_at = timezone.now()
    result._history_user = actor
    try:
        with transaction.atomic():
            result.save()
    except IntegrityError:
        raise ValidationError("另一位评委刚刚录入了该成绩，请刷新后再试。") from None
    if competition.published_at is not None:
        # The published ranks no longer match the results: they must be published again.
        Competition.objects.filter(pk=competition.pk).update(published_at=None)
        competition.published_at = None
    return result


# --- standings and publication --------------------------------------------------------------


@dataclass(slots=True)
class TeamRow:
    team: Team
    ranked: ranking.Ranked
    members: list[Contestant] = field(default_factory=list)


@dataclass(slots=True)
class PersonRow:
    contestant: Contestant
    ranked: ranking.Ranked | None  # own ranking (individual mode)
    team_rank: int | None  # the team's place (what city_drill_team_rank records)
    team_tied: bool = False


@dataclass(slots=True)
class Standings:
    competition: Competition
    events: list[Event]
    teams: list[TeamRow]
    people: list[PersonRow]
    problem: str | None  # why the results cannot be ranked (weights), or None

    @property
    def complete(self) -> bool:
        entries = [row.ranked for row in self.teams]
        if self.competition.mode == CompetitionMode.INDIVIDUAL:
            entries += [row.ranked for row in self.people if row.ranked is not None]
        return bool(entries) and all(e.rank is not None for e in entries)


def standings(competition: Competition) -> Standings:
    """Rank teams and individuals from the entered results. Four queries."""
    events = list(competition.events.all())
    specs = [ranking.EventSpec(e.id, e.weight) for e in events]
    problem = ranking.weights_problem(specs)
    teams = {t.pk: t for t in competition.teams.select_related("unit")}
    contestants = list(
        competition.contestants.select_related("officer", "unit", "team").order_by(
            "team__sort_order", "team_id", "pk"
        )
    )
    results = list(Result.objects.filter(event__competition=competition))
    deduction = competition.problem_deduction
    members: dict[int, list[Contestant]] = defaultdict(list)
    for c in contestants:
        if c.team_id is not None:
            members[c.team_id].append(c)
    people_ranked: dict[int, ranking.Ranked] = {}
    if competition.mode == CompetitionMode.TEAM:
        scores: dict[int, dict[int, Decimal]] = {pk: {} for pk in teams}
        problems: dict[int, int] = defaultdict(int)
        for r in results:
            if r.team_id in scores:
                scores[r.team_id][r.event_id] = r.score
                problems[r.team_id] += r.problems
    else:
        person_scores: dict[int, dict[int, Decimal]] = {c.pk: {} for c in contestants}
        person_problems: dict[int, int] = defaultdict(int)
        for r in results:
            if r.contestant_id in person_scores:
                person_scores[r.contestant_id][r.event_id] = r.score
                person_problems[r.contestant_id] += r.problems
        if problem is None:
            for entry in ranking.rank_entries(specs, person_scores, person_problems, deduction):
                people_ranked[entry.key] = entry
        # A team's score in an event is its members' average (all members must have one).
        scores = {}
        problems = defaultdict(int)
        for pk in teams:
            group = members.get(pk, [])
            scores[pk] = {}
            for spec in specs:
                values = [person_scores[c.pk].get(spec.id) for c in group]
                if group and all(v is not None for v in values):
                    scores[pk][spec.id] = ranking.average(values)  # type: ignore[arg-type]
            problems[pk] = sum(person_problems[c.pk] for c in group)
    team_rows: list[TeamRow] = []
    team_ranked: dict[int, ranking.Ranked] = {}
    if problem is None:
        for entry in ranking.rank_entries(specs, scores, problems, deduction):
            team_ranked[entry.key] = entry
            team_rows.append(TeamRow(teams[entry.key], entry, members.get(entry.key, [])))
    people = []
    for c in contestants:
        own_team = team_ranked.get(c.team_id) if c.team_id is not None else None
        people.append(
            PersonRow(
                contestant=c,
                ranked=people_ranked.get(c.pk),
                team_rank=own_team.rank if own_team else None,
                team_tied=own_team.tied if own_team else False,
            )
        )
    if competition.mode == CompetitionMode.INDIVIDUAL:
        order = {key: index for index, key in enumerate(people_ranked)}
        people.sort(key=lambda row: order.get(row.contestant.pk, len(order)))
    return Standings(competition, events, team_rows, people, problem)


@dataclass(slots=True)
class Publication:
    written: int  # facts that changed
    entries: int  # facts sent
    skipped: list[str]  # keys no pinned rubric of the campaign declares


def fact_entries(result: Standings) -> tuple[list[FactEntry], list[str]]:
    """The facts the standings give, with the keys the campaign's rubrics do not declare left
    out (and named): a city competition gives each county team's place and its commentary
    problems to the unit, and the team's place to each member; a provincial one gives each
    officer their individual place."""
    competition = result.competition
    ref = f"比武#{competition.pk} {competition.title}"[:200]
    declarations = Declarations(competition.campaign)
    entries: list[FactEntry] = []
    skipped: set[str] = set()

    def add(subject: Any, key: str, value: Any) -> None:
        if declarations.for_subject(subject, key):
            entries.append(FactEntry(subject, key, value, ref))
        else:
            skipped.add(key)

    if competition.level == CompetitionLevel.CITY:
        for row in result.teams:
            if row.ranked.rank is None:
                continue
            if row.team.unit is not None:
                add(row.team.unit, UNIT_RANK_KEY, row.ranked.rank)
                add(row.team.unit, UNIT_PROBLEMS_KEY, row.ranked.problems)
        for person in result.people:
            if person.team_rank is not None:
                add(person.contestant.officer, TEAM_RANK_KEY, person.team_rank)
    else:
        for person in result.people:
            if person.ranked is not None and person.ranked.rank is not None:
                add(person.contestant.officer, PROVINCE_RANK_KEY, person.ranked.rank)
    return entries, sorted(skipped)


@transaction.atomic
def publish_results(*, competition: Competition, actor: User | None) -> Publication:
    """Turn the ranks into facts (source "比武"), so the rank-based rubric items score them."""
    _check_admin(competition.campaign, actor, "发布比武成绩")
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    result = standings(competition)
    if result.problem:
        raise ValidationError(result.problem)
    if not result.events:
        raise ValidationError("本比武还没有比武项目。")
    missing = [row.team.name for row in result.teams if row.ranked.rank is None]
    if competition.mode == CompetitionMode.INDIVIDUAL:
        missing += [
            str(p.contestant.officer.name)
            for p in result.people
            if p.ranked is None or p.ranked.rank is None
        ]
    if missing or not result.complete:
        names = "、".join(missing[:10]) or "全部"
        raise ValidationError(f"以下参赛方的成绩尚未录全，不能发布：{names}。")
    entries, skipped = fact_entries(result)
    written = 0
    if entries:
        written = record_facts(
            campaign=competition.campaign,
            entries=entries,
            source=FactSource.COMPETITION,
            actor=actor,
        )
    competition.published_at = timezone.now()
    competition._history_user = actor
    competition.save(update_fields=["published_at"])
    return Publication(written=written, entries=len(entries), skipped=skipped)


def draws_of(competition: Competition) -> list[CompetitionDraw]:
    """The draw records with what each drew, named (three queries)."""
    draws = list(
        competition.draws.select_related("seed", "unit", "drawn_by", "replaced_by").order_by("pk")
    )
    officer_ids = {i for d in draws if d.kind == DrawKind.CONTESTANTS for i in d.result_ids}
    enterprise_ids = {i for d in draws if d.kind == DrawKind.TARGETS for i in d.result_ids}
    officers = Officer.objects.in_bulk(officer_ids) if officer_ids else {}
    enterprises = Enterprise.objects.in_bulk(enterprise_ids) if enterprise_ids else {}
    for d in draws:
        names = officers if d.kind == DrawKind.CONTESTANTS else enterprises
        d.result_names = [  # type: ignore[attr-defined]
            getattr(names.get(i), "name", f"#{i}") for i in d.result_ids
        ]
    return draws


def current_targets(competition: Competition) -> dict[int, list[Enterprise]]:
    """unit id → the enterprises its current target draw picked (two queries)."""
    draws = CompetitionDraw.objects.filter(
        competition=competition, kind=DrawKind.TARGETS, replaced_by__isnull=True
    )
    picked: dict[int, list[int]] = {d.unit_id: list(d.result_ids) for d in draws}
    ids = {i for values in picked.values() for i in values}
    found = Enterprise.objects.in_bulk(ids) if ids else {}
    return {unit: [found[i] for i in values if i in found] for unit, values in picked.items()}


def judged_event_ids(user: Any, competition: Competition) -> set[int]:
    if not (user and user.is_authenticated):
        return set()
    return set(
        Event.objects.filter(competition=competition, judges=user).values_list("pk", flat=True)
    )


def competing_units(competition: Competition) -> QuerySet[OrgUnit]:
    """The campaign's participating units other than the issuing bureau, in unit order."""
    campaign = competition.campaign
    return OrgUnit.objects.filter(participations__campaign=campaign).exclude(
        pk=campaign.issuing_unit_id
    )


def units_of(competition: Competition) -> list[OrgUnit]:
    return list(competing_units(competition))
