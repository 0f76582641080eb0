package io.ordertimeout.sink;

/**
 * A named parameter a statement may use, and how to get its value from the record being
 * written. Implemented by one enum per record type, so the set of names is closed and the
 * bindings serialize as enum constants.
 */
public interface StatementParameter<T> {

    /** The name written in statements without the colon, e.g. {@code order_id}. */
    String parameterName();

    /** The JDBC bind value; {@code null} binds SQL NULL of {@link #sqlType()}. */
    Object value(T record, SqlDialect dialect);

    /** The {@link java.sql.Types} code for a NULL (PostgreSQL needs the right one in INSERT ... SELECT). */
    int sqlType();
}
