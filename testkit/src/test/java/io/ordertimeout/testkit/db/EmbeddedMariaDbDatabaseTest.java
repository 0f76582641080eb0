package io.ordertimeout.testkit.db;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class EmbeddedMariaDbDatabaseTest extends TestDatabaseContract {

    private static EmbeddedMariaDbDatabase mariaDb;

    @BeforeAll
    static void startServer() {
        mariaDb = EmbeddedMariaDbDatabase.start();
        prepare(mariaDb);
    }

    @AfterAll
    static void stopServer() {
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    @Override
    FaultInjectableDatabase database() {
        return mariaDb;
    }
}
