"""Micro-benchmark of :func:`dtks_desktop.domain.names.compare_names` (name comparison levels).

Draws person names from the demo generator's name pools and patterns (``dtks_desktop.demo.generator``)
and makes pairs the way the matching meets them: a third the same person written differently (a typo,
a word left off, an initial, another form of Muhammad, words joined), the rest two different persons
from the same pools. Times the pairs with cold caches (every cache emptied first) and again warm, and
prints pairs/s and the share of each level.

Usage::

    python benchmarks/bench_name_levels.py            # 100,000 pairs
    python benchmarks/bench_name_levels.py --pairs 1000000 --seed 3
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

from dtks_desktop.demo import generator as g
from dtks_desktop.domain import names as N


def _name(r: random.Random, pools: dict[str, list[str]]) -> str:
    patterns = g._PATTERNS[(r.randrange(2), r.randrange(4))]
    _, pattern = r.choices(patterns, weights=[w for w, _ in patterns])[0]
    return " ".join(r.choice(pools[p]) for p in pattern)


def _variant(name: str, r: random.Random) -> str:
    words = name.split()
    x = r.random()
    if x < 0.3:
        return g._typo(name, r)
    if x < 0.5 and len(words) > 1:
        return " ".join(words[:-1]) if r.random() < 0.7 else " ".join(words[1:])
    if x < 0.6 and len(words) > 1:
        k = r.randrange(len(words))
        words[k] = words[k][0] + "."
        return " ".join(words)
    if x < 0.7 and len(words) > 1:
        return "".join(words[:2]) + (" " + " ".join(words[2:]) if len(words) > 2 else "")
    if x < 0.8:
        return g._muhammad(name, r) or name + " " + r.choice(("WIBOWO", "SANTOSO", "BIN AHMAD"))
    return name + " " + r.choice(("WAWAN", "SUHARTO", "BINTI SALIM"))


def make_pairs(n: int, seed: int) -> list[tuple[str, str]]:
    r = random.Random(seed)
    pools = g._pools()
    pairs = []
    for _ in range(n):
        a = _name(r, pools)
        pairs.append((a, _variant(a, r) if r.random() < 1 / 3 else _name(r, pools)))
    return pairs


def _clear_caches() -> None:
    N._CANON_CACHE.clear()
    for f in (N._compare_tokens, N._squash, N._word_match, N._joined_match, N._compare):
        f.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    pairs = make_pairs(args.pairs, args.seed)
    compare = N.compare_names
    _clear_caches()
    levels: Counter[str] = Counter()
    for label in ("cold", "warm"):
        t0 = time.perf_counter()
        out = [compare(a, b) for a, b in pairs]
        dt = time.perf_counter() - t0
        print(f"{label}: {len(pairs):,} pairs in {dt:.2f} s = {len(pairs) / dt:,.0f} pairs/s")
        levels = Counter(r.level.value for r in out)
    distinct = len(set(pairs))
    print(f"distinct pairs: {distinct:,}")
    for level in N.NameLevel:
        print(f"  {level.value:18} {levels[level.value] / len(pairs):6.1%}")


if __name__ == "__main__":
    main()
