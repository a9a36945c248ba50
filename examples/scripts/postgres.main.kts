// A build script in Kotlin: starts PostgreSQL with Stevedore's DSL, applies schema.sql, prints the JDBC URL and what
// the database now holds, and stops it again (what postgres.jsh does). Run it with:
//   examples/scripts/run-kotlin.sh examples/scripts/postgres.main.kts
// The engine is STEVEDORE_ENGINE's (embedded by default); STEVEDORE_REGISTRY_MIRROR points docker.io images at a mirror.
import dev.stevedore.postgres.Postgres
import java.io.File
import kotlin.system.exitProcess

val scriptsDir = File(System.getProperty("scripts.dir", "."))
val sql = File(scriptsDir, "schema.sql").readText()

val status = try {
    Postgres.container("postgres:15") { pg -> pg.name("harbour-db").database("harbour") }.start().use { db ->
        db.execute(sql)
        println("JDBC URL: ${db.jdbcUrl()} (user ${db.username()}, password ${db.password()})")
        for ((name, berth) in db.query("SELECT name, berth FROM ships ORDER BY berth")) {
            println("ship $name at berth $berth")
        }
    }
    0
} catch (e: Exception) {
    e.printStackTrace()
    1
}
println(if (status == 0) "stopped" else "failed")
exitProcess(status)
