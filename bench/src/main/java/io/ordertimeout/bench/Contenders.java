package io.ordertimeout.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The contenders of the live runs, by name, in report order. */
final class Contenders {

    static final String JOB_ROCKSDB = "job-rocksdb";
    static final String JOB_HEAP = "job-heap";
    static final String SCANNER = "scanner";
    static final String DELAY = "delay-messages";
    static final String CEP = "cep-rocksdb";

    private Contenders() {}

    static Map<String, Function<LiveSetup, Contender>> all() {
        Map<String, Function<LiveSetup, Contender>> contenders = new LinkedHashMap<>();
        contenders.put(JOB_ROCKSDB, setup -> new FlinkJobContender(
                JOB_ROCKSDB, FlinkJobContender.Kind.TIMEOUT_JOB, FlinkSettings.ROCKSDB, setup));
        contenders.put(JOB_HEAP, setup -> new FlinkJobContender(
                JOB_HEAP, FlinkJobContender.Kind.TIMEOUT_JOB, FlinkSettings.HEAP, setup));
        contenders.put(SCANNER, ScannerContender::new);
        contenders.put(DELAY, DelayMessageContender::new);
        contenders.put(CEP, setup -> new FlinkJobContender(CEP, FlinkJobContender.Kind.CEP, FlinkSettings.ROCKSDB, setup));
        return contenders;
    }
}
