-- order-timeout schema for PostgreSQL (tested with 17). Idempotent: safe to apply again.
-- Every timestamp is TIMESTAMPTZ(3): an absolute instant, shown in the session's time zone.

CREATE TABLE IF NOT EXISTS orders (
    order_id     VARCHAR(64)    PRIMARY KEY,
    user_id      VARCHAR(64),
    amount_cents BIGINT,
    currency     CHAR(3),
    status       VARCHAR(32)    NOT NULL,
    created_at   TIMESTAMPTZ(3) NOT NULL,
    close_reason VARCHAR(32),
    closed_at    TIMESTAMPTZ(3)
);

-- What the classic scanning thread reads (status = pending AND created_at < cutoff); kept so
-- the job can run next to it during a migration.
CREATE INDEX IF NOT EXISTS orders_status_created_at_idx ON orders (status, created_at);

-- One row per close decision of the job; the insert ignores duplicates (replays). outcome is
-- what the close UPDATE of the same transaction did: APPLIED (the order was pending and is now
-- closed) or NOT_PENDING (it was paid or cancelled meanwhile and was left alone).
CREATE TABLE IF NOT EXISTS order_timeout_log (
    order_id    VARCHAR(64)    PRIMARY KEY,
    deadline    TIMESTAMPTZ(3) NOT NULL,
    closed_at   TIMESTAMPTZ(3) NOT NULL,
    lateness_ms BIGINT         NOT NULL,
    outcome     VARCHAR(16)    NOT NULL
);

-- One row per payment that has to be given back; payment_id is '' when the event had none.
CREATE TABLE IF NOT EXISTS refund_request (
    order_id     VARCHAR(64)    NOT NULL,
    payment_id   VARCHAR(128)   NOT NULL,
    reason       VARCHAR(32)    NOT NULL,
    paid_at      TIMESTAMPTZ(3),
    requested_at TIMESTAMPTZ(3) NOT NULL,
    user_id      VARCHAR(64),
    amount_cents BIGINT,
    currency     CHAR(3),
    PRIMARY KEY (order_id, payment_id)
);

-- Optional: events the job could not parse or validate. An identity column (not SERIAL) so
-- the job user needs no privilege on a sequence.
CREATE TABLE IF NOT EXISTS order_event_dead_letter (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_position VARCHAR(256),
    reason          VARCHAR(1024)  NOT NULL,
    payload         TEXT,
    rejected_at     TIMESTAMPTZ(3) NOT NULL
);
