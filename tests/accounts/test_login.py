"""Sign in, lockout after repeated failures (django-axes; the test settings allow 3), sign out
and password change."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.conftest import PASSWORD

LOCKOUT_TEXT = "账户已被暂时锁定"


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert "<h1>登录</h1>" in body
    assert "用户名" in body  # Django's own zh-hans catalogue labels the form


def test_login_with_right_password_lands_on_home(client, own_staff):
    response = login(client, "own_staff", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(own_staff.pk)
    assert "本单位的练兵活动" in client.get(reverse("home")).content.decode()


def test_login_follows_safe_next(client, own_staff):
    target = reverse("campaigns:unit_list")
    response = login(client, "own_staff", PASSWORD, next=target)
    assert response["Location"] == target


def test_login_ignores_next_to_another_site(client, own_staff):
    response = login(client, "own_staff", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_login_wrong_password_shows_error_and_records_attempt(client, own_staff):
    response = login(client, "own_staff", "wrong-password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "请输入一个正确的" in response.content.decode()
    assert AccessAttempt.objects.get(username="own_staff").failures_since_start == 1


def test_login_three_failures_lock_out_even_the_right_password(client, own_staff):
    for _ in range(2):
        assert login(client, "own_staff", "wrong-password").status_code == 200
    third = login(client, "own_staff", "wrong-password")
    assert third.status_code == 429
    assert LOCKOUT_TEXT in third.content.decode()
    assert "登录失败次数已达 3 次" in third.content.decode()
    assert "请于 15 分钟后再试" in third.content.decode()  # AXES_COOLOFF_TIME = 0.25 hours

    right = login(client, "own_staff", PASSWORD)
    assert right.status_code == 429
    assert LOCKOUT_TEXT in right.content.decode()
    assert SESSION_KEY not in client.session


def test_login_lockout_is_per_username(client, own_staff, other_staff):
    for _ in range(3):
        login(client, "own_staff", "wrong-password")
    response = login(client, "other_staff", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other_staff.pk)


def test_login_success_resets_failure_count(client, own_staff):
    login(client, "own_staff", "wrong-password")
    login(client, "own_staff", "wrong-password")
    assert login(client, "own_staff", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # Two more failures would have locked the account had the count not been reset.
    login(client, "own_staff", "wrong-password")
    login(client, "own_staff", "wrong-password")
    assert login(client, "own_staff", PASSWORD).status_code == 302


def test_login_page_redirects_a_signed_in_user_home(own_staff, client_for):
    response = client_for(own_staff).get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logout_by_post_ends_the_session(own_staff, client_for):
    client = client_for(own_staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_logout_by_get_is_refused(own_staff, client_for):
    client = client_for(own_staff)
    assert client.get(reverse("logout")).status_code == 405
    assert client.session[SESSION_KEY] == str(own_staff.pk)


def test_base_page_has_logout_form_and_password_link(own_staff, client_for):
    body = client_for(own_staff).get(reverse("home")).content.decode()
    assert f'action="{reverse("logout")}"' in body
    assert f'href="{reverse("password_change")}"' in body


def test_password_change_sets_new_password(own_staff, client_for):
    client = client_for(own_staff)
    assert "修改密码" in client.get(reverse("password_change")).content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-Mima-2024!",
            "new_password2": "Xin-Mima-2024!",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    own_staff.refresh_from_db()
    assert own_staff.check_password("Xin-Mima-2024!")
    # The session survives the change (Django updates the session hash).
    assert "密码已修改" in client.get(reverse("password_change_done")).content.decode()


def test_password_change_wrong_old_password_changes_nothing(own_staff, client_for):
    response = client_for(own_staff).post(
        reverse("password_change"),
        {
            "old_password": "not-it",
            "new_password1": "Xin-Mima-2024!",
            "new_password2": "Xin-Mima-2024!",
        },
    )
    assert response.status_code == 200
    own_staff.refresh_from_db()
    assert own_staff.check_password(PASSWORD)


def test_password_change_needs_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
