package io.ordertimeout.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Parses and validates one message of the event contract (DESIGN.md §2). Never throws for bad
 * input, and never lets through a value the database could not store:
 *
 * <ul>
 *   <li>a message that is not one JSON object, or whose required field ({@code type},
 *       {@code orderId}, {@code occurredAt}, {@code payTimeoutSeconds} when present) is missing
 *       or invalid, becomes one {@link DeadLetter} whose reason names the field;
 *   <li>an optional field that could not be stored ({@code userId}, {@code amountCents},
 *       {@code currency}, {@code paymentId}, {@code eventId}: wrong JSON type, too long, control
 *       characters, out of range) is dropped from the event and recorded as a dead letter
 *       "field X dropped: ...", and the event goes on.
 * </ul>
 *
 * <p>Hostile input: the message is read only up to {@value #MAX_MESSAGE_BYTES} bytes, nesting
 * {@value #MAX_NESTING_DEPTH} deep and numbers of {@value #MAX_NUMBER_LENGTH} digits (Jackson's
 * {@link StreamReadConstraints}); beyond that it is a dead letter. Duplicate keys are rejected
 * (which one wins differs between JSON libraries, and for {@code orderId} or {@code type} it
 * would decide which order is closed); a leading UTF-8 byte order mark is skipped (RFC 8259
 * allows it; rejecting it would cost the order its close). Optional fields are read only for the
 * event types that use them; unknown fields are ignored for forward compatibility.
 */
public final class OrderEventParser implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int MAX_PAY_TIMEOUT_SECONDS = 604_800;
    public static final long MAX_AMOUNT_CENTS = 1_000_000_000_000_000L;
    /** eventId is not stored; the bound keeps a tracing id from bloating records. */
    public static final int MAX_EVENT_ID_LENGTH = 128;
    /**
     * Earliest accepted event time. Earlier values are almost always epoch seconds sent as millis
     * (which would close every such order at once) or a default date.
     */
    public static final Instant EARLIEST_OCCURRED_AT = Instant.parse("2000-01-01T00:00:00Z");
    /** Latest accepted event time: the end of 4-digit ISO-8601 years, far from overflowing a deadline. */
    public static final Instant LATEST_OCCURRED_AT = Instant.parse("9999-12-31T23:59:59.999Z");

    /** Above RocketMQ's default maximum message size (4 MiB). */
    static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    static final int MAX_NESTING_DEPTH = 100;
    static final int MAX_NUMBER_LENGTH = 1000;
    /** Reasons quote input; they are cut so that the dead-letter row and the log line stay small. */
    static final int MAX_REASON_LENGTH = 512;

    /** What Jackson writes into locations instead of the input, which the reason need not repeat. */
    private static final String REDACTED_SOURCE =
            "Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ";

    private final EventFieldLimits limits;

    // ObjectMapper is thread-safe once configured; transient because it is not serializable.
    private transient ObjectMapper mapper;
    private transient ValidEventFastPath validEvents;

    /** A parser with the limits of the schema in {@code sql/}. */
    public OrderEventParser() {
        this(EventFieldLimits.defaults());
    }

    public OrderEventParser(EventFieldLimits limits) {
        this.limits = Objects.requireNonNull(limits);
    }

    public OrderMessage parse(byte[] payload, String sourcePosition, long now) {
        return parse(payload, () -> sourcePosition, now);
    }

    /**
     * @param sourcePosition asked only for a dead letter: building the position text for every
     *     message was measurable on the source's hot path
     */
    public OrderMessage parse(byte[] payload, Supplier<String> sourcePosition, long now) {
        List<String> dropped = new ArrayList<>(0);
        OrderEvent event;
        try {
            event = parseOrThrow(payload, dropped);
        } catch (InvalidEventException e) {
            return OrderMessage.invalid(deadLetter(payload, sourcePosition.get(), e.getMessage(), now));
        } catch (RuntimeException e) {
            // A bug or a library surprise on one message must not fail the job (it would fail again
            // on the same message after every restart).
            return OrderMessage.invalid(deadLetter(payload, sourcePosition.get(), "could not be parsed: " + e, now));
        }
        if (dropped.isEmpty()) {
            return OrderMessage.valid(event);
        }
        List<DeadLetter> deadLetters = new ArrayList<>(dropped.size());
        String position = sourcePosition.get();
        for (String reason : dropped) {
            deadLetters.add(deadLetter(payload, position, reason, now));
        }
        return OrderMessage.withDroppedFields(event, deadLetters);
    }

    private static DeadLetter deadLetter(byte[] payload, String sourcePosition, String reason, long now) {
        return new DeadLetter(payload, sourcePosition, StorableText.printable(reason, MAX_REASON_LENGTH), now);
    }

    /** @param dropped receives one reason per optional field that was dropped */
    OrderEvent parseOrThrow(byte[] payload, List<String> dropped) throws InvalidEventException {
        if (payload == null || payload.length == 0) {
            throw new InvalidEventException("empty message");
        }
        if (payload.length > MAX_MESSAGE_BYTES) {
            throw new InvalidEventException(
                    "message of " + payload.length + " bytes is larger than " + MAX_MESSAGE_BYTES + " bytes");
        }
        boolean ascii = isPlainAscii(payload);
        if (ascii) {
            OrderEvent valid = validEvents().readOrNull(mapper().getFactory(), payload);
            if (valid != null) {
                return valid;
            }
        }
        return parseTree(payload, ascii, dropped);
    }

    /** The tree path, which reads every message and words every reason; see {@link ValidEventFastPath}. */
    OrderEvent parseTree(byte[] payload, boolean ascii, List<String> dropped) throws InvalidEventException {
        JsonNode root = ascii
                ? readJson(payload)
                : readJson(withoutByteOrderMark(strictUtf8(payload)));
        if (!root.isObject()) {
            throw new InvalidEventException("not a JSON object but " + describe(root));
        }
        OrderEvent event = new OrderEvent();
        event.type = type(root);
        event.orderId = orderId(root);
        event.occurredAt = occurredAt(root);
        event.eventId = optionalText(root, "eventId", MAX_EVENT_ID_LENGTH, dropped);
        if (event.type == OrderEventType.ORDER_CREATED) {
            event.payTimeoutSeconds = payTimeoutSeconds(root);
            event.userId = optionalText(root, "userId", limits.maxUserIdLength, dropped);
            event.amountCents = amountCents(root, dropped);
            event.currency = currency(root, dropped);
        } else if (event.type == OrderEventType.ORDER_PAID) {
            event.paymentId = optionalText(root, "paymentId", limits.maxPaymentIdLength, dropped);
        }
        return event;
    }

    // ---- the message as a whole ----------------------------------------------------------------

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

    /**
     * ASCII is valid UTF-8 and has no byte order mark, so such a payload can go to Jackson as bytes,
     * without decoding it into a String first (a second pass over every message). Not when one of
     * the first four bytes is 0: Jackson would then guess UTF-16 or UTF-32 from the zero bytes,
     * whereas the String path reads them as the control characters they are.
     */
    static boolean isPlainAscii(byte[] payload) {
        for (int i = 0; i < Math.min(4, payload.length); i++) {
            if (payload[i] == 0) {
                return false;
            }
        }
        for (byte b : payload) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static String withoutByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private JsonNode readJson(String text) throws InvalidEventException {
        if (text.isBlank()) {
            throw new InvalidEventException("empty message (only whitespace)");
        }
        return readTree(text, null);
    }

    /** @param ascii a payload {@link #isPlainAscii} accepted */
    private JsonNode readJson(byte[] ascii) throws InvalidEventException {
        boolean blank = true;
        for (int i = 0; i < ascii.length && blank; i++) {
            blank = Character.isWhitespace(ascii[i]);
        }
        if (blank) {
            throw new InvalidEventException("empty message (only whitespace)");
        }
        return readTree(null, ascii);
    }

    /** Reads one of text or bytes; the same reasons for both. */
    private JsonNode readTree(String text, byte[] bytes) throws InvalidEventException {
        try {
            return text != null ? mapper().readTree(text) : mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidEventException("malformed JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage().replace(REDACTED_SOURCE, ""));
        } catch (IOException e) {
            // Only JsonProcessingException is possible on an in-memory array; kept for the signature.
            throw new InvalidEventException("malformed JSON: " + e);
        } catch (RuntimeException e) {
            // Jackson reports most problems as JsonProcessingException; anything else is still
            // about this message only and must not fail the job.
            throw new InvalidEventException("malformed JSON: " + e);
        }
    }

    private static String describe(JsonNode node) {
        switch (node.getNodeType()) {
            case ARRAY:
                return "an array";
            case OBJECT:
            case POJO:
                return "an object";
            case NULL:
            case MISSING:
                return "null";
            default:
                return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        }
    }

    // ---- required fields: invalid means a dead letter -----------------------------------------

    private static OrderEventType type(JsonNode root) throws InvalidEventException {
        String type = requiredText(root, "type");
        try {
            return OrderEventType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("unknown type '" + type + "'");
        }
    }

    private String orderId(JsonNode root) throws InvalidEventException {
        String orderId = requiredText(root, "orderId");
        if (orderId.isBlank()) {
            throw new InvalidEventException("orderId is blank");
        }
        String problem = StorableText.problem(orderId, limits.maxOrderIdLength);
        if (problem != null) {
            throw new InvalidEventException("orderId " + problem);
        }
        return orderId;
    }

    private static long occurredAt(JsonNode root) throws InvalidEventException {
        JsonNode node = required(root, "occurredAt");
        Instant time;
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new InvalidEventException("occurredAt " + node.asText() + " is out of range " + range());
            }
            time = Instant.ofEpochMilli(node.longValue());
        } else if (node.isTextual()) {
            time = isoInstant(node.textValue());
        } else {
            throw new InvalidEventException(
                    "occurredAt must be an ISO-8601 instant or integer epoch millis, not " + describe(node));
        }
        if (time.isBefore(EARLIEST_OCCURRED_AT)) {
            throw new InvalidEventException("occurredAt " + node.asText() + " is before " + EARLIEST_OCCURRED_AT
                    + (node.isIntegralNumber() ? " (epoch seconds instead of millis?)" : ""));
        }
        if (time.isAfter(LATEST_OCCURRED_AT)) {
            throw new InvalidEventException("occurredAt " + node.asText() + " is after " + LATEST_OCCURRED_AT);
        }
        return time.toEpochMilli();
    }

    private static String range() {
        return EARLIEST_OCCURRED_AT + ".." + LATEST_OCCURRED_AT;
    }

    static Instant isoInstant(String text) throws InvalidEventException {
        Instant common = IsoInstantFastPath.parseOrNull(text);
        if (common != null) {
            return common;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("occurredAt '" + text + "' is not an ISO-8601 instant");
            }
        }
    }

    private static Integer payTimeoutSeconds(JsonNode root) throws InvalidEventException {
        JsonNode node = root.get("payTimeoutSeconds");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw new InvalidEventException("payTimeoutSeconds must be an integer, not " + describe(node));
        }
        if (!node.canConvertToLong() || node.longValue() < 1 || node.longValue() > MAX_PAY_TIMEOUT_SECONDS) {
            throw new InvalidEventException(
                    "payTimeoutSeconds " + node.asText() + " out of range 1.." + MAX_PAY_TIMEOUT_SECONDS);
        }
        return node.intValue();
    }

    private static JsonNode required(JsonNode root, String field) throws InvalidEventException {
        JsonNode node = root.get(field);
        if (node == null) {
            throw new InvalidEventException("missing " + field);
        }
        if (node.isNull()) {
            throw new InvalidEventException("missing " + field + " (null)");
        }
        return node;
    }

    private static String requiredText(JsonNode root, String field) throws InvalidEventException {
        JsonNode node = required(root, field);
        if (!node.isTextual()) {
            throw new InvalidEventException(field + " must be a string, not " + describe(node));
        }
        return node.textValue();
    }

    // ---- optional fields: invalid means dropped, and the event goes on ---------------------------

    /** null for an absent or null field, as well as for a dropped one */
    private static String optionalText(JsonNode root, String field, int maxLength, List<String> dropped) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            dropped.add(droppedReason(field, "not a string but " + describe(node)));
            return null;
        }
        String problem = StorableText.problem(node.textValue(), maxLength);
        if (problem != null) {
            dropped.add(droppedReason(field, problem));
            return null;
        }
        return node.textValue();
    }

    private static Long amountCents(JsonNode root, List<String> dropped) {
        JsonNode node = root.get("amountCents");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            dropped.add(droppedReason("amountCents", "not an integer but " + describe(node) + " " + node.asText()));
            return null;
        }
        if (!node.canConvertToLong() || node.longValue() < 0 || node.longValue() > MAX_AMOUNT_CENTS) {
            dropped.add(droppedReason("amountCents", node.asText() + " out of range 0.." + MAX_AMOUNT_CENTS));
            return null;
        }
        return node.longValue();
    }

    private static String currency(JsonNode root, List<String> dropped) {
        String currency = optionalText(root, "currency", 3, dropped);
        if (currency != null && !isThreeAsciiLetters(currency)) {
            dropped.add(droppedReason("currency", "'" + currency + "' is not 3 letters"));
            return null;
        }
        return currency;
    }

    /** {@code text.matches("[A-Za-z]{3}")} without compiling a regular expression per event. */
    static boolean isThreeAsciiLetters(String text) {
        if (text.length() != 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }

    private static String droppedReason(String field, String problem) {
        return "field " + field + " dropped: " + problem;
    }

    /** The factory with this parser's limits and duplicate detection (for the fast path's test). */
    JsonFactory jsonFactory() {
        return mapper().getFactory();
    }

    private ValidEventFastPath validEvents() {
        if (validEvents == null) {
            validEvents = new ValidEventFastPath(limits);
        }
        return validEvents;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            JsonFactory json = JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxDocumentLength(MAX_MESSAGE_BYTES)
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();
            mapper = new ObjectMapper(json)
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
