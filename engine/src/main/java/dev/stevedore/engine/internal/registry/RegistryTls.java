package dev.stevedore.engine.internal.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust for one registry: the JDK's trust store plus every {@code *.crt} in
 * {@code <certs.d>/<host:port>/} (Docker's layout, {@code ca.crt} by convention), or no verification
 * at all for a registry the user listed as insecure.
 *
 * @param socketFactory the socket factory to connect with
 * @param trustManager  the trust manager behind it
 * @param verifyHost    whether the host name must match the certificate
 * @param extraCas      the certificate files added to the JDK's trust, for messages
 */
record RegistryTls(SSLSocketFactory socketFactory, X509TrustManager trustManager, boolean verifyHost, List<Path> extraCas) {

    /** Trust for {@code hostPort}: the JDK's, plus the CAs every certificate directory holds for it; {@code null} when none holds any. */
    static RegistryTls forRegistry(String hostPort, List<Path> certificateDirectories) {
        List<Path> files = new ArrayList<>();
        for (Path base : certificateDirectories) {
            Path dir = base.resolve(hostPort.replace("[", "").replace("]", ""));
            Path bracketed = base.resolve(hostPort);
            files.addAll(crtFiles(Files.isDirectory(bracketed) ? bracketed : dir));
        }
        if (files.isEmpty()) {
            return null;
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("ca-" + n++, certificate);
                    }
                }
            }
            X509TrustManager extra = trustManager(store);
            X509TrustManager jdk = trustManager(null);
            X509TrustManager both = new EitherTrustManager(jdk, extra);
            return new RegistryTls(context(both).getSocketFactory(), both, true, List.copyOf(files));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the CA certificates " + files + " for registry " + hostPort
                    + ": " + e.getMessage(), e);
        }
    }

    /** No verification: only for registries the user declared insecure. */
    static RegistryTls trustingEverything() {
        X509TrustManager all = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            return new RegistryTls(context(all).getSocketFactory(), all, false, List.of());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context", e);
        }
    }

    private static List<Path> crtFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.crt")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the certificates in " + dir + ": " + e.getMessage(), e);
        }
        files.sort(null);
        return files;
    }

    private static SSLContext context(X509TrustManager trustManager) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustManager}, null);
        return context;
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Arrays.stream(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("the JDK offers no X.509 trust manager"));
    }

    /** Trusts a chain either of two trust managers trusts. */
    private record EitherTrustManager(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            first.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                try {
                    second.checkServerTrusted(chain, authType);
                } catch (CertificateException again) {
                    again.addSuppressed(e);
                    throw again;
                }
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return Stream.concat(Arrays.stream(first.getAcceptedIssuers()), Arrays.stream(second.getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }
    }
}
