package io.ordertimeout.faults.campaign;

import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.LiveCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What a campaign found: the faults with their recovery, and the ground truth at the end. */
public record CampaignResult(CampaignSettings settings, Instant started, Duration wallTime, List<FaultRecord> faults,
        GroundTruthReport groundTruth, LiveCounters shop, long publishRetries, int expectedCloses,
        int expectedDeadLetters, int deadLetterRows, List<String> notes) {

    /** Nothing lost or doubled, and closes flowed again after every fault. */
    public boolean passed() {
        return groundTruth.passed() && faults.stream().allMatch(FaultRecord::recovered)
                && faults.size() == settings.faults().size();
    }
}
