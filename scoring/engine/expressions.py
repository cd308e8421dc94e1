"""Safe expressions (simpleeval) over declared names, parsed and checked once at load time.

An expression's syntax tree is validated against a whitelist and its names against the rubric's
declarations when the rubric is loaded; evaluation reuses the parsed tree. Decimal literals are
kept exact, and ``/`` always divides Decimals, so no float ever enters a computation.
"""

from __future__ import annotations

import ast
import keyword
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Annotated, Any

import simpleeval
from pydantic import PlainSerializer, PlainValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from .compiled import Compiled, compile_tree

RECORD_NAME = "r"  # the record being reduced, inside aggregate.expr

FUNCTIONS = {"min": min, "max": max, "abs": abs, "len": len, "sum": sum}
_MEMO_LIMIT = 100_000

_ALLOWED_NODES = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp, ast.BoolOp,
    ast.Compare, ast.IfExp, ast.Call, ast.Subscript, ast.Attribute, ast.List, ast.Tuple,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.USub, ast.UAdd,
    ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In,
    ast.NotIn,
)  # fmt: skip


class ExpressionError(ValueError):
    """An expression failed to parse, names something undeclared, or failed to evaluate."""


class Expression:
    """A parsed, validated expression; ``names`` are the declared names it reads."""

    __slots__ = ("compiled", "fast", "fields", "names", "order", "text", "tree")

    def __init__(self, text: str, allowed: frozenset[str] | None, record: bool = False) -> None:
        self.text = text
        self.tree = _parse(text)
        self.names, self.fields = _check(self.tree, allowed, record)
        self.order = (*sorted(self.names), *((RECORD_NAME,) if record else ()))
        self.fast = _shortcut(self.tree)
        # The whitelisted tree as closures (None: evaluated by simpleeval); see compiled.py.
        self.compiled: Compiled | None = compile_tree(
            self.tree, text.strip(), _OPERATORS, FUNCTIONS, RECORD_NAME if record else None
        )

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _parse(text: str) -> ast.expr:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"表达式语法错误：{text!r}（第 {exc.offset} 个字符附近）") from None
    return _DecimalLiterals(text.strip()).visit(tree).body


class _DecimalLiterals(ast.NodeTransformer):
    """Replace float literals by the exact Decimal of their source text."""

    def __init__(self, source: str) -> None:
        self.source = source

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, float):
            text = ast.get_source_segment(self.source, node) or repr(node.value)
            return ast.copy_location(ast.Constant(Decimal(text)), node)
        return node


def _check(
    tree: ast.expr, allowed: frozenset[str] | None, record: bool
) -> tuple[frozenset[str], frozenset[str]]:
    names: set[str] = set()
    fields: set[str] = set()
    functions = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(f"表达式中不允许使用 {type(node).__name__}")
        if isinstance(node, ast.Constant) and isinstance(node.value, complex | bytes):
            raise ExpressionError(f"表达式中不允许使用常量 {node.value!r}")
        if isinstance(node, ast.Call):
            _check_call(node)
        elif isinstance(node, ast.Attribute):
            fields.add(_check_attribute(node, record))
        elif (
            isinstance(node, ast.Name)
            and id(node) not in functions
            and (node.id != RECORD_NAME or not record)
        ):
            names.add(node.id)
    unknown = sorted(names - allowed) if allowed is not None else []
    if unknown:
        raise ExpressionError(
            f"未声明的名称 {', '.join(unknown)}（表达式只能使用已声明的事实、派生事实和参数）"
        )
    return frozenset(names), frozenset(fields)


def _shortcut(tree: ast.expr) -> Callable[[Mapping[str, Any]], Any] | None:
    """Direct lookups for the commonest conditions (``flag``, ``not flag``), same semantics as
    simpleeval's, without its per-node dispatch: vetoes run for every candidate."""
    if isinstance(tree, ast.Name):
        return operator.itemgetter(tree.id)
    if (
        isinstance(tree, ast.UnaryOp)
        and isinstance(tree.op, ast.Not)
        and isinstance(tree.operand, ast.Name)
    ):
        name = tree.operand.id
        return lambda names: not names[name]
    return None


def _check_call(node: ast.Call) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise ExpressionError(f"表达式只能调用 {'、'.join(FUNCTIONS)}")
    if node.keywords:
        raise ExpressionError("表达式中的函数调用不接受关键字参数")


def _check_attribute(node: ast.Attribute, record: bool) -> str:
    if record and isinstance(node.value, ast.Name) and node.value.id == RECORD_NAME:
        return node.attr
    raise ExpressionError(f"只有 {RECORD_NAME}.字段 形式的属性访问（在 aggregate.expr 中）是允许的")


def _divide(left: Any, right: Any) -> Decimal:
    return Decimal(left) / Decimal(right)


def _floor_divide(left: Any, right: Any) -> Decimal:
    return Decimal(left) // Decimal(right)


_OPERATORS = {
    **simpleeval.DEFAULT_OPERATORS,
    ast.Div: _divide,
    ast.FloorDiv: _floor_divide,
}


class Evaluator:
    """One simpleeval instance reused for many evaluations (only ``names`` changes).

    Results are remembered per expression and tuple of input values: an expression is a pure
    function of its names, and candidates in a large pool share most input combinations.
    """

    __slots__ = ("_engine", "_memo")

    def __init__(self) -> None:
        self._engine = simpleeval.EvalWithCompoundTypes(
            operators=dict(_OPERATORS), functions=dict(FUNCTIONS), names={}
        )
        self._memo: dict[tuple[Any, ...], Any] = {}

    def value(self, expression: Expression, names: Mapping[str, Any]) -> Any:
        """Evaluate; any failure (division by zero, wrong types, missing key) -> ExpressionError."""
        if expression.fast is not None:
            try:
                return expression.fast(names)
            except KeyError as exc:
                raise ExpressionError(f"{expression.text}：未定义 {exc}") from None
        if expression.compiled is not None:
            return _run(expression, expression.compiled, names, None)
        try:
            key = (id(expression), *(names[name] for name in expression.order))
            hash(key)
        except (KeyError, TypeError):  # an unhashable input (categories, records): no memo
            return self._evaluate(expression, names)
        if key in self._memo:
            return self._memo[key]
        result = self._evaluate(expression, names)
        if len(self._memo) < _MEMO_LIMIT:
            self._memo[key] = result
        return result

    def record_value(
        self, expression: Expression, names: Mapping[str, Any], record: Mapping[str, Any]
    ) -> Any:
        """Evaluate an aggregate.expr over the candidate's names and one record (``r``)."""
        if expression.compiled is not None:
            return _run(expression, expression.compiled, names, record)
        return self.value(expression, {**names, RECORD_NAME: SimpleNamespace(**record)})

    def _evaluate(self, expression: Expression, names: Mapping[str, Any]) -> Any:
        engine = self._engine
        engine.names = names
        try:
            return engine.eval(expression.text, previously_parsed=expression.tree)
        except (ArithmeticError, TypeError, ValueError, KeyError, IndexError) as exc:
            raise ExpressionError(f"{expression.text}：{type(exc).__name__} {exc}") from None
        except simpleeval.InvalidExpression as exc:
            raise ExpressionError(f"{expression.text}：{exc}") from None


def _run(
    expression: Expression,
    compiled: Compiled,
    names: Mapping[str, Any],
    record: Mapping[str, Any] | None,
) -> Any:
    """A compiled expression's value, its failures reported as simpleeval's are (see above)."""
    try:
        return compiled(names, record)
    except (ArithmeticError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise ExpressionError(f"{expression.text}：{type(exc).__name__} {exc}") from None
    except simpleeval.InvalidExpression as exc:
        raise ExpressionError(f"{expression.text}：{exc}") from None


def valid_name(name: str) -> bool:
    """Whether a declared name can be used in expressions."""
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def _validator(record: bool) -> Any:
    def validate(value: Any, info: ValidationInfo) -> Expression:
        if isinstance(value, Expression):
            return value
        if not isinstance(value, str) or not value.strip():
            raise PydanticCustomError("expr_type", "应为非空的表达式字符串")
        context = info.context or {}
        allowed = context.get("names")
        try:
            return Expression(value, frozenset(allowed) if allowed is not None else None, record)
        except ExpressionError as exc:
            raise PydanticCustomError("expression", "{message}", {"message": str(exc)}) from None

    return validate


_serialize = PlainSerializer(lambda expression: expression.text, return_type=str)

# A pydantic field holding an expression over the rubric's declared names.
Expr = Annotated[Expression, PlainValidator(_validator(record=False)), _serialize]
# Same, where ``r`` is the current record (aggregate.expr).
RecordExpr = Annotated[Expression, PlainValidator(_validator(record=True)), _serialize]
