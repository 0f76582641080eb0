package io.ordertimeout.faults.campaign;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code faults/run.sh}: runs one campaign and writes {@code faults/results/<date>-<n>faults.md}. */
public final class FaultCampaignMain {

    private FaultCampaignMain() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("order-timeout.job-jar", "")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No job jar at '" + jar + "' (system property order-timeout.job-jar)");
        }
        CampaignSettings settings = CampaignSettings.fromArgs(args, jar, Path.of("faults", "results"));
        CampaignResult result = FaultCampaign.run(settings);
        Path report = CampaignReport.write(result, settings.resultsDirectory());
        System.out.println(CampaignReport.markdown(result));
        System.out.println("Written to " + report);
        System.exit(result.passed() ? 0 : 1);
    }
}
