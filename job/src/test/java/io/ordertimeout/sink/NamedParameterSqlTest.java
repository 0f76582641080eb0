package io.ordertimeout.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamedParameterSqlTest {

    @Test
    void replacesEachOccurrenceInOrder() {
        NamedParameterSql sql = NamedParameterSql.parse(
                "UPDATE t SET a = :closed_at WHERE id = :order_id AND b = :closed_at", SqlDialect.POSTGRES);

        assertThat(sql.jdbcSql()).isEqualTo("UPDATE t SET a = ? WHERE id = ? AND b = ?");
        assertThat(sql.parameterNames()).containsExactly("closed_at", "order_id", "closed_at");
    }

    @Test
    void leavesLiteralsCommentsAndCastsAlone() {
        String named = "SELECT ':not_a_param', 'it''s :x', \"col:y\", :a::timestamptz, $$ :z $$, $tag$ ' :w $tag$ -- :c\n"
                + "/* :d ? */ FROM t WHERE x = :b";

        NamedParameterSql sql = NamedParameterSql.parse(named, SqlDialect.POSTGRES);

        assertThat(sql.parameterNames()).containsExactly("a", "b");
        assertThat(sql.jdbcSql()).isEqualTo("SELECT ':not_a_param', 'it''s :x', \"col:y\", ?::timestamptz, $$ :z $$, "
                + "$tag$ ' :w $tag$ -- :c\n/* :d ? */ FROM t WHERE x = ?");
    }

    @Test
    void knowsMySqlQuoting() {
        NamedParameterSql sql = NamedParameterSql.parse(
                "INSERT INTO `t:1` (a) SELECT 'a\\':b' # :c\n FROM DUAL WHERE x = :d", SqlDialect.MYSQL);

        assertThat(sql.parameterNames()).containsExactly("d");
        assertThat(sql.jdbcSql()).isEqualTo("INSERT INTO `t:1` (a) SELECT 'a\\':b' # :c\n FROM DUAL WHERE x = ?");
    }

    @Test
    void aColonNotFollowedByANameIsText() {
        assertThat(NamedParameterSql.parse("SELECT a[1:2] FROM t WHERE b = :x", SqlDialect.POSTGRES).parameterNames())
                .containsExactly("x");
    }

    @Test
    void rejectsPositionalParametersAndBrokenStatements() {
        assertThatThrownBy(() -> NamedParameterSql.parse("UPDATE t SET a = ? WHERE id = :order_id", SqlDialect.POSTGRES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positional parameter '?'");
        assertThatThrownBy(() -> NamedParameterSql.parse("UPDATE t SET a = 'x WHERE id = :order_id", SqlDialect.POSTGRES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unterminated ' quote");
        assertThatThrownBy(() -> NamedParameterSql.parse("UPDATE t /* x", SqlDialect.MYSQL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unterminated /*");
        assertThatThrownBy(() -> NamedParameterSql.parse("  ", SqlDialect.MYSQL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
