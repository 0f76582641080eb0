package io.ordertimeout.poison;

import io.ordertimeout.testkit.db.EmbeddedMariaDbDatabase;
import io.ordertimeout.testkit.db.TestDatabase;

/** {@link PoisonCorpusEndToEnd} on MariaDB, with the MySQL scripts of {@code sql/}. */
class PoisonCorpusEndToEndMariaDbTest extends PoisonCorpusEndToEnd {

    @Override
    TestDatabase startDatabase() {
        return EmbeddedMariaDbDatabase.start();
    }
}
