package io.ordertimeout.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresDatabaseTest extends TestDatabaseContract {

    private static EmbeddedPostgresDatabase postgres;

    @BeforeAll
    static void startServer() {
        postgres = EmbeddedPostgresDatabase.start();
        prepare(postgres);
    }

    @AfterAll
    static void stopServer() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    TestDatabase database() {
        return postgres;
    }

    @Test
    void stopsAndStartsAgainOnTheSameDataAndPort() throws SQLException {
        postgres.executeScript("CREATE TABLE IF NOT EXISTS fault_survivor (id int); INSERT INTO fault_survivor VALUES (7)");
        int port = postgres.port();

        postgres.stopServer();
        assertThat(postgres.isRunning()).isFalse();
        assertThatThrownBy(postgres::adminConnection).isInstanceOf(SQLException.class);

        postgres.startServer();
        assertThat(postgres.port()).isEqualTo(port);
        try (Connection connection = postgres.adminConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id FROM fault_survivor")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
    }

    @Test
    void pausedServerHangsOpenConnectionsUntilResumed() throws Exception {
        try (Connection connection = postgres.adminConnection()) {
            postgres.pause();
            CompletableFuture<Integer> query;
            try {
                query = CompletableFuture.supplyAsync(() -> selectOne(connection));
                assertThatThrownBy(() -> query.get(1500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            } finally {
                postgres.resume();
            }
            assertThat(query.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    private static int selectOne(Connection connection) {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
