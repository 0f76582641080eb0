package io.ordertimeout.core;

/** Close this order if it is still pending: the output of a fired payment timer. */
public class CloseCommand {

    public String orderId;
    /** The payment deadline, event time, epoch millis. */
    public long deadline;
    /** Wall-clock time of the close decision, epoch millis; written as closed_at. */
    public long decidedAt;
    public String userId;
    public Long amountCents;
    public String currency;

    public CloseCommand() {}

    public CloseCommand(String orderId, long deadline, long decidedAt) {
        this.orderId = orderId;
        this.deadline = deadline;
        this.decidedAt = decidedAt;
    }

    /** How long after the deadline the decision was taken (negative never happens in practice). */
    public long latenessMillis() {
        return decidedAt - deadline;
    }

    @Override
    public String toString() {
        return "CloseCommand{" + orderId + ", deadline=" + deadline + ", decidedAt=" + decidedAt + "}";
    }
}
