package dev.stevedore.engine.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestbedTest {

    @Test
    void readsKeysAndIgnoresComments(@TempDir Path dir) throws Exception {
        Path env = Files.writeString(dir.resolve("testbed.env"),
                "# comment\nPLAIN_REGISTRY=127.0.0.1:5000\nIMAGES=library/busybox:latest library/layered:latest\nTOKEN_REALM=http://127.0.0.1:5003/token?x=1\n");
        Testbed testbed = Testbed.load(env);
        assertThat(testbed.plainRegistry()).isEqualTo("127.0.0.1:5000");
        assertThat(testbed.images()).containsExactly("library/busybox:latest", "library/layered:latest");
        assertThat(testbed.tokenRealm().getQuery()).isEqualTo("x=1");
        assertThat(testbed.dockerSocket()).isEmpty();
    }

    @Test
    void missingFileFailsWithTheFix(@TempDir Path dir) {
        assertThatThrownBy(() -> Testbed.load(dir.resolve("testbed.env")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("sudo testbed/up");
    }

    @Test
    void missingKeyFailsNamingIt(@TempDir Path dir) throws Exception {
        Testbed testbed = Testbed.load(Files.writeString(dir.resolve("testbed.env"), "PLAIN_REGISTRY=127.0.0.1:5000\n"));
        assertThatThrownBy(testbed::tlsRegistry).isInstanceOf(AssertionError.class).hasMessageContaining("TLS_REGISTRY");
    }

    @Test
    void expectedPathLinesParse() {
        Testbed.ExpectedPath file = Testbed.ExpectedPath.parse("/modes/setuid f 4755 0 0 abc");
        assertThat(file.mode()).isEqualTo(04755);
        assertThat(file.target()).isEqualTo("abc");
        Testbed.ExpectedPath dir = Testbed.ExpectedPath.parse("/owned d 0770 1000 1000 -");
        assertThat(dir.uid()).isEqualTo(1000);
        assertThat(dir.target()).isNull();
        assertThat(Testbed.ExpectedPath.parse("/olddir absent - - - -").absent()).isTrue();
        assertThatThrownBy(() -> Testbed.ExpectedPath.parse("/x f 0644")).isInstanceOf(IllegalArgumentException.class);
    }
}
