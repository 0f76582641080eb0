package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Opens a new JDBC connection; each worker of the live simulator keeps its own. */
@FunctionalInterface
public interface JdbcConnectionFactory {

    Connection open() throws SQLException;

    static JdbcConnectionFactory of(DataSource dataSource) {
        return dataSource::getConnection;
    }

    static JdbcConnectionFactory of(String jdbcUrl, String user, String password) {
        return () -> DriverManager.getConnection(jdbcUrl, user, password);
    }
}
