package io.ordertimeout.sink;

import static io.ordertimeout.sink.SqlErrorClassifier.Kind.RECORD;
import static io.ordertimeout.sink.SqlErrorClassifier.Kind.TRANSIENT;
import static io.ordertimeout.sink.SqlErrorClassifier.Kind.UNCLASSIFIED;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorClassifierTest {

    private static SQLException error(String state, int code) {
        return new SQLException("message " + state + "/" + code, state, code);
    }

    @Test
    void dataConstraintAndRaisedErrorsAreRecordErrors() {
        for (String state : new String[] {"22001", "22021", "22003", "23502", "23503", "23514", "23505", "P0001", "45000"}) {
            assertThat(SqlErrorClassifier.classify(error(state, 0))).as(state).isEqualTo(RECORD);
        }
        // MySQL/MariaDB report many of them with the generic HY000.
        for (int code : new int[] {1366, 1406, 1264, 1292, 1048, 1452, 3819, 4025, 1644}) {
            assertThat(SqlErrorClassifier.classify(error("HY000", code))).as("code " + code).isEqualTo(RECORD);
        }
    }

    @Test
    void connectionDeadlockResourceAndInterventionErrorsAreTransient() {
        for (String state : new String[] {"08006", "08001", "40001", "40P01", "53300", "57P01", "55P03", "HYT00"}) {
            assertThat(SqlErrorClassifier.classify(error(state, 0))).as(state).isEqualTo(TRANSIENT);
        }
        for (int code : new int[] {1205, 1213}) {
            assertThat(SqlErrorClassifier.classify(error("HY000", code))).as("code " + code).isEqualTo(TRANSIENT);
        }
        assertThat(SqlErrorClassifier.classify(new SQLTransientConnectionException("gone"))).isEqualTo(TRANSIENT);
    }

    @Test
    void theStateDecidesBeforeTheExceptionClass() {
        // MariaDB Connector/J throws SQLTransientConnectionException for states it has no class for.
        assertThat(SqlErrorClassifier.classify(new SQLTransientConnectionException("refused", "45000", 1644)))
                .isEqualTo(RECORD);
    }

    @Test
    void whatWeDoNotUnderstandIsNeverARecordError() {
        assertThat(SqlErrorClassifier.classify(error("42501", 0))).isEqualTo(UNCLASSIFIED); // permission denied
        assertThat(SqlErrorClassifier.classify(error("42601", 0))).isEqualTo(UNCLASSIFIED); // syntax error
        assertThat(SqlErrorClassifier.classify(error(null, 0))).isEqualTo(UNCLASSIFIED);
        assertThat(SqlErrorClassifier.classify(error("HY000", 1142))).isEqualTo(UNCLASSIFIED); // command denied
    }

    @Test
    void theChainIsLookedAtAndATransientErrorWins() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 1 was aborted", null, 0, new int[0]);
        batch.setNextException(error("23514", 0));
        assertThat(SqlErrorClassifier.classify(batch)).isEqualTo(RECORD);
        assertThat(SqlErrorClassifier.describe(batch)).isEqualTo("SQLState 23514 (code 0): message 23514/0");

        SQLException lostConnection = error("22001", 0);
        lostConnection.setNextException(error("08006", 0));
        assertThat(SqlErrorClassifier.classify(lostConnection)).isEqualTo(TRANSIENT);

        SQLException wrapped = new SQLException("batch failed", "HY000", 0, error("HY000", 1406));
        assertThat(SqlErrorClassifier.classify(wrapped)).isEqualTo(RECORD);
    }
}
