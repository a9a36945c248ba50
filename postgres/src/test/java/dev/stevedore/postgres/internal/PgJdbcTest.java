package dev.stevedore.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

class PgJdbcTest {

    @Test
    void everyRecordedLoginClassExistsInTheDriverAndJdkOfTheBuild() {
        // when pgjdbc is upgraded and this fails, record login-classes.txt again (see PgJdbc's Javadoc)
        List<String> names = PgJdbc.loginClasses();
        assertThat(names).hasSizeGreaterThan(200).contains("org.postgresql.Driver",
                "org.postgresql.core.v3.ConnectionFactoryImpl", "org.postgresql.core.v3.QueryExecutorImpl",
                "org.postgresql.core.v3.ScramAuthenticator");
        assertThat(names).allSatisfy(name -> assertThat(exists(name)).as(name).isTrue());
    }

    @Test
    void theWarmUpInitializesEveryRecordedClassWithoutAServer() throws SQLException {
        assertThat(PgJdbc.warmUp()).isEqualTo(PgJdbc.loginClasses().size());
        assertThat(DriverManager.getDriver("jdbc:postgresql://127.0.0.1/postgres")).isInstanceOf(org.postgresql.Driver.class);
    }

    @Test
    void urlsBracketIpv6Hosts() {
        assertThat(PgJdbc.url("127.0.0.1", 49153, "shop")).isEqualTo("jdbc:postgresql://127.0.0.1:49153/shop");
        assertThat(PgJdbc.url("::1", 49153, "shop")).isEqualTo("jdbc:postgresql://[::1]:49153/shop");
    }

    @Test
    void failuresCarryTheSqlStateAndLostConnectionsAreToldApart() {
        PSQLException missing = new PSQLException("ERROR: relation \"x\" does not exist\n  Position: 15", PSQLState.UNDEFINED_TABLE);
        assertThat(PgJdbc.describe(missing)).isEqualTo("ERROR: relation \"x\" does not exist Position: 15 (SQLSTATE 42P01)");
        assertThat(PgJdbc.connectionLost(missing)).isFalse();
        assertThat(PgJdbc.connectionLost(new PSQLException("gone", PSQLState.CONNECTION_FAILURE))).isTrue();
    }

    private static boolean exists(String name) {
        try {
            Class.forName(name, false, PgJdbcTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
