package io.ordertimeout.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads a plainly valid event with Jackson's streaming parser, without building a JSON tree: the
 * tree ({@code ObjectMapper#readTree}) was the largest cost left in the parser on an end-to-end
 * backlog (bench/results, JFR top frames). It answers only when the message is an ASCII JSON object
 * whose every field the event uses is present with the right type and a storable value; for
 * anything else (a dead letter, a dropped field, a duplicate key, trailing content, a parse error)
 * it gives null and {@link OrderEventParser} reads the message with the tree, which words every
 * reason. So the fast path cannot change a reason, only skip the tree for valid events; a property
 * test checks both paths give equal events.
 */
final class ValidEventFastPath {

    private final EventFieldLimits limits;

    ValidEventFastPath(EventFieldLimits limits) {
        this.limits = limits;
    }

    /** One field as read: its first token, and its value when that is a string or a long. */
    private static final class Field {
        JsonToken token;
        String text;
        long number;
        boolean fitsLong;
    }

    /** @param ascii a payload of ASCII bytes only, none of the first four 0 (see OrderEventParser) */
    OrderEvent readOrNull(JsonFactory json, byte[] ascii) {
        Field type = null;
        Field orderId = null;
        Field eventId = null;
        Field occurredAt = null;
        Field payTimeoutSeconds = null;
        Field userId = null;
        Field amountCents = null;
        Field currency = null;
        Field paymentId = null;
        try (JsonParser parser = json.createParser(ascii)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String name;
            while ((name = parser.nextFieldName()) != null) {
                Field field = read(parser);
                switch (name) {
                    case "type" -> type = field;
                    case "orderId" -> orderId = field;
                    case "eventId" -> eventId = field;
                    case "occurredAt" -> occurredAt = field;
                    case "payTimeoutSeconds" -> payTimeoutSeconds = field;
                    case "userId" -> userId = field;
                    case "amountCents" -> amountCents = field;
                    case "currency" -> currency = field;
                    case "paymentId" -> paymentId = field;
                    default -> { } // unknown fields are ignored (DESIGN.md §2); read() skipped their content
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null; // malformed, duplicate key, limits: the tree path words the reason
        }
        OrderEvent event = new OrderEvent();
        OrderEventType eventType = eventType(type);
        String id = text(orderId, limits.maxOrderIdLength);
        Long time = occurredAt(occurredAt);
        if (eventType == null || id == null || id.isBlank() || time == null) {
            return null;
        }
        event.type = eventType;
        event.orderId = id;
        event.occurredAt = time;
        if (!optionalText(eventId, OrderEventParser.MAX_EVENT_ID_LENGTH)) {
            return null;
        }
        event.eventId = eventId == null || eventId.token == JsonToken.VALUE_NULL ? null : eventId.text;
        if (eventType == OrderEventType.ORDER_CREATED) {
            if (!optionalNumber(payTimeoutSeconds, 1, OrderEventParser.MAX_PAY_TIMEOUT_SECONDS)
                    || !optionalText(userId, limits.maxUserIdLength)
                    || !optionalNumber(amountCents, 0, OrderEventParser.MAX_AMOUNT_CENTS)
                    || !optionalText(currency, 3)
                    || (present(currency) && !OrderEventParser.isThreeAsciiLetters(currency.text))) {
                return null;
            }
            event.payTimeoutSeconds = present(payTimeoutSeconds) ? (int) payTimeoutSeconds.number : null;
            event.userId = present(userId) ? userId.text : null;
            event.amountCents = present(amountCents) ? amountCents.number : null;
            event.currency = present(currency) ? currency.text : null;
        } else if (eventType == OrderEventType.ORDER_PAID) {
            if (!optionalText(paymentId, limits.maxPaymentIdLength)) {
                return null;
            }
            event.paymentId = present(paymentId) ? paymentId.text : null;
        }
        return event;
    }

    private static Field read(JsonParser parser) throws IOException {
        Field field = new Field();
        field.token = parser.nextToken();
        if (field.token == JsonToken.VALUE_STRING) {
            field.text = parser.getText();
        } else if (field.token == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType size = parser.getNumberType();
            field.fitsLong = size == JsonParser.NumberType.INT || size == JsonParser.NumberType.LONG;
            field.number = field.fitsLong ? parser.getLongValue() : 0;
        } else if (field.token == JsonToken.START_OBJECT || field.token == JsonToken.START_ARRAY) {
            parser.skipChildren();
        }
        return field;
    }

    private static boolean present(Field field) {
        return field != null && field.token != JsonToken.VALUE_NULL;
    }

    private static OrderEventType eventType(Field type) {
        if (type == null || type.token != JsonToken.VALUE_STRING) {
            return null;
        }
        for (OrderEventType candidate : OrderEventType.values()) {
            if (candidate.name().equals(type.text)) {
                return candidate;
            }
        }
        return null;
    }

    /** A required string with a storable value, or null. */
    private static String text(Field field, int maxLength) {
        if (field == null || field.token != JsonToken.VALUE_STRING || StorableText.problem(field.text, maxLength) != null) {
            return null;
        }
        return field.text;
    }

    /** Whether an optional string field is absent, null, or storable as it is. */
    private static boolean optionalText(Field field, int maxLength) {
        return !present(field)
                || (field.token == JsonToken.VALUE_STRING && StorableText.problem(field.text, maxLength) == null);
    }

    /** Whether an optional integer field is absent, null, or an integer in [min, max]. */
    private static boolean optionalNumber(Field field, long min, long max) {
        return !present(field)
                || (field.token == JsonToken.VALUE_NUMBER_INT && field.fitsLong && field.number >= min && field.number <= max);
    }

    private static Long occurredAt(Field field) {
        if (field == null) {
            return null;
        }
        Instant time;
        if (field.token == JsonToken.VALUE_NUMBER_INT && field.fitsLong) {
            time = Instant.ofEpochMilli(field.number);
        } else if (field.token == JsonToken.VALUE_STRING) {
            try {
                time = OrderEventParser.isoInstant(field.text);
            } catch (OrderEventParser.InvalidEventException e) {
                return null;
            }
        } else {
            return null;
        }
        if (time.isBefore(OrderEventParser.EARLIEST_OCCURRED_AT) || time.isAfter(OrderEventParser.LATEST_OCCURRED_AT)) {
            return null;
        }
        return time.toEpochMilli();
    }
}
