package io.ordertimeout.testing;

import io.ordertimeout.OrderMessageSource;
import io.ordertimeout.event.OrderEventParser;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.time.OrderWatermarks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Like {@link ListOrderSource}, but the messages are spread over several splits the way a plain
 * RocketMQ producer spreads them over queues: the k-th message of a key goes to split
 * (hash(key) + k) mod N, so consecutive events of one order sit in different splits. Each split is
 * its own bounded source subtask with its own per-event watermarks, and the job's first operator
 * sees their records interleaved as the subtasks happen to run: the arrival order of one order's
 * events varies from run to run.
 *
 * <p>The splits are read at a bounded skew, like queues of a consumer that is catching up: a
 * message may be emitted only once every message more than {@code window} places before it in
 * the list has been emitted (a shared cursor in this JVM, the MiniCluster's). Without a bound one
 * subtask could start a second later and another would read tens of seconds of event time ahead,
 * and the ground truth of the list (which late payment comes after its order's close) would no
 * longer hold. Within the window, subtasks stall at random so that they overtake each other.
 *
 * <p>For bounded runs without restarts only: the cursor is not part of any checkpoint.
 */
public final class SpreadListOrderSource implements OrderMessageSource {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Cursor> CURSORS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final int[][] splitIndexes;
    private final Duration outOfOrderness;

    /**
     * @param keys the RocketMQ key (orderId) of each payload, in list order
     * @param window how many places a message may be emitted ahead of the earliest one not yet emitted
     */
    public SpreadListOrderSource(List<byte[]> payloads, List<String> keys, int splits, int window,
            Duration outOfOrderness) {
        if (payloads.size() != keys.size() || splits < 2 || window < 1) {
            throw new IllegalArgumentException("one key per payload, at least 2 splits and a window of 1");
        }
        List<List<Integer>> bySplit = new ArrayList<>();
        for (int split = 0; split < splits; split++) {
            bySplit.add(new ArrayList<>());
        }
        Map<String, Integer> sentPerKey = new HashMap<>();
        for (int index = 0; index < keys.size(); index++) {
            String key = keys.get(index);
            int k = sentPerKey.merge(key, 1, Integer::sum) - 1;
            bySplit.get(Math.floorMod(key.hashCode() + k, splits)).add(index);
        }
        this.splitIndexes = bySplit.stream()
                .map(indexes -> indexes.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        this.outOfOrderness = outOfOrderness;
        CURSORS.put(id, new Cursor(List.copyOf(payloads), List.copyOf(keys), window));
    }

    /**
     * Pairs of messages with the same key that the subtasks emitted in the reverse of their list
     * order: evidence that the arrival order really varied.
     */
    public int overtakenMessages() {
        return CURSORS.get(id).overtaken();
    }

    @Override
    public DataStream<OrderMessage> create(StreamExecutionEnvironment env, WatermarkStrategy<OrderMessage> ignored) {
        DataStream<OrderMessage> union = null;
        for (int split = 0; split < splitIndexes.length; split++) {
            String cursorId = id;
            int[] indexes = splitIndexes[split];
            long seed = split;
            OrderEventParser parser = new OrderEventParser();
            GeneratorFunction<Long, OrderMessage> generator = new GeneratorFunction<>() {
                private transient Random stalls;

                @Override
                public OrderMessage map(Long position) throws Exception {
                    if (stalls == null) {
                        stalls = new Random(seed);
                    }
                    if (stalls.nextInt(40) == 0) {
                        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200 + stalls.nextInt(3_000)));
                    }
                    int index = indexes[position.intValue()];
                    byte[] payload = CURSORS.get(cursorId).emit(index);
                    return parser.parse(payload, "spread/" + index, System.currentTimeMillis());
                }
            };
            DataGeneratorSource<OrderMessage> source =
                    new DataGeneratorSource<>(generator, indexes.length, TypeInformation.of(OrderMessage.class));
            WatermarkStrategy<OrderMessage> perEvent =
                    OrderWatermarks.perEventStrategy(outOfOrderness, Duration.ofDays(1), System::currentTimeMillis);
            // Flushed after every record: a record must not wait in a half-full network buffer
            // (100 ms by default) while full buffers of the other splits overtake it.
            DataStream<OrderMessage> part = env.fromSource(source, perEvent, "Order messages (split " + split + ")")
                    .uid("spread-source-" + split)
                    .setParallelism(1)
                    .setBufferTimeout(0);
            union = union == null ? part : union.union(part);
        }
        return union;
    }

    /** The shared reading position of all splits. */
    private static final class Cursor {
        private final List<byte[]> payloads;
        private final List<String> keys;
        private final int window;
        private final boolean[] emitted;
        private final Map<String, Integer> lastEmittedPerKey = new HashMap<>();
        private int firstNotEmitted;
        private int overtaken;

        Cursor(List<byte[]> payloads, List<String> keys, int window) {
            this.payloads = payloads;
            this.keys = keys;
            this.window = window;
            this.emitted = new boolean[payloads.size()];
        }

        /** Waits until {@code index} is within the window, marks it emitted and returns its payload. */
        synchronized byte[] emit(int index) throws InterruptedException {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (index - firstNotEmitted > window) {
                if (System.nanoTime() - giveUp > 0) {
                    throw new IllegalStateException("Split holding message " + firstNotEmitted
                            + " made no progress for 60 s");
                }
                wait(10);
            }
            emitted[index] = true;
            Integer previous = lastEmittedPerKey.put(keys.get(index), index);
            if (previous != null && previous > index) {
                overtaken++;
            }
            while (firstNotEmitted < emitted.length && emitted[firstNotEmitted]) {
                firstNotEmitted++;
            }
            notifyAll();
            return payloads.get(index);
        }

        synchronized int overtaken() {
            return overtaken;
        }
    }
}
