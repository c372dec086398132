"""Roles and permissions (issue 20): the whole role x action matrix, token scopes, Forbidden."""

from __future__ import annotations

import pytest

from altsleeve.ops import (
    APPROVING_ACTIONS,
    SCOPES,
    Action,
    Forbidden,
    Principal,
    Role,
    allowed,
    require,
    roles_for,
)

ALL = {"viewer", "auditor", "preparer", "reviewer", "valuation_committee", "portfolio_manager"}

#: The issue's rules, written out by hand: for each action, the roles that may take it. The
#: code's matrix must equal this table cell by cell (every role, every action).
EXPECTED: dict[str, set[str]] = {
    "read": ALL,
    "read_prices": ALL,
    "read_history": {"auditor", "reviewer", "valuation_committee"},
    "ingest": {"preparer"},
    "strike": {"preparer"},
    "post_orders": {"preparer"},
    "propose_override": {"preparer"},
    "propose_restatement": {"preparer"},
    "propose_vehicle_change": {"preparer"},
    "propose_release": {"preparer"},
    "propose_price_challenge": {"preparer"},
    "propose_methodology": {"preparer"},
    "approve_override": {"valuation_committee"},
    "approve_restatement": {"reviewer"},
    "approve_vehicle_change": {"reviewer"},
    "release_nav": {"reviewer"},
    "clear_exception": {"reviewer"},
    "approve_price_challenge": {"valuation_committee"},
    "approve_methodology": {"valuation_committee"},
    "sign_determination": {"valuation_committee"},
    "submit_valuation_evidence": {"portfolio_manager"},
    "manage_users": {"admin"},
    "issue_token": {"admin"},
}

CELLS = [(role, action) for role in Role for action in Action]


def test_expected_table_covers_every_action() -> None:
    assert set(EXPECTED) == {str(a) for a in Action}
    assert len(CELLS) == len(Role) * len(Action) == 7 * 23


@pytest.mark.parametrize(("role", "action"), CELLS, ids=[f"{r}-{a}" for r, a in CELLS])
def test_matrix_cell(role: Role, action: Action) -> None:
    assert allowed([role], action) is (str(role) in EXPECTED[str(action)])


def test_roles_for_names_the_roles_that_may() -> None:
    assert roles_for("release_nav") == (Role.REVIEWER,)
    assert set(roles_for("read")) == {Role(r) for r in ALL}


@pytest.mark.parametrize("role", [Role.PORTFOLIO_MANAGER, Role.ADMIN])
def test_portfolio_manager_and_admin_never_approve(role: Role) -> None:
    assert not any(allowed([role], a) for a in APPROVING_ACTIONS)


def test_admin_manages_users_only() -> None:
    assert {a for a in Action if allowed(["admin"], a)} == {
        Action.MANAGE_USERS,
        Action.ISSUE_TOKEN,
    }


def test_roles_combine() -> None:
    assert allowed(["viewer", "preparer"], "strike")
    assert not allowed([], "read")


def test_no_scope_grants_an_approving_action() -> None:
    for actions in SCOPES.values():
        assert not actions & APPROVING_ACTIONS


def test_token_is_roles_intersected_with_scopes() -> None:
    token = Principal(
        "rk-feed",
        frozenset({Role.PREPARER}),
        frozenset({"prices:read", "orders:post"}),
        auth="token",
    )
    assert token.actions == {Action.READ_PRICES, Action.POST_ORDERS}
    assert not token.may("strike")  # the role grants it, the scopes do not
    # a scope the roles do not back grants nothing
    viewer_token = Principal("v", frozenset({"viewer"}), frozenset({"orders:post"}), auth="token")
    assert viewer_token.actions == frozenset()
    # an empty scope set grants nothing at all
    assert Principal("e", frozenset({"preparer"}), frozenset(), auth="token").actions == set()


def test_person_is_not_limited_by_scopes() -> None:
    person = Principal("ann", frozenset({"preparer"}))
    oidc = Principal("ann@example.com", frozenset({"preparer"}), auth="oidc")
    assert person.actions == oidc.actions == {a for a in Action if allowed(["preparer"], a)}


def test_principal_validation() -> None:
    with pytest.raises(ValueError, match="must carry its scopes"):
        Principal("t", frozenset({"viewer"}), auth="token")
    with pytest.raises(ValueError, match="unknown scope"):
        Principal("t", frozenset({"viewer"}), frozenset({"nav:write"}), auth="token")
    with pytest.raises(ValueError, match="unknown role"):
        Principal("t", frozenset({"superuser"}))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown auth"):
        Principal("t", frozenset({"viewer"}), auth="kerberos")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a name"):
        Principal(" ", frozenset({"viewer"}))
    with pytest.raises(ValueError, match="unknown action"):
        allowed(["viewer"], "delete_everything")
    assert Principal("p", frozenset({"viewer"})).roles == {Role.VIEWER}


def test_require_names_user_action_and_roles() -> None:
    require(Principal("rev", frozenset({"reviewer"})), "release_nav")  # passes silently
    with pytest.raises(Forbidden) as info:
        require(Principal("pm", frozenset({"portfolio_manager"})), "approve_override")
    err = info.value
    assert (err.user, err.action, err.roles, err.scopes) == (
        "pm",
        Action.APPROVE_OVERRIDE,
        (Role.VALUATION_COMMITTEE,),
        (),
    )
    assert str(err) == "pm may not approve_override: it needs the role valuation_committee"
    assert isinstance(err, PermissionError)


def test_require_names_the_scope_for_a_token() -> None:
    token = Principal("bot", frozenset({"preparer"}), frozenset({"prices:read"}), auth="token")
    with pytest.raises(Forbidden, match=r"scope orders:post") as info:
        require(token, "post_orders")
    assert info.value.scopes == ("orders:post",)
