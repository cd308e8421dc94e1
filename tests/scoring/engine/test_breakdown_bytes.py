"""The snapshot breakdown is serialised with orjson: the same bytes as the canonical json text,
so the digests of snapshots written before the change still match (no spurious rewrites)."""

from __future__ import annotations

from decimal import Decimal

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine.results import CandidateResult, NodeResult
from scoring.services.evaluation import _dumps, _row

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    nodes=st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.one_of(
            st.tuples(texts, texts).map(list),
            st.tuples(texts, texts, st.fixed_dictionaries({"capped": st.just(True)})).map(list),
            st.tuples(texts, texts, st.fixed_dictionaries({"zeroed": texts})).map(list),
        ),
        max_size=6,
    )
)
def test_orjson_bytes_equal_the_canonical_json(nodes):
    assert orjson.dumps(nodes) == _dumps(nodes).encode()


def test_row_breakdown_is_the_canonical_json():
    def node(node_id, points, text, capped=False, zeroed=None):
        return NodeResult(node_id, node_id, points, None, text, "item", False, capped, zeroed, None)

    nodes = {
        "a": node("a", Decimal("2.50"), "配备比例 96% ≥ 95% → 2.5 分"),
        "b": node("b", Decimal(3), '引号"与\\反斜杠\n换行', capped=True),
        "c": node("c", Decimal("0.0"), "x", zeroed="存在严重问题"),
    }
    result = CandidateResult("1", Decimal(5), Decimal(5), Decimal(0), nodes, [], [], None, [])
    row = _row(1, result, 7, [])
    expected = {
        "a": ["2.5", "配备比例 96% ≥ 95% → 2.5 分"],
        "b": ["3", '引号"与\\反斜杠\n换行', {"capped": True}],
        "c": ["0", "x", {"zeroed": "存在严重问题"}],
    }
    assert row.breakdown == _dumps(expected).encode()
