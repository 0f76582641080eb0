-- order-timeout schema for MySQL 8 and MariaDB 10.6+. Idempotent: safe to apply again.
-- Also usable as a docker-entrypoint-initdb.d script (plain SQL, runs in MYSQL_DATABASE).
-- Every timestamp is DATETIME(3) holding UTC: DATETIME is never converted by the session time
-- zone (TIMESTAMP would be, and ends in 2038), so writers and readers must use UTC.

CREATE TABLE IF NOT EXISTS orders (
    order_id     VARCHAR(64)  NOT NULL,
    user_id      VARCHAR(64),
    amount_cents BIGINT,
    currency     CHAR(3),
    status       VARCHAR(32)  NOT NULL,
    created_at   DATETIME(3)  NOT NULL COMMENT 'UTC',
    close_reason VARCHAR(32),
    closed_at    DATETIME(3)           COMMENT 'UTC',
    PRIMARY KEY (order_id),
    -- What the classic scanning thread reads (status = pending AND created_at < cutoff).
    INDEX orders_status_created_at_idx (status, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- One row per close decision of the job; the insert ignores duplicates (replays). outcome is
-- what the close UPDATE of the same transaction did: APPLIED (the order was pending and is now
-- closed) or NOT_PENDING (it was paid or cancelled meanwhile and was left alone).
CREATE TABLE IF NOT EXISTS order_timeout_log (
    order_id    VARCHAR(64) NOT NULL,
    deadline    DATETIME(3) NOT NULL COMMENT 'UTC',
    closed_at   DATETIME(3) NOT NULL COMMENT 'UTC',
    lateness_ms BIGINT      NOT NULL,
    outcome     VARCHAR(16) NOT NULL,
    PRIMARY KEY (order_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- One row per payment that has to be given back; payment_id is '' when the event had none.
CREATE TABLE IF NOT EXISTS refund_request (
    order_id     VARCHAR(64)  NOT NULL,
    payment_id   VARCHAR(128) NOT NULL,
    reason       VARCHAR(32)  NOT NULL,
    paid_at      DATETIME(3)           COMMENT 'UTC',
    requested_at DATETIME(3)  NOT NULL COMMENT 'UTC',
    user_id      VARCHAR(64),
    amount_cents BIGINT,
    currency     CHAR(3),
    PRIMARY KEY (order_id, payment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Optional: events the job could not parse or validate. MEDIUMTEXT, not TEXT (64 KB): a broker
-- message can be up to 4 MB and a dead letter that does not fit would fail the sink forever.
CREATE TABLE IF NOT EXISTS order_event_dead_letter (
    id              BIGINT        NOT NULL AUTO_INCREMENT,
    source_position VARCHAR(256),
    reason          VARCHAR(1024) NOT NULL,
    payload         MEDIUMTEXT,
    rejected_at     DATETIME(3)   NOT NULL COMMENT 'UTC',
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
