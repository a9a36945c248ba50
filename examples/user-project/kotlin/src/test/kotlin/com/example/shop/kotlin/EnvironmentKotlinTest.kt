package com.example.shop.kotlin

import dev.stevedore.dsl.Environment
import dev.stevedore.dsl.Stevedore
import dev.stevedore.dsl.Wait
import dev.stevedore.junit.Container
import dev.stevedore.postgres.Postgres
import dev.stevedore.postgres.PostgresContainer
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test

class EnvironmentKotlinTest {

    companion object {
        @Container
        @JvmField
        val shop: Environment = Stevedore.environment {
            val backend = network("backend")
            val db = container("db", Postgres.service()) {
                image(POSTGRES)
                database("shop")
                network(backend)
            }
            container("loader", POSTGRES) {
                network(backend)
                dependsOn(db)
                env("PGPASSWORD", db.password())
                command("sh", "-c", "psql -v ON_ERROR_STOP=1 -h db -U test -d shop -c 'CREATE TABLE stock (sku text)'" +
                        " && echo created && exec sleep 3600")
                waitFor(Wait.logMessage("^created$"))
            }
        }
    }

    @Test
    fun `the loader reached the database by its name`() {
        val db = shop.container("db", PostgresContainer::class.java)

        assertThat(db.query("SELECT count(*) FROM stock")).containsExactly(listOf("0"))
    }
}
