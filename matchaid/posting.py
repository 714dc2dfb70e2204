"""A posting: one expert serving one recipient's gap for one rotation; a training
placement: one trainee training at one donor."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Posting", "Training"]


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


@dataclass(frozen=True, slots=True, order=True)
class Training:
    """Trainee ``trainee`` trains at ``donor`` during periods ``start .. start + months -
    1`` (a *placement*; the field is named ``months`` as in postings, whatever the
    unit).

    >>> t = Training("T1", "D0", start=0, months=6)
    >>> t.end
    6
    """

    trainee: str
    donor: str
    start: int
    months: int

    @property
    def end(self) -> int:
        """First period after the placement."""
        return self.start + self.months
