-- 0002: daily holding values written by `altsleeve value`, one version per recomputation that
-- differs (e.g. after a statement was restated). Nullable columns describe the mark used, which
-- does not exist before a holding's first statement is known.

CREATE TABLE valuations (
    holding_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    method VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    lower DOUBLE NOT NULL,
    upper DOUBLE NOT NULL,
    last_mark DOUBLE,
    last_mark_as_of DATE,
    last_mark_version INTEGER NOT NULL,
    desmoothing_adj DOUBLE NOT NULL,
    cashflow_adj DOUBLE NOT NULL,
    market_adj DOUBLE NOT NULL,
    true_up DOUBLE NOT NULL,
    new_statement BOOLEAN NOT NULL,
    known_on DATE NOT NULL,
    inputs_recorded_at TIMESTAMP NOT NULL,
    params VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    batch_id BIGINT NOT NULL,
    row_hash VARCHAR NOT NULL,
    PRIMARY KEY (holding_id, date, method, version)
);
