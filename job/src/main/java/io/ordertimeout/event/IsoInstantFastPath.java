package io.ordertimeout.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#parse} for the one form producers send almost always,
 * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (1 to 9 fraction digits), without going through
 * {@code DateTimeFormatter}. Own code because the formatter was about a tenth of the job's CPU on
 * an end-to-end backlog (bench/results, JFR top frames). Text in any other form, or with a field
 * outside its ordinary range (hour 24, a leap second 60, February 30, …), gives null, and the
 * caller uses {@link Instant#parse}: accepted values and error messages stay those of java.time
 * (a property test checks the two agree).
 */
final class IsoInstantFastPath {

    private IsoInstantFastPath() {}

    /** The instant, or null when the text is not in the fast form (then ask {@link Instant#parse}). */
    static Instant parseOrNull(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            int fraction = digits(text, 20, fractionDigits);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException noSuchDay) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The unsigned decimal number in text[from, from + count), or -1 if a character is not an ASCII digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
