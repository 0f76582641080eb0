package io.ordertimeout.config;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the job, as Flink {@link ConfigOption}s under {@code order-timeout.*}, so that
 * {@code flink run -D...}, the Flink config file and the local runner all set them the same way
 * and the web UI shows them. {@link JobSettings} reads and validates them.
 */
public final class OrderTimeoutOptions {

    private static final String PREFIX = "order-timeout.";

    private OrderTimeoutOptions() {}

    // ---- time (DESIGN.md §3, §4) ---------------------------------------------------------

    public static final ConfigOption<Duration> PAY_TIMEOUT =
            ConfigOptions.key(PREFIX + "pay-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription("Time from ORDER_CREATED to the payment deadline, unless the event "
                            + "carries payTimeoutSeconds.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key(PREFIX + "watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Bound on how late an event may arrive behind the newest one of its queue.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT =
            ConfigOptions.key(PREFIX + "watermark.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("After this long without events a queue that is caught up (nothing "
                            + "unread at the broker) lets its watermark follow the wall clock (now - "
                            + "out-of-orderness), so a quiet stream still closes orders.");

    public static final ConfigOption<Duration> STATE_RETENTION =
            ConfigOptions.key(PREFIX + "state.retention")
                    .durationType()
                    .defaultValue(Duration.ofHours(24))
                    .withDescription("How long after the deadline a finished order's state is kept to "
                            + "recognise duplicates and late events.");

    public static final ConfigOption<Integer> MAX_PARALLELISM =
            ConfigOptions.key(PREFIX + "max-parallelism")
                    .intType()
                    .defaultValue(128)
                    .withDescription("Key groups of the job's state. Fixed for the life of the state: "
                            + "changing it makes old savepoints unusable.");

    // ---- RocketMQ source -------------------------------------------------------------------

    public static final ConfigOption<String> ROCKETMQ_NAMESRV =
            ConfigOptions.key(PREFIX + "rocketmq.namesrv-addr")
                    .stringType()
                    .defaultValue("127.0.0.1:9876")
                    .withDescription("RocketMQ name server address(es), host:port;host:port.");

    public static final ConfigOption<String> ROCKETMQ_TOPIC =
            ConfigOptions.key(PREFIX + "rocketmq.topic")
                    .stringType()
                    .defaultValue("order-events")
                    .withDescription("Topic of the order events.");

    public static final ConfigOption<String> ROCKETMQ_CONSUMER_GROUP =
            ConfigOptions.key(PREFIX + "rocketmq.consumer-group")
                    .stringType()
                    .defaultValue("order-timeout")
                    .withDescription("Consumer group; offsets are committed to it when checkpoints complete.");

    public static final ConfigOption<String> ROCKETMQ_TAG_FILTER =
            ConfigOptions.key(PREFIX + "rocketmq.tag-filter")
                    .stringType()
                    .defaultValue("*")
                    .withDescription("Tag expression, e.g. ORDER_CREATED || ORDER_PAID.");

    public static final ConfigOption<String> ROCKETMQ_START_FROM =
            ConfigOptions.key(PREFIX + "rocketmq.start-from")
                    .stringType()
                    .defaultValue("committed-or-earliest")
                    .withDescription("Where a new job starts reading: committed-or-earliest, "
                            + "committed-or-latest, earliest, latest or timestamp.");

    public static final ConfigOption<Long> ROCKETMQ_START_TIMESTAMP =
            ConfigOptions.key(PREFIX + "rocketmq.start-timestamp")
                    .longType()
                    .noDefaultValue()
                    .withDescription("Epoch millis, with start-from=timestamp.");

    public static final ConfigOption<String> ROCKETMQ_ACCESS_KEY =
            ConfigOptions.key(PREFIX + "rocketmq.access-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("ACL access key, if the broker has ACL on.");

    public static final ConfigOption<String> ROCKETMQ_SECRET_KEY =
            ConfigOptions.key(PREFIX + "rocketmq.secret-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("ACL secret key; better from env ORDER_TIMEOUT_ROCKETMQ_SECRET_KEY. Never logged.");

    public static final ConfigOption<Integer> ROCKETMQ_POLL_BATCH_SIZE =
            ConfigOptions.key(PREFIX + "rocketmq.poll-batch-size")
                    .intType()
                    .defaultValue(256)
                    .withDescription("Messages per pull.");

    public static final ConfigOption<Duration> ROCKETMQ_POLL_TIMEOUT =
            ConfigOptions.key(PREFIX + "rocketmq.poll-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription("Longest wait of one poll.");

    public static final ConfigOption<Duration> ROCKETMQ_DISCOVERY_INTERVAL =
            ConfigOptions.key(PREFIX + "rocketmq.queue-discovery-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("How often new message queues of the topic are looked for.");

    // ---- RocketMQ source: queues removed from the topic (issue 13) ------------------------------

    public static final ConfigOption<Duration> ROCKETMQ_REMOVED_QUEUE_GRACE_PERIOD =
            ConfigOptions.key(PREFIX + "rocketmq.removed-queue-grace-period")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("How long a queue must be missing from the topic's route before the source "
                            + "stops reading it (a restarting broker's queues are missing for a while too). "
                            + "Its offset is kept: if it comes back it resumes there.");

    // ---- JDBC sink (DESIGN.md §5) -------------------------------------------------------------

    public static final ConfigOption<String> JDBC_URL =
            ConfigOptions.key(PREFIX + "jdbc.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("jdbc:postgresql://... or jdbc:mysql://... / jdbc:mariadb://...");

    public static final ConfigOption<String> JDBC_USER =
            ConfigOptions.key(PREFIX + "jdbc.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database user (least privilege: see sql/).");

    public static final ConfigOption<String> JDBC_PASSWORD =
            ConfigOptions.key(PREFIX + "jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database password; better from env ORDER_TIMEOUT_JDBC_PASSWORD. Never logged.");

    public static final ConfigOption<Integer> JDBC_BATCH_SIZE =
            ConfigOptions.key(PREFIX + "jdbc.batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Statements per JDBC batch.");

    public static final ConfigOption<Duration> JDBC_BATCH_INTERVAL =
            ConfigOptions.key(PREFIX + "jdbc.batch-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription("Longest time a statement waits in a batch.");

    public static final ConfigOption<Integer> JDBC_MAX_RETRIES =
            ConfigOptions.key(PREFIX + "jdbc.max-retries")
                    .intType()
                    .defaultValue(5)
                    .withDescription("Retries of a failed batch (with backoff) before the job fails and restarts "
                            + "from its last checkpoint.");

    public static final ConfigOption<String> DB_ORDERS_TABLE =
            ConfigOptions.key(PREFIX + "db.orders-table").stringType().defaultValue("orders")
                    .withDescription("Table of the orders.");

    public static final ConfigOption<String> DB_ORDER_ID_COLUMN =
            ConfigOptions.key(PREFIX + "db.order-id-column").stringType().defaultValue("order_id")
                    .withDescription("Order id column of the orders table.");

    public static final ConfigOption<String> DB_STATUS_COLUMN =
            ConfigOptions.key(PREFIX + "db.status-column").stringType().defaultValue("status")
                    .withDescription("Status column of the orders table.");

    public static final ConfigOption<String> DB_CLOSE_REASON_COLUMN =
            ConfigOptions.key(PREFIX + "db.close-reason-column").stringType().defaultValue("close_reason")
                    .withDescription("Column that receives the close reason.");

    public static final ConfigOption<String> DB_CLOSED_AT_COLUMN =
            ConfigOptions.key(PREFIX + "db.closed-at-column").stringType().defaultValue("closed_at")
                    .withDescription("Column that receives the close time.");

    public static final ConfigOption<String> DB_PENDING_STATUS =
            ConfigOptions.key(PREFIX + "db.pending-status").stringType().defaultValue("PENDING_PAYMENT")
                    .withDescription("Status value of an order awaiting payment; only such rows are closed.");

    public static final ConfigOption<String> DB_CLOSED_STATUS =
            ConfigOptions.key(PREFIX + "db.closed-status").stringType().defaultValue("CLOSED")
                    .withDescription("Status value written when closing.");

    public static final ConfigOption<String> DB_CLOSE_REASON =
            ConfigOptions.key(PREFIX + "db.close-reason").stringType().defaultValue("PAYMENT_TIMEOUT")
                    .withDescription("Close reason value.");

    public static final ConfigOption<String> DB_AUDIT_TABLE =
            ConfigOptions.key(PREFIX + "db.audit-table").stringType().defaultValue("order_timeout_log")
                    .withDescription("One row per close decision.");

    public static final ConfigOption<String> DB_REFUND_TABLE =
            ConfigOptions.key(PREFIX + "db.refund-table").stringType().defaultValue("refund_request")
                    .withDescription("One row per (order_id, payment_id) refund.");

    public static final ConfigOption<String> DB_DEAD_LETTER_TABLE =
            ConfigOptions.key(PREFIX + "db.dead-letter-table").stringType().noDefaultValue()
                    .withDescription("Optional table for dead letters (e.g. order_event_dead_letter).");

    public static final ConfigOption<String> CLOSE_STATEMENT =
            ConfigOptions.key(PREFIX + "jdbc.close-statement").stringType().noDefaultValue()
                    .withDescription("Overrides the close UPDATE; named parameters :order_id, :closed_at, "
                            + ":deadline.");

    public static final ConfigOption<String> AUDIT_STATEMENT =
            ConfigOptions.key(PREFIX + "jdbc.audit-statement").stringType().noDefaultValue()
                    .withDescription("Overrides the audit INSERT; named parameters :order_id, :deadline, "
                            + ":closed_at, :lateness_ms, :outcome.");

    public static final ConfigOption<String> REFUND_STATEMENT =
            ConfigOptions.key(PREFIX + "jdbc.refund-statement").stringType().noDefaultValue()
                    .withDescription("Overrides the refund INSERT; named parameters :order_id, :payment_id, "
                            + ":reason, :paid_at, :requested_at, :user_id, :amount_cents, :currency.");

    // ---- JDBC writer: retries and refund guard (issue 8, DESIGN.md §3, §5) ------------------

    public static final ConfigOption<Duration> JDBC_RETRY_BACKOFF =
            ConfigOptions.key(PREFIX + "jdbc.retry-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription("Wait before the first retry of a batch that failed with a transient or "
                            + "unclassified error; doubled for each further retry.");

    public static final ConfigOption<Duration> JDBC_RETRY_MAX_BACKOFF =
            ConfigOptions.key(PREFIX + "jdbc.retry-max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Longest wait between two retries of a batch.");

    public static final ConfigOption<String> DB_REFUNDABLE_STATUSES =
            ConfigOptions.key(PREFIX + "db.refundable-statuses")
                    .stringType()
                    .defaultValue("CLOSED,CANCELLED")
                    .withDescription("Comma-separated order statuses in which no payment was accepted; a refund "
                            + "row is written only while the order row has one of them. Must include "
                            + "db.closed-status.");

    // ---- optional RocketMQ outputs (DESIGN.md §6) ---------------------------------------------

    public static final ConfigOption<String> CLOSED_TOPIC =
            ConfigOptions.key(PREFIX + "output.closed-topic").stringType().noDefaultValue()
                    .withDescription("If set, an OrderClosed event per close the database applied goes to this topic.");

    public static final ConfigOption<String> REFUND_TOPIC =
            ConfigOptions.key(PREFIX + "output.refund-topic").stringType().noDefaultValue()
                    .withDescription("If set, refund requests the database wrote also go to this topic.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC =
            ConfigOptions.key(PREFIX + "output.dead-letter-topic").stringType().noDefaultValue()
                    .withDescription("If set, dead letters go to this topic.");

    // ---- liveness and clock skew (DESIGN.md §4, issue 8) -------------------------------------

    public static final ConfigOption<Duration> MAX_CLOCK_SKEW =
            ConfigOptions.key(PREFIX + "max-clock-skew")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription("An event dated later than its broker store time plus this gets that "
                            + "limit as its event time (counted in orderTimeout.clampedTimestamps); no event "
                            + "moves the watermark beyond its store time.");

    // ---- event validation: column sizes event fields must fit (DESIGN.md §2) ----------------
    // Defaults are those of sql/. A required field that does not fit makes its event a dead
    // letter; an optional one is dropped from its event (with a dead letter naming it).

    public static final ConfigOption<Integer> DB_MAX_ORDER_ID_LENGTH =
            ConfigOptions.key(PREFIX + "db.max-order-id-length").intType().defaultValue(64)
                    .withDescription("Characters the order_id columns hold; an event with a longer orderId "
                            + "is a dead letter.");

    public static final ConfigOption<Integer> DB_MAX_USER_ID_LENGTH =
            ConfigOptions.key(PREFIX + "db.max-user-id-length").intType().defaultValue(64)
                    .withDescription("Characters the refund table's user_id column holds; a longer userId is "
                            + "dropped from its event (a dead letter names it) and the event goes on.");

    public static final ConfigOption<Integer> DB_MAX_PAYMENT_ID_LENGTH =
            ConfigOptions.key(PREFIX + "db.max-payment-id-length").intType().defaultValue(128)
                    .withDescription("Characters the refund table's payment_id column holds; a longer paymentId "
                            + "is dropped from its event (a dead letter names it) and the event goes on.");

    // ---- tools: bootstrap, inspect, reconcile (issue 10, DESIGN.md §8) -----------------------
    // Read only by the tools/ jar; the job ignores them. The tools also use order-timeout.jdbc.url,
    // .user, .password (a read-only login), the order-timeout.db.* names, pay-timeout and
    // max-parallelism.

    public static final ConfigOption<String> TOOLS_CREATED_AT_COLUMN =
            ConfigOptions.key(PREFIX + "tools.created-at-column").stringType().defaultValue("created_at")
                    .withDescription("Creation time column of the orders table; bootstrap computes a pending "
                            + "order's deadline as this plus pay-timeout (unless tools.deadline-column is set).");

    public static final ConfigOption<String> TOOLS_DEADLINE_COLUMN =
            ConfigOptions.key(PREFIX + "tools.deadline-column").stringType().noDefaultValue()
                    .withDescription("Optional payment deadline column (a timestamp, or epoch millis); when set, "
                            + "bootstrap and reconcile take each order's deadline from it instead of "
                            + "created-at + pay-timeout.");

    public static final ConfigOption<String> TOOLS_USER_ID_COLUMN =
            ConfigOptions.key(PREFIX + "tools.user-id-column").stringType().defaultValue("user_id")
                    .withDescription("Column bootstrap carries into the state as userId (for refunds); 'none' "
                            + "if the table has none.");

    public static final ConfigOption<String> TOOLS_AMOUNT_CENTS_COLUMN =
            ConfigOptions.key(PREFIX + "tools.amount-cents-column").stringType().defaultValue("amount_cents")
                    .withDescription("Column bootstrap carries into the state as amountCents; 'none' if the table "
                            + "has none.");

    public static final ConfigOption<String> TOOLS_CURRENCY_COLUMN =
            ConfigOptions.key(PREFIX + "tools.currency-column").stringType().defaultValue("currency")
                    .withDescription("Column bootstrap carries into the state as currency; 'none' if the table "
                            + "has none.");

    public static final ConfigOption<Integer> TOOLS_FETCH_SIZE =
            ConfigOptions.key(PREFIX + "tools.fetch-size").intType().defaultValue(1000)
                    .withDescription("Rows per round trip of the tools' one streamed query of the orders table.");

    public static final ConfigOption<Duration> TOOLS_RECONCILE_GRACE =
            ConfigOptions.key(PREFIX + "tools.reconcile-grace").durationType().defaultValue(Duration.ofMinutes(5))
                    .withDescription("reconcile reports an order pending in the table and unknown to the job only "
                            + "when its deadline is more than this in the past (the job may not have read "
                            + "its ORDER_CREATED yet).");
}
