"""Exact order statistics of a long stream of draws in memory that does not grow with it.

`simulate` needs the 10th, 50th and 90th percentiles of the measure in every year over up to
millions of draws. Keeping every draw costs draws x years x 8 bytes (213 MiB per million draws
for 27 years); :class:`RankWindows` keeps instead, per year and percentile, only the values
whose rank can still be the one wanted:

- the first :data:`PILOT` draws are kept whole;
- then, for each percentile, the window shrinks to the values within ``MARGIN`` standard
  deviations of the wanted rank (the rank of a fixed value among ``n`` draws moves like a
  binomial count, by about ``sqrt(n p (1 - p))``), and values that arrive outside it are only
  counted: below, equal to either end, or above;
- the window shrinks again each time it has doubled, so it holds about
  ``2 * MARGIN * sqrt(n p (1 - p))`` values: about 8,500 at 2,000,000 draws.

At the end the wanted ranks are read from the window exactly, as a full sort would give them.
If a wanted rank fell outside its window (the stream would have to drift by more than
``MARGIN / sqrt(2)`` standard deviations: odds below 1e-11), :meth:`RankWindows.result` says
so and the caller runs the same draws again keeping them all, so the answer is exact in every
case.
"""

from __future__ import annotations

import numpy as np

PILOT = 16_384
"""Draws kept whole before the windows start to shrink."""
MARGIN = 10.0
"""Half-width of a window, in standard deviations of the wanted rank."""


class _Window:
    """Values of one year whose rank is in ``[below, below + size)``, for one percentile.

    The window is ``[low, high]``: ``at_low`` values equal to ``low``, the values strictly
    between in ``inside`` (unsorted chunks), ``at_high`` equal to ``high`` (``high > low``).
    """

    __slots__ = ("at_high", "at_low", "below", "count", "high", "inside", "last", "low")

    def __init__(self) -> None:
        self.low, self.high = -np.inf, np.inf
        self.below = self.at_low = self.at_high = 0
        self.inside: list[np.ndarray] = []
        self.count = 0  # values in `inside`
        self.last = 0  # window size after the last shrink

    @property
    def size(self) -> int:
        return self.at_low + self.count + self.at_high

    def values(self) -> np.ndarray:
        if len(self.inside) != 1:
            self.inside = [np.concatenate(self.inside) if self.inside else np.empty(0)]
        return self.inside[0]

    def ranked(self, ranks: list[int]) -> list[float] | None:
        """The values of the stream at ``ranks`` (0 first), or None if one is outside."""
        if any(not self.below <= r < self.below + self.size for r in ranks):
            return None
        inside = self.values()
        wanted = sorted({r - self.below - self.at_low for r in ranks})
        picks = [i for i in wanted if 0 <= i < self.count]
        if picks:
            inside.partition(picks)
        out = []
        for r in ranks:
            i = r - self.below - self.at_low
            out.append(self.low if i < 0 else self.high if i >= self.count else inside[i])
        return [float(v) for v in out]

    def shrink(self, first: int, last: int) -> None:
        """Keep only ranks ``first`` to ``last`` (when both are in the window)."""
        ends = self.ranked([first, last])
        if ends is None:
            return
        low, high = ends
        inside = self.values()
        parts = [(self.low, self.at_low), (self.high, self.at_high)]
        below = self.below + int(np.count_nonzero(inside < low))
        below += sum(n for v, n in parts if v < low)
        at_low = int(np.count_nonzero(inside == low)) + sum(n for v, n in parts if v == low)
        at_high = 0
        if high > low:
            at_high = int(np.count_nonzero(inside == high))
            at_high += sum(n for v, n in parts if v == high)
        kept = inside[(inside > low) & (inside < high)]
        self.low, self.high, self.below = low, high, below
        self.at_low, self.at_high = at_low, at_high
        self.inside, self.count = [kept], len(kept)
        self.last = self.size


class RankWindows:
    """Exact percentiles (``numpy.percentile``'s default, linear) of ``total`` rows, fed in
    chunks of shape (rows, columns), in memory that does not grow with ``total``."""

    def __init__(self, total: int, columns: int, qs) -> None:
        self.total, self.columns, self.qs = total, columns, tuple(qs)
        self.seen = 0
        position = np.asarray(self.qs, dtype=float) / 100.0 * (total - 1)
        self.low_rank = np.floor(position).astype(int)
        self.high_rank = np.minimum(self.low_rank + 1, total - 1)
        self.weight = position - self.low_rank
        self.windows = [[_Window() for _ in range(columns)] for _ in self.qs]

    def add(self, chunk: np.ndarray) -> None:
        """Count and keep the values of a chunk (rows, columns)."""
        self.add_by_column(np.ascontiguousarray(chunk.T))

    def add_by_column(self, values: np.ndarray) -> None:
        """Count and keep the values of a chunk given column by column (columns, rows)."""
        rows = values.shape[1]
        self.seen += rows
        at_least = np.empty(values.shape, dtype=bool)
        window = np.empty(values.shape, dtype=bool)
        for windows in self.windows:
            low = np.array([w.low for w in windows])[:, np.newaxis]
            high = np.array([w.high for w in windows])[:, np.newaxis]
            np.greater_equal(values, low, out=at_least)
            np.less_equal(values, high, out=window)
            window &= at_least
            for j, w in enumerate(windows):
                w.below += rows - np.count_nonzero(at_least[j])
                if not window[j].any():
                    continue
                seg = values[j][window[j]]
                if w.low > -np.inf:  # a shrunk window: the ends are counted, not kept
                    ends = (seg == w.low) | (seg == w.high)
                    if ends.any():
                        w.at_low += int(np.count_nonzero(seg == w.low))
                        if w.high > w.low:
                            w.at_high += int(np.count_nonzero(seg == w.high))
                        seg = seg[~ends]
                    if not len(seg):
                        continue
                w.inside.append(seg)
                w.count += len(seg)
        if self.seen >= PILOT and self.seen < self.total:
            self._shrink()

    def _shrink(self) -> None:
        n = self.seen
        for q, windows in enumerate(self.windows):
            fraction = (self.low_rank[q] + 0.5) / self.total
            spread = MARGIN * np.sqrt(n * fraction * (1.0 - fraction)) + MARGIN
            first = max(0, int(np.floor(fraction * n - spread)))
            last = min(n - 1, int(np.ceil(fraction * n + spread)))
            for w in windows:
                if w.last == 0 or w.size > 2 * w.last:
                    w.shrink(first, last)

    def result(self) -> np.ndarray | None:
        """Percentiles (len(qs), columns), or None if a wanted rank left its window."""
        out = np.empty((len(self.qs), self.columns))
        for q, windows in enumerate(self.windows):
            lo, hi = int(self.low_rank[q]), int(self.high_rank[q])
            for j, w in enumerate(windows):
                found = w.ranked([lo, hi])
                if found is None:
                    return None
                a, b = found
                out[q, j] = a + self.weight[q] * (b - a)
        return out

    def kept(self) -> int:
        """Values held now, over every year and percentile (for tests of the memory claim)."""
        return sum(w.count for windows in self.windows for w in windows)
