package io.ordertimeout.testkit.workload;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One message to publish: RocketMQ key and tag plus the JSON body. For an invalid message the
 * key is a made-up id that names no order of the database and {@link #orderId()} is null.
 */
public final class WorkloadEvent {

    private final String key;
    private final String orderId;
    private final EventKind kind;
    private final String eventId;
    private final long eventTime;
    private final boolean duplicate;
    private final byte[] json;

    WorkloadEvent(String key, String orderId, EventKind kind, String eventId, long eventTime, boolean duplicate,
            byte[] json) {
        this.key = Objects.requireNonNull(key, "key");
        this.orderId = orderId;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.duplicate = duplicate;
        this.json = Objects.requireNonNull(json, "json");
    }

    /** RocketMQ message key: the orderId, or a made-up id for an invalid message. */
    public String key() {
        return key;
    }

    /** RocketMQ message tag. */
    public String tag() {
        return kind.tag();
    }

    /** The order this event belongs to; null for an invalid message. */
    public String orderId() {
        return orderId;
    }

    public EventKind kind() {
        return kind;
    }

    public boolean isValid() {
        return kind != EventKind.INVALID;
    }

    public String eventId() {
        return eventId;
    }

    /** occurredAt in epoch millis (for an invalid message: roughly where it sits in the stream). */
    public long eventTime() {
        return eventTime;
    }

    /** A second copy of an earlier event: same eventId, same bytes. */
    public boolean isDuplicate() {
        return duplicate;
    }

    /** The message body (a copy). */
    public byte[] json() {
        return json.clone();
    }

    /** Publishes this message; the body is handed over without copying. */
    public void publishTo(EventPublisher publisher) {
        publisher.publish(key, kind.tag(), json);
    }

    @Override
    public String toString() {
        return kind + "{" + key + ", t=" + eventTime + (duplicate ? ", duplicate" : "") + ", "
                + new String(json, StandardCharsets.UTF_8) + "}";
    }
}
