package dev.stevedore.serve.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommitConfigTest {

    @Test
    void configFieldsBecomeTheInstructionsThatSayTheSame() throws IOException {
        assertThat(CommitConfig.changes(Json.read("""
                {"Cmd":["cat","/f"],"env":["A=b c","D=$HOME"],"Labels":{"k":"say \\"hi\\""},"ExposedPorts":{"80/tcp":{}},
                 "WorkingDir":"/w","Tty":false,"Hostname":"","Volumes":null}""".getBytes())))
                .containsExactly("CMD [\"cat\",\"/f\"]", "ENV A=\"b c\"", "ENV D=\"\\$HOME\"", "LABEL \"k\"=\"say \\\"hi\\\"\"",
                        "EXPOSE 80/tcp", "WORKDIR \"/w\"");
    }

    @Test
    void docker_javasOwnBodyFieldsAreSkippedAndOtherSetFieldsRefusedByName() throws IOException {
        assertThat(CommitConfig.changes(Json.read("""
                {"containerId":"abc","repository":"r","tag":"t","author":"me","pause":true}""".getBytes()))).isEmpty();
        assertThatThrownBy(() -> CommitConfig.changes(Json.read("{\"Hostname\":\"box\"}".getBytes())))
                .isInstanceOf(ApiException.class).hasMessageContaining("Hostname");
    }
}
