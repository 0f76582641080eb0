package io.ordertimeout.bench;

import io.ordertimeout.OrderTimeoutJob;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.time.WallClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink job reading the order topic on a local MiniCluster: this project's job (with RocksDB or
 * heap state) or the CEP variant.
 */
final class FlinkJobContender implements Contender {

    enum Kind { TIMEOUT_JOB, CEP }

    private final String name;
    private final Kind kind;
    private final String stateBackend;
    private final LiveSetup setup;
    private JobClient job;

    FlinkJobContender(String name, Kind kind, String stateBackend, LiveSetup setup) {
        this.name = name;
        this.kind = kind;
        this.stateBackend = stateBackend;
        this.setup = setup;
    }

    @Override
    public String name() {
        return name;
    }

    static Configuration jobConfig(String stateBackend, LiveSetup setup, String topic, String group) {
        Configuration config = FlinkSettings.base(stateBackend);
        config.setString("order-timeout.pay-timeout", setup.payTimeout().toMillis() + " ms");
        config.setString("order-timeout.watermark.out-of-orderness", setup.outOfOrderness().toMillis() + " ms");
        config.setString("order-timeout.watermark.idle-timeout", setup.idleTimeout().toMillis() + " ms");
        config.setString("order-timeout.rocketmq.namesrv-addr", setup.rocketMq().nameServerAddress());
        config.setString("order-timeout.rocketmq.topic", topic);
        config.setString("order-timeout.rocketmq.consumer-group", group);
        config.setString("order-timeout.rocketmq.start-from", "earliest");
        config.setString("order-timeout.jdbc.url", setup.database().jdbcUrl());
        config.setString("order-timeout.jdbc.user", BenchPostgres.CONTENDER_ROLE);
        config.setString("order-timeout.jdbc.password", BenchPostgres.CONTENDER_PASSWORD);
        return config;
    }

    static JobClient submit(Kind kind, Configuration config, int parallelism, String jobName) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        if (kind == Kind.TIMEOUT_JOB) {
            OrderTimeoutJob.define(env, config, RocketMqOrderSource.from(config), WallClock.system());
        } else {
            CepTimeoutJob.define(env, config, RocketMqOrderSource.from(config));
        }
        JobClient client = env.executeAsync(jobName);
        awaitRunning(client, Duration.ofSeconds(60));
        return client;
    }

    static void awaitRunning(JobClient client, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isTerminalState()) {
                throw new IllegalStateException("Job ended as " + status + " before running");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Job not running after " + timeout + ": " + status);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void start() throws Exception {
        String group = "bench-" + name + "-" + System.nanoTime();
        job = submit(kind, jobConfig(stateBackend, setup, setup.topic(), group), setup.parallelism(), "bench-" + name);
    }

    @Override
    public void close() throws Exception {
        if (job != null) {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("Cancelling " + name + " failed: " + e);
            }
            job = null;
        }
    }
}
