package io.ordertimeout.event;

/**
 * Says why a string from an event could not be stored as it is in a database column: too many
 * characters, a control character, or half of a surrogate pair (a JSON escape such as
 * {@code "\ud800"} decodes to one; drivers would write it as '?', i.e. another value).
 * Lengths are counted in code points, as PostgreSQL and MySQL/MariaDB (utf8mb4) count
 * {@code VARCHAR(n)}.
 */
final class StorableText {

    private StorableText() {}

    /** @return null when {@code value} fits a column of {@code maxLength} characters, else the problem */
    static String problem(String value, int maxLength) {
        int length = value.codePointCount(0, value.length());
        if (length > maxLength) {
            return "longer than " + maxLength + " characters (" + length + ")";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return "contains control character " + codePoint(c) + " at index " + i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired surrogate " + codePoint(c) + " at index " + i;
            }
        }
        return null;
    }

    /**
     * {@code text} with control characters and unpaired surrogates written as {@code \\uXXXX} and
     * cut to {@code maxLength} characters, so that a reason quoting hostile input can itself be
     * logged and stored (PostgreSQL text rejects NUL).
     */
    static String printable(String text, int maxLength) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 16);
        int i = 0;
        for (; i < text.length() && out.length() < maxLength; i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length()) {
            out.append("...");
        }
        return out.toString();
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }
}
