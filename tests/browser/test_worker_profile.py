"""A first-time worker on a phone: fill in the profile wizard (skills by pinyin), see recommendations."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from backend.accounts.models import User
from backend.occupations.models import Skill
from backend.workers.models import WorkerProfile
from matching import engine
from tests import factories as f

from .conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def matching_world(settings, tmp_path):  # type: ignore[no-untyped-def]
    """A welding job near 英德 needing 氩弧焊 and 气割, and a course teaching 气割."""
    settings.MATCHING_ARTEFACT_DIR = tmp_path / "matching"
    settings.MATCHING_VERSION_CHECK_SECONDS = 0
    settings.MATCHING_REBUILD_SECONDS = 0
    engine.reset()
    welding = f.occupation("焊工")
    posting = f.PostingFactory(title="氩弧焊工", occupation=welding, wage_min=6000, wage_max=8000)
    posting.required_skills.set(Skill.objects.filter(slug__in=["gtaw", "gas-cutting"]))
    course = f.ProgramFactory(title="气割技能培训", occupation=welding)
    course.skills.set(Skill.objects.filter(slug="gas-cutting"))
    f.SessionFactory(program=course)
    yield {"posting": posting, "course": course}
    engine.reset()


@pytest.fixture
def newcomer(db):  # type: ignore[no-untyped-def]
    user = f.UserFactory(username="xinlai", role=User.Role.WORKER)
    user.set_password(PASSWORD)
    user.save()
    return user


def fill_wizard(page) -> None:  # type: ignore[no-untyped-def]
    """Steps 1–3 of the wizard as a worker types them (step 3 left with the suggestion chosen)."""
    page.get_by_label("姓名").fill("李阿明")
    page.get_by_label("手机号码").fill("13800138000")
    page.get_by_role("button", name="下一步", exact=True).click()
    page.wait_for_url("**step=2")
    home = page.get_by_role("group", name="现在住在哪里")
    home.get_by_label("省份").select_option("440000")  # the module fills the cities from the API
    home.get_by_label("城市").select_option("441800")
    home.get_by_label("区县").select_option("441881")
    page.get_by_role("button", name="下一步", exact=True).click()
    page.wait_for_url("**step=3")
    box = page.get_by_label("技能 1")
    box.press_sequentially("yhh", delay=30)  # initials of the synonym 氩弧焊
    page.get_by_role("option", name="钨极氩弧焊").click()
    page.get_by_label("做了几年").first.fill("3")


def test_a_new_worker_completes_the_wizard_and_sees_explained_recommendations(page, matching_world, newcomer):
    log_in(page, newcomer)
    page.goto("/me/recommendations/")
    page.wait_for_url("**/me/profile/")  # no profile yet: the wizard first
    fill_wizard(page)
    assert page.get_by_label("技能 1").input_value() == "钨极氩弧焊"
    page.get_by_role("button", name="下一步", exact=True).click()
    page.wait_for_url("**step=4")
    page.get_by_label("每月最少要多少钱(元,可不填)").fill("5000")
    page.get_by_label("我同意平台保存和处理我的个人信息,用于推荐岗位和培训").check()
    page.get_by_role("button", name="保存资料").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/me/recommendations/")

    worker = WorkerProfile.objects.get(user=newcomer)
    assert worker.current_division_id == "441881"
    assert list(worker.skills.values_list("skill__slug", flat=True)) == ["gtaw"]

    card = page.locator(".rec", has_text="氩弧焊工")
    assert "你会的:钨极氩弧焊" in card.inner_text()
    assert "还需要:气割" in card.inner_text()
    assert "工资达到你要求的 5000 元" in card.inner_text()
    card.get_by_role("link", name="气割技能培训").click()  # the training that closes the gap
    page.wait_for_url(f"**/courses/{matching_world['course'].pk}/")


def test_the_wizard_fits_a_360px_phone(page, matching_world, newcomer):
    log_in(page, newcomer)
    for step in (1, 2, 3, 4):
        page.goto(f"/me/profile/?step={step}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"step {step} scrolls sideways by {overflow}px"
