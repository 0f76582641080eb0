package io.ordertimeout.testkit.db;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
    FaultInjectableDatabase database() {
        return postgres;
    }
}
