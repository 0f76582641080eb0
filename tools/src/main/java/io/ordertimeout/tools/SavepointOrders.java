package io.ordertimeout.tools;

import io.ordertimeout.OrderTimeoutPipeline;
import java.util.function.Consumer;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Reads the job's timeout operator from a savepoint or retained checkpoint (any backend, canonical
 * or native format) with the State Processor API: every order's state streamed to the caller, and
 * the operator's "pending-orders" counters (what the {@code pendingOrders} gauge starts from).
 */
final class SavepointOrders {

    private static final OperatorIdentifier TIMEOUT_OPERATOR = OperatorIdentifier.forUid(OrderTimeoutPipeline.TIMEOUT_UID);

    private final Configuration flinkConfig;
    private final String savepointPath;

    SavepointOrders(Configuration flinkConfig, String savepointPath) {
        this.flinkConfig = flinkConfig;
        this.savepointPath = savepointPath;
    }

    /** Streams every order in the savepoint to {@code orders}; returns how many. */
    long forEachOrder(Consumer<OrderInSavepoint> orders) throws Exception {
        StreamExecutionEnvironment env = environment();
        long count = 0;
        try (CloseableIterator<OrderInSavepoint> it = SavepointReader
                .read(env, savepointPath, new EmbeddedRocksDBStateBackend())
                .readKeyedState(TIMEOUT_OPERATOR, new OrderStateReader())
                .executeAndCollect("order-timeout: read orders of " + savepointPath)) {
            while (it.hasNext()) {
                orders.accept(it.next());
                count++;
            }
        }
        return count;
    }

    /** The sum of the job's per-subtask pending-orders counters. */
    long pendingOrdersCounter() throws Exception {
        StreamExecutionEnvironment env = environment();
        long sum = 0;
        try (CloseableIterator<Long> it = SavepointReader
                .read(env, savepointPath, new EmbeddedRocksDBStateBackend())
                .readListState(TIMEOUT_OPERATOR, PendingOrderBootstrapFunction.PENDING_ORDERS_STATE, Types.LONG)
                .executeAndCollect("order-timeout: read pending-orders of " + savepointPath)) {
            while (it.hasNext()) {
                sum += it.next();
            }
        }
        return sum;
    }

    private StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return env;
    }
}
