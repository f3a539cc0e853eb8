"""Group markers into runs: consecutive ordinals (1, 2, 3 ...) of one style, close together."""

from collections import defaultdict

from .layout import Layout
from .markers import RANK, Marker

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
    return _without_shared_markers([run for run in runs if len(run) >= 2])


def _ordinal_runs(markers: list[Marker]) -> list[list[Marker]]:
    runs: list[list[Marker]] = []
    for marker in markers:
        if marker.ordinal == 1:
            runs.append([marker])
            continue
        for run in reversed(runs):
            if marker.start - run[-1].start > MAX_GAP or run[-1].ordinal is None:
                continue
            if _extends(run, marker):
                run.append(marker)
                break
    return runs


def _extends(run: list[Marker], marker: Marker) -> bool:
    if marker.ordinal is None:  # "Finally", "Lastly": the next point of a run already under way
        return len(run) >= 2
    return run[-1].ordinal == marker.ordinal - 1


def _bullet_runs(markers: list[Marker], layout: Layout) -> list[list[Marker]]:
    """Bullets on consecutive blocks form a run, numbered in order."""
    runs: list[list[Marker]] = []
    for marker in markers:
        previous = runs[-1][-1] if runs else None
        adjacent = previous is not None and layout.block_index(marker.start) - layout.block_index(previous.start) == 1
        same_bullet = previous is not None and layout.text[previous.start] == layout.text[marker.start]
        if adjacent and same_bullet:
            runs[-1].append(marker)
        else:
            runs.append([marker])
    return [[_numbered(m, n) for n, m in enumerate(run, 1)] for run in runs]


def _numbered(marker: Marker, ordinal: int) -> Marker:
    return Marker(marker.family, ordinal, marker.start, marker.content, marker.at_block_start, marker.qa)


def _without_shared_markers(runs: list[list[Marker]]) -> list[list[Marker]]:
    kept, used = [], set()
    for run in sorted(runs, key=lambda r: (-len(r), RANK[r[0].family], r[0].start)):
        starts = {m.start for m in run}
        if starts & used:
            continue
        used |= starts
        kept.append(run)
    return sorted(kept, key=lambda r: r[0].start)


def nesting_parent(run: list[Marker], others: list[list[Marker]], layout: Layout) -> tuple[int, int] | None:
    """(index of the outer run, index of its point) when `run` is a list inside one point of another run."""
    first, last = run[0], run[-1]
    for n, outer in enumerate(others):
        if outer is run or RANK[outer[0].family] >= RANK[first.family]:
            continue
        before = [i for i, marker in enumerate(outer) if marker.start < first.start]
        if not before:
            continue
        i = before[-1]
        if i + 1 < len(outer):
            if last.start < outer[i + 1].start:
                return n, i
        elif layout.block_index(first.start) - layout.block_index(outer[i].start) <= 1:
            return n, i
    return None
