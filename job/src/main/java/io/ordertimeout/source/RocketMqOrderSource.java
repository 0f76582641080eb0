package io.ordertimeout.source;

import static io.ordertimeout.config.OrderTimeoutOptions.MAX_CLOCK_SKEW;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_ACCESS_KEY;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_CONSUMER_GROUP;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_DISCOVERY_INTERVAL;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_NAMESRV;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_POLL_BATCH_SIZE;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_POLL_TIMEOUT;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_REMOVED_QUEUE_GRACE_PERIOD;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_SECRET_KEY;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_START_FROM;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_START_TIMESTAMP;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_TAG_FILTER;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_TOPIC;

import io.ordertimeout.OrderMessageSource;
import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import io.ordertimeout.connector.rocketmq.source.StartingOffsets;
import io.ordertimeout.event.EventFieldLimits;
import io.ordertimeout.event.OrderEventParser;
import io.ordertimeout.event.OrderMessage;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The job's production source: order events from RocketMQ, configured by {@code order-timeout.rocketmq.*}. */
public final class RocketMqOrderSource implements OrderMessageSource {

    private static final long serialVersionUID = 1L;

    public static final String UID = "rocketmq-order-events";
    public static final String SECRET_KEY_ENV = "ORDER_TIMEOUT_ROCKETMQ_SECRET_KEY";

    private final RocketMqSource<OrderMessage> source;

    private RocketMqOrderSource(RocketMqSource<OrderMessage> source) {
        this.source = source;
    }

    public static RocketMqOrderSource from(ReadableConfig config) {
        return from(config, System.getenv());
    }

    /** Validates every source setting now, so that a wrong one stops the job at submission. */
    static RocketMqOrderSource from(ReadableConfig config, Map<String, String> environment) {
        var builder = RocketMqSource.<OrderMessage>builder()
                .setNameServerAddress(required(config, ROCKETMQ_NAMESRV))
                .setTopic(required(config, ROCKETMQ_TOPIC))
                .setConsumerGroup(required(config, ROCKETMQ_CONSUMER_GROUP))
                .setTagExpression(required(config, ROCKETMQ_TAG_FILTER))
                .setStartingOffsets(startingOffsets(config))
                .setPollBatchSize(positive(config.get(ROCKETMQ_POLL_BATCH_SIZE), ROCKETMQ_POLL_BATCH_SIZE))
                .setPollTimeout(config.get(ROCKETMQ_POLL_TIMEOUT))
                .setQueueDiscoveryInterval(config.get(ROCKETMQ_DISCOVERY_INTERVAL))
                .setRemovedQueueGracePeriod(notNegative(config.get(ROCKETMQ_REMOVED_QUEUE_GRACE_PERIOD),
                        ROCKETMQ_REMOVED_QUEUE_GRACE_PERIOD))
                .setDeserializer(new OrderMessageDeserializer(
                        new OrderEventParser(EventFieldLimits.from(config)), maxClockSkew(config).toMillis()));
        Optional<String> accessKey = config.getOptional(ROCKETMQ_ACCESS_KEY);
        if (accessKey.isPresent()) {
            String secretKey = config.getOptional(ROCKETMQ_SECRET_KEY)
                    .or(() -> Optional.ofNullable(environment.get(SECRET_KEY_ENV)))
                    .orElseThrow(() -> new InvalidSettingException(ROCKETMQ_SECRET_KEY,
                            "missing while " + ROCKETMQ_ACCESS_KEY.key() + " is set; set it or env " + SECRET_KEY_ENV));
            builder.setAclCredentials(accessKey.get(), secretKey);
        }
        return new RocketMqOrderSource(builder.build());
    }

    private static StartingOffsets startingOffsets(ReadableConfig config) {
        String startFrom = config.get(ROCKETMQ_START_FROM);
        switch (startFrom) {
            case "committed-or-earliest":
                return StartingOffsets.committedOrEarliest();
            case "committed-or-latest":
                return StartingOffsets.committedOrLatest();
            case "earliest":
                return StartingOffsets.earliest();
            case "latest":
                return StartingOffsets.latest();
            case "timestamp":
                return StartingOffsets.timestamp(config.getOptional(ROCKETMQ_START_TIMESTAMP)
                        .orElseThrow(() -> new InvalidSettingException(ROCKETMQ_START_TIMESTAMP,
                                "missing while " + ROCKETMQ_START_FROM.key() + "=timestamp")));
            default:
                throw new InvalidSettingException(ROCKETMQ_START_FROM, "'" + startFrom
                        + "' is not one of committed-or-earliest, committed-or-latest, earliest, latest, timestamp");
        }
    }

    private static Duration maxClockSkew(ReadableConfig config) {
        Duration skew = config.get(MAX_CLOCK_SKEW);
        if (skew.isNegative()) {
            throw new InvalidSettingException(MAX_CLOCK_SKEW, "must not be negative, got " + skew);
        }
        return skew;
    }

    private static String required(ReadableConfig config, org.apache.flink.configuration.ConfigOption<String> option) {
        String value = config.get(option);
        if (value == null || value.isBlank()) {
            throw InvalidSettingException.missing(option);
        }
        return value;
    }

    private static int positive(int value, org.apache.flink.configuration.ConfigOption<Integer> option) {
        if (value < 1) {
            throw new InvalidSettingException(option, "must be positive, got " + value);
        }
        return value;
    }

    /** The connector's settings, as built from the job configuration. */
    RocketMqSourceSettings settings() {
        return source.settings();
    }

    private static java.time.Duration notNegative(java.time.Duration value,
            org.apache.flink.configuration.ConfigOption<java.time.Duration> option) {
        if (value.isNegative()) {
            throw new InvalidSettingException(option, "must not be negative, got " + value);
        }
        return value;
    }

    @Override
    public DataStream<OrderMessage> create(StreamExecutionEnvironment env, WatermarkStrategy<OrderMessage> watermarks) {
        return env.fromSource(source, watermarks, "RocketMQ order events").uid(UID);
    }
}
