package io.ordertimeout.testkit.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes message bodies in the event contract of DESIGN.md §2 (field names, ISO-8601 or
 * epoch-millis occurredAt), and the broken variants the job must dead-letter.
 */
public final class EventJson {

    /** Longest orderId the contract accepts. */
    public static final int MAX_ORDER_ID_LENGTH = 64;
    public static final int MAX_PAY_TIMEOUT_SECONDS = 604_800;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private EventJson() {}

    public static byte[] created(String orderId, String eventId, long occurredAt, boolean epochMillis,
            Integer payTimeoutSeconds, String userId, long amountCents, String currency) {
        ObjectNode node = header(EventKind.CREATED, orderId, eventId, occurredAt, epochMillis);
        if (payTimeoutSeconds != null) {
            node.put("payTimeoutSeconds", payTimeoutSeconds);
        }
        node.put("userId", userId);
        node.put("amountCents", amountCents);
        node.put("currency", currency);
        return write(node);
    }

    /** @param paymentId null leaves the optional field out */
    public static byte[] paid(String orderId, String eventId, long occurredAt, boolean epochMillis, String paymentId) {
        ObjectNode node = header(EventKind.PAID, orderId, eventId, occurredAt, epochMillis);
        if (paymentId != null) {
            node.put("paymentId", paymentId);
        }
        return write(node);
    }

    public static byte[] cancelled(String orderId, String eventId, long occurredAt, boolean epochMillis) {
        return write(header(EventKind.CANCELLED, orderId, eventId, occurredAt, epochMillis));
    }

    /** The message key used for an invalid message of this kind; it names no real order. */
    public static String invalidKey(InvalidMessageKind kind, int sequence) {
        return "bad-" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-" + sequence;
    }

    /**
     * A message of the given kind that must become a dead letter. {@code sequence} makes every
     * payload distinct, so dead letters can be counted by distinct payload after replays.
     */
    public static byte[] invalid(InvalidMessageKind kind, int sequence, long occurredAt) {
        String key = invalidKey(kind, sequence);
        String time = ISO_MILLIS.format(Instant.ofEpochMilli(occurredAt));
        switch (kind) {
            case MALFORMED_JSON:
                return utf8("{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + key + "\",\"occurredAt\":\"" + time + "\"");
            case MISSING_ORDER_ID: {
                ObjectNode node = MAPPER.createObjectNode();
                node.put("type", EventKind.CREATED.tag());
                node.put("eventId", key);
                node.put("occurredAt", time);
                return write(node);
            }
            case UNKNOWN_TYPE: {
                ObjectNode node = header(EventKind.CREATED, key, key, occurredAt, false);
                node.put("type", "ORDER_SHIPPED");
                return write(node);
            }
            case ORDER_ID_TOO_LONG: {
                StringBuilder orderId = new StringBuilder(key).append('-');
                while (orderId.length() <= MAX_ORDER_ID_LENGTH) {
                    orderId.append('x');
                }
                return write(header(EventKind.CREATED, orderId.toString(), key, occurredAt, false));
            }
            case BAD_TIMESTAMP: {
                ObjectNode node = header(EventKind.CREATED, key, key, occurredAt, false);
                node.put("occurredAt", "the day before yesterday");
                return write(node);
            }
            case PAY_TIMEOUT_OUT_OF_RANGE: {
                ObjectNode node = header(EventKind.CREATED, key, key, occurredAt, false);
                node.put("payTimeoutSeconds", sequence % 2 == 0 ? 0 : MAX_PAY_TIMEOUT_SECONDS + 1);
                return write(node);
            }
            case NON_UTF8: {
                // 0xC3 0x28 is an invalid two-byte sequence: no UTF-8 decoder can accept the orderId.
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.writeBytes(utf8("{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + key + "-"));
                bytes.write(0xC3);
                bytes.write(0x28);
                bytes.writeBytes(utf8("\",\"occurredAt\":\"" + time + "\"}"));
                return bytes.toByteArray();
            }
            default:
                throw new IllegalArgumentException("Unknown kind " + kind);
        }
    }

    private static ObjectNode header(EventKind kind, String orderId, String eventId, long occurredAt,
            boolean epochMillis) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", kind.tag());
        node.put("orderId", orderId);
        if (eventId != null) {
            node.put("eventId", eventId);
        }
        if (epochMillis) {
            node.put("occurredAt", occurredAt);
        } else {
            node.put("occurredAt", ISO_MILLIS.format(Instant.ofEpochMilli(occurredAt)));
        }
        return node;
    }

    private static byte[] write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + node, e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
