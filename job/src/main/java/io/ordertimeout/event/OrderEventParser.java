package io.ordertimeout.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses and validates one message of the event contract (DESIGN.md §2). Never throws for bad
 * input: anything that does not parse or validate becomes a {@link DeadLetter} with a reason.
 * Unknown fields are ignored for forward compatibility.
 */
public final class OrderEventParser implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int MAX_ORDER_ID_LENGTH = 64;
    public static final int MAX_PAY_TIMEOUT_SECONDS = 604_800;

    // ObjectMapper is thread-safe once configured; transient because it is not serializable.
    private transient ObjectMapper mapper;

    public OrderMessage parse(byte[] payload, String sourcePosition, long now) {
        try {
            return OrderMessage.valid(parseOrThrow(payload));
        } catch (InvalidEventException e) {
            return OrderMessage.invalid(new DeadLetter(payload, sourcePosition, e.getMessage(), now));
        }
    }

    OrderEvent parseOrThrow(byte[] payload) throws InvalidEventException {
        if (payload == null || payload.length == 0) {
            throw new InvalidEventException("empty message");
        }
        JsonNode root = readJson(strictUtf8(payload));
        if (!root.isObject()) {
            throw new InvalidEventException("not a JSON object");
        }
        OrderEvent event = new OrderEvent();
        event.type = type(root);
        event.orderId = orderId(root);
        event.eventId = optionalText(root, "eventId");
        event.occurredAt = occurredAt(root);
        if (event.type == OrderEventType.ORDER_CREATED) {
            event.payTimeoutSeconds = payTimeoutSeconds(root);
            event.userId = optionalText(root, "userId");
            event.amountCents = optionalLong(root, "amountCents");
            event.currency = optionalText(root, "currency");
        } else if (event.type == OrderEventType.ORDER_PAID) {
            event.paymentId = optionalText(root, "paymentId");
        }
        return event;
    }

    private static String strictUtf8(byte[] payload) throws InvalidEventException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidEventException("not valid UTF-8");
        }
    }

    private JsonNode readJson(String text) throws InvalidEventException {
        try {
            return mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static OrderEventType type(JsonNode root) throws InvalidEventException {
        String type = requiredText(root, "type");
        try {
            return OrderEventType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("unknown type '" + abbreviate(type) + "'");
        }
    }

    private static String orderId(JsonNode root) throws InvalidEventException {
        String orderId = requiredText(root, "orderId");
        if (orderId.isBlank()) {
            throw new InvalidEventException("orderId is blank");
        }
        if (orderId.length() > MAX_ORDER_ID_LENGTH) {
            throw new InvalidEventException(
                    "orderId longer than " + MAX_ORDER_ID_LENGTH + " characters (" + orderId.length() + ")");
        }
        return orderId;
    }

    private static long occurredAt(JsonNode root) throws InvalidEventException {
        JsonNode node = root.get("occurredAt");
        if (node == null || node.isNull()) {
            throw new InvalidEventException("missing occurredAt");
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            long millis = node.longValue();
            if (millis < 0) {
                throw new InvalidEventException("occurredAt is negative");
            }
            return millis;
        }
        if (node.isTextual()) {
            String text = node.textValue();
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException notAnInstant) {
                try {
                    return OffsetDateTime.parse(text).toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new InvalidEventException("occurredAt '" + abbreviate(text) + "' is not an ISO-8601 instant");
                }
            }
        }
        throw new InvalidEventException("occurredAt must be an ISO-8601 instant or epoch millis");
    }

    private static Integer payTimeoutSeconds(JsonNode root) throws InvalidEventException {
        JsonNode node = root.get("payTimeoutSeconds");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidEventException("payTimeoutSeconds must be an integer");
        }
        long seconds = node.longValue();
        if (seconds < 1 || seconds > MAX_PAY_TIMEOUT_SECONDS) {
            throw new InvalidEventException(
                    "payTimeoutSeconds " + seconds + " out of range 1.." + MAX_PAY_TIMEOUT_SECONDS);
        }
        return (int) seconds;
    }

    private static String requiredText(JsonNode root, String field) throws InvalidEventException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidEventException("missing " + field);
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(field + " must be a string");
        }
        return node.textValue();
    }

    private static String optionalText(JsonNode root, String field) throws InvalidEventException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(field + " must be a string");
        }
        return node.textValue();
    }

    private static Long optionalLong(JsonNode root, String field) throws InvalidEventException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidEventException(field + " must be an integer");
        }
        return node.longValue();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper()
                    .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        }
        return mapper;
    }

    /** Why a message was rejected; the message becomes the dead letter's reason. */
    static final class InvalidEventException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidEventException(String reason) {
            super(reason, null, false, false);
        }
    }
}
