package io.ordertimeout.tools;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.Configuration;

/**
 * {@code <command> [--name value | --flag | -Dkey=value]...}. A name with a dot ({@code
 * --order-timeout.jdbc.url ...}, like the job's program arguments) or a {@code -D} pair is a
 * Flink setting; other names are the command's own arguments ({@code --savepoint}, {@code --json}).
 */
final class ToolArguments {

    private static final Set<String> FLAGS = Set.of("json", "help");

    final String command;
    final Configuration settings = new Configuration();
    private final Map<String, String> arguments = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private ToolArguments(String command) {
        this.command = command;
    }

    static ToolArguments parse(String[] args) {
        if (args.length == 0) {
            throw new UsageException("no command");
        }
        ToolArguments parsed = new ToolArguments(args[0]);
        Map<String, String> flinkSettings = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-D") && arg.contains("=")) {
                int eq = arg.indexOf('=');
                flinkSettings.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (arg.startsWith("--")) {
                String name = arg.substring(2);
                if (FLAGS.contains(name)) {
                    parsed.flags.add(name);
                } else if (i + 1 >= args.length) {
                    throw new UsageException("--" + name + " needs a value");
                } else if (name.contains(".")) {
                    flinkSettings.put(name, args[++i]);
                } else {
                    parsed.arguments.put(name, args[++i]);
                }
            } else {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
        }
        parsed.settings.addAll(Configuration.fromMap(flinkSettings));
        return parsed;
    }

    Optional<String> argument(String name) {
        return Optional.ofNullable(arguments.get(name));
    }

    String required(String name) {
        return argument(name).orElseThrow(() -> new UsageException(command + " needs --" + name));
    }

    int intArgument(String name, int defaultValue) {
        String value = arguments.get(name);
        try {
            return value == null ? defaultValue : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, was '" + value + "'");
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    /** A wrong command line; the tool prints the usage. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
