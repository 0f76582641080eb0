package io.ordertimeout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the benchmark harness from rotting: each contender runs the smoke size of the live run
 * against a real broker and PostgreSQL, and must close every unpaid order and no other (every
 * order row ends in the status the simulated services' history demands). The deadline storm's
 * smoke size runs for the job and for delay messages: every unpaid order of the burst closed, no
 * paid one. Not about speed.
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

    @ParameterizedTest(name = "storm {0}")
    @ValueSource(strings = {Contenders.JOB_ROCKSDB, Contenders.DELAY})
    void deadlineStormClosesEveryUnpaidOrderAndNoPaidOne(String contender) throws Exception {
        DeadlineStorm.Result result = new DeadlineStorm(rocketMq, database, BenchSize.SMOKE).run(contender);

        assertThat(result.wrong()).as("storm orders in the wrong final status").isEmpty();
        assertThat(result.wrongCount()).isZero();
        assertThat(result.expectedCloses()).isEqualTo(BenchSize.SMOKE.storm().orders() / 10);
        assertThat(result.closes()).isEqualTo(result.expectedCloses());
        assertThat(result.lastCloseObservedAt()).as("the last close was seen in the database").isPositive();
        assertThat(result.lateness().count()).isEqualTo(result.expectedCloses());
        if (contender.equals(Contenders.JOB_ROCKSDB)) {
            // The broker's timer wheel has 1 s slots and may deliver early; the job must never close early.
            assertThat(result.lateness().minMs()).as("no order closed before its deadline").isNotNegative();
            assertThat(result.earlierCheckpoints().size() + result.stormCheckpoints().size())
                    .as("checkpoint statistics read from the job's REST API").isPositive();
        }
    }
}
