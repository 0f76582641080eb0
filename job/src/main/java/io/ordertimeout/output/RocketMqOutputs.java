package io.ordertimeout.output;

import static io.ordertimeout.config.OrderTimeoutOptions.CLOSED_TOPIC;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_CLOSE_REASON;
import static io.ordertimeout.config.OrderTimeoutOptions.DEAD_LETTER_TOPIC;
import static io.ordertimeout.config.OrderTimeoutOptions.REFUND_TOPIC;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_ACCESS_KEY;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_NAMESRV;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_SECRET_KEY;
import static io.ordertimeout.config.OrderTimeoutOptions.ROCKETMQ_TOPIC;

import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.connector.rocketmq.sink.RocketMqSerializationSchema;
import io.ordertimeout.connector.rocketmq.sink.RocketMqSink;
import io.ordertimeout.connector.rocketmq.sink.RocketMqSinkBuilder;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.sink.CloseResult;
import io.ordertimeout.sink.DatabaseOutcomes;
import io.ordertimeout.source.RocketMqOrderSource;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.topic.TopicValidator;

/**
 * The optional RocketMQ outputs of DESIGN.md §6: OrderClosed events for downstream services
 * (inventory, coupons), refund requests and dead letters, each attached only when its topic is
 * configured. They follow the database, not the decisions: an OrderClosed event only for a close
 * the database applied, a refund only when its row was written (a downstream event never
 * announces what did not happen). At-least-once: the sink flushes on every checkpoint, and the
 * JDBC writers emit their outcomes before each checkpoint barrier.
 */
public final class RocketMqOutputs {

    public static final String CLOSED_UID = "rocketmq-order-closed";
    public static final String REFUNDS_UID = "rocketmq-refund-requests";
    public static final String DEAD_LETTERS_UID = "rocketmq-dead-letters";
    public static final String APPLIED_CLOSES_UID = "applied-closes";

    private final String nameServer;
    private final String accessKey;
    private final String secretKey;
    private final String closeReason;
    private final Optional<String> closedTopic;
    private final Optional<String> refundTopic;
    private final Optional<String> deadLetterTopic;

    private RocketMqOutputs(ReadableConfig config, Map<String, String> environment) {
        nameServer = config.get(ROCKETMQ_NAMESRV);
        accessKey = config.getOptional(ROCKETMQ_ACCESS_KEY).orElse(null);
        secretKey = config.getOptional(ROCKETMQ_SECRET_KEY).orElse(environment.get(RocketMqOrderSource.SECRET_KEY_ENV));
        closeReason = config.get(DB_CLOSE_REASON);
        String sourceTopic = config.get(ROCKETMQ_TOPIC);
        closedTopic = topic(config, CLOSED_TOPIC, sourceTopic);
        refundTopic = topic(config, REFUND_TOPIC, sourceTopic);
        deadLetterTopic = topic(config, DEAD_LETTER_TOPIC, sourceTopic);
        if (accessKey != null && secretKey == null
                && (closedTopic.isPresent() || refundTopic.isPresent() || deadLetterTopic.isPresent())) {
            throw new InvalidSettingException(ROCKETMQ_SECRET_KEY, "missing while " + ROCKETMQ_ACCESS_KEY.key()
                    + " is set; set it or env " + RocketMqOrderSource.SECRET_KEY_ENV);
        }
    }

    /**
     * An output topic, checked at submission: a name the broker accepts, and never the topic the
     * job reads (dead letters written there would be read again as input, for ever).
     */
    private static Optional<String> topic(ReadableConfig config, ConfigOption<String> option, String sourceTopic) {
        Optional<String> topic = config.getOptional(option).map(String::trim).filter(t -> !t.isEmpty());
        topic.ifPresent(name -> {
            TopicValidator.ValidateTopicResult valid = TopicValidator.validateTopic(name);
            if (!valid.isValid()) {
                throw new InvalidSettingException(option, "'" + name + "' is not a valid RocketMQ topic: "
                        + valid.getRemark());
            }
            if (TopicValidator.isSystemTopic(name)) {
                throw new InvalidSettingException(option, "'" + name + "' is a RocketMQ system topic");
            }
            if (name.equals(sourceTopic)) {
                throw new InvalidSettingException(option, "'" + name + "' is the topic the job reads ("
                        + ROCKETMQ_TOPIC.key() + "); its output would be read again as input");
            }
        });
        return topic;
    }

    /** Validates the output settings now, so that a wrong one stops the job at submission. */
    public static RocketMqOutputs from(ReadableConfig config) {
        return from(config, System.getenv());
    }

    static RocketMqOutputs from(ReadableConfig config, Map<String, String> environment) {
        return new RocketMqOutputs(config, environment);
    }

    public void attach(DatabaseOutcomes outcomes) {
        // A local copy: the serializer lambdas must not capture this (not serializable).
        String closeReason = this.closeReason;
        closedTopic.ifPresent(topic -> attach(appliedCloses(outcomes.closes()), close -> message(
                topic, OutputJson.ORDER_CLOSED, close.orderId, OutputJson.orderClosed(close, closeReason)),
                CLOSED_UID, "OrderClosed events (RocketMQ)"));
        refundTopic.ifPresent(topic -> attach(outcomes.writtenRefunds(), refund -> message(
                topic, OutputJson.REFUND_REQUESTED, refund.orderId, OutputJson.refundRequested(refund)),
                REFUNDS_UID, "Refund requests (RocketMQ)"));
        deadLetterTopic.ifPresent(topic -> attach(outcomes.deadLetters(), deadLetter -> message(
                topic, OutputJson.DEAD_LETTER, deadLetter.sourcePosition, OutputJson.deadLetter(deadLetter)),
                DEAD_LETTERS_UID, "Dead letters (RocketMQ)"));
    }

    /**
     * The closes the database applied: those, and only those, are announced. A chain of its own:
     * chained to the state machine and the close writer, the task's name (all operator names joined
     * by " -> ") was 137 characters, past the 80 that metric scopes allow (OperatorNamesTest).
     */
    public static DataStream<CloseCommand> appliedCloses(DataStream<CloseResult> closes) {
        return closes.filter(CloseResult::applied).uid(APPLIED_CLOSES_UID).name("Applied closes").startNewChain()
                .map(result -> result.close).uid(APPLIED_CLOSES_UID + "-commands").name("Close commands")
                .returns(CloseCommand.class);
    }

    private <T> void attach(DataStream<T> stream, RocketMqSerializationSchema<T> serializer, String uid, String name) {
        RocketMqSinkBuilder<T> builder = RocketMqSink.<T>builder()
                .setNameServerAddress(nameServer)
                .setProducerGroup("order-timeout-" + uid)
                .setSerializationSchema(serializer);
        if (accessKey != null) {
            builder.setAclCredentials(accessKey, secretKey);
        }
        stream.sinkTo(builder.build()).uid(uid).name(name);
    }

    private static Message message(String topic, String tag, String key, byte[] body) {
        Message message = new Message(topic, tag, body);
        message.setKeys(key);
        return message;
    }
}
