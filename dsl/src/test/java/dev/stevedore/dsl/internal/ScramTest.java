package dev.stevedore.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** SCRAM-SHA-256 against the exchange in RFC 7677, section 3. */
class ScramTest {
    private static final String SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    @Test
    void clientMessagesMatchTheRfcExample() throws IOException {
        PgConnection.Scram scram = new PgConnection.Scram("pencil", "user", "rOprNGfwEbeRWgbNEkqO");
        assertThat(scram.clientFirst()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assertThat(scram.clientFinal(SERVER_FIRST)).isEqualTo(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void aServerThatDoesNotKnowThePasswordIsCaught() throws IOException {
        PgConnection.Scram scram = new PgConnection.Scram("pencil", "user", "rOprNGfwEbeRWgbNEkqO");
        scram.clientFinal(SERVER_FIRST);
        assertThatThrownBy(() -> scram.verifyServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
                .hasMessageContaining("does not know the password");
    }

    @Test
    void aNonceTheClientDidNotStartIsRefused() {
        PgConnection.Scram scram = new PgConnection.Scram("pencil", "", "abc");
        assertThatThrownBy(() -> scram.clientFinal("r=xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
                .hasMessageContaining("malformed");
    }
}
