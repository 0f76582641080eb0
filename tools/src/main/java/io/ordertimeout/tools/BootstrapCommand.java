package io.ordertimeout.tools;

import io.ordertimeout.OrderTimeoutPipeline;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSourceBuilder;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bootstrap}: reads the pending orders of the orders table once (one streamed query through
 * flink-connector-jdbc's {@link JdbcSource}, a single split) and writes a savepoint for the job's
 * timeout operator ({@link OrderTimeoutPipeline#TIMEOUT_UID}, the job's max parallelism) holding
 * a pending state and a deadline timer per order. Written with RocksDB, the job's default backend,
 * in Flink's canonical savepoint format, which any backend restores at any parallelism.
 */
final class BootstrapCommand {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapCommand.class);

    private BootstrapCommand() {}

    /** What a bootstrap wrote. */
    record Result(String savepointPath, long orders, long pastDeadline, Duration took) {}

    static Result run(ToolSettings settings, Configuration flinkConfig, String savepointPath) throws Exception {
        long started = System.nanoTime();
        long now = System.currentTimeMillis();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);

        JdbcSourceBuilder<PendingOrderRow> builder = JdbcSource.<PendingOrderRow>builder()
                .setDBUrl(settings.driverUrl)
                .setDriverName(settings.driverClassName)
                .setSql(new OrdersTable(settings).pendingOrdersSql())
                .setResultExtractor(new PendingOrderRowExtractor(settings))
                .setTypeInformation(TypeInformation.of(PendingOrderRow.class))
                .setResultSetFetchSize(settings.fetchSize)
                // PostgreSQL streams a result with a fetch size only outside autocommit.
                .setAutoCommit(false);
        if (settings.user != null) {
            builder.setUsername(settings.user);
        }
        if (settings.password != null) {
            builder.setPassword(settings.password);
        }
        DataStream<PendingOrderRow> rows = env
                .fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "Pending orders of " + settings.ordersTable)
                .setParallelism(1)
                .map(new CountPendingOrders(now))
                .setParallelism(1)
                .name("Count pending orders");

        StateBootstrapTransformation<PendingOrderRow> pendingOrders = OperatorTransformation
                .bootstrapWith(rows)
                .keyBy(row -> row.orderId, Types.STRING)
                .transform(new PendingOrderBootstrapFunction());
        SavepointWriter
                .newSavepoint(env, new EmbeddedRocksDBStateBackend(), settings.maxParallelism)
                .withOperator(OperatorIdentifier.forUid(OrderTimeoutPipeline.TIMEOUT_UID), pendingOrders)
                .write(savepointPath);
        JobExecutionResult result = env.execute("order-timeout bootstrap");

        Long orders = result.getAccumulatorResult(CountPendingOrders.ORDERS);
        Long pastDeadline = result.getAccumulatorResult(CountPendingOrders.PAST_DEADLINE);
        Result written = new Result(savepointPath, orders == null ? 0 : orders, pastDeadline == null ? 0 : pastDeadline,
                Duration.ofNanos(System.nanoTime() - started));
        LOG.info("Bootstrap wrote {} pending orders ({} past their deadline) to {} in {} ms", written.orders,
                written.pastDeadline, savepointPath, written.took.toMillis());
        return written;
    }

    static void print(Result result, long nowMillis, PrintStream out) {
        out.println("Bootstrapped " + result.orders + " pending orders (" + result.pastDeadline
                + " already past their deadline: closed at the job's first watermark) in "
                + result.took.toMillis() + " ms.");
        out.println("Savepoint: " + result.savepointPath);
        out.println("Start the job from it: flink run -s " + result.savepointPath
                + " -Dorder-timeout.rocketmq.start-from=latest ... (as of " + Instant.ofEpochMilli(nowMillis) + ")");
    }
}
