package io.ordertimeout.sink;

import io.ordertimeout.core.CloseCommand;

/** A close command after its transaction committed, with what the database did (a Flink POJO). */
public class CloseResult {

    public CloseCommand close;
    public CloseOutcome outcome;

    public CloseResult() {}

    public CloseResult(CloseCommand close, CloseOutcome outcome) {
        this.close = close;
        this.outcome = outcome;
    }

    public boolean applied() {
        return outcome == CloseOutcome.APPLIED;
    }

    @Override
    public String toString() {
        return "CloseResult{" + (close == null ? null : close.orderId) + ", " + outcome + "}";
    }
}
