package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class OrdersIT {

    @Test
    void readsTheInitScriptsRowsThroughTheExportedJdbcUrl() throws Exception {
        String url = System.getProperty("db.url");
        assertTrue(url.startsWith("jdbc:postgresql://"), url);
        try (Connection connection = DriverManager.getConnection(url, System.getProperty("db.user"), System.getProperty("db.password"));
             ResultSet rows = connection.createStatement().executeQuery("SELECT count(*), current_database() FROM orders")) {
            rows.next();
            assertEquals(2, rows.getInt(1));
            assertEquals("orders", rows.getString(2));
        }
    }
}
