package io.ordertimeout.bench;

import java.util.Arrays;

/** A figure measured several times: median with min and max. */
record Repeated(double median, double min, double max, double[] values) {

    static Repeated of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Repeated(median, sorted[0], sorted[n - 1], values.clone());
    }

    String format(String pattern) {
        return String.format(pattern, median) + " (" + String.format(pattern, min) + "–" + String.format(pattern, max) + ")";
    }
}
