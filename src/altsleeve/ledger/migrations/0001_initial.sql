-- 0001: the initial ledger. Append-only fact tables (business key + version), the audit hash chain.

CREATE TABLE holdings (
    holding_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    asset_class VARCHAR NOT NULL,
    vehicle_type VARCHAR NOT NULL,
    proxy VARCHAR NOT NULL,
    commitment DOUBLE NOT NULL,
    vintage INTEGER NOT NULL,
    currency VARCHAR NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (holding_id, version)
);

CREATE TABLE statements (
    holding_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    version INTEGER NOT NULL,
    known_on DATE NOT NULL,
    nav DOUBLE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (holding_id, as_of, version)
);

CREATE TABLE cashflows (
    holding_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    kind VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    amount DOUBLE NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (holding_id, date, kind, version)
);

CREATE TABLE series (
    series_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    description VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    frequency VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    package VARCHAR NOT NULL,
    package_version VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    derivation VARCHAR NOT NULL,
    synthetic BOOLEAN NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (series_id, version)
);

CREATE TABLE prices (
    series_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    version INTEGER NOT NULL,
    level DOUBLE NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (series_id, date, version)
);

CREATE TABLE orders (
    vehicle VARCHAR NOT NULL,
    date DATE NOT NULL,
    kind VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    amount DOUBLE NOT NULL,
    known_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (vehicle, date, kind, version)
);

CREATE TABLE synthetic_books (
    book_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    seed BIGINT NOT NULL,
    generator VARCHAR NOT NULL,
    generator_version VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    params_json VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (book_id, version)
);

CREATE TABLE synthetic_truth (
    book_id VARCHAR NOT NULL,
    holding_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    value DOUBLE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (book_id, holding_id, date)
);

CREATE TABLE audit_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    recorded_at TIMESTAMP NOT NULL,
    action VARCHAR NOT NULL,
    target_table VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    n_rows BIGINT NOT NULL,
    content_hash VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    prev_hash VARCHAR NOT NULL,
    entry_hash VARCHAR NOT NULL
);
