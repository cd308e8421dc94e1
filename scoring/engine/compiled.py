"""Expressions compiled once into trees of Python closures (no ``eval``, no ``compile``).

simpleeval walks an expression's syntax tree for every evaluation: a dictionary dispatch, a
safety check of every intermediate result and a method call per node. The trees here have
already passed the whitelist in ``expressions._check`` and name only declared facts, so the
walk can be done once: each node becomes a small closure calling its children's closures, with
simpleeval's own operator functions (``safe_add``, ``safe_power``…), its short-circuit rules
and its error types, so a compiled expression returns what simpleeval returns and fails the way
it fails (tests/scoring/engine/test_compiled.py checks this on every shipped rubric).

A node the compiler does not know (subscripts, lists, tuples, a function used as a value, a bare
record) makes ``compile_tree`` return None and the expression keeps using simpleeval.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

import simpleeval

# names, record (the r of aggregate.expr, as a mapping; None elsewhere) -> value
Compiled = Callable[[Mapping[str, Any], Mapping[str, Any] | None], Any]


class _Unsupported(Exception):
    """The node is left to simpleeval."""


def compile_tree(
    tree: ast.expr,
    text: str,
    operators: Mapping[type, Callable[..., Any]],
    functions: Mapping[str, Callable[..., Any]],
    record_name: str | None,
) -> Compiled | None:
    """The closure computing ``tree``, or None when some node is left to simpleeval."""
    try:
        return _Compiler(text, operators, functions, record_name).node(tree)
    except _Unsupported:
        return None


class _Compiler:
    def __init__(
        self,
        text: str,
        operators: Mapping[type, Callable[..., Any]],
        functions: Mapping[str, Callable[..., Any]],
        record_name: str | None,
    ) -> None:
        self.text = text
        self.operators = operators
        self.functions = functions
        self.record_name = record_name

    def node(self, node: ast.expr) -> Compiled:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise _Unsupported
        return method(node)

    def _operator(self, op: ast.AST) -> Callable[..., Any]:
        function = self.operators.get(type(op))
        if function is None:
            raise _Unsupported  # simpleeval raises OperatorNotDefined at evaluation
        return function

    def _Constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        if hasattr(value, "__len__") and len(value) > simpleeval.MAX_STRING_LENGTH:
            raise _Unsupported
        return lambda names, record: value

    def _Name(self, node: ast.Name) -> Compiled:
        name, text = node.id, self.text
        if name in self.functions or name == self.record_name:
            raise _Unsupported  # a function or the bare record used as a value

        def lookup(names: Mapping[str, Any], record: Any) -> Any:
            try:
                return names[name]
            except (KeyError, TypeError):
                raise simpleeval.NameNotDefined(name, text) from None

        return lookup

    def _Attribute(self, node: ast.Attribute) -> Compiled:
        attr, text = node.attr, self.text
        if (
            self.record_name is None
            or not isinstance(node.value, ast.Name)
            or node.value.id != self.record_name
            or any(attr.startswith(prefix) for prefix in simpleeval.DISALLOW_PREFIXES)
            or attr in simpleeval.DISALLOW_METHODS
        ):
            raise _Unsupported

        def field(names: Mapping[str, Any], record: Any) -> Any:
            try:
                return record[attr]
            except (KeyError, TypeError):
                raise simpleeval.AttributeDoesNotExist(attr, text) from None

        return field

    def _UnaryOp(self, node: ast.UnaryOp) -> Compiled:
        function, operand = self._operator(node.op), self.node(node.operand)
        return lambda names, record: function(operand(names, record))

    def _BinOp(self, node: ast.BinOp) -> Compiled:
        function = self._operator(node.op)
        left, right = self.node(node.left), self.node(node.right)
        return lambda names, record: function(left(names, record), right(names, record))

    def _BoolOp(self, node: ast.BoolOp) -> Compiled:
        values = tuple(self.node(value) for value in node.values)
        if isinstance(node.op, ast.And):

            def all_of(names: Mapping[str, Any], record: Any) -> Any:
                result: Any = False
                for value in values:
                    result = value(names, record)
                    if not result:
                        break
                return result

            return all_of

        def any_of(names: Mapping[str, Any], record: Any) -> Any:
            result: Any = False
            for value in values:
                result = value(names, record)
                if result:
                    break
            return result

        return any_of

    def _Compare(self, node: ast.Compare) -> Compiled:
        first = self.node(node.left)
        steps = tuple(
            (self._operator(op), self.node(comparator))
            for op, comparator in zip(node.ops, node.comparators, strict=True)
        )
        if len(steps) == 1:
            ((function, second),) = steps
            return lambda names, record: function(first(names, record), second(names, record))

        def chain(names: Mapping[str, Any], record: Any) -> Any:
            right = first(names, record)
            result: Any = True
            for function, comparator in steps:
                if not result:
                    break
                left, right = right, comparator(names, record)
                result = function(left, right)
            return result

        return chain

    def _IfExp(self, node: ast.IfExp) -> Compiled:
        test, body, orelse = self.node(node.test), self.node(node.body), self.node(node.orelse)
        return lambda names, record: (
            body(names, record) if test(names, record) else orelse(names, record)
        )

    def _Call(self, node: ast.Call) -> Compiled:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise _Unsupported
        function = self.functions.get(node.func.id)
        if function is None or function in simpleeval.DISALLOW_FUNCTIONS:
            raise _Unsupported
        args = tuple(self.node(arg) for arg in node.args)
        if len(args) == 1:
            (only,) = args
            return lambda names, record: function(only(names, record))
        return lambda names, record: function(*(arg(names, record) for arg in args))
