package io.ordertimeout.sink;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement written with named parameters ({@code :order_id}), turned into JDBC {@code ?}
 * placeholders and the parameter name of each placeholder, in order. A name may appear several
 * times; each occurrence is its own placeholder.
 *
 * <p>Why not flink-connector-jdbc's {@code FieldNamedPreparedStatementImpl.parseNamedStatement}:
 * it treats every colon as a parameter, so a PostgreSQL cast ({@code ::timestamptz}) fails and a
 * colon inside a string literal or comment ({@code '10:00'}) becomes a parameter; it also belongs
 * to the connector's Table API internals. Operators write these statements by hand, so this
 * parser skips string literals, quoted identifiers, comments and dollar-quoted strings, and
 * rejects positional {@code ?} so that one binding mechanism serves all statements.
 */
public final class NamedParameterSql implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern DOLLAR_QUOTE_TAG = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");

    private final String jdbcSql;
    private final List<String> parameterNames;

    private NamedParameterSql(String jdbcSql, List<String> parameterNames) {
        this.jdbcSql = jdbcSql;
        this.parameterNames = List.copyOf(parameterNames);
    }

    /**
     * @throws IllegalArgumentException when the statement is blank, has a positional {@code ?}, or
     *     an unterminated literal, quoted identifier or comment
     */
    public static NamedParameterSql parse(String sql, SqlDialect dialect) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("the statement is empty");
        }
        boolean backslashEscapes = dialect == SqlDialect.MYSQL;
        StringBuilder out = new StringBuilder(sql.length());
        List<String> names = new ArrayList<>();
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            char next = i + 1 < length ? sql.charAt(i + 1) : '\0';
            int end;
            if (c == '\'' || c == '"' || (c == '`' && dialect == SqlDialect.MYSQL)) {
                end = endOfQuoted(sql, i, c, backslashEscapes);
            } else if ((c == '-' && next == '-') || (c == '#' && dialect == SqlDialect.MYSQL)) {
                int newline = sql.indexOf('\n', i);
                end = newline < 0 ? length : newline + 1;
            } else if (c == '/' && next == '*') {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated /* comment");
                }
                end = close + 2;
            } else if (c == '$' && dialect == SqlDialect.POSTGRES && isDollarQuoteStart(sql, i)) {
                end = endOfDollarQuoted(sql, i);
            } else if (c == ':' && next == ':') {
                end = i + 2; // PostgreSQL cast
            } else if (c == ':' && (Character.isLetter(next) || next == '_')) {
                end = i + 1;
                while (end < length && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                    end++;
                }
                names.add(sql.substring(i + 1, end));
                out.append('?');
                i = end;
                continue;
            } else if (c == '?') {
                throw new IllegalArgumentException("positional parameter '?' at offset " + i
                        + "; use named parameters such as :order_id");
            } else {
                end = i + 1;
            }
            out.append(sql, i, end);
            i = end;
        }
        return new NamedParameterSql(out.toString(), names);
    }

    private static int endOfQuoted(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\' && backslashEscapes && quote != '`') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2; // doubled quote inside the literal
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated " + quote + " quote starting at offset " + start);
    }

    private static boolean isDollarQuoteStart(String sql, int start) {
        return DOLLAR_QUOTE_TAG.matcher(sql).region(start, sql.length()).lookingAt();
    }

    private static int endOfDollarQuoted(String sql, int start) {
        Matcher tag = DOLLAR_QUOTE_TAG.matcher(sql).region(start, sql.length());
        tag.lookingAt();
        int close = sql.indexOf(tag.group(), tag.end());
        if (close < 0) {
            throw new IllegalArgumentException("unterminated " + tag.group() + " quote starting at offset " + start);
        }
        return close + tag.group().length();
    }

    /** The statement with a {@code ?} for each named parameter. */
    public String jdbcSql() {
        return jdbcSql;
    }

    /** The name of each placeholder, in placeholder order (names repeat when used repeatedly). */
    public List<String> parameterNames() {
        return parameterNames;
    }

    @Override
    public String toString() {
        return jdbcSql + " " + parameterNames;
    }
}
