package io.ordertimeout.bench;

import io.ordertimeout.testkit.workload.LatenessStats;
import java.util.List;

/** One contender's live run: correctness, close lateness and its database work. */
record LiveResult(
        String contender,
        int orders,
        int expectedCloses,
        int closes,
        List<String> mismatches,
        LatenessStats steady,
        LatenessStats quiet,
        long[] latenessMillis,
        DbWork dbWork,
        long runMillis) {

    boolean correct() {
        return mismatches.isEmpty();
    }
}
