package dev.stevedore.dsl.internal;

import java.io.IOException;

/** A PostgreSQL server answered with an ErrorResponse. */
public final class PgException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    public PgException(String severity, String sqlState, String message) {
        super(severity + " " + sqlState + ": " + message);
        this.sqlState = sqlState;
    }

    /** The SQLSTATE code, e.g. {@code 28P01} (wrong password), {@code 57P03} (starting up). */
    public String sqlState() {
        return sqlState;
    }
}
