package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngineException;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server side of TCP with TLS, from the files {@code dockerd --tlsverify} takes: {@code cert.pem} (the
 * server's certificate chain), {@code key.pem} (its key, PKCS#8 as {@code openssl genpkey} writes it, RSA or EC)
 * and {@code ca.pem} (the CA a client's certificate must be signed by).
 */
public final class ServerTls {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private ServerTls() {
    }

    public static SSLContext context(Path directory) {
        Path cert = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");
        Path ca = directory.resolve("ca.pem");
        try {
            List<Certificate> chain = certificates(cert);
            if (chain.isEmpty()) {
                throw new ContainerEngineException("TLS for the Docker API server: " + cert + " holds no certificate");
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", privateKey(key), NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, NO_PASSWORD);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(ca)) {
                trusted.setCertificateEntry("ca" + i++, certificate);
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ContainerEngineException("TLS for the Docker API server from " + directory + " failed: " + e.getMessage()
                    + "; it needs ca.pem, cert.pem and key.pem (PKCS#8) there", e);
        }
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        return new ArrayList<>(factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher matcher = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (matcher.find()) {
            if (matcher.group(1).equals("PRIVATE KEY")) {
                byte[] der = Base64.getMimeDecoder().decode(matcher.group(2).strip());
                PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
                for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                    } catch (GeneralSecurityException e) {
                        // try the next algorithm
                    }
                }
                throw new GeneralSecurityException(file + " holds a PKCS#8 key of an algorithm other than RSA, EC or Ed25519");
            }
            if (matcher.group(1).endsWith("PRIVATE KEY")) {
                throw new GeneralSecurityException(file + " holds a \"" + matcher.group(1) + "\"; convert it to PKCS#8 with"
                        + " 'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem'");
            }
        }
        throw new GeneralSecurityException(file + " holds no PEM private key");
    }
}
