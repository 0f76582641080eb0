-- Least-privilege login for the order-timeout job on MySQL 8 / MariaDB 10.6+: exactly what its
-- statements need, nothing else (no DELETE, no DDL, no reading of other order columns).
--
-- ${ORDER_TIMEOUT_JDBC_PASSWORD} is a placeholder, never a real secret in git. Substitute it
-- when applying, from the same environment variable the job reads, e.g.
--   envsubst '$ORDER_TIMEOUT_JDBC_PASSWORD' < grants.sql | mysql orders
-- (the testkit's TestDatabase#createJobUser does the same substitution in Java). In a MySQL
-- docker image, mount a rendered copy into /docker-entrypoint-initdb.d after schema.sql, or
-- render it from a *.sh init script there. Runs in the current database (MYSQL_DATABASE in the
-- docker image). Re-running it is safe and resets the password.

CREATE USER IF NOT EXISTS 'order_timeout_job'@'%' IDENTIFIED BY '${ORDER_TIMEOUT_JDBC_PASSWORD}';
ALTER USER 'order_timeout_job'@'%' IDENTIFIED BY '${ORDER_TIMEOUT_JDBC_PASSWORD}';

-- Close: UPDATE orders SET status, close_reason, closed_at WHERE order_id = ? AND status = ?.
-- The WHERE columns need SELECT; the refund guard reads the same two.
GRANT SELECT (order_id, status), UPDATE (status, close_reason, closed_at) ON orders TO 'order_timeout_job'@'%';

-- INSERT IGNORE needs INSERT only (ON DUPLICATE KEY UPDATE would need UPDATE as well).
GRANT INSERT ON order_timeout_log TO 'order_timeout_job'@'%';
-- A replayed close (its audit INSERT ignored as a duplicate) reads the outcome stored the first time.
GRANT SELECT (order_id, outcome) ON order_timeout_log TO 'order_timeout_job'@'%';
GRANT INSERT ON refund_request TO 'order_timeout_job'@'%';
-- A refund INSERT that wrote nothing: a replay if its row exists (still reported written), else the guard.
GRANT SELECT (order_id, payment_id) ON refund_request TO 'order_timeout_job'@'%';
GRANT INSERT ON order_event_dead_letter TO 'order_timeout_job'@'%';
