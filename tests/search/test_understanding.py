import pytest

from search.query import SearchQuery
from search.understanding import understand

pytestmark = pytest.mark.django_db  # normalise() reads the analyzer's settings


@pytest.mark.parametrize(
    ("text", "rest", "flags"),
    [
        ("东莞 普工 包吃住", "东莞 普工", {"lodging", "meals"}),
        ("英德 家政 包住", "英德 家政", {"lodging"}),
        ("包吃包住电子厂", "电子厂", {"lodging", "meals"}),
        ("五险一金", "", {"social_insurance"}),
        ("连州 免费培训", "连州", {"free_or_subsidised"}),
        ("紫金 招工", "紫金", set()),
        ("普工 包吃不包住", "普工", {"meals"}),
        ("保安", "保安", set()),
    ],
)
def test_benefit_words_become_filters_and_padding_goes(text, rest, flags):
    query = understand(SearchQuery(text=text))
    assert query.text == rest
    on = {f for f in ("lodging", "meals", "social_insurance", "free_or_subsidised") if getattr(query, f)}
    assert on == flags
