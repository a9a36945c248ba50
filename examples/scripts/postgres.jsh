// A build script in JShell: starts PostgreSQL with Stevedore's DSL, applies schema.sql, prints the JDBC URL and
// what the database now holds, and stops it again. Run it with: examples/scripts/run-jshell.sh examples/scripts/postgres.jsh
// The engine is STEVEDORE_ENGINE's (embedded by default); STEVEDORE_REGISTRY_MIRROR points docker.io images at a mirror.
import dev.stevedore.dsl.*;
import dev.stevedore.postgres.*;
import java.nio.file.*;

var sql = Files.readString(Path.of(System.getProperty("scripts.dir", "."), "schema.sql"));
int status = 1;
try (var db = Postgres.container("postgres:15", pg -> pg.name("harbour-db").database("harbour")).start()) {
    db.execute(sql);
    System.out.println("JDBC URL: " + db.jdbcUrl() + " (user " + db.username() + ", password " + db.password() + ")");
    for (var row : db.query("SELECT name, berth FROM ships ORDER BY berth")) {
        System.out.println("ship " + row.get(0) + " at berth " + row.get(1));
    }
    status = 0;
} catch (Exception e) {
    e.printStackTrace();
}
System.out.println(status == 0 ? "stopped" : "failed");
/exit status
