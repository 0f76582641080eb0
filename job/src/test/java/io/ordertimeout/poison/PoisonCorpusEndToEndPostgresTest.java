package io.ordertimeout.poison;

import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;

/** {@link PoisonCorpusEndToEnd} on PostgreSQL, whose text types reject NUL. */
class PoisonCorpusEndToEndPostgresTest extends PoisonCorpusEndToEnd {

    @Override
    TestDatabase startDatabase() {
        return EmbeddedPostgresDatabase.start();
    }
}
