CREATE TABLE IF NOT EXISTS reviews (
    id    bigserial PRIMARY KEY,
    sku   text    NOT NULL,
    stars integer NOT NULL CHECK (stars BETWEEN 1 AND 5),
    text  text    NOT NULL
);
