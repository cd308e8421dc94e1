"""Scoring a pool of candidates against a rubric, in two passes.

Pass 1 coerces each candidate's facts and computes derived facts; then every pool-aware rule
(ranks, relative-to-best, pool sums) computes its statistics once over the whole pool; pass 2
scores the node tree per candidate. Candidates are processed in id order so that the result does
not depend on the order of the input mapping.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from typing import Any

from .decimals import ZERO
from .display import fmt_num
from .expressions import Evaluator, Expression
from .facts import DEFAULTS, FactInfo, coercer
from .model import Item, Node, Rubric
from .ranking import rank_results
from .results import CandidateResult, NodeResult, PoolResult
from .rules import Ctx, EvaluationError, Rule

# Fixed arithmetic, whatever the caller's thread context says; traps turn silent NaNs into errors.
_ARITHMETIC = Context(prec=28, traps=[InvalidOperation, DivisionByZero, Overflow])


def evaluate(rubric: Rubric, pool: Mapping[str, Mapping[str, Any]]) -> PoolResult:
    """Score every candidate in the pool (candidate id -> facts), then rank them."""
    # Millions of small acyclic objects: the cyclic collector would rescan them again and again
    # (superlinear time); nothing here creates cycles, so it can safely wait until we are done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _evaluate(_plan_for(rubric), pool)
    finally:
        if collecting:
            gc.enable()


def _evaluate(plan: _Plan, pool: Mapping[str, Mapping[str, Any]]) -> PoolResult:
    with localcontext(_ARITHMETIC):
        evaluator = Evaluator()
        contexts = [plan.prepare(cid, pool[cid], evaluator) for cid in sorted(pool)]
        prepared = {id(rule): rule.prepare(contexts) for rule in plan.pool_rules}
        run = _Run(plan)
        results = {}
        for ctx in contexts:
            ctx.prepared = prepared
            results[ctx.cid] = run.score(ctx)
    ranking, excluded = rank_results(results, plan.rubric.tie_breakers)
    return PoolResult(results, ranking, excluded)


def _plan_for(rubric: Rubric) -> _Plan:
    plan = rubric._plan
    if plan is None:
        plan = rubric._plan = _Plan(rubric)
    return plan


class _Plan:
    """Everything about a rubric that evaluation needs, worked out once."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.facts = [
            (name, coercer(spec), DEFAULTS[spec.type]) for name, spec in rubric.facts.items()
        ]
        self.params = dict(rubric.params)
        self.info = _infos(rubric)
        self.derived = list(rubric.derived.items())
        self.pool_rules = [rule for rule in _all_rules(rubric) if rule.needs_pool()]
        self.inputs = _memo_inputs(rubric)

    def prepare(self, cid: str, raw: Mapping[str, Any], evaluator: Evaluator) -> Ctx:
        """Pass 1: typed facts, derived facts."""
        values: dict[str, Any] = dict(self.params)
        missing: set[str] = set()
        ctx = Ctx(cid, values, missing, self.info, evaluator)
        for name, coerce, default in self.facts:
            value = raw.get(name)
            if value is None:
                values[name] = default
                missing.add(name)
                continue
            try:
                values[name] = coerce(value)
            except ValueError as exc:
                ctx.errors.append(f"{self.info[name].label}（{name}）的值无效：{exc}；按未提供处理")
                values[name] = default
                missing.add(name)
        for name, spec in self.derived:
            values[name] = self._derive(ctx, name, spec)
        return ctx

    def _derive(self, ctx: Ctx, name: str, spec: Any) -> Any:
        try:
            if spec.rule is not None:
                value: Any = spec.rule.evaluate(ctx)[0]
            else:
                value = ctx.calc(spec.expr)
            return bool(value) if spec.type == "bool" else _as_number(value)
        except (EvaluationError, ValueError, TypeError, ArithmeticError) as exc:
            ctx.errors.append(f"派生事实 {spec.label}（{name}）无法计算：{exc}；按 0 处理")
            ctx.missing.add(name)
            return False if spec.type == "bool" else ZERO


_MISSING = object()
_MEMO_LIMIT = 20_000  # distinct inputs remembered per item; continuous values stop being cached


class _Run:
    """Pass 2 for one evaluation. Items whose rule is a pure function of a few scalar facts
    reuse the result of an earlier candidate with the same inputs: across tens of thousands of
    candidates, ratios, counts and flags repeat, and formatting explanations is the main cost."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        # id(item) -> (results by inputs, input names); (None, ()) when not reusable
        self.items: dict[int, tuple[dict[Any, NodeResult] | None, tuple[str, ...]]] = {
            id(item): ({}, plan.inputs[id(item)]) if id(item) in plan.inputs else (None, ())
            for _, item in plan.rubric.walk()
        }
        self.nodes: dict[tuple[int, Decimal, Decimal], NodeResult] = {}

    def score(self, ctx: Ctx) -> CandidateResult:
        """The node tree, totals, vetoes and eligibility of one candidate."""
        rubric = self.plan.rubric
        nodes: dict[str, NodeResult] = {}
        base = bonus = ZERO
        for indicator in rubric.indicators:
            points, extra = self._node(indicator, ctx, nodes, False)
            bonus += extra
            if indicator.bonus:
                bonus += points
            else:
                base += points
        base = min(base, rubric.max)
        if rubric.bonus_cap is not None:
            bonus = min(bonus, rubric.bonus_cap)
        vetoes = [v.reason for v in rubric.vetoes if _holds(v.when, ctx, "否决")]
        ineligible = [e.reason for e in rubric.eligibility if not _holds(e.require, ctx, "资格")]
        return CandidateResult(
            ctx.cid, base + bonus, base, bonus, nodes, vetoes, ineligible, None, ctx.errors
        )

    def _node(
        self, node: Node, ctx: Ctx, out: dict[str, NodeResult], in_bonus: bool
    ) -> tuple[Decimal, Decimal]:
        """The node's points, and the bonus points of the bonus parts beneath it."""
        inside_bonus = in_bonus or node.bonus
        total = extra = ZERO
        for child in node.children:
            points, child_extra = self._node(child, ctx, out, inside_bonus)
            extra += child_extra
            if child.bonus and not inside_bonus:
                extra += points
            else:
                total += points
        items = self.items
        for item in node.items:
            # _item, inlined: this runs for every item of every candidate
            cache, names = items[id(item)]
            if cache is None:
                result, _ = _score_item(item, ctx)
            else:
                inputs = _inputs_key(names, ctx)
                result = cache.get(inputs)  # type: ignore[assignment]
                if result is None:
                    result, failed = _score_item(item, ctx)
                    if not failed and len(cache) < _MEMO_LIMIT:
                        cache[inputs] = result
            out[item.id] = result
            points = result.points
            if item.bonus and not inside_bonus:
                extra += points
            else:
                total += points
        if node.zero_if:
            result = _node_result(node, total, extra)
            zeroed = _zeroed(node.zero_if, ctx)
            if zeroed is not None:
                extra = ZERO
                text = f"{result.explanation}；{zeroed} → 0 分"
                result = replace(result, points=ZERO, zeroed=zeroed, explanation=text)
        else:
            key = (id(node), total, extra)
            result = self.nodes.get(key)  # type: ignore[assignment]
            if result is None:
                result = _node_result(node, total, extra)
                if len(self.nodes) < _MEMO_LIMIT:
                    self.nodes[key] = result
        out[node.id] = result
        return result.points, extra


def _inputs_key(names: tuple[str, ...], ctx: Ctx) -> Any:
    missing, values = ctx.missing, ctx.values
    if len(names) == 1:
        name = names[0]
        return _MISSING if name in missing else values[name]
    return tuple(_MISSING if name in missing else values[name] for name in names)


def _memo_inputs(rubric: Rubric) -> dict[int, tuple[str, ...]]:
    """Items whose result depends only on a few scalar facts (no zero_if, no precedence)."""
    structured = {name for name, spec in rubric.facts.items() if spec.type in _STRUCTURED}
    inputs = {}
    for _, node in rubric.walk():
        if isinstance(node, Item) and not node.zero_if and node.precedence is None:
            names = node.rule.inputs()
            if names is not None and not structured.intersection(names):
                inputs[id(node)] = names
    return inputs


_STRUCTURED = frozenset({"monthly", "records"})  # unhashable values (Counts hash)


def _as_number(value: Any) -> Decimal:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise ValueError(f"结果不是数值：{value!r}")


def _holds(expression: Expression, ctx: Ctx, what: str) -> bool:
    try:
        return bool(ctx.calc(expression))
    except EvaluationError as exc:
        ctx.errors.append(f"{what}条件无法计算：{exc}；按不成立处理")
        return False


def _zeroed(conditions: list[Any], ctx: Ctx) -> str | None:
    for condition in conditions:
        if _holds(condition.when, ctx, "归零"):
            return str(condition.reason)
    return None


def _score_item(item: Item, ctx: Ctx) -> tuple[NodeResult, bool]:
    """The item's result, and whether its rule failed (bad data, failed expression)."""
    precedence = item.precedence
    failed = False
    if precedence is not None and precedence.fact not in ctx.missing:
        points = _as_number(ctx.values[precedence.fact])
        text = f"以{ctx.label(precedence.fact)}为准（{precedence.note}）：{fmt_num(points)} 分"
    else:
        try:
            points, text = item.rule.evaluate(ctx)
        except (EvaluationError, ArithmeticError, TypeError, ValueError) as exc:
            ctx.errors.append(f"评分项 {item.title}（{item.id}）无法计算：{exc}")
            points, text, failed = ZERO, f"无法计算（{exc}）→ 0 分", True
    top = item.max
    capped = top is not None and points > top
    if capped:
        points = top  # type: ignore[assignment]
        text = f"{text}；本项最高 {fmt_num(points)} 分"
    zeroed = _zeroed(item.zero_if, ctx) if item.zero_if else None
    if zeroed is not None:
        points, text = ZERO, f"{text}；{zeroed} → 0 分"
    result = NodeResult(
        item.id, item.title, points, top, text, "item", item.bonus, capped, zeroed, item.cite
    )
    return result, failed


def _node_result(node: Node, total: Decimal, extra: Decimal) -> NodeResult:
    """The node's points from the sum of its parts: capped at max, floored at floor."""
    capped = False
    if node.max is not None and total > node.max:
        points, text, capped = node.max, f"小计 {fmt_num(total)}，封顶 {fmt_num(node.max)} 分", True
    elif total < node.floor:
        note = "扣完为止，计 0 分" if node.floor == 0 else f"不低于 {fmt_num(node.floor)} 分"
        points, text = node.floor, f"小计 {fmt_num(total)}，{note}"
    else:
        points, text = total, f"小计 {fmt_num(total)} 分"
    if extra:
        text = f"{text}（另有加分 {fmt_num(extra)} 分计入附加分）"
    return NodeResult(
        node.id, node.title, points, node.max, text, "indicator", node.bonus, capped, None,
        node.cite,
    )  # fmt: skip


def _infos(rubric: Rubric) -> dict[str, FactInfo]:
    info = {name: FactInfo(f"参数 {name}", "number") for name in rubric.params}
    for name, spec in rubric.facts.items():
        info[name] = FactInfo(spec.label, spec.type, spec.unit, spec.value_type, spec.categories)
    for name, derived in rubric.derived.items():
        info[name] = FactInfo(derived.label, derived.type)
    return info


def _all_rules(rubric: Rubric) -> Iterator[Rule]:
    for _, node in rubric.walk():
        if isinstance(node, Item):
            yield from _nested(node.rule)


def _nested(rule: Rule) -> Iterator[Rule]:
    yield rule
    for sub in rule.subrules():
        yield from _nested(sub)
