package io.ordertimeout.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local runner's answer to "why is the job RESTARTING": a real job on a MiniCluster fails the
 * way a job with a login the database refuses does (MariaDB's "Access denied", wrapped as the JDBC
 * writer wraps it), restarts, and then fails differently; {@link JobFailures} reads the REST API
 * the web UI uses and reports each root cause once, not on every restart.
 */
class JobFailuresTest {

    static final String ACCESS_DENIED = "(conn=7) Access denied for user 'order_timeout_job'@'localhost'"
            + " (using password: YES)";
    static final String CONNECTION_REFUSED = "Connection refused";
    /** Attempts 0..2 are refused the login, the later ones the connection. */
    static final int ACCESS_DENIED_ATTEMPTS = 3;

    private static MiniCluster cluster;
    private static JobID jobId;
    private static FlinkRestClient rest;

    @BeforeAll
    static void runAFailingJob() throws Exception {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.BIND_PORT, "0");
        // The REST API caches a job's exception history this long (default 3 s); the first cause
        // lasts only about a second here.
        config.set(WebOptions.REFRESH_INTERVAL, Duration.ofMillis(100));
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(config)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        rest = new FlinkRestClient(cluster.getRestAddress().get(30, TimeUnit.SECONDS));

        Configuration jobConfig = new Configuration();
        jobConfig.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        jobConfig.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        jobConfig.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(300));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig);
        env.setParallelism(1);
        env.fromSequence(1, Long.MAX_VALUE).map(new FailingWriter()).name("Close orders + audit (JDBC)")
                .sinkTo(new DiscardingSink<>());
        jobId = cluster.submitJob(env.getStreamGraph().getJobGraph()).get(30, TimeUnit.SECONDS).getJobID();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachRootCauseOfARestartingJobIsReportedOnce() throws Exception {
        JobFailures failures = new JobFailures(rest, jobId.toString());
        List<JobFailures.Failure> reported = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (reported.size() < 2 && System.nanoTime() < deadline) {
            failures.unreported().ifPresent(reported::add);
            Thread.sleep(100);
        }
        // Restarts go on failing with the second cause: nothing new to report.
        Thread.sleep(700);
        failures.unreported().ifPresent(reported::add);

        assertThat(reported).extracting(JobFailures.Failure::rootCause).containsExactly(
                SQLInvalidAuthorizationSpecException.class.getName() + ": " + ACCESS_DENIED,
                ConnectException.class.getName() + ": " + CONNECTION_REFUSED);
        assertThat(reported.get(0).taskName()).contains("Close orders + audit (JDBC)");
        assertThat(reported.get(0).describe()).startsWith("latest failure in ").contains(ACCESS_DENIED)
                .endsWith("hint: " + JobFailures.ANONYMOUS_USERS_HINT);
        assertThat(reported.get(1).describe()).endsWith(CONNECTION_REFUSED);
        assertThat(failures.latest()).hasValueSatisfying(latest ->
                assertThat(latest.rootCause()).endsWith(CONNECTION_REFUSED));
    }

    @Test
    void theRootCauseIsTheInnermostCauseWithItsMessageButNoStackTrace() {
        String stacktrace = """
                java.io.IOException: writing 1 close record(s) failed
                \tat io.ordertimeout.sink.TransactionalJdbcWriter.flush(TransactionalJdbcWriter.java:234)
                Caused by: java.sql.SQLException: could not connect
                \tat org.mariadb.jdbc.Driver.connect(Driver.java:1)
                \t... 12 more
                Caused by: java.sql.SQLInvalidAuthorizationSpecException: Access denied
                for user 'order_timeout_job'@'localhost'
                \tat org.mariadb.jdbc.client.impl.ConnectionHelper.connect(ConnectionHelper.java:1)
                \t... 14 more
                """;

        assertThat(JobFailures.rootCause(stacktrace)).isEqualTo(
                "java.sql.SQLInvalidAuthorizationSpecException: Access denied\nfor user 'order_timeout_job'@'localhost'");
        assertThat(JobFailures.rootCause("java.lang.IllegalStateException: no cause\n\tat a.b.C.d(C.java:1)"))
                .isEqualTo("java.lang.IllegalStateException: no cause");
    }

    /** Fails each attempt on its first record, as a writer that cannot log in or connect does. */
    static final class FailingWriter extends RichMapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) throws Exception {
            int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
            Exception cause = attempt < ACCESS_DENIED_ATTEMPTS
                    ? new SQLInvalidAuthorizationSpecException(ACCESS_DENIED, "28000", 1045)
                    : new ConnectException(CONNECTION_REFUSED);
            throw new IOException("writing 1 close record(s) failed after 0 retries", cause);
        }
    }
}
