package com.example.shop.app;

/** A customer's review of a product. */
public record Review(long id, String sku, int stars, String text) {
}
