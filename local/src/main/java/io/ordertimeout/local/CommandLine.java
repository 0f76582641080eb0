package io.ordertimeout.local;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.TimeUtils;

/**
 * {@code --name value} and {@code --switch} arguments of the local mains. Hand-written because
 * the two mains need a dozen flags and nothing on their class path parses GNU-style options with
 * a help text (Flink's ParameterTool accepts anything and has no notion of switches).
 * Durations use Flink's syntax (30s, 2min, 500ms), like every {@code order-timeout.*} setting.
 */
final class CommandLine {

    /** Thrown for arguments the program does not understand; the message is meant for the user. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values = new LinkedHashMap<>();

    private CommandLine() {}

    /**
     * @param valueFlags flags that take a value (without the leading dashes)
     * @param switches flags that take none
     */
    static CommandLine parse(String[] args, Set<String> valueFlags, Set<String> switches) {
        CommandLine line = new CommandLine();
        List<String> list = List.of(args);
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                inlineValue = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (switches.contains(name) && inlineValue == null) {
                line.values.put(name, "true");
            } else if (valueFlags.contains(name)) {
                String value = inlineValue;
                if (value == null) {
                    if (i + 1 >= list.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = list.get(++i);
                }
                line.values.put(name, value);
            } else {
                throw new UsageException("unknown flag --" + name);
            }
        }
        return line;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    Duration duration(String name, Duration defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return TimeUtils.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + " " + value + ": not a duration (e.g. 30s, 2min, 500ms)");
        }
    }

    double positiveNumber(String name, double defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            double number = Double.parseDouble(value);
            if (number > 0 && Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " " + value + ": must be a positive number");
    }

    int positiveInt(String name, int defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " " + value + ": must be a positive integer");
    }

    /** The value of an environment variable named by a flag, e.g. {@code --jdbc-password-env SHOP_DB_PASSWORD}. */
    static String requiredEnv(String variable, String why) {
        String value = System.getenv(variable);
        if (value == null) {
            throw new UsageException("environment variable " + variable + " is not set (" + why + ")");
        }
        return value;
    }
}
