"""Demo scores for the two seed campaigns that `manage.py load_demo` builds: 泰安 2021 (seed 000
rubrics) and 如东 2024 (seed 002 rubrics). `load_scoring_demo()` runs after the campaigns demo.

For each campaign it loads and pins the seed's collective and individual rubrics, enters every
participating unit as a collective candidate and the unit's first synthetic officers (the
campaigns demo's 演示人员, certificates DEMO-…) as individual candidates within the unit's
quota, and records plausible facts for every fact the rubrics declare, then evaluates.

The values are synthetic: drawn from a `random.Random` seeded with the rubric id, shaped by
each fact's rule (near a tier's thresholds, within a manual score's bounds, ranks as a
permutation, monthly values around the monthly criterion …) and by a per-candidate strength,
so that rankings spread out. A few candidates are excluded on purpose, to show how vetoes and
ineligibility look — only synthetic officers and the synthetic 区域性执法局, never a real
branch named in a seed. Every fact carries the source reference DEMO_SOURCE_REF.

Idempotent: the same draws give the same values, rows are only written when they differ, and
the campaign is evaluated only when something changed (a second run writes nothing).

Both campaigns are over (archived, closed), and the scoring services refuse changes to a
closed campaign — rightly, for real data. The demo rebuilds the state those campaigns ended
in, so it writes pins, candidates and facts itself, after validating every value through the
same `validate_fact` the services use, and then evaluates through `evaluate_campaign`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from campaigns.demo import rudong_2024, taian_2021
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, Officer, OrgUnit
from scoring.engine.expressions import Evaluator
from scoring.engine.model import Item, Node, Rubric
from scoring.enums import FactSource, RubricSubject
from scoring.models import CampaignRubric, Candidate, EvaluationRun, Fact, ScoreSnapshot
from scoring.services.candidates import sync_collective_candidates
from scoring.services.evaluation import evaluate_campaign
from scoring.services.facts import Declarations, validate_fact
from scoring.services.rubrics import load_rubric_version, pin_rubric, rubric_of

RUBRICS = Path(__file__).resolve().parent / "rubrics"
DEMO_SOURCE_REF = "演示数据（scoring.demo 生成，非真实数据）"
MAX_OFFICERS_PER_UNIT = 3


@dataclass(frozen=True)
class DemoPin:
    """A rubric file to pin, its shortlist rules, and which candidates (by position in the
    pool's natural order) are excluded on purpose."""

    file: str
    shortlist_size: int | None = None
    contest_group_size: int | None = None
    veto_at: int | None = None
    ineligible_at: int | None = None
    zero_at: int | None = None
    precedence_every: int = 3  # every n-th candidate has the higher-level fact (catalogue 21)


@dataclass(frozen=True)
class DemoCampaign:
    issuer_code: str
    year: int
    title: str
    pins: tuple[DemoPin, ...]


DEMO_CAMPAIGNS = (
    DemoCampaign(
        "TA",
        2021,
        taian_2021.TITLE,
        (
            # 附件3/附件4: the bureau recommends 3 collectives and 5 individuals.
            DemoPin("s000-collective.yaml", shortlist_size=3),
            DemoPin("s000-individual.yaml", shortlist_size=5, veto_at=3, ineligible_at=10),
        ),
    ),
    DemoCampaign(
        "RD",
        2024,
        rudong_2024.TITLE,
        (
            DemoPin("s002-collective.yaml", zero_at=0),
            # "前10名同志为…参赛候选人，将10名同志分为5个小组".
            DemoPin(
                "s002-individual.yaml", shortlist_size=10, contest_group_size=2, ineligible_at=4
            ),
        ),
    ),
)


@dataclass
class DemoSummary:
    campaign: Campaign
    candidates: dict[str, int] = field(default_factory=dict)  # rubric key -> candidates
    facts: int = 0
    written: int = 0  # pins, candidates and facts created, changed or deleted
    evaluated: bool = False


# --- entry point -----------------------------------------------------------------------------


@transaction.atomic
def load_scoring_demo(stdout: Any = None) -> list[DemoSummary]:
    """Pin, enter, record and evaluate the demo scores of both seed campaigns (idempotent).

    Needs the campaigns demo (`campaigns.demo.load`) to have run; raises LookupError if not.
    `stdout` (e.g. a command's self.stdout) gets one line per campaign."""
    summaries = [_load_campaign(plan) for plan in DEMO_CAMPAIGNS]
    if stdout is not None:
        for summary in summaries:
            counts = "，".join(f"{key} {n} 个" for key, n in summary.candidates.items())
            stdout.write(
                f"评分演示 Scoring demo: {summary.campaign}："
                f"参评对象 {counts}；事实 {summary.facts} 条；"
                f"写入 {summary.written} 行；"
                f"{'已重新计算' if summary.evaluated else '得分未变'}。\n"
            )
    return summaries


@transaction.atomic
def prepare_open_demo_campaigns(stdout: Any = None) -> list[DemoSummary]:
    """The open demo campaign (`campaigns.demo.taian_current`) gets the seed 000 rubrics and its
    branches as collective candidates, but no facts: its self-assessment is running, so branch
    staff fill the claims themselves and reviewers verify them. It goes through the services,
    like real set-up would (the campaign is active, so they accept it)."""
    summaries = []
    campaigns = Campaign.objects.filter(
        issuing_unit__code="TA", is_demo=True, status=CampaignStatus.ACTIVE
    )
    for campaign in campaigns:
        summary = DemoSummary(campaign)
        for file in ("s000-collective.yaml", "s000-individual.yaml"):
            version = load_rubric_version(path_or_text=RUBRICS / file)
            before = CampaignRubric.objects.filter(campaign=campaign, version=version).exists()
            pin = pin_rubric(campaign=campaign, version=version, actor=None)
            summary.written += 0 if before else 1
            if version.subject == RubricSubject.COLLECTIVE:
                summary.written += sync_collective_candidates(campaign_rubric=pin)
            summary.candidates[pin.rubric_key] = pin.candidates.filter(is_active=True).count()
        summaries.append(summary)
        if stdout is not None:
            stdout.write(
                f"评分演示 Scoring demo: {campaign.title}：已启用 seed 000 评分细则，"
                f"参评集体 {summary.candidates.get('s000-collective', 0)} 个，待各单位自评。\n"
            )
    return summaries


@transaction.atomic
def _load_campaign(plan: DemoCampaign) -> DemoSummary:
    campaign = (
        Campaign.objects.filter(
            issuing_unit__code=plan.issuer_code, year=plan.year, title=plan.title
        )
        .select_related("issuing_unit")
        .first()
    )
    if campaign is None:
        raise LookupError(
            f"演示活动“{plan.year} {plan.title}”不存在：请先运行 manage.py load_demo。"
        )
    summary = DemoSummary(campaign)
    pins = [(_pin(campaign, demo_pin, summary), demo_pin) for demo_pin in plan.pins]
    declarations = Declarations(campaign)
    wanted: dict[tuple[int | None, int | None, str], Any] = {}
    for pin, demo_pin in pins:
        candidates = _candidates(campaign, pin, summary)
        summary.candidates[pin.rubric_key] = len(candidates)
        rubric = rubric_of(pin.version)
        for subject, key, value in FactPlan(rubric, demo_pin, candidates).facts():
            stored = validate_fact(declarations=declarations, subject=subject, key=key, value=value)
            wanted[(*_subject_key(subject), key)] = stored
    summary.facts = len(wanted)
    summary.written += _write_facts(campaign, wanted)
    if summary.written or _needs_evaluation(campaign):
        evaluate_campaign(campaign=campaign)
        summary.evaluated = True
    return summary


# --- pins and candidates ---------------------------------------------------------------------


def _pin(campaign: Campaign, demo_pin: DemoPin, summary: DemoSummary) -> CampaignRubric:
    version = load_rubric_version(path_or_text=RUBRICS / demo_pin.file)
    values = {
        "version": version,
        "shortlist_size": demo_pin.shortlist_size,
        "contest_group_size": demo_pin.contest_group_size,
    }
    pin = CampaignRubric.objects.filter(campaign=campaign, rubric_key=version.key).first()
    if pin is None:
        pin = CampaignRubric(campaign=campaign, rubric_key=version.key, **values)
        pin.full_clean()
        pin.save()
        summary.written += 1
        return pin
    changed = [name for name, value in values.items() if getattr(pin, name) != value]
    if changed:
        for name in changed:
            setattr(pin, name, values[name])
        if "version" in changed:
            pin.pinned_at = timezone.now()
            changed.append("pinned_at")
        pin.full_clean()
        pin.save(update_fields=changed)
        summary.written += 1
    return pin


def _candidates(
    campaign: Campaign, pin: CampaignRubric, summary: DemoSummary
) -> list[OrgUnit | Officer]:
    """The pool in its natural order (unit order, then officer creation order); creates or
    reactivates the candidates."""
    participations = list(
        campaign.participations.select_related("unit").order_by("unit__sort_order", "unit__code")
    )
    subjects: list[OrgUnit | Officer] = []
    if pin.version.subject == RubricSubject.COLLECTIVE:
        subjects = [p.unit for p in participations if p.competes_as_collective]
    else:
        quota = {p.unit_id: min(p.individual_quota, MAX_OFFICERS_PER_UNIT) for p in participations}
        officers = Officer.objects.filter(unit_id__in=quota, is_active=True).select_related("unit")
        taken: dict[int, int] = {}
        by_unit = sorted(officers, key=lambda o: (o.unit.sort_order, o.unit.code, o.pk))
        for officer in by_unit:
            if taken.get(officer.unit_id, 0) < quota[officer.unit_id]:
                taken[officer.unit_id] = taken.get(officer.unit_id, 0) + 1
                subjects.append(officer)
    existing = {(c.unit_id, c.officer_id): c for c in Candidate.objects.filter(campaign_rubric=pin)}
    for subject in subjects:
        unit_id, officer_id = _subject_key(subject)
        candidate = existing.get((unit_id, officer_id))
        if candidate is None:
            home = subject if isinstance(subject, OrgUnit) else subject.unit
            Candidate.objects.create(
                campaign_rubric=pin, unit_id=unit_id, officer_id=officer_id, home_unit=home
            )
            summary.written += 1
        elif not candidate.is_active:
            candidate.is_active = True
            candidate.save(update_fields=["is_active"])
            summary.written += 1
    return subjects


def _subject_key(subject: OrgUnit | Officer | None) -> tuple[int | None, int | None]:
    if isinstance(subject, OrgUnit):
        return subject.pk, None
    if isinstance(subject, Officer):
        return None, subject.pk
    return None, None


# --- facts -----------------------------------------------------------------------------------


def _write_facts(campaign: Campaign, wanted: dict[tuple[Any, ...], Any]) -> int:
    """Bring the campaign's facts to `wanted` ((unit id, officer id, key) -> stored value):
    create the missing, update the differing, delete demo facts no longer wanted."""
    existing = {(f.unit_id, f.officer_id, f.key): f for f in Fact.objects.filter(campaign=campaign)}
    new = []
    written = 0
    for (unit_id, officer_id, key), value in wanted.items():
        fact = existing.get((unit_id, officer_id, key))
        if fact is None:
            new.append(
                Fact(
                    campaign=campaign,
                    unit_id=unit_id,
                    officer_id=officer_id,
                    key=key,
                    value=value,
                    source=FactSource.IMPORT,
                    source_ref=DEMO_SOURCE_REF,
                )
            )
        elif (fact.value, fact.source_ref) != (value, DEMO_SOURCE_REF):
            fact.value = value
            fact.source = FactSource.IMPORT
            fact.source_ref = DEMO_SOURCE_REF
            fact.recorded_at = timezone.now()
            fact.save(update_fields=["value", "source", "source_ref", "recorded_at"])
            written += 1
    if new:
        bulk_create_with_history(new, Fact, batch_size=500)
    stale = [
        fact
        for subject_key, fact in existing.items()
        if subject_key not in wanted and fact.source_ref == DEMO_SOURCE_REF
    ]
    for fact in stale:
        fact.delete()
    return written + len(new) + len(stale)


def _needs_evaluation(campaign: Campaign) -> bool:
    """An active candidate without a current snapshot, or a pin not yet evaluated with its
    pinned version."""
    if (
        Candidate.objects.filter(campaign_rubric__campaign=campaign, is_active=True)
        .exclude(snapshots__is_current=True)
        .exists()
    ):
        return True
    for pin in CampaignRubric.objects.filter(campaign=campaign):
        last = EvaluationRun.objects.filter(campaign_rubric=pin).order_by("-started_at", "-pk")
        run = last.first()
        if run is None or run.rubric_version_id != pin.version_id:
            return True
    return not ScoreSnapshot.objects.filter(campaign_rubric__campaign=campaign).exists()


_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


def _dec(value: float, quantum: Decimal = _TENTH) -> Decimal:
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _rules(rule: Any) -> Iterator[Any]:
    yield rule
    for sub in rule.subrules():
        yield from _rules(sub)


class FactPlan:
    """The demo values of one rubric's facts for one pool, drawn deterministically."""

    def __init__(self, rubric: Rubric, demo_pin: DemoPin, subjects: list[OrgUnit | Officer]):
        self.rubric = rubric
        self.demo_pin = demo_pin
        self.subjects = subjects
        # Seeded by the rubric id: the same rubric and pool always give the same values.
        self.rng = random.Random(f"scoring-demo:{rubric.id}")  # noqa: S311 — demo data, not security
        self.strength = [self.rng.random() for _ in subjects]
        self.uses: dict[str, Any] = {}  # fact -> the first rule reading it
        self.reference_facts: set[str] = set()  # campaign-wide (a provincial average …)
        self.precedence_facts: set[str] = set()
        for _path, node in rubric.walk():
            if isinstance(node, Item):
                if node.precedence is not None:
                    self.precedence_facts.add(node.precedence.fact)
                for rule in _rules(node.rule):
                    self._note(rule)
        for derived in rubric.derived.values():
            if derived.rule is not None:
                for rule in _rules(derived.rule):
                    self._note(rule)

    def _note(self, rule: Any) -> None:
        for name in self._facts_of(rule):
            self.uses.setdefault(name, rule)
        for attr in ("reference", "total"):
            name = getattr(rule, attr, None)
            if isinstance(name, str) and name in self.rubric.facts:
                self.reference_facts.add(name)

    def _facts_of(self, rule: Any) -> list[str]:
        names = [getattr(rule, "fact", None), getattr(rule, "share_fact", None)]
        names += [part.fact for part in getattr(rule, "parts", None) or []]
        return [n for n in names if isinstance(n, str) and n in self.rubric.facts]

    # --- the values ---

    def facts(self) -> Iterator[tuple[OrgUnit | Officer | None, str, Any]]:
        """(subject, key, value) for every declared fact: campaign-wide ones once (subject
        None), the others for every candidate of the pool."""
        values: list[dict[str, Any]] = [{} for _ in self.subjects]
        for key, spec in self.rubric.facts.items():
            if key in self.reference_facts:
                yield None, key, self._campaign_value(spec)
                continue
            rule = self.uses.get(key)
            if rule is not None and rule.type == "rank" and rule.source == "external":
                for i, rank in enumerate(self._external_ranks(rule)):
                    values[i][key] = rank
                continue
            for i, strength in enumerate(self.strength):
                if key in self.precedence_facts and i % self.demo_pin.precedence_every:
                    continue  # most candidates have no higher-level score: the rule applies
                values[i][key] = self._value(spec, rule, strength)
        self._conditions(values)
        for subject, facts in zip(self.subjects, values, strict=True):
            for key, value in facts.items():
                yield subject, key, value

    def _campaign_value(self, spec: Any) -> Any:
        if spec.type == "ratio":
            return _dec(self.rng.uniform(0.85, 0.95), _CENT)
        return Decimal(self.rng.randint(80, 160))

    def _external_ranks(self, rule: Any) -> list[int]:
        """Distinct ranks (a competition ranks everyone once), the stronger ranked better."""
        if getattr(rule, "k", None):
            upper = int(rule.k * 1.3)  # top-K of an external list: some fall outside it
        elif rule.of:
            upper = rule.of
        elif getattr(rule, "table", None):
            upper = max(rule.table) + 2
        else:
            upper = len(self.subjects)
        upper = max(upper, len(self.subjects))
        drawn = sorted(self.rng.sample(range(1, upper + 1), len(self.subjects)))
        order = sorted(
            range(len(self.subjects)), key=lambda i: -(self.strength[i] + self.rng.random() * 0.3)
        )
        ranks = [0] * len(self.subjects)
        for position, i in enumerate(order):
            ranks[i] = drawn[position]
        return ranks

    def _pick(self, strength: float) -> float:
        """A draw in [0, 1] leaning towards the candidate's strength."""
        return min(1.0, max(0.0, 0.65 * strength + 0.35 * self.rng.random()))

    def _value(self, spec: Any, rule: Any, strength: float) -> Any:
        kind = rule.type if rule is not None else None
        x = self._pick(strength)
        if spec.type == "bool":
            return self.rng.random() < 0.35 + 0.55 * x
        if kind == "tiers":
            return self._near_tiers(spec, rule, x)
        if kind == "manual":
            low, high = float(rule.min), float(rule.max)
            return _dec(low + (high - low) * x)
        if kind == "per_occurrence" and spec.type in ("count", "number"):
            most = math.ceil(rule.cap / rule.each) if rule.cap else 6
            return min(most + 1, round(x * (most + 1)))
        if kind == "deduction":
            # Problems are the exception, heavy ones rarer still (a ministry notice costs 5).
            chance = (0.35 if x < 0.4 else 0.12) / max(1.0, float(rule.each)) ** 0.5
            count = 0
            while count < 3 and self.rng.random() < chance:
                count += 1
            return count if spec.type == "count" else _dec(count * self.rng.uniform(0.5, 1.5))
        if kind in ("weighted_occurrences", "weighted_count"):
            return self._categories(rule.weights, set(getattr(rule, "once", [])), x)
        if kind == "linear":
            start, per = float(rule.start), float(rule.per)
            value = start - per * 3 + per * 12 * x
            return _dec(min(value, 1.0), Decimal("0.001")) if spec.type == "ratio" else _dec(value)
        if kind == "steps_above":
            return Decimal(round(100 * (0.9 + 0.7 * x)))
        if kind == "monthly":
            return self._monthly(spec, rule, x)
        if kind == "aggregate":
            return self._records(spec, rule, x)
        if kind == "rank":  # ranked within the pool by this value
            return _dec(68 + 27 * x) if spec.type != "count" else round(20 * x)
        return self._generic(spec, x)

    def _near_tiers(self, spec: Any, rule: Any, x: float) -> Any:
        mins = sorted(float(t.min) for t in rule.tiers)
        low, high = mins[0], mins[-1]
        span = (high - low) or max(abs(high) * 0.2, 0.1)
        value = low - span * 0.6 + (high - low + span * 0.9) * x
        if spec.type == "ratio":
            value = 1.0 if x > 0.85 and high >= 1 else min(value, 1.0)
            return _dec(max(value, 0.0), _CENT)
        if spec.type in ("count", "rank"):
            return max(1 if spec.type == "rank" else 0, round(value))
        return _dec(max(value, 0.0))

    def _categories(self, weights: dict[str, Any], once: set[str], x: float) -> dict[str, int]:
        """Counts per category; the heavier a category weighs (a provincial commendation
        against a city praise), the rarer it is."""
        magnitudes = [abs(float(w)) for w in weights.values() if float(w)]
        lightest = min(magnitudes, default=1.0)
        counts = {}
        for name, weight in weights.items():
            rarity = (lightest / (abs(float(weight)) or lightest)) ** 0.5
            if float(weight) < 0:  # a category of problems (a deduction per occurrence)
                chance, many = (0.3 if x < 0.4 else 0.08), [1, 1, 2]
            else:
                chance, many = 0.15 + 0.5 * x, [1, 1, 2, 3]
            if self.rng.random() < chance * rarity:
                counts[name] = 1 if name in once else self.rng.choice(many)
        return counts

    def _months(self, rule: Any) -> list[str]:
        if rule is not None and getattr(rule, "months", None):
            return list(rule.months)
        if rule is not None and getattr(rule, "window", None):
            return list(rule.window.months())
        return []

    def _monthly(self, spec: Any, rule: Any, x: float) -> dict[str, Decimal]:
        minimum = float(rule.min)
        ratio = spec.value_type == "ratio" or minimum < 1
        always = x > 0.75  # a strong candidate meets the criterion every month
        values = {}
        for month in self._months(rule):
            factor = self.rng.uniform(1.0, 1.35) if always else self.rng.uniform(0.75, 1.3)
            value = minimum * factor
            values[month] = _dec(min(value, 1.0), _CENT) if ratio else _dec(value)
        return values

    def _records(self, spec: Any, rule: Any, x: float) -> list[dict[str, Any]]:
        count = rule.expected or self.rng.randint(2, 4)
        if rule.expected and x < 0.2:
            count -= 1  # a file not submitted: it counts 0
        rows = []
        for _ in range(count):
            row: dict[str, Any] = {}
            for name, kind in (spec.fields or {}).items():
                if kind == "bool":
                    row[name] = self.rng.random() < 0.07
                elif kind == "count":
                    row[name] = self.rng.randint(0, 3)
                elif kind == "ratio":
                    row[name] = _dec(self.rng.uniform(0.8, 1.0), _CENT)
                elif kind == "text":
                    row[name] = "演示记录"
                else:
                    row[name] = _dec(62 + 34 * self._pick(x))
            rows.append(row)
        return rows

    def _generic(self, spec: Any, x: float) -> Any:
        if spec.type == "count":
            return round(12 * x)
        if spec.type == "ratio":
            return _dec(0.8 + 0.2 * x, _CENT)
        if spec.type == "rank":
            return 1 + round(29 * (1 - x))
        if spec.type == "score":
            return _dec(10 * x)
        if spec.type == "monthly":
            return {}
        if spec.type == "records":
            return []
        if spec.type == "categories":
            return self._categories(dict.fromkeys(spec.categories or {}, 1), set(), x)
        return _dec(20 + 80 * x)

    # --- vetoes, eligibility, zeroing ---

    def _conditions(self, values: list[dict[str, Any]]) -> None:
        """Clean values for the facts that vetoes, eligibility and zeroing read (nobody is
        excluded by chance), then the designated exclusions."""
        evaluator = Evaluator()
        bools = {k for k, s in self.rubric.facts.items() if s.type == "bool"}
        avoid = [v.when for v in self.rubric.vetoes] + [z.when for z in self._zero_ifs()]
        need = [e.require for e in self.rubric.eligibility]
        for facts in values:
            for expression in avoid:
                for name in expression.names & bools:
                    facts[name] = False
            for expression in need:
                names = expression.names & bools
                if names == expression.names and not self._holds(evaluator, expression, facts):
                    for name in names:
                        facts[name] = not facts.get(name, False)
        pin = self.demo_pin
        if pin.veto_at is not None and self.rubric.vetoes and pin.veto_at < len(values):
            self._make_true(evaluator, self.rubric.vetoes[0].when, values[pin.veto_at], bools)
        zero_ifs = self._zero_ifs()
        if pin.zero_at is not None and zero_ifs and pin.zero_at < len(values):
            self._make_true(evaluator, zero_ifs[0].when, values[pin.zero_at], bools)
        if (
            pin.ineligible_at is not None
            and self.rubric.eligibility
            and pin.ineligible_at < len(values)
        ):
            facts = values[pin.ineligible_at]
            requirement = self.rubric.eligibility[-1].require
            for name in requirement.names & bools:
                facts[name] = not facts.get(name, False)

    def _zero_ifs(self) -> list[Any]:
        return [
            condition
            for _path, node in self.rubric.walk()
            if isinstance(node, Item | Node)
            for condition in node.zero_if
        ]

    def _holds(self, evaluator: Evaluator, expression: Any, facts: dict[str, Any]) -> bool:
        names = {name: facts.get(name, False) for name in expression.names}
        return bool(evaluator.value(expression, names))

    def _make_true(
        self, evaluator: Evaluator, expression: Any, facts: dict[str, Any], bools: set[str]
    ) -> None:
        for name in sorted(expression.names & bools):  # the fewest facts that make it hold
            facts[name] = True
            if self._holds(evaluator, expression, facts):
                return
