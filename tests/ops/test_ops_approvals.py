"""Four eyes (issue 20): every refusal of maker-checker, the transitions and their audit records."""

from __future__ import annotations

import datetime as dt

import pytest

from altsleeve.ops import (
    APPROVING,
    PROPOSING,
    Action,
    Decision,
    Forbidden,
    Principal,
    Proposal,
    ProposalKind,
    RefusedError,
    Role,
    Status,
    decide,
    propose,
    roles_for,
)

T0 = dt.datetime(2026, 3, 9, 21, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(minutes=20)
DAY = dt.date(2026, 3, 9)

MAKER = Principal("paula", frozenset({Role.PREPARER}))
REVIEWER = Principal("rui", frozenset({Role.REVIEWER}))
COMMITTEE = Principal("carla", frozenset({Role.VALUATION_COMMITTEE}))
PM = Principal("pete", frozenset({Role.PORTFOLIO_MANAGER}))
ADMIN = Principal("ada", frozenset({Role.ADMIN}))
#: The checker that holds each kind's approving action.
CHECKER = {
    ProposalKind.OVERRIDE: COMMITTEE,
    ProposalKind.RESTATEMENT: REVIEWER,
    ProposalKind.VEHICLE_CHANGE: REVIEWER,
    ProposalKind.NAV_RELEASE: REVIEWER,
    ProposalKind.PRICE_CHALLENGE: COMMITTEE,
    ProposalKind.METHODOLOGY: COMMITTEE,
}


def _open(kind: ProposalKind = ProposalKind.NAV_RELEASE, maker: Principal = MAKER) -> Proposal:
    p, _ = propose("P-1", kind, "TDF2045", DAY, {"nav_per_unit": 10.12}, maker, "day is clean", T0)
    return p


def test_every_kind_maps_to_a_proposing_and_an_approving_action() -> None:
    assert set(PROPOSING) == set(APPROVING) == set(ProposalKind)
    for kind in ProposalKind:
        assert roles_for(PROPOSING[kind]) == (Role.PREPARER,)
        assert CHECKER[kind].roles <= set(roles_for(APPROVING[kind]))


def test_propose_opens_a_pending_proposal_with_its_audit_record() -> None:
    p, audit = propose(
        "P-1", "override", "TDF2045", DAY, {"holding": "H1", "nav": 1.0}, MAKER, " stale mark ", T0
    )
    assert p.status is Status.PENDING
    assert p.reason == "stale mark"
    assert audit.to_dict() == {
        "proposal_id": "P-1",
        "kind": "override",
        "vehicle": "TDF2045",
        "actor": "paula",
        "auth": "password",
        "at": "2026-03-09T21:00:00+00:00",
        "before": None,
        "after": "pending",
        "reason": "stale mark",
    }
    assert p.to_dict()["maker"] == "paula"
    assert p.to_dict()["effective"] == "2026-03-09"


@pytest.mark.parametrize("kind", list(ProposalKind))
def test_approval_returns_the_effect_and_the_audit_record(kind: ProposalKind) -> None:
    p = _open(kind)
    checker = CHECKER[kind]
    out = decide(p, checker, "approve", "checked against the statements", T1)
    assert out.proposal.status is Status.APPROVED
    assert p.status is Status.PENDING  # the input is not changed
    assert (out.audit.actor, out.audit.before, out.audit.after, out.audit.at) == (
        checker.name,
        Status.PENDING,
        Status.APPROVED,
        T1,
    )
    assert out.audit.reason == "checked against the statements"
    assert out.effect is not None
    assert out.effect.to_dict() == {
        "proposal_id": "P-1",
        "kind": str(kind),
        "vehicle": "TDF2045",
        "effective": "2026-03-09",
        "payload": {"nav_per_unit": 10.12},
        "maker": "paula",
        "checker": checker.name,
        "approved_at": T1.isoformat(),
    }


def test_rejection_and_withdrawal_take_no_effect() -> None:
    rejected = decide(_open(), REVIEWER, Decision.REJECT, "exception still open", T1)
    assert rejected.proposal.status is Status.REJECTED
    assert rejected.effect is None
    assert (rejected.audit.before, rejected.audit.after) == (Status.PENDING, Status.REJECTED)
    withdrawn = decide(_open(), MAKER, "withdraw", "wrong day", T1)
    assert withdrawn.proposal.status is Status.WITHDRAWN
    assert withdrawn.effect is None
    assert (withdrawn.audit.actor, withdrawn.audit.after) == ("paula", Status.WITHDRAWN)


# --- refusals ---------------------------------------------------------------------------------


def test_refuses_a_maker_without_the_proposing_action() -> None:
    with pytest.raises(Forbidden) as info:
        propose("P-2", "override", "TDF2045", DAY, {}, PM, "I think it is worth more", T0)
    assert info.value.action is Action.PROPOSE_OVERRIDE
    # a token limited by its scopes cannot propose either, whatever its user's roles
    token = Principal("feed", frozenset({Role.PREPARER}), frozenset({"orders:post"}), "token")
    with pytest.raises(Forbidden):
        propose("P-3", "nav_release", "TDF2045", DAY, {}, token, "clean", T0)


def test_refuses_a_proposal_whose_recorded_maker_could_not_propose() -> None:
    # a Proposal built without propose(): the maker, as recorded, lacked the proposing action
    forged = Proposal(
        "P-4", ProposalKind.NAV_RELEASE, "TDF2045", DAY, {}, PM, "forged", T0, Status.PENDING
    )
    with pytest.raises(Forbidden) as info:
        decide(forged, REVIEWER, "approve", "looks fine", T1)
    assert info.value.user == "pete"


def test_refuses_self_approval_even_with_both_roles() -> None:
    both = Principal("sam", frozenset({Role.PREPARER, Role.REVIEWER}))
    p = _open(maker=both)
    for decision in ("approve", "reject"):
        with pytest.raises(RefusedError) as info:
            decide(p, both, decision, "mine", T1)
        assert info.value.code == "self_approval"
    # the same person signed in another way (an OIDC identity of the same name) is the same person
    same_via_oidc = Principal(" SAM ", frozenset({Role.REVIEWER}), auth="oidc")
    with pytest.raises(RefusedError, match="may not also decide"):
        decide(p, same_via_oidc, "approve", "mine", T1)


@pytest.mark.parametrize(
    ("kind", "checker"),
    [
        (ProposalKind.OVERRIDE, REVIEWER),
        (ProposalKind.NAV_RELEASE, COMMITTEE),
        (ProposalKind.METHODOLOGY, PM),
        (ProposalKind.RESTATEMENT, ADMIN),
        (ProposalKind.PRICE_CHALLENGE, Principal("val", frozenset({Role.VIEWER}))),
    ],
)
def test_refuses_a_checker_without_the_approving_action(
    kind: ProposalKind, checker: Principal
) -> None:
    for decision in ("approve", "reject"):
        with pytest.raises(Forbidden) as info:
            decide(_open(kind), checker, decision, "ok", T1)
        assert info.value.action is APPROVING[kind]
        assert info.value.user == checker.name


def test_refuses_an_empty_reason() -> None:
    with pytest.raises(RefusedError) as info:
        propose("P-5", "nav_release", "TDF2045", DAY, {}, MAKER, "   ", T0)
    assert info.value.code == "empty_reason"
    with pytest.raises(RefusedError) as info:
        decide(_open(), REVIEWER, "approve", "", T1)
    assert info.value.code == "empty_reason"


@pytest.mark.parametrize("first", ["approve", "reject", "withdraw"])
@pytest.mark.parametrize("then", ["approve", "reject", "withdraw"])
def test_refuses_to_decide_a_proposal_that_is_not_pending(first: str, then: str) -> None:
    done = decide(_open(), MAKER if first == "withdraw" else REVIEWER, first, "first", T1)
    with pytest.raises(RefusedError) as info:
        decide(done.proposal, MAKER if then == "withdraw" else REVIEWER, then, "again", T1)
    assert info.value.code == "not_pending"


def test_refuses_a_withdrawal_by_anyone_but_the_maker() -> None:
    with pytest.raises(RefusedError) as info:
        decide(_open(), REVIEWER, "withdraw", "not needed", T1)
    assert info.value.code == "not_maker"


def test_refuses_a_decision_dated_before_the_proposal_and_naive_times() -> None:
    with pytest.raises(RefusedError) as info:
        decide(_open(), REVIEWER, "approve", "ok", T0 - dt.timedelta(seconds=1))
    assert info.value.code == "too_early"
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(_open(), REVIEWER, "approve", "ok", dt.datetime(2026, 3, 9, 22, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        propose("P-6", "nav_release", "TDF2045", DAY, {}, MAKER, "ok", dt.datetime(2026, 3, 9))


def test_unknown_kind_or_decision() -> None:
    with pytest.raises(ValueError):
        propose("P-7", "bonus", "TDF2045", DAY, {}, MAKER, "ok", T0)
    with pytest.raises(ValueError):
        decide(_open(), REVIEWER, "maybe", "ok", T1)
