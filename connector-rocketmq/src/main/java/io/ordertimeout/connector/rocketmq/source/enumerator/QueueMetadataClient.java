package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

import io.ordertimeout.connector.rocketmq.RocketMqClientIds;
import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.impl.FindBrokerResult;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.UpdateConsumerOffsetRequestHeader;

/**
 * Queue listing and offset look-ups for the enumerator (and max offsets for the split readers, see
 * {@code QueueEndProber}), on a plain rocketmq-client instance.
 *
 * <p>Why not a consumer: {@code DefaultLitePullConsumer} has no min/max offset queries, and a
 * consumer's {@code committed()} asks the broker in a way that answers 0 instead of "none" for a
 * group that never committed while the queue's first message is still in memory (broker
 * {@code ConsumerManageProcessor}); "committed or latest" would then read from the beginning.
 * Asking with {@code setZeroIfNotFound=false} gets an honest "not found". Commits are written here
 * too ({@link #commitOffset}): the consumer's own persist is one-way and only logs failures.
 *
 * <p><b>The one class of the module that uses rocketmq-client internals</b>
 * ({@code org.apache.rocketmq.client.impl}): {@code MQClientManager} / {@code MQClientInstance} (a
 * client instance without a consumer or producer), its {@code MQAdminImpl} (queue listing, min/max
 * offset, offset for a timestamp: the public routes are {@code DefaultMQAdminExt} of the tools
 * artifact, which we do not ship, or the deprecated {@code MQAdmin} methods of a registered
 * push/pull consumer), {@code findBrokerAddressInSubscribe} and
 * {@code MQClientAPIImpl.queryConsumerOffset} / {@code updateConsumerOffset} (no public API asks
 * with "not found" semantics or writes an offset synchronously). They are tied to rocketmq-client
 * 5.3.3; {@code RocketMqClientVersionPinTest} fails on any other version so an upgrade re-checks them.
 */
@Internal
public final class QueueMetadataClient implements TopicMetadata {

    private static final long TIMEOUT_MILLIS = 5_000;

    private final MQClientInstance client;

    private QueueMetadataClient(MQClientInstance client) {
        this.client = client;
    }

    static QueueMetadataClient open(RocketMqSourceSettings settings) throws Exception {
        return open(settings, "rocketmq-enumerator");
    }

    public static QueueMetadataClient open(RocketMqSourceSettings settings, String instanceNamePrefix)
            throws Exception {
        ClientConfig config = new ClientConfig();
        config.setNamesrvAddr(settings.nameServerAddress());
        config.setInstanceName(RocketMqClientIds.uniqueInstanceName(instanceNamePrefix));
        RPCHook rpcHook = settings.aclCredentials().map(c -> c.toRpcHook()).orElse(null);
        MQClientInstance client = MQClientManager.getInstance().getOrCreateMQClientInstance(config, rpcHook);
        client.start();
        return new QueueMetadataClient(client);
    }

    /** The readable queues of the topic, straight from the name server (no client-side cache). */
    @Override
    public List<MessageQueue> queues(String topic) throws Exception {
        List<MessageQueue> queues = new ArrayList<>(client.getMQAdminImpl().fetchSubscribeMessageQueues(topic));
        queues.sort(Comparator.comparing(MessageQueue::getBrokerName).thenComparingInt(MessageQueue::getQueueId));
        return queues;
    }

    @Override
    public long minOffset(MessageQueue queue) throws Exception {
        return client.getMQAdminImpl().minOffset(queue);
    }

    @Override
    public long maxOffset(MessageQueue queue) throws Exception {
        return client.getMQAdminImpl().maxOffset(queue);
    }

    @Override
    public long offsetForTimestamp(MessageQueue queue, long timestampMillis) throws Exception {
        return client.getMQAdminImpl().searchOffset(queue, timestampMillis);
    }

    @Override
    public OptionalLong committedOffset(String consumerGroup, MessageQueue queue) throws Exception {
        QueryConsumerOffsetRequestHeader request = new QueryConsumerOffsetRequestHeader();
        request.setConsumerGroup(consumerGroup);
        request.setTopic(queue.getTopic());
        request.setQueueId(queue.getQueueId());
        request.setBrokerName(queue.getBrokerName());
        request.setSetZeroIfNotFound(false);
        try {
            return OptionalLong.of(client.getMQClientAPIImpl().queryConsumerOffset(masterAddress(queue), request,
                    TIMEOUT_MILLIS));
        } catch (MQBrokerException e) {
            if (e.getResponseCode() == ResponseCode.QUERY_NOT_FOUND) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    /**
     * Writes the group's offset of one queue to its master broker and waits for the answer, so a
     * failure is an exception. (The consumer's own {@code commitSync(offsets, true)} persists
     * one-way and only logs failures inside the client, so a failed commit could not be counted.)
     */
    public void commitOffset(String consumerGroup, MessageQueue queue, long nextOffset) throws Exception {
        UpdateConsumerOffsetRequestHeader request = new UpdateConsumerOffsetRequestHeader();
        request.setConsumerGroup(consumerGroup);
        request.setTopic(queue.getTopic());
        request.setQueueId(queue.getQueueId());
        request.setBrokerName(queue.getBrokerName());
        request.setCommitOffset(nextOffset);
        client.getMQClientAPIImpl().updateConsumerOffset(masterAddress(queue), request, TIMEOUT_MILLIS);
    }

    private String masterAddress(MessageQueue queue) throws Exception {
        FindBrokerResult broker = client.findBrokerAddressInSubscribe(queue.getBrokerName(), MixAll.MASTER_ID, true);
        if (broker == null) {
            client.updateTopicRouteInfoFromNameServer(queue.getTopic());
            broker = client.findBrokerAddressInSubscribe(queue.getBrokerName(), MixAll.MASTER_ID, true);
        }
        if (broker == null) {
            throw new IllegalStateException("No master broker found for " + queue);
        }
        return broker.getBrokerAddr();
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
