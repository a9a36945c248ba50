package dev.stevedore.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.junit.Container;
import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A repository test against a real PostgreSQL over real JDBC. One database for the class, put back into its
 * initial state (the init script's rows) before every test.
 */
class OrderRepositoryIT {

    @Container
    static PostgresContainer db = Postgres.container("postgres:15", pg -> pg
            .database("shop")
            .initScript("db/schema.sql"));

    private final OrderRepository orders = new OrderRepository(OrderRepositoryIT::connect);

    private static Connection connect() {
        try {
            return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void rememberTheInitialState() {
        db.snapshot();
    }

    @BeforeEach
    void startFromTheInitialState() {
        db.restore();
    }

    @Test
    void theInitScriptsOrderIsThere() throws SQLException {
        assertThat(orders.byCustomer("harbour-master"))
                .extracting(OrderRepository.Order::item, OrderRepository.Order::quantity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mooring line", 4));
    }

    @Test
    void savedOrdersCanBeFoundAgain() throws SQLException {
        OrderRepository.Order saved = orders.save("ferry-co", "fender", 12);
        assertThat(orders.find(saved.id())).contains(saved);
        assertThat(orders.byCustomer("ferry-co")).containsExactly(saved);
    }

    @Test
    void eachTestStartsFromTheSameState() throws SQLException {
        orders.save("ferry-co", "anchor chain", 1);
        assertThat(orders.byCustomer("ferry-co")).hasSize(1); // not 2: the other test's order was rolled back by restore()
    }

    @Test
    void theSchemasConstraintsHold() {
        assertThatThrownBy(() -> orders.save("ferry-co", "nothing", 0))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("orders_quantity_check");
    }
}
