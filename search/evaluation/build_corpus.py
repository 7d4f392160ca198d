"""Writes the evaluation corpus (search/evaluation/corpus/*.jsonl) from the tables in sources/.

    .venv/bin/python -m search.evaluation.build_corpus [--out DIR]

Deterministic: the same tables and the fixed seed give byte-identical files, so external ids
(eval-emp-001, eval-post-001, eval-prov-01, eval-prog-01, eval-sess-001) are stable. The files,
not this script, are the corpus: judgments.yaml grades the documents in the files, and a change
here that changes them means re-judging. The script needs no database; credit codes get their
check character from backend.common.validators (through backend.demo.identifiers).

What is hand-written, in sources/*.yaml: every employer (name, county, a sentence about the
business and which jobs it posts), every provider and every training program (title, occupation,
skills, certificate, place, hours, fee, a description), and per occupation the job titles people
use (普工, 电焊工, 月嫂, 住家保姆, 带货主播...), duties and requirements. What is drawn with the
seeded generator: which title variant, duty and requirement sentence a posting gets, its wage
inside the occupation's band (scaled by place), headcount, and benefits by employer type.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEED = 20261128
HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus"
SOURCES = HERE / "sources"
STATUS_LABELS = {"filled": "已招满", "expired": "已过期", "draft": "草稿", "closed": "已关闭"}
SHIFT_LABELS = {"day": "长白班", "two_shifts": "两班倒", "three_shifts": "三班倒", "flexible": "弹性"}


@dataclass(frozen=True)
class Sources:
    """The hand-written tables (see each file's header for what its fields mean)."""

    places: dict[str, Any]  # counties, wage_factor, area_codes
    jobs: dict[str, dict[str, Any]]  # per occupation
    employers: dict[str, Any]  # benefit_odds, employers, special_postings, closed_postings, closings
    trainings: dict[str, Any]  # providers, programs, closed_programs, eligibility, delivery_text


def load_sources(folder: Path = SOURCES) -> Sources:
    def read(name: str) -> Any:
        return yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))

    return Sources(read("places"), read("jobs"), read("employers"), read("trainings"))


def _wage(rng: random.Random, factor: float, low: int, high: int) -> tuple[int, int]:
    lo = max(1000, round(low * factor * rng.uniform(0.95, 1.05) / 100) * 100)
    hi = max(lo, round(high * factor * rng.uniform(0.95, 1.05) / 100) * 100)
    return lo, hi


def _benefit_text(lodging: bool, meals: bool, insurance: bool, couple: bool, rng: random.Random) -> str:
    parts = []
    if lodging and meals:
        parts.append(rng.choice(["包吃包住。", "包吃住,宿舍有空调热水。", "提供免费食宿。"]))
    elif meals:
        parts.append(rng.choice(["提供工作餐。", "包吃不包住。"]))
    elif lodging:
        parts.append(rng.choice(["提供员工宿舍。", "包住,伙食自理。"]))
    if couple:
        parts.append("有夫妻房。")
    if insurance:
        parts.append(rng.choice(["入职购买五险一金。", "入职即买社保。"]))
    return "".join(parts)


def _pay_fields(rng: random.Random, factor: float, pay: Sequence[Any]) -> tuple[dict[str, Any], str]:
    """The wage fields and sentence of a posting; `factor` is its prefecture's wage level."""
    kind = pay[0]
    if kind == "monthly":
        lo, hi = _wage(rng, factor, pay[1], pay[2])
        return {"wage_type": "月薪", "wage_min": lo, "wage_max": hi}, f"月薪{lo}-{hi}元。"
    if kind == "piece":
        _, rate, unit, low, high = pay
        lo, hi = _wage(rng, factor, low, high)
        text = f"计件,每{unit}{rate}元,熟手月收入{lo}-{hi}元。"
        return {"wage_type": "计件", "rate": rate, "rate_unit": unit, "wage_min": lo, "wage_max": hi}, text
    _, rate, low, high = pay
    lo, hi = _wage(rng, factor, low, high)
    rate = round(rate * factor / 10) * 10
    return (
        {"wage_type": "日结", "rate": rate, "rate_unit": "天", "wage_min": lo, "wage_max": hi},
        f"日结{rate}元/天,月收入约{lo}-{hi}元。",
    )


def _title(entry: str | Sequence[str]) -> str:
    """A title variant is a title, or [title, the duty sentence that goes with it]."""
    return entry if isinstance(entry, str) else entry[0]


def _pick_title(rng: random.Random, job: dict[str, Any], taken: set[str]) -> tuple[str, str | None]:
    """A title variant the employer has not used yet for this occupation (any once all are used)."""
    fresh = [t for t in job["titles"] if _title(t) not in taken] or job["titles"]
    choice = rng.choice(fresh)
    title, duty = (choice, None) if isinstance(choice, str) else choice
    taken.add(title)
    return title, duty


def _description(
    rng: random.Random,
    src: Sources,
    employer: dict[str, Any],
    spec: dict[str, Any],
    generated: dict[str, Any],
) -> str:
    """The spec's own text (after the employer's sentence), or one drawn from the occupation's sentences."""
    about, pay_text = employer["about"], generated["pay_text"]
    if "text" in spec:
        body = spec["text"]
        if spec.get("about", True) and not body.startswith(about[:4]):
            body = about + body
        return body + pay_text
    job = src.jobs[spec["occ"]]
    duty = generated["duty"] or rng.choice(job["duties"])
    req = rng.choice(job["reqs"])
    place = src.places["counties"][employer["county"]][-2:]
    closing = rng.choice(src.employers["closings"]).format(place=place)
    role = re.sub(r"\(.*?\)", "", generated["title"]).split(" ")[0]
    benefits = _benefit_text(
        generated["lodging"], generated["meals"], generated["insurance"], generated["couple"], rng
    )
    return f"{about}现招{role}{generated['headcount']}名。{duty}{req}{pay_text}{benefits}{closing}"


def _posting(
    rng: random.Random,
    src: Sources,
    number: int,
    employer: int,
    spec: dict[str, Any],
    used: dict[tuple[int, str], set[str]],
    status: str = "招聘中",
) -> dict[str, Any]:
    owner = src.employers["employers"][employer]
    county, kind = owner["county"], owner["kind"]
    job = src.jobs[spec["occ"]]
    odds = src.employers["benefit_odds"][kind]
    duty = None
    if spec.get("title"):
        title = spec["title"]
    else:
        title, duty = _pick_title(rng, job, used.setdefault((employer, spec["occ"]), set()))
    promised = "包吃住" in title or ("住家" in title and "不住家" not in title)
    lodging = spec.get("lodging", promised or rng.random() < odds["lodging"])
    if "不住家" in title or "钟点工" in title:  # works by the hour or goes home at night
        lodging = False
    meals = spec.get("meals", promised or rng.random() < odds["meals"])
    insurance = spec.get("insurance", rng.random() < odds["insurance"])
    couple = spec.get("couple", lodging and rng.random() < odds["couple"])
    if job.get("mass") and kind == "factory":
        headcount = rng.choice([5, 8, 10, 10, 20, 30, 50])
    else:
        headcount = rng.choice([1, 1, 2, 2, 3, 5])
    pay_fields, pay_text = _pay_fields(rng, src.places["wage_factor"][county[:4]], job["pay"])
    skills = spec.get("skills") or rng.sample(job["skills"], k=min(len(job["skills"]), rng.choice([2, 3, 3])))
    preferred = [s for s in job["skills"] if s not in skills]
    preferred = rng.sample(preferred, k=1) if preferred and rng.random() < 0.4 else []
    cert = spec.get("cert")
    if cert is None and job.get("cert") and rng.random() < job["cert"][1]:
        cert = job["cert"][0]
    generated = {"title": title, "duty": duty, "pay_text": pay_text, "headcount": headcount}
    generated |= {"lodging": lodging, "meals": meals, "insurance": insurance, "couple": couple}
    description = _description(rng, src, owner, spec, generated)
    campaign = spec.get("campaign", rng.choice(["", "", "", "", "南粤春暖", "民营企业服务月"]))
    return {
        "external_id": f"eval-post-{number:03d}",
        "employer": f"eval-emp-{employer + 1:03d}",
        "title": title,
        "occupation": spec["occ"],
        "required_skills": skills,
        "preferred_skills": preferred,
        "required_certificate": cert or "",
        "headcount": headcount,
        **pay_fields,
        "provides_meals": "是" if meals else "否",
        "provides_lodging": "是" if lodging else "否",
        "social_insurance": "是" if insurance else "否",
        "couple_rooms": "是" if couple else "否",
        "shifts": SHIFT_LABELS[spec.get("shifts") or rng.choice(job["shifts"])],
        "division": county,
        "campaign": campaign,
        "description": description,
        "status": status,
    }


def _employers(rng: random.Random, src: Sources) -> list[dict[str, Any]]:
    return [
        {
            "external_id": f"eval-emp-{i + 1:03d}",
            "name": employer["name"],
            "credit_code": _credit_code(rng, employer["county"]),
            "county": employer["county"],
            "industry": employer["industry"],
            "is_stable_employment_base": "是" if employer["stable_employment_base"] else "否",
            "contact_phone": _landline(rng, src, employer["county"]),
        }
        for i, employer in enumerate(src.employers["employers"])
    ]


def _posting_specs(src: Sources) -> list[tuple[int, dict[str, Any], str]]:
    """(employer index, fixed fields, status) of every posting, in corpus order: each employer's
    jobs, then the postings written in full, then the closed ones."""
    employers = src.employers["employers"]
    specs: list[tuple[int, dict[str, Any], str]] = []
    for i, employer in enumerate(employers):
        for job in employer["jobs"]:
            specs.append((i, job if isinstance(job, dict) else {"occ": job}, "招聘中"))
    index = {employer["name"]: i for i, employer in enumerate(employers)}
    for posting in src.employers["special_postings"]:
        spec = {k: v for k, v in posting.items() if k != "employer"}
        specs.append((index[posting["employer"]], spec, "招聘中"))
    for posting in src.employers["closed_postings"]:
        spec = {k: v for k, v in posting.items() if k not in ("employer", "status")}
        specs.append((index[posting["employer"]], spec, STATUS_LABELS[posting["status"]]))
    return specs


def _postings(rng: random.Random, src: Sources) -> list[dict[str, Any]]:
    used: dict[tuple[int, str], set[str]] = {}
    specs = _posting_specs(src)
    return [_posting(rng, src, n + 1, i, spec, used, status) for n, (i, spec, status) in enumerate(specs)]


def _providers(rng: random.Random, src: Sources) -> list[dict[str, Any]]:
    return [
        {
            "external_id": f"eval-prov-{i + 1:02d}",
            "name": provider["name"],
            "kind": provider["kind"],
            "county": provider["county"],
            "verified": "是",
            "contact_phone": _landline(rng, src, provider["county"]),
            "address": provider["address"],
        }
        for i, provider in enumerate(src.trainings["providers"])
    ]


def _program(rng: random.Random, src: Sources, n: int, row: dict[str, Any], status: str) -> dict[str, Any]:
    providers = src.trainings["providers"]
    provider = next(i for i, p in enumerate(providers) if p["name"] == row["provider"])
    delivery, hours, fee = row["delivery"], row["hours"], row["fee"]
    eligibility = rng.choice(src.trainings["eligibility"]["free" if row["free"] else "subsidised"])
    return {
        "external_id": f"eval-prog-{n:02d}",
        "provider": f"eval-prov-{provider + 1:02d}",
        "title": row["title"],
        "brand": row["brand"],
        "occupation": row["occupation"],
        "skills": row["skills"],
        "certificate_type": row["certificate"] or "",
        "certificate_level": row["level"] or "",
        "delivery": delivery,
        "online_url": f"https://training.example.gd.cn/course/{n:06d}" if delivery != "线下" else "",
        "venue_division": row["county"],
        "venue_address": providers[provider]["address"],
        "hours": hours,
        "fee": fee,
        "is_free": "是" if row["free"] else "否",
        "is_subsidised": "是" if row["subsidised"] else "否",
        "eligibility": eligibility.format(fee=fee),
        "description": f"{row['description']}{src.trainings['delivery_text'][delivery]}共{hours}课时。",
        "status": status,
    }


def _sessions(rng: random.Random, program: dict[str, Any], first_number: int) -> list[dict[str, Any]]:
    """One to three open sessions of a published program; one finished session of a closed or draft one."""
    published = program["status"] == "已发布"
    sessions = []
    for k in range(rng.choice([1, 2, 2, 3]) if published else 1):
        start = dt.date(2027, 1, 11) + dt.timedelta(weeks=rng.randrange(0, 40) + k * 6)
        sessions.append(
            {
                "external_id": f"eval-sess-{first_number + k:03d}",
                "program": program["external_id"],
                "start_date": start.isoformat(),
                "end_date": (start + dt.timedelta(days=max(2, program["hours"] // 6))).isoformat(),
                "enrol_deadline": (start - dt.timedelta(days=7)).isoformat(),
                "seats": rng.choice([30, 40, 40, 50, 60]),
                "status": "报名中" if published else "已结束",
            }
        )
    return sessions


def _programs_and_sessions(
    rng: random.Random, src: Sources
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = [(row, "已发布") for row in src.trainings["programs"]]
    rows += [(row, STATUS_LABELS[row["status"]]) for row in src.trainings["closed_programs"]]
    programs: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    for n, (row, status) in enumerate(rows, start=1):
        programs.append(_program(rng, src, n, row, status))
        sessions += _sessions(rng, programs[-1], len(sessions) + 1)
    return programs, sessions


def build(rng: random.Random, src: Sources) -> dict[str, list[dict[str, Any]]]:
    """Every table of the corpus. The steps draw from `rng` in this order: keep it, or every
    file changes."""
    employers = _employers(rng, src)
    postings = _postings(rng, src)
    providers = _providers(rng, src)
    programs, sessions = _programs_and_sessions(rng, src)
    return {
        "employers": employers,
        "postings": postings,
        "providers": providers,
        "programs": programs,
        "sessions": sessions,
    }


def _credit_code(rng: random.Random, county: str) -> str:
    from backend.demo.identifiers import credit_code

    return credit_code(rng, division_code=county)


def _landline(rng: random.Random, src: Sources, county: str) -> str:
    from backend.demo.identifiers import landline

    return landline(rng, area_code=src.places["area_codes"][county[:4]])


def write(out: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        lines = [json.dumps(row, ensure_ascii=False, sort_keys=False) for row in rows]
        (out / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    tables = build(random.Random(SEED), load_sources())
    write(args.out, tables)
    for name, rows in tables.items():
        print(f"{name}: {len(rows)}")


if __name__ == "__main__":
    main()
