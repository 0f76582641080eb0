package io.ordertimeout.tools;

import io.ordertimeout.config.InvalidSettingException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * Entry point of {@code java -jar order-timeout-tools-*.jar <command>}: bootstrap, inspect,
 * reconcile (DESIGN.md §8). Each command runs Flink embedded in this JVM. Exit codes: 0 done (and
 * for reconcile: no differences), 1 reconcile found differences, 2 a wrong command line or
 * setting, 3 the command failed.
 */
public final class OrderTimeoutTools {

    static final int OK = 0;
    static final int DIFFERENCES = 1;
    static final int USAGE = 2;
    static final int FAILED = 3;

    private static final String USAGE_TEXT = String.join("\n",
            "Usage: java -jar order-timeout-tools.jar <command> [arguments] [--order-timeout.<key> <value>]...",
            "",
            "  bootstrap --output <savepoint dir>     write a savepoint with the table's pending orders",
            "  inspect   --savepoint <path> [--order-id <id>] [--oldest <n>] [--json]",
            "  reconcile --savepoint <path> [--limit <n>] [--json]     exit code 1 on differences",
            "",
            "Database settings are the job's: --order-timeout.jdbc.url, --order-timeout.jdbc.user (a read-only",
            "login), password in env ORDER_TIMEOUT_JDBC_PASSWORD, order-timeout.db.* names, order-timeout.pay-timeout,",
            "and order-timeout.tools.* (docs/RUNBOOK.md §2). -Dkey=value works too.");

    private OrderTimeoutTools() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        ToolArguments arguments;
        try {
            arguments = ToolArguments.parse(args);
            if (arguments.flag("help")) {
                out.println(USAGE_TEXT);
                return OK;
            }
            switch (arguments.command) {
                case "bootstrap":
                    return bootstrap(arguments, out, environment);
                case "inspect":
                    return inspect(arguments, out);
                case "reconcile":
                    return reconcile(arguments, out, environment);
                default:
                    throw new ToolArguments.UsageException("unknown command '" + arguments.command + "'");
            }
        } catch (ToolArguments.UsageException e) {
            err.println("order-timeout-tools: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        } catch (InvalidSettingException e) {
            err.println("order-timeout-tools: " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            err.println("order-timeout-tools: failed: " + rootMessage(e));
            e.printStackTrace(err);
            return FAILED;
        }
    }

    private static int bootstrap(ToolArguments arguments, PrintStream out, Map<String, String> environment)
            throws Exception {
        ToolSettings settings = ToolSettings.from(arguments.settings, environment);
        String output = location(arguments.required("output"));
        long now = System.currentTimeMillis();
        BootstrapCommand.Result result = BootstrapCommand.run(settings, flinkConfig(arguments), output);
        BootstrapCommand.print(result, now, out);
        return OK;
    }

    private static int inspect(ToolArguments arguments, PrintStream out) throws Exception {
        ToolSettings.maxParallelism(arguments.settings);
        SavepointOrders savepoint = new SavepointOrders(flinkConfig(arguments), location(arguments.required("savepoint")));
        InspectReport report = new InspectReport(System.currentTimeMillis(), arguments.intArgument("oldest", 10),
                arguments.argument("order-id").orElse(null));
        savepoint.forEachOrder(report::add);
        report.pendingOrdersCounter(savepoint.pendingOrdersCounter());
        if (arguments.flag("json")) {
            report.printJson(out);
        } else {
            report.printText(out);
        }
        return OK;
    }

    private static int reconcile(ToolArguments arguments, PrintStream out, Map<String, String> environment)
            throws Exception {
        ToolSettings settings = ToolSettings.from(arguments.settings, environment);
        SavepointOrders savepoint = new SavepointOrders(flinkConfig(arguments), location(arguments.required("savepoint")));
        List<Difference> differences =
                ReconcileCommand.run(settings, savepoint, new OrdersTable(settings), System.currentTimeMillis());
        if (arguments.flag("json")) {
            ReconcileCommand.printJson(differences, out);
        } else {
            ReconcileCommand.printText(differences, arguments.intArgument("limit", 100), out);
        }
        return differences.isEmpty() ? OK : DIFFERENCES;
    }

    /** The Flink settings of the embedded run: everything given, e.g. parallelism.default or s3 credentials. */
    private static Configuration flinkConfig(ToolArguments arguments) {
        return new Configuration(arguments.settings);
    }

    /** A URI as given (s3://, hdfs://, file:/), a plain path made absolute. */
    static String location(String given) {
        if (given.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*")) {
            return given;
        }
        URI uri = Path.of(given).toAbsolutePath().normalize().toUri();
        return uri.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + root + ")";
    }
}
