package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.List;

import io.ordertimeout.connector.rocketmq.source.StartingOffsets;
import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * What the enumerator asks the brokers: the topic's queues and the offsets starting positions are
 * resolved with. {@link QueueMetadataClient} in production; the enumerator's tests use a fake, so
 * the discovery logic (grace period, removed and returning queues) runs without a broker.
 */
@Internal
public interface TopicMetadata extends StartingOffsets.QueueOffsets, AutoCloseable {

    /** The readable queues of the topic as the name server routes them now. */
    List<MessageQueue> queues(String topic) throws Exception;

    @Override
    void close();
}
