-- 0005: the operations service (issue 20). Users and API tokens (passwords as argon2 hashes,
-- tokens as SHA-256 digests: never the secret itself), four-eyes proposals (each decision a new
-- version of the proposal's row), approved overrides of a holding's daily value, released NAVs
-- (a correction is a new version of the released day's row), NAV-error corrections, the
-- committee's determinations and the delegation register. Every table is append-only,
-- versioned and bitemporal like the others. The audit log gains the actor of each write; it is
-- left out of an entry's hash while NULL, so entries written before this migration still verify.

ALTER TABLE audit_log ADD COLUMN actor VARCHAR;

CREATE TABLE users (
    name VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    roles VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    created_by VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE tokens (
    token_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    user_name VARCHAR NOT NULL,
    scopes VARCHAR NOT NULL,
    token_sha256 VARCHAR NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL,
    created_by VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (token_id, version)
);

CREATE TABLE proposals (
    proposal_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    vehicle VARCHAR NOT NULL,
    effective DATE NOT NULL,
    payload VARCHAR NOT NULL,
    maker VARCHAR NOT NULL,
    maker_roles VARCHAR NOT NULL,
    maker_auth VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL,
    checker VARCHAR,
    decision_reason VARCHAR,
    decided_at TIMESTAMP,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (proposal_id, version)
);

CREATE TABLE overrides (
    holding_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    version INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    reason VARCHAR NOT NULL,
    proposal_id VARCHAR NOT NULL,
    approved_by VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (holding_id, date, version)
);

CREATE TABLE releases (
    vehicle VARCHAR NOT NULL,
    date DATE NOT NULL,
    version INTEGER NOT NULL,
    nav_per_unit DOUBLE NOT NULL,
    net_assets DOUBLE NOT NULL,
    strike_version INTEGER NOT NULL,
    released_by VARCHAR NOT NULL,
    correction BOOLEAN NOT NULL,
    original_date DATE,
    proposal_id VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (vehicle, date, version)
);

CREATE TABLE nav_corrections (
    vehicle VARCHAR NOT NULL,
    date DATE NOT NULL,
    version INTEGER NOT NULL,
    released_nav DOUBLE NOT NULL,
    correct_nav DOUBLE NOT NULL,
    error_class VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    proposal_id VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (vehicle, date, version)
);

CREATE TABLE determinations (
    factor VARCHAR NOT NULL,
    evidence_sha256 VARCHAR NOT NULL,
    member VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    date DATE NOT NULL,
    text VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (factor, evidence_sha256, member, version)
);

CREATE TABLE delegations (
    role VARCHAR NOT NULL,
    party VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    recorded_by VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (role, party, scope, version)
);
