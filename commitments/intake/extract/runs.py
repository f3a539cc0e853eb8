"""Group markers into runs: consecutive ordinals (1, 2, 3 ...) of one style, close together."""

from bisect import bisect_left
from collections import defaultdict, deque
from dataclasses import replace

from .layout import Layout
from .markers import RANK, Marker, bullet_token

MAX_GAP = 6000  # characters between two markers of one run


def runs_build(markers: list[Marker], layout: Layout) -> list[list[Marker]]:
    """Every run of two or more markers; where two runs claim one marker (i. is a letter and a numeral), the longer wins."""
    by_family: dict[str, list[Marker]] = defaultdict(list)
    for marker in markers:
        if not marker.qa:
            by_family[marker.family].append(marker)
    runs = []
    for family, found in by_family.items():
        runs.extend(_bullet_runs(found, layout) if family == "bullet" else _ordinal_runs(found))
    return _without_shared_markers([run for run in runs if len(run) >= (3 if any(m.mid_sentence for m in run) else 2)])


def _ordinal_runs(markers: list[Marker]) -> list[list[Marker]]:
    """A marker extends the most recently started run it continues (its last ordinal is one less, within MAX_GAP).

    Runs wait in a queue per last ordinal, in the order they reached it; markers come in start order, so a run
    more than MAX_GAP behind leaves from the queue's front for good (trying every run for every marker was
    quadratic in the number of lists).
    """
    runs: list[list[Marker]] = []
    waiting: dict[int, deque[int]] = defaultdict(deque)  # last ordinal -> indexes of the runs that stopped there
    for marker in markers:
        if marker.ordinal == 1:
            runs.append([marker])
            waiting[1].append(len(runs) - 1)
            continue
        candidates = []
        for key in [marker.ordinal - 1] if marker.ordinal is not None else list(waiting):
            queue = waiting.get(key)
            while queue and marker.start - runs[queue[0]][-1].start > MAX_GAP:
                queue.popleft()
            candidates.extend(r for r in queue or () if _extends(runs[r], marker))
        if candidates:
            chosen = max(candidates)
            waiting[runs[chosen][-1].ordinal].remove(chosen)
            runs[chosen].append(marker)
            if marker.ordinal is not None:  # "Finally" closes the run
                waiting[marker.ordinal].append(chosen)
    return runs


def _extends(run: list[Marker], marker: Marker) -> bool:
    if marker.ordinal is None:  # "Finally", "Lastly": the next point of a run already under way
        return len(run) >= 2
    return run[-1].ordinal == marker.ordinal - 1


def _bullet_runs(markers: list[Marker], layout: Layout) -> list[list[Marker]]:
    """Bullets on consecutive blocks (or inline in one) form a run, numbered in order. A run whose bullets alternate with single
    bullets of another kind ("——point", "⚪ its detail", "——point", ...) is one run: the other bullets are its
    points' second paragraphs (the run that starts first is the outer one)."""
    runs: list[list[Marker]] = []
    for marker in markers:
        previous = runs[-1][-1] if runs else None
        gap = _block_gap(layout, previous, marker) if previous is not None else None
        # the next paragraph, or the next bullet of a list flattened into one paragraph ("... will: • A ... • B ...")
        if (gap == 1 or (gap == 0 and not marker.at_block_start)) and _same_bullet(layout, previous, marker):
            runs[-1].append(marker)
        else:
            runs.append([marker])
    merged: list[list[Marker]] = []
    for run in runs:
        if len(merged) >= 2 and len(merged[-1]) == 1 and _interleaved(layout, merged[-2], merged[-1][0], run[0]):
            merged.pop()
            merged[-1].extend(run)
        else:
            merged.append(run)
    return [[_numbered(m, n) for n, m in enumerate(run, 1)] for run in merged]


def _interleaved(layout: Layout, outer: list[Marker], between: Marker, nxt: Marker) -> bool:
    """`between` stands alone right after `outer`'s last bullet and right before `nxt`, a bullet of `outer`'s kind."""
    return (_block_gap(layout, outer[-1], between) == 1 and _block_gap(layout, between, nxt) == 1
            and _same_bullet(layout, outer[-1], nxt) and not _same_bullet(layout, outer[-1], between))


def _block_gap(layout: Layout, first: Marker, second: Marker) -> int:
    return layout.block_index(second.start) - layout.block_index(first.start)


def _same_bullet(layout: Layout, first: Marker, second: Marker) -> bool:
    return bullet_token(layout.text, first.start) == bullet_token(layout.text, second.start)


def _numbered(marker: Marker, ordinal: int) -> Marker:
    return replace(marker, ordinal=ordinal)


def _without_shared_markers(runs: list[list[Marker]]) -> list[list[Marker]]:
    kept, used = [], set()
    for run in sorted(runs, key=lambda r: (-len(r), RANK[r[0].family], r[0].start)):
        starts = {m.start for m in run}
        if starts & used:
            continue
        used |= starts
        kept.append(run)
    return sorted(kept, key=lambda r: r[0].start)


def nesting_parents(runs: list[list[Marker]], others: list[list[Marker]], layout: Layout) -> list[tuple[int, int] | None]:
    """For each run, (index in `others` of the outer run, index of its point) when the run is a list inside one point of
    another run, else None; the first such outer in `others`' order wins.

    One sweep in start order: an outer can hold a run only if it is of a higher-ranked family, starts before the
    run and its last marker is no earlier than the block before the run's, so only the runs still open at that
    point, by family, are tried (trying every other run for every run was quadratic in the number of lists).
    """
    pending = sorted(range(len(others)), key=lambda n: others[n][0].start)
    found: list[tuple[int, int] | None] = [None] * len(runs)
    active: dict[str, list[int]] = defaultdict(list)  # family -> open outers, in `others`' order
    opened = 0
    for r in sorted(range(len(runs)), key=lambda r: runs[r][0].start):
        first = runs[r][0]
        index = layout.block_index(first.start)
        floor = layout.blocks[max(0, index - 1)].start if layout.blocks else 0
        while opened < len(pending) and others[pending[opened]][0].start < first.start:
            active[others[pending[opened]][0].family].append(pending[opened])
            opened += 1
        candidates = []
        for family, outers in active.items():
            if family == first.family:
                continue
            outers[:] = [n for n in outers if others[n][-1].start >= floor]
            holder = next(((n, point) for n in sorted(outers) if (point := _holding_point(runs[r], others[n], layout)) is not None), None)
            if holder:
                candidates.append(holder)
        found[r] = min(candidates, default=None)
    return found


def _holding_point(run: list[Marker], outer: list[Marker], layout: Layout) -> int | None:
    """The index of the point of `outer` that holds `run`, or None."""
    first, last = run[0], run[-1]
    if outer is run or outer[0].family == first.family:
        return None
    i = bisect_left(outer, first.start, key=lambda marker: marker.start) - 1
    if i < 0:
        return None
    if i + 1 < len(outer):  # wholly between two points: inside the first, whatever the styles' usual ranks ("(ii) ...: (a) (b) (iii)")
        return i if last.start < outer[i + 1].start else None
    if RANK[outer[0].family] >= RANK[first.family]:
        return None  # after the last point, only a list of a lower rank continues it
    return i if layout.block_index(first.start) - layout.block_index(outer[i].start) <= 1 else None
