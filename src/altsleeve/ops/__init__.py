"""Operations rules: who may do what, four eyes, the daily cycle, NAV errors, determinations.

The pure rules of the multi-user operations service (issue 20), on which its ledger-bound use
cases, web API and commands will stand:

- roles and permissions (:class:`Role`, :class:`Action`, :data:`PERMISSIONS`, :data:`SCOPES`,
  :class:`Principal`, :func:`allowed`, :func:`require` raising :class:`Forbidden`);
- four eyes (:func:`propose`, :func:`decide`: a :class:`Proposal` goes from ``pending`` to
  ``approved``, ``rejected`` or ``withdrawn``, each step with an :class:`AuditRecord`; an
  approval returns the :class:`Effect` the caller applies);
- the daily cycle (:func:`day_status`, :func:`next_action`), the release cut-off
  (:class:`Cutoff`, :func:`sla`) and the recordkeepers' price file (:class:`PriceRecord`,
  :func:`price_csv`);
- the NAV-error policy (:class:`NavErrorPolicy`, :func:`classify`, :func:`reprocess`);
- the committee's determinations on the safe harbor's factors (:func:`sign`,
  :class:`Determination`, :func:`missing_factors`) and the register of whom it relies on
  (:class:`Delegation`).

Owns rules and data types only; must not authenticate, store, read the ledger or a clock, or
serve anything: the caller passes identities, facts and times. Described in
``docs/operations.md``.

Examples
--------
>>> from altsleeve.ops import Principal, allowed
>>> allowed(["reviewer"], "release_nav")
True
>>> bot = Principal("rk-feed", frozenset({"preparer"}), frozenset({"orders:post"}), "token")
>>> sorted(bot.actions)
[<Action.POST_ORDERS: 'post_orders'>]
"""

from altsleeve.ops._approvals import (
    APPROVING,
    PROPOSING,
    AuditRecord,
    Decision,
    Effect,
    Outcome,
    Proposal,
    ProposalKind,
    RefusedError,
    Status,
    decide,
    propose,
)
from altsleeve.ops._cycle import (
    DEFAULT_CUTOFF,
    PRICE_COLUMNS,
    Cutoff,
    DayFacts,
    DayStatus,
    PriceRecord,
    Sla,
    day_status,
    next_action,
    price_csv,
    sla,
)
from altsleeve.ops._determinations import (
    SAFE_HARBOR_FACTORS,
    Delegation,
    Determination,
    missing_factors,
    sign,
)
from altsleeve.ops._naverror import (
    DEFAULT_POLICY,
    NavError,
    NavErrorClass,
    NavErrorPolicy,
    Order,
    OrderCorrection,
    Reprocessing,
    classify,
    reprocess,
)
from altsleeve.ops._roles import (
    APPROVING_ACTIONS,
    PERMISSIONS,
    SCOPES,
    Action,
    Forbidden,
    Principal,
    Role,
    allowed,
    granted,
    permission_table,
    require,
    roles_for,
    scopes_for,
)

__all__ = [
    "APPROVING",
    "APPROVING_ACTIONS",
    "DEFAULT_CUTOFF",
    "DEFAULT_POLICY",
    "PERMISSIONS",
    "PRICE_COLUMNS",
    "PROPOSING",
    "SAFE_HARBOR_FACTORS",
    "SCOPES",
    "Action",
    "AuditRecord",
    "Cutoff",
    "DayFacts",
    "DayStatus",
    "Decision",
    "Delegation",
    "Determination",
    "Effect",
    "Forbidden",
    "NavError",
    "NavErrorClass",
    "NavErrorPolicy",
    "Order",
    "OrderCorrection",
    "Outcome",
    "PriceRecord",
    "Principal",
    "Proposal",
    "ProposalKind",
    "RefusedError",
    "Reprocessing",
    "Role",
    "Sla",
    "Status",
    "allowed",
    "classify",
    "day_status",
    "decide",
    "granted",
    "missing_factors",
    "next_action",
    "permission_table",
    "price_csv",
    "propose",
    "reprocess",
    "require",
    "roles_for",
    "scopes_for",
    "sign",
    "sla",
]
