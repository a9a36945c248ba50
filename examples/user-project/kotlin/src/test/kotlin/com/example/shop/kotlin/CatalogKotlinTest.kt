package com.example.shop.kotlin

import dev.stevedore.junit.Container
import dev.stevedore.postgres.Postgres
import dev.stevedore.postgres.PostgresContainer
import java.sql.DriverManager
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test

const val POSTGRES = "127.0.0.1:5000/library/postgres:15"

class CatalogKotlinTest {

    companion object {
        // one database for the class
        @Container
        @JvmField
        val db: PostgresContainer = Postgres.container(POSTGRES) {
            database("shop")
            initScript("db/products.sql")
        }
    }

    // and a fresh one for every test
    @Container
    val scratch: PostgresContainer = Postgres.container(POSTGRES) { database("scratch") }

    @Test
    fun `the init script's products are there`() {
        DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password()).use { connection ->
            val titles = connection.createStatement().executeQuery("SELECT title FROM products ORDER BY sku").use { rows ->
                generateSequence { if (rows.next()) rows.getString(1) else null }.toList()
            }
            assertThat(titles).containsExactly("Enamel mug", "Rope, 20 m")
        }
    }

    @Test
    fun `an instance property is a database of its own`() {
        scratch.execute("CREATE TABLE notes (text text)")

        assertThat(scratch.query("SELECT current_database()")).containsExactly(listOf("scratch"))
        assertThat(scratch.jdbcUrl()).isNotEqualTo(db.jdbcUrl())
    }
}
