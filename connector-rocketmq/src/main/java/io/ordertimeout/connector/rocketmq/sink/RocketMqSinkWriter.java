package io.ordertimeout.connector.rocketmq.sink;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

import io.ordertimeout.connector.rocketmq.RocketMqClientIds;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;

/**
 * Sends asynchronously, at most {@code maxInFlightMessages} at a time. {@link #flush} (before every
 * checkpoint and at end of input) waits for all of them and fails if any failed, so a completed
 * checkpoint implies every earlier record reached the broker: at-least-once.
 */
final class RocketMqSinkWriter<T> implements SinkWriter<T> {

    private final RocketMqSerializationSchema<T> serializer;
    private final DefaultMQProducer producer;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final AtomicReference<Throwable> firstSendError = new AtomicReference<>();
    private final Counter sent;
    private final Counter sendErrors;
    private final SendCallback callback = new SendCallback() {
        @Override
        public void onSuccess(SendResult sendResult) {
            inFlight.release();
        }

        @Override
        public void onException(Throwable error) {
            firstSendError.compareAndSet(null, error);
            inFlight.release();
        }
    };

    RocketMqSinkWriter(RocketMqSinkSettings settings, RocketMqSerializationSchema<T> serializer,
            SinkWriterMetricGroup metrics, int subtaskIndex) throws IOException {
        this.serializer = serializer;
        this.maxInFlight = settings.maxInFlightMessages();
        this.inFlight = new Semaphore(maxInFlight);
        this.sent = metrics.getNumRecordsSendCounter();
        this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
        this.producer = new DefaultMQProducer(settings.producerGroup(),
                settings.aclCredentials().map(c -> c.toRpcHook()).orElse(null));
        producer.setNamesrvAddr(settings.nameServerAddress());
        producer.setInstanceName(RocketMqClientIds.uniqueInstanceName("rocketmq-sink-" + subtaskIndex));
        producer.setSendMsgTimeout((int) Math.min(Integer.MAX_VALUE, settings.sendTimeoutMillis()));
        try {
            producer.start();
        } catch (MQClientException e) {
            throw new IOException("Cannot start the RocketMQ producer " + settings.producerGroup(), e);
        }
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        failOnSendError();
        Message message = serializer.serialize(element);
        if (message == null) {
            return;
        }
        inFlight.acquire();
        try {
            producer.send(message, callback);
        } catch (Exception e) {
            inFlight.release();
            sendErrors.inc();
            throw new IOException("Cannot send to RocketMQ topic " + message.getTopic(), e);
        }
        sent.inc();
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        inFlight.acquire(maxInFlight);
        inFlight.release(maxInFlight);
        failOnSendError();
    }

    private void failOnSendError() throws IOException {
        Throwable error = firstSendError.get();
        if (error != null) {
            sendErrors.inc();
            throw new IOException("A RocketMQ send failed; failing so the records are replayed from the last checkpoint",
                    error);
        }
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
