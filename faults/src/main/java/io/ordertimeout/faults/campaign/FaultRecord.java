package io.ordertimeout.faults.campaign;

import java.time.Duration;
import java.time.Instant;

/**
 * One injected fault: when it began, when it was repaired (server back, new TaskManager, job
 * resumed), when the first close after the repair was seen (null if closes never resumed), and
 * the worst close lateness of the orders that fell due from its start until then.
 */
public record FaultRecord(int number, FaultKind kind, String detail, Instant started, Instant repaired,
        Instant closesFlowAgain, Long worstLatenessMs, String error) {

    public FaultRecord withWorstLateness(Long worstLatenessMs) {
        return new FaultRecord(number, kind, detail, started, repaired, closesFlowAgain, worstLatenessMs, error);
    }

    /** From the start of the fault until closes flow again; null if they did not. */
    public Duration timeToCloses() {
        return closesFlowAgain == null ? null : Duration.between(started, closesFlowAgain);
    }

    public boolean recovered() {
        return closesFlowAgain != null && error == null;
    }
}
