"""Who may do what: roles, actions, the permission matrix, token scopes and principals.

Owns the closed sets of :class:`Role` and :class:`Action`, the matrix that grants actions to
roles (:data:`PERMISSIONS`), the API token scopes (:data:`SCOPES`) and the identity every other
rule is checked against (:class:`Principal`), with :func:`allowed` and :func:`require`. Must not
authenticate anyone (passwords, tokens and an OIDC provider are the service's edge) nor store
users: a principal arrives here already authenticated, with the roles the user store gave it.

The matrix encodes issue 20's rules:

- ``viewer`` reads the vehicle's records and prices;
- ``auditor`` reads everything, history included (as-of queries, the audit log);
- ``preparer`` ingests, strikes, posts orders and proposes (overrides, restatements, vehicle
  changes, a day's release, price challenges, methodologies);
- ``reviewer`` clears exceptions, releases the NAV (approves a release proposal) and approves
  restatements and vehicle changes;
- ``valuation_committee`` approves overrides, methodologies and price challenges and signs the
  committee's determinations;
- ``portfolio_manager`` reads and may submit evidence on a valuation; never approves anything;
- ``admin`` manages users, roles and tokens only: reads no records and never approves.

No scope grants an approving action (:data:`APPROVING_ACTIONS`): an approval is a person's act,
never a script's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    """The roles a user may hold (a user may hold several)."""

    VIEWER = "viewer"
    AUDITOR = "auditor"
    PREPARER = "preparer"
    REVIEWER = "reviewer"
    VALUATION_COMMITTEE = "valuation_committee"
    PORTFOLIO_MANAGER = "portfolio_manager"
    ADMIN = "admin"


class Action(StrEnum):
    """Everything the service lets someone do, one name each."""

    READ = "read"
    READ_PRICES = "read_prices"
    READ_HISTORY = "read_history"
    INGEST = "ingest"
    STRIKE = "strike"
    POST_ORDERS = "post_orders"
    PROPOSE_OVERRIDE = "propose_override"
    PROPOSE_RESTATEMENT = "propose_restatement"
    PROPOSE_VEHICLE_CHANGE = "propose_vehicle_change"
    PROPOSE_RELEASE = "propose_release"
    PROPOSE_PRICE_CHALLENGE = "propose_price_challenge"
    PROPOSE_METHODOLOGY = "propose_methodology"
    APPROVE_OVERRIDE = "approve_override"
    APPROVE_RESTATEMENT = "approve_restatement"
    APPROVE_VEHICLE_CHANGE = "approve_vehicle_change"
    RELEASE_NAV = "release_nav"
    CLEAR_EXCEPTION = "clear_exception"
    APPROVE_PRICE_CHALLENGE = "approve_price_challenge"
    APPROVE_METHODOLOGY = "approve_methodology"
    SIGN_DETERMINATION = "sign_determination"
    SUBMIT_VALUATION_EVIDENCE = "submit_valuation_evidence"
    MANAGE_USERS = "manage_users"
    ISSUE_TOKEN = "issue_token"


#: Actions that approve, accept or sign someone's work: never granted to ``portfolio_manager``
#: or ``admin``, and never granted by an API token's scope.
APPROVING_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.APPROVE_OVERRIDE,
        Action.APPROVE_RESTATEMENT,
        Action.APPROVE_VEHICLE_CHANGE,
        Action.RELEASE_NAV,
        Action.CLEAR_EXCEPTION,
        Action.APPROVE_PRICE_CHALLENGE,
        Action.APPROVE_METHODOLOGY,
        Action.SIGN_DETERMINATION,
    }
)

_READS = frozenset({Action.READ, Action.READ_PRICES})

#: The permission matrix: the actions each role grants.
PERMISSIONS: Mapping[Role, frozenset[Action]] = {
    Role.VIEWER: _READS,
    Role.AUDITOR: _READS | {Action.READ_HISTORY},
    Role.PREPARER: _READS
    | {
        Action.INGEST,
        Action.STRIKE,
        Action.POST_ORDERS,
        Action.PROPOSE_OVERRIDE,
        Action.PROPOSE_RESTATEMENT,
        Action.PROPOSE_VEHICLE_CHANGE,
        Action.PROPOSE_RELEASE,
        Action.PROPOSE_PRICE_CHALLENGE,
        Action.PROPOSE_METHODOLOGY,
    },
    Role.REVIEWER: _READS
    | {
        Action.READ_HISTORY,
        Action.CLEAR_EXCEPTION,
        Action.RELEASE_NAV,
        Action.APPROVE_RESTATEMENT,
        Action.APPROVE_VEHICLE_CHANGE,
    },
    Role.VALUATION_COMMITTEE: _READS
    | {
        Action.READ_HISTORY,
        Action.APPROVE_OVERRIDE,
        Action.APPROVE_METHODOLOGY,
        Action.APPROVE_PRICE_CHALLENGE,
        Action.SIGN_DETERMINATION,
    },
    Role.PORTFOLIO_MANAGER: _READS | {Action.SUBMIT_VALUATION_EVIDENCE},
    Role.ADMIN: frozenset({Action.MANAGE_USERS, Action.ISSUE_TOKEN}),
}

#: API token scopes: each names the actions a token carrying it may use (still only those its
#: user's roles grant). None grants an approving action.
SCOPES: Mapping[str, frozenset[Action]] = {
    "nav:read": frozenset({Action.READ}),
    "prices:read": frozenset({Action.READ_PRICES}),
    "history:read": frozenset({Action.READ_HISTORY}),
    "statements:ingest": frozenset({Action.INGEST}),
    "orders:post": frozenset({Action.POST_ORDERS}),
    "nav:strike": frozenset({Action.STRIKE}),
    "evidence:submit": frozenset({Action.SUBMIT_VALUATION_EVIDENCE}),
}

Auth = Literal["password", "token", "oidc"]
AUTH_METHODS: tuple[Auth, ...] = ("password", "token", "oidc")


class Forbidden(PermissionError):  # noqa: N818 - the name issue 20 gives it
    """A principal tried an action that its roles (or its token's scopes) do not grant.

    Attributes
    ----------
    user : str
        The principal's name.
    action : Action
        The action refused.
    roles : tuple of Role
        The roles that grant the action (empty when none does).
    scopes : tuple of str
        The token scopes that grant it; only filled when the principal is limited by scopes.
    """

    def __init__(
        self, user: str, action: Action, roles: tuple[Role, ...], scopes: tuple[str, ...] = ()
    ) -> None:
        self.user = user
        self.action = action
        self.roles = roles
        self.scopes = scopes
        who = ", ".join(roles) if roles else "no role"
        message = f"{user} may not {action}: it needs the role {who}"
        if scopes:
            message += f" and a token with the scope {', '.join(scopes)}"
        super().__init__(message)


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        known = ", ".join(Role)
        raise ValueError(f"unknown role {value!r}; known: {known}") from None


def _action(value: Action | str) -> Action:
    try:
        return Action(value)
    except ValueError:
        raise ValueError(f"unknown action {value!r}") from None


def granted(roles: Iterable[Role | str]) -> frozenset[Action]:
    """Every action the roles grant together.

    Parameters
    ----------
    roles : iterable of Role or str
        Role names; an unknown name raises ``ValueError``.

    Returns
    -------
    frozenset of Action
        The union of :data:`PERMISSIONS` over the roles.
    """
    out: frozenset[Action] = frozenset()
    for r in roles:
        out |= PERMISSIONS[_role(r)]
    return out


def allowed(roles: Iterable[Role | str], action: Action | str) -> bool:
    """Whether any of the roles grants the action.

    Examples
    --------
    >>> allowed(["preparer"], "strike")
    True
    >>> allowed(["portfolio_manager", "viewer"], "approve_override")
    False
    """
    return _action(action) in granted(roles)


def roles_for(action: Action | str) -> tuple[Role, ...]:
    """The roles that grant ``action``, in the order of :class:`Role`."""
    a = _action(action)
    return tuple(r for r in Role if a in PERMISSIONS[r])


def scopes_for(action: Action | str) -> tuple[str, ...]:
    """The token scopes that grant ``action``, in the order of :data:`SCOPES`."""
    a = _action(action)
    return tuple(s for s, actions in SCOPES.items() if a in actions)


@dataclass(frozen=True)
class Principal:
    """An authenticated identity: a person or an API token acting for one.

    Attributes
    ----------
    name : str
        The user's name (one per person: the four-eyes rule compares names).
    roles : frozenset of Role
        The roles the user holds.
    scopes : frozenset of str or None
        For an API token: the scopes it carries (required, may be empty). ``None``: not
        limited by scopes (a person signed in with a password or through an OIDC provider;
        a provider's own scopes may be mapped to :data:`SCOPES` and given here).
    auth : {"password", "token", "oidc"}
        How the identity was established.
    """

    name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    scopes: frozenset[str] | None = None
    auth: Auth = "password"

    def __post_init__(self) -> None:
        """Check the name, roles, scopes and method; normalise roles to :class:`Role`."""
        if not self.name.strip():
            raise ValueError("a principal needs a name")
        if self.auth not in AUTH_METHODS:
            raise ValueError(f"unknown auth {self.auth!r}; known: {', '.join(AUTH_METHODS)}")
        object.__setattr__(self, "roles", frozenset(_role(r) for r in self.roles))
        if self.scopes is not None:
            unknown = sorted(set(self.scopes) - set(SCOPES))
            if unknown:
                raise ValueError(
                    f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(SCOPES)}"
                )
            object.__setattr__(self, "scopes", frozenset(self.scopes))
        elif self.auth == "token":
            raise ValueError("an API token must carry its scopes (an empty set grants nothing)")

    @property
    def actions(self) -> frozenset[Action]:
        """The effective permissions: the roles' actions, intersected with the scopes' if any."""
        by_roles = granted(self.roles)
        if self.scopes is None:
            return by_roles
        by_scopes: frozenset[Action] = frozenset()
        for s in self.scopes:
            by_scopes |= SCOPES[s]
        return by_roles & by_scopes

    def may(self, action: Action | str) -> bool:
        """Whether the principal may take ``action`` (see :attr:`actions`)."""
        return _action(action) in self.actions


def require(user: Principal, action: Action | str) -> None:
    """Refuse with :class:`Forbidden` unless ``user`` may take ``action``.

    Raises
    ------
    Forbidden
        Naming the user, the action, the roles that grant it and (for a principal limited by
        scopes) the scopes that grant it.
    """
    a = _action(action)
    if a not in user.actions:
        scopes = scopes_for(a) if user.scopes is not None else ()
        raise Forbidden(user.name, a, roles_for(a), scopes)


def permission_table() -> str:
    """The permission matrix as a Markdown table: one row per action, one column per role.

    ``docs/operations.md`` holds this table; a test checks the two are the same.
    """
    header = "| action | " + " | ".join(Role) + " |"
    rule = "|---|" + "---|" * len(Role)
    rows = [
        f"| `{a}` | " + " | ".join("yes" if a in PERMISSIONS[r] else "" for r in Role) + " |"
        for a in Action
    ]
    return "\n".join([header, rule, *rows])
