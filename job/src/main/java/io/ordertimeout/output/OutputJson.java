package io.ordertimeout.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The JSON bodies of the optional RocketMQ outputs (DESIGN.md §6), in the same style as the input
 * contract: camelCase fields, ISO-8601 instants, a {@code type} field.
 */
public final class OutputJson {

    public static final String ORDER_CLOSED = "ORDER_CLOSED";
    public static final String REFUND_REQUESTED = "REFUND_REQUESTED";
    public static final String DEAD_LETTER = "DEAD_LETTER";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutputJson() {}

    public static byte[] orderClosed(CloseCommand close, String reason) {
        ObjectNode json = MAPPER.createObjectNode()
                .put("type", ORDER_CLOSED)
                .put("orderId", close.orderId)
                .put("reason", reason)
                .put("deadline", Instant.ofEpochMilli(close.deadline).toString())
                .put("closedAt", Instant.ofEpochMilli(close.decidedAt).toString());
        putIfPresent(json, "userId", close.userId);
        if (close.amountCents != null) {
            json.put("amountCents", close.amountCents);
        }
        putIfPresent(json, "currency", close.currency);
        return bytes(json);
    }

    public static byte[] refundRequested(RefundRequest refund) {
        ObjectNode json = MAPPER.createObjectNode()
                .put("type", REFUND_REQUESTED)
                .put("orderId", refund.orderId)
                .put("paymentId", refund.paymentId)
                .put("reason", refund.reason.name())
                .put("paidAt", Instant.ofEpochMilli(refund.paidAt).toString())
                .put("requestedAt", Instant.ofEpochMilli(refund.requestedAt).toString());
        putIfPresent(json, "userId", refund.userId);
        if (refund.amountCents != null) {
            json.put("amountCents", refund.amountCents);
        }
        putIfPresent(json, "currency", refund.currency);
        return bytes(json);
    }

    public static byte[] deadLetter(DeadLetter deadLetter) {
        return bytes(MAPPER.createObjectNode()
                .put("type", DEAD_LETTER)
                .put("sourcePosition", deadLetter.sourcePosition)
                .put("reason", deadLetter.reason)
                .put("rejectedAt", Instant.ofEpochMilli(deadLetter.rejectedAt).toString())
                .put("payload", deadLetter.payloadForDisplay()));
    }

    private static void putIfPresent(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    private static byte[] bytes(ObjectNode json) {
        try {
            return MAPPER.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
