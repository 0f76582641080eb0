package io.ordertimeout.sink;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a failed statement can succeed if tried again (DESIGN.md §5), from the SQLState
 * and, for MySQL/MariaDB, whose SQLState is often the generic {@code HY000}, the vendor error code.
 *
 * <ul>
 *   <li>{@link Kind#RECORD}: the record's values can never be written as they are — a data
 *       exception (class 22: too long, out of range, invalid byte sequence, bad date), an
 *       integrity constraint (class 23: NOT NULL, CHECK, foreign key, a unique key other than the
 *       duplicate the statements ignore), or an exception a trigger raises on purpose (PostgreSQL
 *       {@code P0001}, MySQL {@code SIGNAL SQLSTATE '45000'}). The record goes to the dead
 *       letters, its neighbours are written.
 *   <li>{@link Kind#TRANSIENT}: connection (08), transaction rollback, deadlock, serialization
 *       (40), insufficient resources (53), operator intervention such as a terminated backend
 *       (57), lock not available (55P03), timeouts (HYT00), MySQL lock wait timeout and deadlock.
 *   <li>{@link Kind#UNCLASSIFIED}: anything else (a missing privilege, a syntax error in an
 *       overriding statement, a driver bug). Treated like a transient error — retried, then the
 *       job fails — because a record must never be dropped for an error we do not understand.
 * </ul>
 *
 * The whole chain is looked at ({@link SQLException#getNextException()} holds the real error of
 * a PostgreSQL batch, {@link Throwable#getCause()} that of MariaDB's); a transient error anywhere
 * in it wins over a record error, so a batch broken by a lost connection is never blamed on a record.
 */
public final class SqlErrorClassifier {

    public enum Kind {
        RECORD,
        TRANSIENT,
        UNCLASSIFIED
    }

    private static final Set<String> RECORD_STATES = Set.of("P0001", "45000");
    private static final Set<String> TRANSIENT_STATES = Set.of("55P03", "HYT00", "HYT01", "70100");

    /**
     * MySQL/MariaDB codes of record errors: 1048 column cannot be null, 1062 duplicate key, 1264 out
     * of range, 1265 data truncated, 1292 incorrect date/time value, 1364 no default value, 1366
     * incorrect string value, 1406 data too long, 1451/1452 foreign key, 1644 SIGNAL, 3819 MySQL
     * CHECK constraint, 4025 MariaDB CHECK constraint.
     */
    private static final Set<Integer> MYSQL_RECORD_CODES =
            Set.of(1048, 1062, 1264, 1265, 1292, 1364, 1366, 1406, 1451, 1452, 1644, 3819, 4025);

    /**
     * MySQL/MariaDB codes of transient errors: 1040 too many connections, 1053 server shutdown, 1205
     * lock wait timeout, 1213 deadlock, 1317 query interrupted, 1927 connection killed, 2006/2013
     * server gone away / lost connection.
     */
    private static final Set<Integer> MYSQL_TRANSIENT_CODES = Set.of(1040, 1053, 1205, 1213, 1317, 1927, 2006, 2013);

    private SqlErrorClassifier() {}

    public static Kind classify(SQLException error) {
        boolean record = false;
        for (SQLException e : chain(error)) {
            Kind kind = classifyOne(e);
            if (kind == Kind.TRANSIENT) {
                return Kind.TRANSIENT;
            }
            record |= kind == Kind.RECORD;
        }
        return record ? Kind.RECORD : Kind.UNCLASSIFIED;
    }

    /**
     * "SQLState 23514 (code 0): ERROR: new row ... violates check constraint ..." for the most
     * specific error of the chain (the last one that has a SQLState), for dead letters and logs.
     */
    public static String describe(SQLException error) {
        SQLException specific = error;
        for (SQLException e : chain(error)) {
            if (e.getSQLState() != null) {
                specific = e;
            }
        }
        return "SQLState " + specific.getSQLState() + " (code " + specific.getErrorCode() + "): "
                + specific.getMessage();
    }

    /**
     * SQLState and vendor code first; the exception's class only when they say nothing, because
     * drivers map states to classes loosely (MariaDB Connector/J throws a
     * {@link java.sql.SQLTransientConnectionException} for every state it has no class for,
     * including a trigger's {@code SIGNAL SQLSTATE '45000'}).
     */
    private static Kind classifyOne(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String stateClass = state.length() >= 2 ? state.substring(0, 2) : "";
        int code = e.getErrorCode();
        if (TRANSIENT_STATES.contains(state) || MYSQL_TRANSIENT_CODES.contains(code)) {
            return Kind.TRANSIENT;
        }
        if (RECORD_STATES.contains(state) || MYSQL_RECORD_CODES.contains(code)) {
            return Kind.RECORD;
        }
        switch (stateClass) {
            case "08", "40", "53", "57":
                return Kind.TRANSIENT;
            case "22", "23":
                return Kind.RECORD;
            default:
                break;
        }
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return Kind.TRANSIENT;
        }
        return Kind.UNCLASSIFIED;
    }

    /** The error, its next exceptions and SQLException causes, each once, at most 20. */
    private static List<SQLException> chain(SQLException error) {
        List<SQLException> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        List<Throwable> pending = new ArrayList<>(List.of(error));
        while (!pending.isEmpty() && chain.size() < 20) {
            Throwable t = pending.remove(0);
            if (t == null || seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            if (t instanceof SQLException sql) {
                chain.add(sql);
                pending.add(sql.getNextException());
            }
            pending.add(t.getCause());
        }
        return chain;
    }
}
