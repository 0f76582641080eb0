package io.ordertimeout.testkit.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the {@code order-timeout-sql} classpath resources and fills in their placeholders. */
public final class SqlScripts {

    /** The placeholder in grants.sql; named after the environment variable the job reads. */
    public static final String PASSWORD_PLACEHOLDER = "${ORDER_TIMEOUT_JDBC_PASSWORD}";

    private static final String RESOURCE_ROOT = "order-timeout-sql/";

    private SqlScripts() {}

    /** E.g. {@code load(Kind.POSTGRES, "schema.sql")} reads {@code order-timeout-sql/postgres/schema.sql}. */
    public static String load(TestDatabase.Kind kind, String fileName) {
        String resource = RESOURCE_ROOT + kind.sqlDirectory() + "/" + fileName;
        try (InputStream in = SqlScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Not on the class path: " + resource + " (module order-timeout-sql)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    /** Substitutes the password as a string literal body, escaped for the server's quoting rules. */
    public static String withJobPassword(TestDatabase.Kind kind, String script, String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("The job user needs a non-empty password");
        }
        // MySQL/MariaDB also treat a backslash in a string literal as an escape (default sql_mode).
        String escaped = kind == TestDatabase.Kind.MARIADB ? password.replace("\\", "\\\\") : password;
        escaped = escaped.replace("'", "''");
        return script.replace(PASSWORD_PLACEHOLDER, escaped);
    }
}
