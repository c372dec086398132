-- 0004: the daily strike's controls. Vehicles become ledger data (each definition versioned and
-- effective from a date); price series say what they are (asset type) and how far they may move
-- in a day; exceptions (a price move beyond tolerance, a missing or carried price, a NAV move
-- beyond the vehicle's tolerance) are recorded with their status and the reason a person gave.
-- Columns added to an existing table are left out of the row hash while NULL, so rows written
-- before this migration still verify.

ALTER TABLE series ADD COLUMN asset_type VARCHAR;
ALTER TABLE series ADD COLUMN move_tolerance DOUBLE;

CREATE TABLE vehicles (
    vehicle_id VARCHAR NOT NULL,
    effective DATE NOT NULL,
    version INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    definition_sha256 VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (vehicle_id, effective, version)
);

CREATE TABLE exceptions (
    scope VARCHAR NOT NULL,
    date DATE NOT NULL,
    kind VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    value DOUBLE,
    threshold DOUBLE,
    detail VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (scope, date, kind, subject, version)
);
