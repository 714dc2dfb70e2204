"""A posting: one expert serving one recipient's gap for one rotation."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Posting"]


@dataclass(frozen=True, slots=True, order=True)
class Posting:
    """Expert ``expert`` serves ``recipient``'s gap in ``specialty`` during months
    ``start .. start + months - 1``.

    >>> p = Posting("E1", "R0", "urology", start=3, months=6)
    >>> p.end, p.is_active(8), p.is_active(9)
    (9, True, False)
    """

    expert: str
    recipient: str
    specialty: str
    start: int
    months: int

    @property
    def end(self) -> int:
        """First month after the posting (the interval is ``[start, end)``)."""
        return self.start + self.months

    def is_active(self, month: int) -> bool:
        """Whether the expert is at the recipient in ``month``."""
        return self.start <= month < self.start + self.months
