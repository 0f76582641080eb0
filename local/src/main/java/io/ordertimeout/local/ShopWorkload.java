package io.ordertimeout.local;

import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import io.ordertimeout.testkit.workload.LiveCounters;
import io.ordertimeout.testkit.workload.LiveOrderSimulator;
import io.ordertimeout.testkit.workload.RocketMqEventPublisher;
import io.ordertimeout.testkit.workload.SqlFlavor;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.apache.rocketmq.client.exception.MQClientException;

/**
 * The simulated shop of a local run or of the standalone generator: live orders on the database
 * and the topic, then the wait for what is still due and the verdict over this run's orders.
 * Shared by {@link LocalRunner} and {@link WorkloadGeneratorMain}.
 */
final class ShopWorkload implements AutoCloseable {

    /** What to create; {@code duration} null means until stopped. */
    record Plan(double rate, Duration payTimeout, Duration latePaymentDelay, Duration duration, long seed) {}

    private final Plan plan;
    private final JdbcConnectionFactory connections;
    private final String orderIdPrefix = "run-" + Long.toString(System.currentTimeMillis(), 36) + "-";
    private final RocketMqEventPublisher publisher;
    private final LiveOrderSimulator simulator;
    private Instant lastDeadline;

    ShopWorkload(Plan plan, String nameServerAddress, String topic, JdbcConnectionFactory connections,
            SqlFlavor flavor) throws MQClientException {
        this.plan = plan;
        this.connections = connections;
        this.publisher = RocketMqEventPublisher.start(nameServerAddress, topic);
        this.simulator = LiveOrderSimulator.builder()
                .publisher(publisher)
                .database(connections, flavor)
                .ordersPerSecond(plan.rate())
                .payTimeout(plan.payTimeout())
                .latePaymentDelay(plan.latePaymentDelay())
                .maxDuration(plan.duration() == null ? Duration.ofDays(36_500) : plan.duration())
                .orderIdPrefix(orderIdPrefix)
                .seed(plan.seed())
                .build();
    }

    /**
     * Creates orders until the plan's duration has passed or a stop is requested, printing
     * {@code progressLine} of the shop's counters every {@code interval}.
     */
    void createOrders(StopSignal stop, Duration interval, Function<LiveCounters, String> progressLine)
            throws InterruptedException {
        simulator.start();
        while (simulator.isCreating() && !stop.requested()) {
            stop.pause(interval);
            Console.line(progressLine.apply(simulator.counters()));
        }
        simulator.stopCreating();
        // The creator thread may still be placing the order it was working on.
        long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (simulator.isCreating() && System.nanoTime() - settle < 0) {
            Thread.sleep(10);
        }
        lastDeadline = Instant.now().plus(plan.payTimeout());
    }

    /** When the last order created falls due. */
    Instant lastDeadline() {
        return lastDeadline;
    }

    /**
     * Waits until every scheduled payment and cancel is done (the last late payment comes
     * pay timeout + late-payment delay after its order), printing progress meanwhile. Returns
     * false if some were still due after that time plus 30 s.
     */
    boolean awaitFollowUps(Duration interval, Function<LiveCounters, String> progressLine)
            throws InterruptedException {
        Instant giveUp = Instant.now().plus(plan.payTimeout()).plus(plan.latePaymentDelay()).plusSeconds(30);
        while (!simulator.awaitFollowUps(interval)) {
            Console.line(progressLine.apply(simulator.counters()));
            if (Instant.now().isAfter(giveUp)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks this run's orders in the database until the check passes, but not before every
     * deadline is {@code closeWithin} old (the job's liveness bound), and at most {@code grace}
     * longer.
     */
    GroundTruthReport judge(Duration closeWithin, Duration grace, boolean checkDeadLetterTable) throws Exception {
        Instant now = Instant.now();
        Instant due = lastDeadline.plus(closeWithin);
        Instant earliest = due.isAfter(now) ? due : now;
        return new RunVerdict(connections, orderIdPrefix, checkDeadLetterTable)
                .await(simulator.expectedOutcome(), earliest, earliest.plus(grace));
    }

    LiveCounters counters() {
        return simulator.counters();
    }

    @Override
    public void close() {
        simulator.close();
        publisher.close();
    }
}
