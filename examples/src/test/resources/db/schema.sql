-- Run by the PostgreSQL image at first start (copied into /docker-entrypoint-initdb.d by pg.initScript).
CREATE TABLE orders (
    id       bigserial PRIMARY KEY,
    customer text      NOT NULL,
    item     text      NOT NULL,
    quantity integer   NOT NULL CHECK (quantity > 0)
);

INSERT INTO orders (customer, item, quantity) VALUES ('harbour-master', 'mooring line', 4);
