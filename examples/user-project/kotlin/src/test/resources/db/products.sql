CREATE TABLE products (
    sku   text PRIMARY KEY,
    title text NOT NULL,
    price numeric(10, 2) NOT NULL CHECK (price >= 0)
);
INSERT INTO products VALUES ('MUG-1', 'Enamel mug', 9.50), ('ROPE-20', 'Rope, 20 m', 34.00);
