"""Deterministic, verifiable random draws. Pure: no Django, no database.

How a draw is computed — anyone can redo it by hand from the published record:

1. The eligible pool is put in canonical order: the distinct case-file ids sorted ascending.
2. ``pool_hash`` = SHA-256 (hex) of those ids written in decimal, joined by commas
   (``"3,17,42"``). It fingerprints the pool the draw saw.
3. The generator is ``random.Random(n)`` where ``n`` is the SHA-256 digest of
   ``seed + "\\n" + pool_hash`` (UTF-8) read as a big-endian integer. The seed is fixed and
   announced *before* the draw, so no one can repeat the draw until the result suits them;
   mixing in the pool hash means a different pool gives a different, unpredictable result.
4. The result is ``rng.sample(canonical_pool, min(count, len(pool)))``, in draw order.

CPython documents ``Random.sample`` with an integer seed as reproducible across versions (the
Mersenne Twister and ``sample`` algorithm have been stable since 3.2); the test suite pins a
known result, so a change would be caught. The randomness is for fairness, not secrecy, which
is why ``random`` rather than ``secrets`` is right here.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable


class DrawError(ValueError):
    """A draw that must not happen; the message is Chinese and shown as it is."""


def canonical_pool(pool_ids: Iterable[int]) -> list[int]:
    return sorted({int(i) for i in pool_ids})


def pool_hash(pool_ids: Iterable[int]) -> str:
    text = ",".join(str(i) for i in canonical_pool(pool_ids))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _rng(seed: str, digest: str) -> random.Random:
    material = f"{seed}\n{digest}".encode()
    # Reproducible fairness, not secrecy: see the module docstring.
    return random.Random(int.from_bytes(hashlib.sha256(material).digest(), "big"))  # noqa: S311


def check_seed(seed: str | None) -> str:
    seed = (seed or "").strip()
    if not seed:
        raise DrawError("抽取前必须先公布随机种子，未填写种子不能抽取。")
    return seed


def draw(seed: str, pool_ids: list[int], count: int) -> list[int]:
    """`count` ids drawn from the pool (fewer if the pool is smaller), in draw order."""
    seed = check_seed(seed)
    if count < 0:
        raise DrawError("抽取份数不能为负数。")
    pool = canonical_pool(pool_ids)
    return _rng(seed, pool_hash(pool)).sample(pool, min(count, len(pool)))
