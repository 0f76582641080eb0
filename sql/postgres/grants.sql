-- Least-privilege login for the order-timeout job on PostgreSQL: exactly what its statements
-- need, nothing else (no DELETE, no DDL, no reading of other order columns).
--
-- ${ORDER_TIMEOUT_JDBC_PASSWORD} is a placeholder, never a real secret in git. Substitute it
-- when applying, from the same environment variable the job reads, e.g.
--   envsubst '$ORDER_TIMEOUT_JDBC_PASSWORD' < grants.sql | psql -v ON_ERROR_STOP=1 -d orders
-- (the testkit's TestDatabase#createJobUser does the same substitution in Java).
-- Run it as the owner of the tables, after schema.sql, in the database that holds them.
-- Re-running it is safe and resets the password.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'order_timeout_job') THEN
        CREATE ROLE order_timeout_job LOGIN;
    END IF;
END
$$;
ALTER ROLE order_timeout_job WITH LOGIN PASSWORD '${ORDER_TIMEOUT_JDBC_PASSWORD}';

-- The tables live in the public schema; PUBLIC may have lost USAGE on it (hardened installs).
GRANT USAGE ON SCHEMA public TO order_timeout_job;

-- Close: UPDATE orders SET status, close_reason, closed_at WHERE order_id = ? AND status = ?.
-- PostgreSQL also needs SELECT on the columns read in WHERE; the refund guard reads the same two.
GRANT SELECT (order_id, status) ON orders TO order_timeout_job;
GRANT UPDATE (status, close_reason, closed_at) ON orders TO order_timeout_job;

-- INSERT ... ON CONFLICT DO NOTHING needs INSERT only (DO UPDATE would need UPDATE + SELECT).
GRANT INSERT ON order_timeout_log TO order_timeout_job;
-- A replayed close (its audit INSERT ignored as a duplicate) reads the outcome stored the first time.
GRANT SELECT (order_id, outcome) ON order_timeout_log TO order_timeout_job;
GRANT INSERT ON refund_request TO order_timeout_job;
-- A refund INSERT that wrote nothing: a replay if its row exists (still reported written), else the guard.
GRANT SELECT (order_id, payment_id) ON refund_request TO order_timeout_job;
-- Identity column: no sequence privilege needed.
GRANT INSERT ON order_event_dead_letter TO order_timeout_job;
