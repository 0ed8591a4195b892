import pytest

from app.auth import services
from app.common.errors import DomainError
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "至少 8 位"),
        ("abcdefghij", "至少两类"),
        ("1234567890123", "至少两类"),
        ("password1", "过于常见"),
        ("liming2024!", "不能包含登录名"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, password, reason):
    user = make_user("cadre", username="liming")
    with pytest.raises(DomainError) as caught:
        services.set_password(user, password)
    assert reason in caught.value.message


def test_password_is_hashed_not_stored(app):
    user = make_user("cadre", password="Strong-pass-42")
    assert "Strong-pass-42" not in user.password_hash
    assert services.check_password(user, "Strong-pass-42")
    assert not services.check_password(user, "Strong-pass-43")


def test_production_hashes_with_scrypt(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user = make_user("cadre")
    assert user.password_hash.startswith("scrypt:")


def test_created_accounts_must_change_password_first(client):
    make_user("cadre", username="newbie", must_change_password=True)
    response = client.login("newbie")
    assert response.headers["Location"] == "/account/password"
    # Every other page sends them back until they do.
    assert client.get("/").headers["Location"] == "/account/password"
    api = client.get("/api/v1/auth/me")
    assert api.status_code == 200  # allowed: the client needs to know why
    assert api.json["user"]["must_change_password"] is True

    page = client.post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "weak", "confirm": "weak"},
    )
    assert "至少 8 位" in page.get_data(as_text=True)
    response = client.post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "New-pass-2026", "confirm": "New-pass-2026"},
    )
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_change_password_form_messages(client):
    make_user("cadre", username="ma")
    client.login("ma")
    page = client.post_form(
        "/account/password",
        {
            "current_password": "wrong-one-1",
            "new_password": "New-pass-2026",
            "confirm": "New-pass-2026",
        },
    ).get_data(as_text=True)
    assert "当前密码不正确" in page
    page = client.post_form(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "New-pass-2026",
            "confirm": "Other-pass-2026",
        },
    ).get_data(as_text=True)
    assert "两次输入的新密码不一致" in page


def test_hash_passwords_hashes_each_distinct_password_once_and_every_hash_verifies(app):
    from werkzeug.security import check_password_hash

    from app.auth.services import hash_passwords

    passwords = ["Chushi-2026a", "Chushi-2026b", "Chushi-2026a", "Chushi-2026c"]
    hashes = hash_passwords(passwords)
    assert sorted(hashes) == ["Chushi-2026a", "Chushi-2026b", "Chushi-2026c"]
    for password, hashed in hashes.items():
        assert check_password_hash(hashed, password)
        assert not check_password_hash(hashed, password + "x")
    assert len(set(hashes.values())) == 3  # each with its own salt
