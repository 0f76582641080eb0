package io.ordertimeout.tools;

import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The note's figures, measured by a command, not a test: N pending orders (default 1,000,000) in an
 * embedded PostgreSQL, then {@code java -jar tools/target/order-timeout-tools-*.jar bootstrap} and
 * {@code inspect} as a user would run them (so the runnable jar is exercised too); prints orders/s
 * and savepoint bytes per order. Build the jar first ({@code ./mvnw -o -pl tools -am package
 * -DskipTests}), then from the repository root:
 * {@code ./mvnw -o -q -pl tools exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.ordertimeout.tools.BootstrapScaleMeasurement -Dexec.args=1000000}
 */
public final class BootstrapScaleMeasurement {

    private BootstrapScaleMeasurement() {}

    public static void main(String[] args) throws Exception {
        int orders = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path jar = runnableJar();
        Path work = Files.createTempDirectory("order-timeout-bootstrap-scale-");
        try (EmbeddedPostgresDatabase database = EmbeddedPostgresDatabase.start()) {
            database.applySchema();
            database.executeScript("CREATE ROLE order_timeout_tools LOGIN PASSWORD 'tools';\n"
                    + "GRANT USAGE ON SCHEMA public TO order_timeout_tools;\n"
                    + "GRANT SELECT ON orders TO order_timeout_tools;\n"
                    // deadlines from 10 min ago to ~1 day ahead; 10% settled rows the query must skip
                    + "INSERT INTO orders (order_id, user_id, amount_cents, currency, status, created_at)"
                    + " SELECT 'order-' || g, 'user-' || (g % 100000), 1000 + g % 5000, 'EUR',"
                    + " CASE WHEN g % 10 = 0 THEN 'PAID' ELSE 'PENDING_PAYMENT' END,"
                    + " now() - interval '40 minutes' + (g * interval '1 millisecond') * (86400000.0 / "
                    + (orders * 10 / 9) + ")"
                    + " FROM generate_series(1, " + (orders * 10 / 9) + ") g;\n"
                    + "ANALYZE orders;\n");
            Path savepoint = work.resolve("bootstrap");
            long started = System.nanoTime();
            String bootstrapOut = run(jar, "bootstrap", "--output", savepoint.toString(),
                    "--order-timeout.jdbc.url", database.jdbcUrl(), "--order-timeout.jdbc.user", "order_timeout_tools");
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.println(bootstrapOut);
            long bytes;
            try (Stream<Path> files = Files.walk(savepoint)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            long pending = Long.parseLong(bootstrapOut.replaceAll("(?s).*Bootstrapped (\\d+) pending orders.*", "$1"));
            System.out.printf("RESULT orders=%d wall=%.1fs (JVM start included) rate=%.0f orders/s savepoint=%d bytes (%.1f bytes/order)%n",
                    pending, seconds, pending / seconds, bytes, (double) bytes / pending);
            long inspectStarted = System.nanoTime();
            System.out.println(run(jar, "inspect", "--savepoint", savepoint.toString(), "--order-id", "order-7"));
            System.out.printf("RESULT inspect wall=%.1fs%n", (System.nanoTime() - inspectStarted) / 1e9);
        }
    }

    private static Path runnableJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("tools/target").toAbsolutePath().normalize().toFile().exists()
                ? Path.of("tools/target") : Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("order-timeout-tools-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("build the tools jar first"));
        }
    }

    private static String run(Path jar, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("ORDER_TIMEOUT_JDBC_PASSWORD", "tools");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        int code = process.waitFor();
        if (code != 0) {
            throw new IllegalStateException("exit " + code + ": " + out);
        }
        return out;
    }
}
