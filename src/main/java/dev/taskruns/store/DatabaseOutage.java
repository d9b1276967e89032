package dev.taskruns.store;

import org.hibernate.exception.JDBCConnectionException;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a database that cannot answer now (down, restarting, unreachable, or too slow to answer a
 * bounded read) from a fault of this service: the first is worth a retry, the second is a bug.
 */
public final class DatabaseOutage {

    /**
     * Besides SQLState class 08 (connection exception): 57P01 admin shutdown, 57P02 crash shutdown,
     * 57P03 cannot connect now (starting up, recovering), 57014 statement canceled by a timeout.
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "57014");

    private DatabaseOutage() {
    }

    /** Whether {@code e}, or anything in its cause chain, says the database is unavailable. */
    public static boolean isCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JDBCConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && unavailable(sql)) {
                return true;
            }
        }
        return false;
    }

    private static boolean unavailable(SQLException e) {
        String state = e.getSQLState();
        if (state != null) {
            return state.startsWith("08") || UNAVAILABLE_STATES.contains(state);
        }
        // Agroal's pool gives no SQLState when no connection came within the acquisition timeout
        // ("Acquisition timeout while waiting for new connection", "Sorry, acquisition timeout!")
        String message = e.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("acquisition timeout");
    }
}
