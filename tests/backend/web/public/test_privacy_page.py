"""/privacy/: the notice, with the policy version and retention period from the settings, linked
from every page's footer and from the wizard's consent step."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_notice_renders_with_version_retention_and_rights(client, settings):
    settings.PRIVACY_POLICY_VERSION = "2031-02"
    settings.PRIVACY_RETENTION_DAYS = 730
    html = client.get("/privacy/").content.decode()
    assert "个人信息保护政策" in html
    assert "2031-02" in html
    assert "连续 2 年" in html
    for right in ("查阅、复制", "更正", "删除", "撤回同意", "拒绝个性化推荐"):
        assert right in html
    assert 'name="viewport"' in html  # the phone layout of base.html


@pytest.mark.parametrize("url", ["/", "/search/", "/login/"])
def test_every_page_links_the_notice_in_its_footer(client, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer') :]
    assert 'href="/privacy/"' in footer


def test_the_wizards_consent_step_links_the_notice(worker_client):
    html = worker_client.get("/me/profile/?step=4").content.decode()
    consents = html[html.index("consents") :]
    assert 'href="/privacy/"' in consents
