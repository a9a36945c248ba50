package com.example.shop.app;

import java.util.List;
import java.util.OptionalDouble;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ReviewRepository {
    private final JdbcClient jdbc;

    public ReviewRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Review add(String sku, int stars, String text) {
        long id = jdbc.sql("INSERT INTO reviews (sku, stars, text) VALUES (:sku, :stars, :text) RETURNING id")
                .param("sku", sku).param("stars", stars).param("text", text)
                .query(Long.class).single();
        return new Review(id, sku, stars, text);
    }

    public List<Review> forProduct(String sku) {
        return jdbc.sql("SELECT id, sku, stars, text FROM reviews WHERE sku = :sku ORDER BY id")
                .param("sku", sku)
                .query(Review.class).list();
    }

    public OptionalDouble averageStars(String sku) {
        Double average = jdbc.sql("SELECT avg(stars)::float8 FROM reviews WHERE sku = :sku")
                .param("sku", sku).query(Double.class).single();
        return average == null ? OptionalDouble.empty() : OptionalDouble.of(average);
    }
}
