package dev.stevedore.examples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The code under test in the Postgres example: a plain JDBC repository of orders, as an application would have
 * one. Nothing in it knows about containers.
 */
public final class OrderRepository {

    /** An order line. */
    public record Order(long id, String customer, String item, int quantity) {
    }

    private final Supplier<Connection> connections;

    /** A repository that takes a fresh connection from {@code connections} for every call. */
    public OrderRepository(Supplier<Connection> connections) {
        this.connections = connections;
    }

    /** Saves an order and returns it with its id. */
    public Order save(String customer, String item, int quantity) throws SQLException {
        try (Connection connection = connections.get();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO orders (customer, item, quantity) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, customer);
            insert.setString(2, item);
            insert.setInt(3, quantity);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return new Order(keys.getLong(1), customer, item, quantity);
            }
        }
    }

    /** The order with {@code id}, if there is one. */
    public Optional<Order> find(long id) throws SQLException {
        try (Connection connection = connections.get();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT id, customer, item, quantity FROM orders WHERE id = ?")) {
            query.setLong(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(order(rows)) : Optional.empty();
            }
        }
    }

    /** Every order of {@code customer}, oldest first. */
    public List<Order> byCustomer(String customer) throws SQLException {
        try (Connection connection = connections.get();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT id, customer, item, quantity FROM orders WHERE customer = ? ORDER BY id")) {
            query.setString(1, customer);
            try (ResultSet rows = query.executeQuery()) {
                List<Order> orders = new ArrayList<>();
                while (rows.next()) {
                    orders.add(order(rows));
                }
                return orders;
            }
        }
    }

    private static Order order(ResultSet rows) throws SQLException {
        return new Order(rows.getLong("id"), rows.getString("customer"), rows.getString("item"), rows.getInt("quantity"));
    }
}
