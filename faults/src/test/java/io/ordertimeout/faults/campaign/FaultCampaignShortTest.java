package io.ordertimeout.faults.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault campaign's 3-fault variant in the build: the job's fat jar on a real Flink cluster,
 * broker and PostgreSQL under live orders; a TaskManager killed (-9), the database stopped and
 * started again, and a stop-with-savepoint resumed at another parallelism (2 → 3). Nothing may be
 * lost or doubled (ground truth row by row) and closes must flow again after each fault. The full
 * campaign (≥ 20 faults, every kind) is {@code faults/run.sh}.
 */
class FaultCampaignShortTest {

    @Test
    void threeFaultsLoseNothingAndClosesFlowAgainAfterEach() throws Exception {
        CampaignSettings settings = new CampaignSettings(
                List.of(FaultKind.TASK_MANAGER_KILL, FaultKind.DATABASE_STOP, FaultKind.RESCALE),
                Duration.ZERO, "postgres", 5,
                Duration.ofSeconds(8), Duration.ofSeconds(6),
                Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(20), Duration.ofSeconds(3),
                2, 2, new int[] {2, 3, 1}, 9,
                Path.of(System.getProperty("order-timeout.job-jar")), null);

        CampaignResult result = FaultCampaign.run(settings);
        String report = CampaignReport.markdown(result);

        assertThat(result.faults()).as(report).hasSize(3);
        assertThat(result.faults()).as(report).allMatch(FaultRecord::recovered);
        assertThat(result.groundTruth().passed()).as(report).isTrue();
        assertThat(result.expectedCloses()).as("the job had closes to make").isPositive();
        assertThat(result.groundTruth().distinctDeadLetters()).as(report).isEqualTo(result.expectedDeadLetters());
        assertThat(result.passed()).as(report).isTrue();
    }
}
