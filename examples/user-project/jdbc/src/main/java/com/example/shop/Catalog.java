package com.example.shop;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The shop's product catalogue over plain JDBC; it knows nothing about containers. */
public final class Catalog {

    /** A product on sale. */
    public record Product(String sku, String title, BigDecimal price) {
    }

    private final DataSource dataSource;

    public Catalog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void add(Product product) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO products (sku, title, price) VALUES (?, ?, ?)")) {
            insert.setString(1, product.sku());
            insert.setString(2, product.title());
            insert.setBigDecimal(3, product.price());
            insert.executeUpdate();
        }
    }

    public List<Product> cheaperThan(BigDecimal limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT sku, title, price FROM products WHERE price < ? ORDER BY price, sku")) {
            select.setBigDecimal(1, limit);
            List<Product> products = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    products.add(new Product(rows.getString(1), rows.getString(2), rows.getBigDecimal(3)));
                }
            }
            return products;
        }
    }
}
