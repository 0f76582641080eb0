package io.ordertimeout.sink;

import io.ordertimeout.config.InvalidSettingException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

/**
 * A statement with named parameters, resolved against the parameters its record type offers:
 * the {@link JdbcQueryStatement} the connector's {@code JdbcSink} prepares once and binds per
 * record. Default and overriding statements both come through here.
 */
public final class BoundStatement<T> implements JdbcQueryStatement<T> {

    private static final long serialVersionUID = 1L;

    private final String jdbcSql;
    private final ArrayList<StatementParameter<T>> bindings;
    private final SqlDialect dialect;

    private BoundStatement(String jdbcSql, List<StatementParameter<T>> bindings, SqlDialect dialect) {
        this.jdbcSql = jdbcSql;
        this.bindings = new ArrayList<>(bindings);
        this.dialect = dialect;
    }

    /**
     * @param option the setting the statement came from, named in the error when it is invalid
     * @throws InvalidSettingException when the statement does not parse or uses a parameter the
     *     record does not have
     */
    public static <T, P extends Enum<P> & StatementParameter<T>> BoundStatement<T> bind(
            String namedSql, Class<P> parameterType, SqlDialect dialect, ConfigOption<?> option) {
        NamedParameterSql parsed;
        try {
            parsed = NamedParameterSql.parse(namedSql, dialect);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(option, e.getMessage());
        }
        Map<String, P> byName = Arrays.stream(parameterType.getEnumConstants())
                .collect(Collectors.toMap(StatementParameter::parameterName, Function.identity()));
        List<StatementParameter<T>> bindings = new ArrayList<>();
        for (String name : parsed.parameterNames()) {
            P parameter = byName.get(name);
            if (parameter == null) {
                throw new InvalidSettingException(option, "unknown parameter :" + name + "; known: "
                        + byName.keySet().stream().sorted().map(n -> ":" + n).collect(Collectors.joining(", ")));
            }
            bindings.add(parameter);
        }
        return new BoundStatement<>(parsed.jdbcSql(), bindings, dialect);
    }

    @Override
    public String query() {
        return jdbcSql;
    }

    @Override
    public void statement(PreparedStatement statement, T record) throws SQLException {
        for (int i = 0; i < bindings.size(); i++) {
            StatementParameter<T> parameter = bindings.get(i);
            Object value = parameter.value(record, dialect);
            if (value == null) {
                statement.setNull(i + 1, parameter.sqlType());
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }

    /**
     * Runs the statement once per record as one JDBC batch on {@code connection} (in its current
     * transaction) and returns the driver's update count per record, in record order.
     */
    public int[] executeBatch(java.sql.Connection connection, List<? extends T> records) throws SQLException {
        try (PreparedStatement prepared = connection.prepareStatement(jdbcSql)) {
            for (T record : records) {
                statement(prepared, record);
                prepared.addBatch();
            }
            return prepared.executeBatch();
        }
    }

    /** Parameter names in placeholder order (for tests and the startup log). */
    public List<String> parameterNames() {
        return bindings.stream().map(StatementParameter::parameterName).toList();
    }

    @Override
    public String toString() {
        return jdbcSql + " " + parameterNames();
    }
}
