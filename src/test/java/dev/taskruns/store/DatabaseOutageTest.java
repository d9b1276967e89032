package dev.taskruns.store;

import jakarta.persistence.PersistenceException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseOutageTest {

    @ParameterizedTest(name = "SQLState {0}: unavailable {1}")
    @CsvSource({
            "08001, true", // could not connect
            "08006, true", // connection lost mid-statement (also pgjdbc's read timeout)
            "57P01, true", // terminated by an administrator (fast shutdown)
            "57P02, true",
            "57P03, true", // starting up
            "57014, true", // canceled by the read timeout
            "23505, false", // a unique violation is a bug, not an outage
            "42P01, false",
            "40P01, false",
    })
    void judgesBySqlStateAnywhereInTheCauseChain(String state, boolean unavailable) {
        var wrapped = new PersistenceException("while reading", new IllegalStateException(new SQLException("x", state)));
        assertThat(DatabaseOutage.isCause(wrapped)).isEqualTo(unavailable);
    }

    @Test
    void aPoolThatHandsOutNoConnectionInTimeIsAnOutage() {
        assertThat(DatabaseOutage.isCause(new SQLException("Acquisition timeout while waiting for new connection"))).isTrue();
        assertThat(DatabaseOutage.isCause(new SQLException("Sorry, acquisition timeout!"))).isTrue();
        assertThat(DatabaseOutage.isCause(new SQLException("Attempted to modify read-only state"))).isFalse();
    }

    @Test
    void hibernatesConnectionExceptionIsAnOutageAndOtherFaultsAreNot() {
        assertThat(DatabaseOutage.isCause(new JDBCConnectionException("Unable to acquire JDBC Connection", null))).isTrue();
        assertThat(DatabaseOutage.isCause(new NullPointerException())).isFalse();
    }
}
