package io.ordertimeout.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A message that did not parse or validate, or an optional field dropped from an event that went
 * on without it: kept with the message's raw bytes, where it came from and why (the reason names
 * the field), so that it can be inspected and replayed (DESIGN.md §2).
 */
public class DeadLetter {

    public byte[] payload;
    /** Where the message was read, e.g. {@code order-events/broker-a/3/1042}. */
    public String sourcePosition;
    public String reason;
    /** Wall-clock time at which the job rejected it, epoch millis. */
    public long rejectedAt;

    public DeadLetter() {}

    public DeadLetter(byte[] payload, String sourcePosition, String reason, long rejectedAt) {
        this.payload = payload;
        this.sourcePosition = sourcePosition;
        this.reason = reason;
        this.rejectedAt = rejectedAt;
    }

    /**
     * The payload as the dead-letter table stores it (TEXT): the text itself when it is valid
     * UTF-8 without a NUL character, otherwise {@code base64:} and the base64 of the raw bytes.
     * PostgreSQL text rejects NUL ("invalid byte sequence for encoding"), and bytes that are not
     * UTF-8 would be changed by decoding; either would lose the evidence or fail the insert.
     */
    public String payloadForDisplay() {
        if (payload == null) {
            return "";
        }
        String text = strictUtf8(payload);
        return text == null || text.indexOf('\u0000') >= 0
                ? "base64:" + Base64.getEncoder().encodeToString(payload)
                : text;
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "DeadLetter{" + sourcePosition + ": " + reason + "}";
    }
}
