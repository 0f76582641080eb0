package io.ordertimeout.connector.rocketmq.testframe;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random, distinguishable string records for the suites: each names its split (or run) and index. */
final class TestData {

    private static final int MIN_RECORDS = 50;
    private static final int MAX_RECORDS = 150;

    private TestData() {}

    static List<String> records(String prefix, long seed) {
        Random random = new Random(seed);
        int count = MIN_RECORDS + random.nextInt(MAX_RECORDS - MIN_RECORDS + 1);
        List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(prefix + "-" + seed + "-" + i + "-" + Long.toHexString(random.nextLong()));
        }
        return records;
    }
}
