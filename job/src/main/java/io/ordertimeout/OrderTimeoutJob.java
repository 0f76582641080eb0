package io.ordertimeout;

import io.ordertimeout.config.JobSettings;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.output.RocketMqOutputs;
import io.ordertimeout.sink.DatabaseOutcomes;
import io.ordertimeout.sink.JdbcSinkSettings;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.sink.OrderDatabaseSinks;
import io.ordertimeout.time.OrderWatermarks;
import io.ordertimeout.time.WallClock;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the job jar. Settings come from the Flink configuration ({@code flink run
 * -Dorder-timeout.x=...} or the config file) and, for convenience, from program arguments in
 * {@code --order-timeout.x value} form; see {@link io.ordertimeout.config.OrderTimeoutOptions}.
 */
public final class OrderTimeoutJob {

    public static final String JOB_NAME = "order-timeout";

    private static final Logger LOG = LoggerFactory.getLogger(OrderTimeoutJob.class);

    private OrderTimeoutJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration config = configuration(env, args);
        DatabaseOutcomes outcomes = define(env, config, RocketMqOrderSource.from(config), WallClock.system());
        RocketMqOutputs.from(config).attach(outcomes);
        env.execute(JOB_NAME);
    }

    /**
     * The environment's configuration (Flink config file, {@code -D}) with the program arguments
     * ({@code --key value}) on top: the arguments win, and {@link #define} applies all of it to
     * the environment, Flink's own options (checkpointing, restarts, state backend) included.
     */
    static Configuration configuration(StreamExecutionEnvironment env, String[] args) {
        Configuration config = Configuration.fromMap(env.getConfiguration().toMap());
        config.addAll(ParameterTool.fromArgs(args).getConfiguration());
        return config;
    }

    /**
     * Builds the whole job on {@code env}. Every setting is validated before anything is built, so
     * a wrong one stops the job at submission with a message naming the option.
     *
     * @return what the database did, for the optional outputs downstream of it
     */
    public static DatabaseOutcomes define(
            StreamExecutionEnvironment env, Configuration config, OrderMessageSource source, WallClock clock) {
        JobSettings settings = JobSettings.from(config);
        OrderDatabaseSinks database = new OrderDatabaseSinks(JdbcSinkSettings.from(config));
        LOG.info("order-timeout settings: {}", settings);

        Configuration effective = OperationalDefaults.effective(config);
        env.configure(effective);
        if (effective.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            // The size limit is the trap found by the 1,000,000-order deadline storm (bench/): every checkpoint
            // failed and the job restarted in a loop, so the message names it, not only the durability.
            LOG.warn("No {} set: checkpoints are kept in JobManager memory only, so they are lost with it, "
                    + "cannot be retained after a cancel, and fail once a task's state passes 5 MB (roughly "
                    + "tens of thousands of pending orders per subtask), which restarts the job in a loop. "
                    + "Set a durable directory (e.g. s3://..., hdfs://...) for production.",
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
        }
        env.setMaxParallelism(settings.maxParallelism);

        DataStream<OrderMessage> messages = source.create(
                env, OrderWatermarks.strategy(settings.outOfOrderness, settings.idleTimeout, clock));
        OrderTimeoutPipeline pipeline = OrderTimeoutPipeline.attach(messages, settings, clock);
        return database.attach(pipeline);
    }
}
