package io.ordertimeout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the benchmark harness from rotting: each contender runs the smoke size of the live run
 * against a real broker and PostgreSQL, and must close every unpaid order and no other (every
 * order row ends in the status the simulated services' history demands). Not about speed.
 */
class ContendersSmokeTest {

    private static EmbeddedRocketMq rocketMq;
    private static BenchPostgres database;

    @BeforeAll
    static void startServers() throws Exception {
        rocketMq = EmbeddedRocketMq.start();
        database = BenchPostgres.start();
    }

    @AfterAll
    static void stopServers() {
        if (database != null) {
            database.close();
        }
        if (rocketMq != null) {
            rocketMq.close();
        }
    }

    static Stream<String> contenders() {
        return Stream.of(Contenders.JOB_ROCKSDB, Contenders.SCANNER, Contenders.DELAY, Contenders.CEP);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contenders")
    void closesEveryUnpaidOrderAndNoOther(String contender) throws Exception {
        BenchSize smoke = BenchSize.SMOKE;
        LiveSetup setup = smoke.liveSetup(rocketMq, database, "smoke-" + contender);

        LiveResult result = LiveRun.run(database, setup, smoke.liveLoad(), Contenders.all().get(contender),
                smoke.closeWait());

        assertThat(result.expectedCloses()).as("the workload must contain unpaid orders").isPositive();
        if (contender.equals(Contenders.CEP)) {
            // CEP drops events that arrive behind the watermark (here: a CREATED that reaches the
            // operator more than the out-of-orderness bound after the quiet stream's watermark
            // started following the clock), so on a loaded machine it may miss a close; it must
            // never close a paid or cancelled order. bench/README.md reports this difference.
            assertThat(result.mismatches()).as("CEP: orders in the wrong final status")
                    .allMatch(mismatch -> mismatch.endsWith("expected CLOSED, found PENDING_PAYMENT"));
            assertThat(result.closes()).isPositive();
            return;
        }
        assertThat(result.mismatches()).as("orders in the wrong final status").isEmpty();
        assertThat(result.closes()).isEqualTo(result.expectedCloses());
    }
}
