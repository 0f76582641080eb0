package io.ordertimeout.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.sink.CloseOutcome;
import io.ordertimeout.sink.CloseResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/** DESIGN.md §6: an OrderClosed event only for a close the database applied. */
class RocketMqOutputsTest {

    @Test
    void onlyAppliedClosesAreAnnounced() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<String> announced = new ArrayList<>();

        try (CloseableIterator<CloseCommand> closes = RocketMqOutputs.appliedCloses(env.fromData(
                new CloseResult(new CloseCommand("o-applied", 1_000, 2_000), CloseOutcome.APPLIED),
                new CloseResult(new CloseCommand("o-paid-meanwhile", 1_000, 2_000), CloseOutcome.NOT_PENDING),
                new CloseResult(new CloseCommand("o-replayed", 1_000, 2_000), CloseOutcome.APPLIED)))
                .executeAndCollect()) {
            closes.forEachRemaining(close -> announced.add(close.orderId));
        }

        assertThat(announced).containsExactly("o-applied", "o-replayed");
    }
}
