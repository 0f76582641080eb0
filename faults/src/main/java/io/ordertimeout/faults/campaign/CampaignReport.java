package io.ordertimeout.faults.campaign;

import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.Mismatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;

/** Writes a campaign's result as markdown: the verdict, each fault with its recovery, the ground truth. */
final class CampaignReport {

    private CampaignReport() {}

    static Path write(CampaignResult result, Path directory) throws IOException {
        Files.createDirectories(directory);
        String date = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm").withZone(ZoneOffset.UTC).format(result.started());
        String database = "postgres".equals(result.settings().database()) ? "" : "-" + result.settings().database();
        Path file = directory.resolve(date + "-" + result.settings().faults().size() + "faults" + database + ".md");
        Files.writeString(file, markdown(result), StandardCharsets.UTF_8);
        return file;
    }

    static String markdown(CampaignResult result) {
        CampaignSettings settings = result.settings();
        GroundTruthReport truth = result.groundTruth();
        StringBuilder md = new StringBuilder();
        md.append("# Fault campaign ").append(result.started()).append("\n\n");
        md.append("**Verdict: ").append(result.passed() ? "PASSED" : "FAILED").append("** — ")
                .append(result.faults().size()).append(" of ").append(settings.faults().size())
                .append(" faults injected in ").append(minutes(result.wallTime())).append(", ")
                .append(truth.mismatchCount()).append(" ground-truth mismatches, ")
                .append(result.faults().stream().filter(f -> !f.recovered()).count())
                .append(" faults after which closes did not flow again.\n\n");
        md.append("Setup: the job's fat jar on a Flink session cluster of separate processes (1 JobManager, ")
                .append(settings.taskManagers()).append(" TaskManagers x ").append(settings.slotsPerTaskManager())
                .append(" slots, RocksDB, checkpoints every 2 s), submitted and resumed with Flink's CLI; RocketMQ 5.3.3"
                        + " name server and broker (child JVMs); ")
                .append(settings.database()).append(". Shop: ").append(settings.ordersPerSecond())
                .append(" orders/s, payment window ").append(settings.payTimeout().toSeconds())
                .append(" s, late payments ").append(settings.latePaymentDelay().toSeconds())
                .append(" s after it, 2% poison messages, seed ").append(settings.seed())
                .append(". The machine has 2 cores shared with other work: figures are pessimistic.\n\n");

        md.append("## Faults\n\n");
        md.append("| # | fault | what | closes flow again after | worst close lateness (deadlines during the fault) |\n");
        md.append("|---|---|---|---|---|\n");
        for (FaultRecord fault : result.faults()) {
            md.append("| ").append(fault.number()).append(" | ").append(fault.kind()).append(" | ")
                    .append(fault.detail()).append(" | ")
                    .append(fault.timeToCloses() == null ? "**never** (" + fault.error() + ")" : seconds(fault.timeToCloses()))
                    .append(" | ").append(fault.worstLatenessMs() == null ? "-" : seconds(fault.worstLatenessMs()))
                    .append(" |\n");
        }
        md.append("\n").append(perKind(result)).append("\n");

        md.append("## Ground truth (row by row)\n\n");
        md.append("- orders judged: ").append(truth.ordersPerCategory().values().stream().mapToInt(Integer::intValue).sum())
                .append(" ").append(truth.ordersPerCategory()).append('\n');
        md.append("- orders the job had to close: ").append(result.expectedCloses()).append("; status counts found: ")
                .append(truth.actualStatusCounts()).append('\n');
        md.append("- audit rows: ").append(truth.actualAudits()).append("; refund rows: ").append(truth.actualRefunds())
                .append('\n');
        md.append("- poison messages sent: ").append(result.expectedDeadLetters()).append("; distinct dead letters: ")
                .append(truth.distinctDeadLetters()).append(" (").append(result.deadLetterRows())
                .append(" rows, at-least-once)\n");
        md.append("- close lateness over the whole run: ").append(truth.lateness()).append('\n');
        md.append("- mismatches: ").append(truth.mismatchCount()).append('\n');
        for (Mismatch mismatch : truth.mismatches()) {
            md.append("  - ").append(mismatch).append('\n');
        }
        md.append("- shop: ").append(result.shop()).append("; publish retries during broker outages: ")
                .append(result.publishRetries()).append('\n');
        md.append("  (actions that failed are those the shop could not do while its database was down, e.g."
                + " orders not created; they are not part of the judged workload)\n");
        if (!result.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            result.notes().forEach(note -> md.append("- ").append(note).append('\n'));
        }
        return md.toString();
    }

    private static String perKind(CampaignResult result) {
        Map<FaultKind, long[]> stats = new EnumMap<>(FaultKind.class);
        for (FaultRecord fault : result.faults()) {
            long[] s = stats.computeIfAbsent(fault.kind(), k -> new long[] {0, 0, 0});
            s[0]++;
            if (fault.timeToCloses() != null) {
                s[1] = Math.max(s[1], fault.timeToCloses().toMillis());
            }
            if (fault.worstLatenessMs() != null) {
                s[2] = Math.max(s[2], fault.worstLatenessMs());
            }
        }
        StringBuilder md = new StringBuilder("| fault | times | longest until closes flow | worst lateness |\n|---|---|---|---|\n");
        stats.forEach((kind, s) -> md.append("| ").append(kind).append(" | ").append(s[0]).append(" | ")
                .append(seconds(s[1])).append(" | ").append(seconds(s[2])).append(" |\n"));
        return md.toString();
    }

    private static String seconds(Duration duration) {
        return seconds(duration.toMillis());
    }

    private static String seconds(long millis) {
        return String.format("%.1f s", millis / 1000.0);
    }

    private static String minutes(Duration duration) {
        return String.format("%.1f min", duration.toMillis() / 60_000.0);
    }
}
