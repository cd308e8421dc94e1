"""Every rubric sentence is traceable to its seed.

For every ``scoring/rubrics/*.yaml`` (whoever wrote it): each ``cite`` anywhere in the file
(items, nodes, vetoes, eligibility, zero_if, ...) names a seed file that exists in
``docs/seeds/`` and quotes it verbatim, compared with all whitespace removed on both sides;
and every item carries a cite. The YAML is read with PyYAML directly, not through the engine,
so this test does not depend on engine internals.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
RUBRICS = ROOT / "scoring" / "rubrics"
SEEDS = ROOT / "docs" / "seeds"

RUBRIC_FILES = sorted(RUBRICS.glob("*.yaml"))
MY_RUBRICS = ["s001-targets", "s003-collective", "s003-individual", "s004-process"]

_WS = re.compile(r"\s+")  # str patterns match Unicode whitespace, including U+3000


def squeeze(text: str) -> str:
    return _WS.sub("", text)


def seed_text(name: str) -> str | None:
    path = SEEDS / name
    if "/" in name or "\\" in name or not path.is_file():
        return None
    return squeeze(path.read_text(encoding="utf-8"))


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level is not a mapping"
    return data


def walk_cites(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Yield (path, cite) for every mapping key ``cite`` anywhere in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else str(key)
            if key == "cite":
                yield sub, value
            else:
                yield from walk_cites(value, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk_cites(value, f"{path}[{i}]")


def walk_items(nodes: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Yield (path, item) for every item of every node, at any depth."""
    for i, node in enumerate(nodes or []):
        here = f"{path}[{i}]"
        if not isinstance(node, dict):
            continue
        for j, item in enumerate(node.get("items") or []):
            yield f"{here}.items[{j}]", item
        yield from walk_items(node.get("children"), f"{here}.children")


def cite_problems(cite: Any) -> list[str]:
    if not isinstance(cite, dict):
        return [f"cite is not a mapping: {cite!r}"]
    seed, quote = cite.get("seed"), cite.get("quote")
    if not isinstance(seed, str) or not seed:
        return ["cite has no seed"]
    if not isinstance(quote, str) or not squeeze(quote):
        return ["cite has no quote"]
    text = seed_text(seed)
    if text is None:
        return [f"seed {seed!r} is not a file in docs/seeds/"]
    if squeeze(quote) not in text:
        return [f"quote not found verbatim in {seed}: {quote!r}"]
    return []


def test_seed_files_present() -> None:
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == [
        "000_624614c78872d090.txt",
        "001_e78f9a211b7cea39.txt",
        "002_8f44051f6a2aebe3.txt",
        "003_9b896a16c6a0ecd1.txt",
        "004_011a4ef35c0e18e2.txt",
    ]


@pytest.mark.parametrize("stem", MY_RUBRICS)
def test_my_rubrics_exist(stem: str) -> None:
    assert (RUBRICS / f"{stem}.yaml").is_file()


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_source_is_a_seed(path: Path) -> None:
    source = load(path).get("source")
    assert isinstance(source, str), f"{path.name}: no source"
    assert seed_text(source) is not None, f"{path.name}: source {source!r} is not a seed file"


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_cite_quotes_its_seed(path: Path) -> None:
    data = load(path)
    problems = [
        f"{where}: {problem}"
        for where, cite in walk_cites(data, "")
        for problem in cite_problems(cite)
    ]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_item_has_a_cite(path: Path) -> None:
    data = load(path)
    missing = [
        f"{where} ({item.get('id') if isinstance(item, dict) else item!r})"
        for where, item in walk_items(data.get("indicators"), "indicators")
        if not isinstance(item, dict) or "cite" not in item
    ]
    assert not missing, f"{path.name}: items without cite:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_veto_and_eligibility_has_a_cite(path: Path) -> None:
    data = load(path)
    missing = [
        f"{key}[{i}]"
        for key in ("vetoes", "eligibility")
        for i, entry in enumerate(data.get(key) or [])
        if not isinstance(entry, dict) or "cite" not in entry
    ]
    assert not missing, f"{path.name}: entries without cite: {missing}"


# --- the checker itself -------------------------------------------------------------------


def test_checker_ignores_whitespace_but_not_wording() -> None:
    seed = "003_9b896a16c6a0ecd1.txt"
    # the seed writes "提交案件数不得少于 3 件" with spaces around the digit
    assert cite_problems({"seed": seed, "quote": "提交案件数不得少于3件"}) == []
    assert cite_problems({"seed": seed, "quote": "提交案件数 不得少于\u30003 件"}) == []
    assert cite_problems({"seed": seed, "quote": "提交案件数不得少于4件"}) != []
    assert cite_problems({"seed": "nope.txt", "quote": "提交案件数"}) != []
    assert cite_problems({"seed": "../seeds/" + seed, "quote": "提交案件数"}) != []
    assert cite_problems({"seed": seed}) == ["cite has no quote"]
    assert cite_problems("提交案件数") != []


def test_walkers_find_nested_cites_and_items() -> None:
    doc = {
        "vetoes": [{"when": "x", "cite": {"seed": "a", "quote": "b"}}],
        "indicators": [
            {
                "id": "n",
                "cite": {"seed": "c", "quote": "d"},
                "children": [{"id": "m", "items": [{"id": "i"}, {"id": "j", "cite": {}}]}],
            }
        ],
    }
    assert [w for w, _ in walk_cites(doc, "")] == [
        "vetoes[0].cite",
        "indicators[0].cite",
        "indicators[0].children[0].items[1].cite",
    ]
    assert [w for w, _ in walk_items(doc["indicators"], "indicators")] == [
        "indicators[0].children[0].items[0]",
        "indicators[0].children[0].items[1]",
    ]
