package io.ordertimeout.testkit.poison;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One malformed or poison message of the corpus and what the job must make of it: either the
 * whole message is rejected (a dead letter whose reason contains {@link #rejectedReason()}), or
 * the event is accepted and each field in {@link #droppedFields()} is dropped from it (one dead
 * letter per field, reason {@code field <name> dropped: ...} containing the mapped fragment).
 *
 * @param name unique, stable name of the case
 * @param why what is wrong with the message, in words
 * @param payload the raw message body
 * @param rejectedReason fragment of the reason when the message is rejected; null when accepted
 * @param droppedFields field name to reason fragment, when accepted; empty when nothing is dropped
 * @param notSendable why the case cannot travel through a broker (e.g. an empty body); null if it can
 */
public record PoisonCase(
        String name, String why, byte[] payload, String rejectedReason, Map<String, String> droppedFields,
        String notSendable) {

    public PoisonCase {
        Objects.requireNonNull(name);
        Objects.requireNonNull(payload);
        droppedFields = Map.copyOf(droppedFields);
        if (rejectedReason != null && !droppedFields.isEmpty()) {
            throw new IllegalArgumentException(name + ": a rejected message drops no fields");
        }
    }

    public boolean rejected() {
        return rejectedReason != null;
    }

    /** Whether it can be published through RocketMQ, see {@link #notSendable()}. */
    public boolean sendable() {
        return notSendable == null;
    }

    /** The reason fragment expected for {@code field}, if the case expects it dropped. */
    public Optional<String> droppedReason(String field) {
        return Optional.ofNullable(droppedFields.get(field));
    }

    /** The number of dead letters the case must produce. */
    public int expectedDeadLetters() {
        return rejected() ? 1 : droppedFields.size();
    }

    @Override
    public String toString() {
        return name;
    }
}
