package io.ordertimeout.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.config.OrderTimeoutOptions;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

/**
 * docs/RUNBOOK.md lists every job option with its type and default; operators copy from it, so
 * it must say what OrderTimeoutOptions says.
 */
class RunbookOptionsTableTest {

    private static final String NO_DEFAULT = "(none)";

    @Test
    void runbookTableListsEveryOptionWithItsTypeAndDefault() throws Exception {
        Map<String, String[]> rows = optionRows(findRunbook());
        Map<String, ConfigOption<?>> options = new TreeMap<>();
        for (Field field : OrderTimeoutOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                options.put(option.key(), option);
            }
        }
        assertThat(options).isNotEmpty();

        List<String> problems = new ArrayList<>();
        for (ConfigOption<?> option : options.values()) {
            String[] row = rows.get(option.key());
            if (row == null) {
                problems.add(option.key() + " is missing from the table");
                continue;
            }
            String type = row[1];
            String documentedDefault = row[2].replace("`", "");
            Object value = option.hasDefaultValue() ? option.defaultValue() : null;
            String expectedType = value == null ? null : typeName(value);
            if (expectedType != null && !expectedType.equals(type)) {
                problems.add(option.key() + " has type " + type + " in the table, " + expectedType + " in the code");
            }
            if (value == null) {
                if (!NO_DEFAULT.equals(documentedDefault)) {
                    problems.add(option.key() + " has no default in the code, but the table says " + documentedDefault);
                }
            } else if (value instanceof Duration duration) {
                if (NO_DEFAULT.equals(documentedDefault) || !duration.equals(TimeUtils.parseDuration(documentedDefault))) {
                    problems.add(option.key() + " defaults to " + duration + " in the code, but the table says " + documentedDefault);
                }
            } else if (!String.valueOf(value).equals(documentedDefault)) {
                problems.add(option.key() + " defaults to " + value + " in the code, but the table says " + documentedDefault);
            }
        }
        for (String key : rows.keySet()) {
            if (!options.containsKey(key)) {
                problems.add(key + " is in the table but not an option of OrderTimeoutOptions");
            }
        }
        assertThat(problems).as("docs/RUNBOOK.md options table vs OrderTimeoutOptions").isEmpty();
    }

    private static String typeName(Object value) {
        if (value instanceof Duration) {
            return "duration";
        } else if (value instanceof Integer) {
            return "int";
        } else if (value instanceof Long) {
            return "long";
        }
        return "string";
    }

    /** Rows `| `order-timeout.x` | type | default | meaning |`, by key. */
    private static Map<String, String[]> optionRows(Path runbook) throws IOException {
        Map<String, String[]> rows = new TreeMap<>();
        for (String line : Files.readAllLines(runbook)) {
            if (line.startsWith("| `order-timeout.")) {
                String[] cells = line.substring(1).split(" \\| ");
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cells[i].trim();
                }
                String key = cells[0].replace("`", "");
                assertThat(rows.put(key, cells)).as("%s listed twice in %s", key, runbook).isNull();
            }
        }
        return rows;
    }

    private static Path findRunbook() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path runbook = dir.resolve("docs/RUNBOOK.md");
            if (Files.exists(runbook)) {
                return runbook;
            }
        }
        throw new AssertionError("no docs/RUNBOOK.md above " + Path.of("").toAbsolutePath());
    }
}
