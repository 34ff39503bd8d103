"""Signing in takes the same work whoever the name belongs to: the password is checked against a
hash of the same method for a real, an unknown and a disabled user (bench/login_timing.py measures it)."""
from __future__ import annotations

import pytest

from tests.fixtures.data import PASSWORD
from wuye.services import Actor, auth, orgs


@pytest.fixture
def checks(app):
    """The hash method of every password check, as sign_in sends it."""
    seen: list[str] = []

    def count(sender, method):
        seen.append(method)

    auth.password_checked.connect(count, app)
    yield seen
    auth.password_checked.disconnect(count, app)


def method_of(user) -> str:
    return user.password_hash.split("$", 1)[0]


def test_a_wrong_password_for_a_real_user_costs_one_check_of_their_hash(org, checks):
    assert auth.sign_in("clerk", "wrong", "10.0.0.1") is None
    assert checks == [method_of(org.users["clerk"])]


def test_the_password_is_checked_for_an_unknown_username_with_a_hash_of_the_same_method(org, checks):
    assert auth.sign_in("nobody-here", "wrong", "10.0.0.1") is None
    assert auth.sign_in("nobody-here", PASSWORD, "10.0.0.1") is None
    assert checks == [method_of(org.users["clerk"])] * 2


def test_the_password_is_checked_for_a_disabled_user_and_even_the_right_one_is_refused(org, checks):
    orgs.set_active(Actor(None, "cli"), org.users["clerk"], False)
    assert auth.sign_in("clerk", PASSWORD, "10.0.0.1") is None
    assert auth.sign_in("clerk", "wrong", "10.0.0.1") is None
    assert checks == [method_of(org.users["clerk"])] * 2


def test_the_right_password_signs_in_after_one_check(org, checks):
    user, token = auth.sign_in("clerk", PASSWORD, "10.0.0.1")
    assert user.username == "clerk" and token
    assert checks == [method_of(org.users["clerk"])]


def test_a_username_past_its_failure_limit_is_refused_whatever_the_password(org, checks):
    for _ in range(5):
        auth.sign_in("clerk", "wrong", "10.0.0.1")
    with pytest.raises(auth.Throttled) as refused:
        auth.sign_in("clerk", PASSWORD, "10.0.0.2")
    assert refused.value.by == "username"
    assert len(checks) == 5  # the locked name's password is not even checked
