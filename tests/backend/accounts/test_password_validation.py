"""Password rules by role: staff and administrators 10 characters, workers 8; never only digits,
close to the username or common; Chinese messages; the demo logins pass their role's rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.demo.logins import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db
STAFF_ROLES = [role for role in User.Role.values if role != User.Role.WORKER]


def _codes(password: str, user: User | None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}  # type: ignore[misc]
    return set()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_passwords_need_10_characters(make_user, role):
    user = make_user(role=role, username="chenming")
    assert _codes("Kp7#vq2Lx", user) == {"password_too_short"}  # 9
    assert _codes("Kp7#vq2Lxw", user) == set()  # 10


def test_a_worker_keeps_8_characters(make_user):
    worker = make_user(role=User.Role.WORKER, username="chenming")
    assert _codes("Kp7#vq2L", worker) == set()
    assert _codes("Kp7#vq2", worker) == {"password_too_short"}


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("2024061588", "password_entirely_numeric"),
        ("chenming2024", "password_too_similar"),
        ("iloveyou123", "password_too_common"),
    ],
)
def test_digits_only_similar_and_common_passwords_are_refused(make_user, password, code):
    user = make_user(role=User.Role.SERVICE_STAFF, username="chenming")
    assert code in _codes(password, user)


def test_the_messages_are_chinese(make_user):
    user = make_user(role=User.Role.ADMIN, username="chenming")
    with pytest.raises(ValidationError) as caught:
        validate_password("12345", user)
    text = " ".join(caught.value.messages)
    assert "至少需要 10 个字符" in text
    assert "不能全是数字" in text
    assert "常见" in text
    assert "10" in " ".join(password_validators_help_texts())


def test_an_account_not_yet_saved_or_unknown_gets_the_longer_rule(db):
    # createsuperuser and the admin's add form check the password on an unsaved user.
    assert "password_too_short" in _codes("Kp7#vq2L", User(username="root"))
    assert "password_too_short" in _codes("Kp7#vq2L", None)


def test_a_worker_with_admin_flags_gets_the_longer_rule(make_user):
    user = make_user(role=User.Role.WORKER, is_staff=True)
    assert "password_too_short" in _codes("Kp7#vq2L", user)


def test_the_admin_add_form_applies_the_chosen_roles_rule(client, make_user):
    client.force_login(make_user(role=User.Role.ADMIN, is_superuser=True, is_staff=True))
    form = {
        "username": "newstaff",
        "usable_password": "true",
        "password1": "Kp7#vq2L",
        "password2": "Kp7#vq2L",
        "role": User.Role.ADMIN,
        "display_name": "新管理员",
    }
    refused = client.post("/admin/accounts/user/add/", form)
    assert refused.status_code == 200
    assert "至少需要 10 个字符" in refused.content.decode()
    assert not User.objects.filter(username="newstaff").exists()
    accepted = client.post(
        "/admin/accounts/user/add/", {**form, "password1": "Kp7#vq2Lxw", "password2": "Kp7#vq2Lxw"}
    )
    assert accepted.status_code == 302
    assert User.objects.get(username="newstaff").role == User.Role.ADMIN


def test_a_staff_role_in_the_add_form_without_its_organisation_is_a_form_error(client, make_user):
    client.force_login(make_user(role=User.Role.ADMIN, is_superuser=True, is_staff=True))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newstaff",
            "usable_password": "true",
            "password1": "Kp7#vq2Lxw",
            "password2": "Kp7#vq2Lxw",
            "role": User.Role.SERVICE_STAFF,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="newstaff").exists()


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_the_demo_passwords_pass_their_roles_rules(account):
    user = User(
        username=account.username, email=account.email, role=account.role, display_name=account.display_name
    )
    validate_password(account.password, user)  # unsaved: the longer rule, whatever the role
