"""Small random draws every stage of the demo generator makes: a point near a place, a moment
some days ago. Each takes the caller's `random.Random`, so a stage's draws stay in its order."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from .catalogue import Place

MAX_JITTER_KM = 4.9


def jitter(rng: random.Random, place: Place) -> tuple[float, float]:
    """The place's coordinates moved by up to MAX_JITTER_KM in a uniform random direction."""
    distance = MAX_JITTER_KM * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = distance * math.cos(angle) / 111.32
    dlng = distance * math.sin(angle) / (111.32 * math.cos(math.radians(place.latitude)))
    return round(place.latitude + dlat, 6), round(place.longitude + dlng, 6)


@dataclass(frozen=True)
class DemoClock:
    """The generator's "today", and noon of it in the current time zone."""

    today: dt.date
    noon: dt.datetime

    @classmethod
    def at(cls, today: dt.date, tz: dt.tzinfo) -> DemoClock:
        return cls(today=today, noon=dt.datetime.combine(today, dt.time(12, 0), tzinfo=tz))

    def when(self, rng: random.Random, days_ago_low: float, days_ago_high: float) -> dt.datetime:
        """A time between the given numbers of days before today (office hours, to the minute)."""
        days = rng.uniform(days_ago_low, days_ago_high)
        moment = self.noon - dt.timedelta(days=round(days))
        return moment.replace(hour=rng.randint(8, 18), minute=rng.randrange(60))
