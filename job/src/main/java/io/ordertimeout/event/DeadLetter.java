package io.ordertimeout.event;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A message that did not parse or validate: kept with its raw bytes, where it came from and
 * why it was rejected, so that it can be inspected and replayed (DESIGN.md §2).
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

    /** The payload as text when it is valid UTF-8-ish, for logs and tables; base64 otherwise. */
    public String payloadForDisplay() {
        if (payload == null) {
            return "";
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        return text.indexOf('\uFFFD') >= 0 ? "base64:" + Base64.getEncoder().encodeToString(payload) : text;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + sourcePosition + ": " + reason + "}";
    }
}
