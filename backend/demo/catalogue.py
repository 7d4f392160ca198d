"""Reference data for the demo generator, read once: divisions, the taxonomy, the word lists.

Everything here is plain Python (dataclasses, lists, dicts) so the generator does no queries
while it builds rows. Lists are ordered by stable keys (codes, slugs), never by primary key, so
the same seed gives the same rows in any database.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

from backend.occupations.models import Brand, CertificateType, Occupation, Skill
from backend.regions.models import Division

DATA_DIR = Path(__file__).resolve().parent / "data"
# 珠三角 prefectures: where most of Guangdong's factory and service jobs are.
PRD = frozenset({"4401", "4403", "4404", "4406", "4407", "4412", "4413", "4419", "4420"})
T = TypeVar("T")


@cache
def data(name: str) -> dict[str, Any]:
    """One of the curated YAML files in backend/demo/data/."""
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class Weighted(Generic[T]):
    """Items with weights; `pick` draws one with a caller-owned Random (cheap, no re-summing)."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        self.items: list[T] = []
        self.cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight > 0:
                total += weight
                self.items.append(item)
                self.cum.append(total)
        self.total = total

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


@dataclass(frozen=True)
class Place:
    """A county-level place (or a prefecture without counties: 东莞, 中山)."""

    code: str
    name: str
    prefecture_code: str  # 4 digits, e.g. "4418"
    prefecture_name: str
    latitude: float
    longitude: float

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def is_prefecture(self) -> bool:
        return self.code.endswith("00")

    @property
    def full_name(self) -> str:
        """清远市英德市, or 东莞市 for a prefecture without counties."""
        return self.name if self.is_prefecture else self.prefecture_name + self.name

    @property
    def short(self) -> str:
        """英德, 乳源, 东莞; a district named 城区 keeps its prefecture: 汕尾城区."""
        name = self.name
        for suffix in ("壮族瑶族自治县", "瑶族自治县", "自治县", "市", "县", "区"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                return name[: -len(suffix)]
        return prefecture_short(self.prefecture_name) + name


def prefecture_short(name: str) -> str:
    for suffix in ("布依族苗族自治州", "苗族侗族自治州", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Cert:
    id: int
    slug: str
    name: str
    kind: str
    has_levels: bool


@dataclass(frozen=True)
class WageBand:
    monthly: tuple[int, int]
    piece: float = 0.0
    piece_rate: tuple[float, float] = (0.5, 2.0)
    piece_unit: str = "件"
    daily: float = 0.0
    daily_rate: tuple[int, int] = (150, 250)


# Occupations of the taxonomy that are courses or self-employment, never a posting's occupation
# (a garment factory "hiring" 网络创业培训 is not a job).
NOT_A_JOB = frozenset(
    {"entrepreneur", "syb-training", "gyb-training", "iyb-training", "online-startup-training"}
)


@dataclass
class Occ:
    id: int
    slug: str
    name: str
    brand: str
    aliases: tuple[str, ...]
    skills: list[tuple[int, str]] = field(default_factory=list)  # (id, name) ordered by slug
    awards: list[Cert] = field(default_factory=list)  # certificates a program can award
    licences: list[Cert] = field(default_factory=list)  # needed by law for jobs (usual one first)
    titles: list[str] = field(default_factory=list)  # posting titles: name and job-like aliases
    wage: WageBand = field(default_factory=lambda: WageBand(monthly=(4000, 7000)))
    female_share: float = 0.45
    related: list[int] = field(default_factory=list)  # indexes of occupations of the same trades

    @property
    def text(self) -> str:
        return "|".join((self.name, *self.aliases))

    def skill_level_cert(self) -> Cert | None:
        return next((c for c in self.awards if c.kind == CertificateType.Kind.SKILL_LEVEL), None)


@dataclass
class Industry:
    key: str
    label: str
    occupations: Weighted[int]  # indexes into Catalogue.occupations
    names: list[str]
    parks: list[str]
    lodging: float
    meals: float
    insurance: float
    couple_rooms: float
    shifts: Weighted[str]
    headcount: tuple[int, int]
    stable_base: float


def _match(keywords: Sequence[str], text: str) -> int | None:
    """Index of the first keyword found in text."""
    return next((i for i, keyword in enumerate(keywords) if keyword and keyword in text), None)


# Order of the certificates a program can award: skill level first, then licences.
AWARD_ORDER: dict[str, int] = {
    CertificateType.Kind.SKILL_LEVEL: 0,
    CertificateType.Kind.SPECIAL_OPERATION: 1,
    CertificateType.Kind.SPECIAL_ABILITY: 2,
    CertificateType.Kind.TRAINING: 3,
}


def _award_rank(cert: Cert) -> tuple[int, str]:
    return (AWARD_ORDER[cert.kind], cert.slug)


def _wage_band(occ: Occ, bands: Sequence[tuple[Sequence[str], WageBand]], default: WageBand) -> WageBand:
    """The first wage entry matching the occupation's name, else its aliases, else the default."""
    return next(
        (band for keys, band in bands if _match(keys, occ.name) is not None),
        next((band for keys, band in bands if _match(keys, occ.text) is not None), default),
    )


class Catalogue:
    """Divisions, occupations, skills and certificates, plus the curated word lists."""

    def __init__(self) -> None:
        self.names = data("names")
        self.places_data = data("places")
        self.industries_data = data("industries")
        self.training = data("training")
        self._load_places()
        self._load_taxonomy()
        self._load_industries()

    # --- divisions ---------------------------------------------------------------------------
    def _load_places(self) -> None:
        rows = list(
            Division.objects.filter(code__regex=r"^(44|45|52)")
            .order_by("code")
            .values_list("code", "name", "level", "parent_id", "latitude", "longitude")
        )
        names = {code: name for code, name, *_ in rows}
        has_children = {parent for _, _, _, parent, _, _ in rows if parent}
        self.places: dict[str, Place] = {}
        for code, name, level, parent, lat, lng in rows:
            if lat is None or lng is None:
                continue
            county = level == Division.Level.COUNTY
            childless_prefecture = level == Division.Level.PREFECTURE and code not in has_children
            if county or childless_prefecture:
                prefecture = code if childless_prefecture else (parent or code)
                self.places[code] = Place(code, name, code[:4], names.get(prefecture, name), lat, lng)
        by_prefecture: dict[str, list[Place]] = defaultdict(list)
        for place in self.places.values():
            by_prefecture[place.prefecture_code].append(place)
        self.by_prefecture = dict(by_prefecture)
        self.guangdong = [p for p in self.places.values() if p.province == "44"]
        if not self.guangdong:
            raise LookupError("No Guangdong divisions: run `manage.py load_divisions` first.")

        gd = self.places_data["guangdong"]

        def spread(weights: dict[str, Any], key: str | None = None) -> Weighted[Place]:
            pairs = []
            for prefecture, spec in weights.items():
                weight = spec[key] if key else spec
                places = self.by_prefecture.get(prefecture, [])
                pairs += [(place, weight / len(places)) for place in places]
            return Weighted(pairs)

        self.employer_places = spread(gd, "employers")
        self.prd_places = spread({code: spec for code, spec in gd.items() if code in PRD}, "employers")
        self.provider_places = spread(gd, "providers")
        self.gd_hukou_places = spread(gd, "hukou")
        self.partner_hukou = {
            province: spread(spec["prefectures"], "hukou")
            for province, spec in self.places_data["partners"].items()
        }
        self.partner_dest = {
            province: spread(spec["dest"]) for province, spec in self.places_data["partners"].items()
        }

    def prefecture_spec(self, place: Place) -> dict[str, Any]:
        if place.province == "44":
            spec = dict(self.places_data["guangdong"].get(place.prefecture_code, {}))
            spec.update(self.places_data["guangdong_counties"].get(place.code, {}))
            return spec
        partner = self.places_data["partners"].get(place.province, {})
        return partner.get("prefectures", {}).get(place.prefecture_code, {})

    def wage_factor(self, place: Place) -> float:
        return self.places_data["guangdong"].get(place.prefecture_code, {}).get("wage", 0.8)

    def area_code(self, place: Place) -> str:
        """The telephone area code of the place's prefecture (020 where none is listed)."""
        return self.places_data["guangdong"].get(place.prefecture_code, {}).get("area_code", "020")

    @property
    def roads(self) -> list[str]:
        """Road names for street addresses."""
        return self.places_data["roads"]

    # --- taxonomy ------------------------------------------------------------------------------
    def _load_taxonomy(self) -> None:
        self._load_occupations()
        self._load_skills()
        certs_by_occupation, general_driving, health = self._load_certificates()
        bands = [(entry["match"], self._band(entry)) for entry in self.industries_data["wages"]]
        default_band = self._band(self.industries_data["default_wage"])
        for occ in self.occupations:
            own = certs_by_occupation.get(occ.id, [])
            occ.awards = sorted((c for c in own if c.kind in AWARD_ORDER), key=_award_rank)
            occ.licences = self._licences(occ, own, general_driving, health)
            occ.wage = _wage_band(occ, bands, default_band)
            occ.female_share = self._female_share(occ)
            occ.titles = self._posting_titles(occ)
        self.by_brand: dict[str, list[int]] = defaultdict(list)
        for i, occ in enumerate(self.occupations):
            self.by_brand[occ.brand].append(i)

    def _load_occupations(self) -> None:
        occupations = list(
            Occupation.objects.order_by("slug").values_list("id", "slug", "name", "brand", "aliases")
        )
        if not occupations:
            raise LookupError("No occupations: run `manage.py load_taxonomy` first.")
        self.occupations = [
            Occ(
                id=pk,
                slug=slug,
                name=name,
                brand=brand,
                aliases=tuple(a for a in (aliases or []) if isinstance(a, str)),
            )
            for pk, slug, name, brand, aliases in occupations
        ]
        self.occ_index = {occ.id: i for i, occ in enumerate(self.occupations)}

    def _load_skills(self) -> None:
        """Each occupation's skills as (id, name), ordered by skill slug."""
        skills = dict(Skill.objects.values_list("id", "slug"))
        skill_names = dict(Skill.objects.values_list("id", "name"))
        self.skill_names = skill_names
        through = Skill.occupations.through
        pairs = sorted(
            through.objects.values_list("occupation_id", "skill_id"), key=lambda pair: skills[pair[1]]
        )
        for occupation_id, skill_id in pairs:
            self.occupations[self.occ_index[occupation_id]].skills.append((skill_id, skill_names[skill_id]))

    def _load_certificates(self) -> tuple[dict[int, list[Cert]], list[Cert], Cert | None]:
        """`self.certs` by id; returns the certificates tied to each occupation, the driving
        licences tied to none (usual one first), and the health certificate."""
        certs = list(
            CertificateType.objects.order_by("slug").values_list(
                "id", "slug", "name", "kind", "has_levels", "occupation_id"
            )
        )
        self.certs = {
            pk: Cert(pk, slug, name, kind, has_levels) for pk, slug, name, kind, has_levels, _ in certs
        }
        by_occupation: dict[int, list[Cert]] = defaultdict(list)
        for pk, *_, occupation_id in certs:
            if occupation_id is not None and occupation_id in self.occ_index:
                by_occupation[occupation_id].append(self.certs[pk])
        health = next((c for c in self.certs.values() if c.kind == CertificateType.Kind.HEALTH), None)
        general_driving = sorted(
            (
                self.certs[pk]
                for pk, _, _, kind, _, occupation_id in certs
                if kind == CertificateType.Kind.DRIVING and occupation_id is None
            ),
            key=self._licence_rank,
        )
        return by_occupation, general_driving, health

    def _licence_rank(self, cert: Cert) -> tuple[int, str]:
        """Licences named first in industries.yaml `licences` come first, then by slug."""
        preference = self.industries_data["licences"]
        position = _match(preference, cert.name)
        return (len(preference) if position is None else position, cert.slug)

    def _licences(
        self, occ: Occ, own: list[Cert], general_driving: list[Cert], health: Cert | None
    ) -> list[Cert]:
        """The certificates jobs of the occupation need by law, the usual one first: its own
        special-operation and driving licences; else a general driving licence for drivers; else
        the health certificate for food and domestic work."""
        spec = self.industries_data
        kinds = CertificateType.Kind
        licences = sorted(
            (
                c
                for c in own
                if c.kind in (kinds.SPECIAL_OPERATION, kinds.DRIVING)
                or _match(spec["licences"], c.name) is not None
            ),
            key=self._licence_rank,
        )
        if (
            not licences
            and general_driving
            and _match(spec["driving_licence"], occ.name) is not None
            and _match(spec["not_driving"], occ.name) is None
        ):
            licences = general_driving[:1]
        if (
            not licences
            and health
            and (
                _match(spec["health_certificate"], occ.name) is not None
                or occ.brand in (Brand.YUECAI, Brand.NANYUE_HOMECARE)
            )
        ):
            licences = [health]
        return licences

    def _female_share(self, occ: Occ) -> float:
        spec = self.industries_data
        return next(
            (
                entry["share"]
                for entry in spec["female_shares"]
                if _match(entry["match"], occ.text) is not None
            ),
            spec["default_female_share"],
        )

    def _posting_titles(self, occ: Occ) -> list[str]:
        """The name and the aliases that read as job titles (焊工, 电焊工; not 焊接 or brand slang)."""
        spec = self.industries_data
        suffixes, stopwords = tuple(spec["title_suffixes"]), spec["title_stopwords"]
        return [occ.name] + [
            alias
            for alias in occ.aliases
            if alias.endswith(suffixes) and _match(stopwords, alias) is None and 2 < len(alias) <= 8
        ]

    @staticmethod
    def _band(entry: dict[str, Any]) -> WageBand:
        return WageBand(
            monthly=tuple(entry["monthly"]),
            piece=entry.get("piece", 0.0),
            piece_rate=tuple(entry.get("piece_rate", (0.5, 2.0))),
            piece_unit=entry.get("piece_unit", "件"),
            daily=entry.get("daily", 0.0),
            daily_rate=tuple(entry.get("daily_rate", (150, 250))),
        )

    # --- industries ------------------------------------------------------------------------------
    def _load_industries(self) -> None:
        self.industries: dict[str, Industry] = {}
        for key, spec in self.industries_data["industries"].items():
            keywords = spec["occupations"]
            pairs = []
            for i, occ in enumerate(self.occupations):
                position = _match(keywords, occ.text)
                if position is not None and occ.skills and occ.slug not in NOT_A_JOB:
                    pairs.append((i, float(len(keywords) - position)))
            if not pairs:
                continue  # the taxonomy has no occupation of this trade
            self.industries[key] = Industry(
                key=key,
                label=spec["label"],
                occupations=Weighted(pairs),
                names=spec["names"],
                parks=spec.get("parks") or [],
                lodging=spec["lodging"],
                meals=spec["meals"],
                insurance=spec["insurance"],
                couple_rooms=spec["couple_rooms"],
                shifts=Weighted(spec["shifts"].items()),
                headcount=tuple(spec["headcount"]),
                stable_base=spec["stable_base"],
            )
        related: dict[int, set[int]] = defaultdict(set)
        for industry in self.industries.values():
            members = industry.occupations.items
            for i in members:
                related[i].update(members)
        for i, occ in enumerate(self.occupations):
            occ.related = sorted(related.get(i, set()) - {i})
        fallback = Weighted(
            (i, 1.0) for i, occ in enumerate(self.occupations) if occ.skills and occ.slug not in NOT_A_JOB
        )
        if not fallback:
            raise LookupError("No occupation has skills: the taxonomy looks incomplete.")
        self.any_occupation = fallback
        self.industry_mix: dict[str, Weighted[Industry]] = {}
        for prefecture, spec in self.places_data["guangdong"].items():
            mix = Weighted(
                (self.industries[key], weight)
                for key, weight in spec["industries"].items()
                if key in self.industries
            )
            self.industry_mix[prefecture] = mix
