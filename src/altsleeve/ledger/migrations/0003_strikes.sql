-- 0003: the vehicle's daily strikes and the limit breaches found on them. A restrike (after a
-- restatement) is a new version of the day; the old one is kept.

CREATE TABLE strikes (
    vehicle VARCHAR NOT NULL,
    date DATE NOT NULL,
    version INTEGER NOT NULL,
    nav_per_unit DOUBLE NOT NULL,
    net_assets DOUBLE NOT NULL,
    units_outstanding DOUBLE NOT NULL,
    components VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    inputs VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (vehicle, date, version)
);

CREATE TABLE limit_breaches (
    vehicle VARCHAR NOT NULL,
    date DATE NOT NULL,
    limit_name VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    threshold DOUBLE NOT NULL,
    detail VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (vehicle, date, limit_name, version)
);
