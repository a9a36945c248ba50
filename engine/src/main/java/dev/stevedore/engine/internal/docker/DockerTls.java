package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS setup for a Docker daemon protected as Docker documents it: the daemon's CA in {@code ca.pem},
 * the client's certificate chain in {@code cert.pem} and its key in {@code key.pem}. Only {@code ca.pem} is
 * trusted (not the JDK's CAs), and the daemon's certificate must name the host connected to.
 *
 * <p>Keys are read with the JDK alone: PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}). Encrypted keys are refused
 * with a message, since the daemon's tooling never writes them.
 *
 * @param socketFactory for OkHttp's {@code sslSocketFactory}
 * @param trustManager  the trust manager behind it (OkHttp needs it too)
 */
record DockerTls(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] OID_RSA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] OID_EC_PUBLIC_KEY = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final char[] NO_PASSWORD = new char[0];

    /**
     * Loads {@code ca.pem}, {@code cert.pem} and {@code key.pem} from {@code directory}.
     *
     * @throws ContainerEngineException naming the file and what is wrong with it
     */
    static DockerTls load(Path directory) {
        Path caFile = directory.resolve("ca.pem");
        Path certFile = directory.resolve("cert.pem");
        Path keyFile = directory.resolve("key.pem");
        try {
            List<X509Certificate> cas = certificates(caFile);
            List<X509Certificate> chain = certificates(certFile);
            PrivateKey key = privateKey(read(keyFile), keyFile);

            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            X509TrustManager trustManager = Arrays.stream(tmf.getTrustManagers())
                    .filter(X509TrustManager.class::isInstance).map(X509TrustManager.class::cast)
                    .findFirst().orElseThrow(() -> new GeneralSecurityException("no X509TrustManager"));

            KeyStore identity = KeyStore.getInstance(KeyStore.getDefaultType());
            identity.load(null, null);
            identity.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, NO_PASSWORD);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), new TrustManager[] {trustManager}, null);
            return new DockerTls(context.getSocketFactory(), trustManager);
        } catch (IOException e) {
            throw new ContainerEngineException("Reading the Docker TLS files in " + directory + " failed: " + e.getMessage()
                    + "; check DOCKER_CERT_PATH", e);
        } catch (GeneralSecurityException e) {
            throw new ContainerEngineException("Setting up TLS to the Docker daemon with the files in " + directory
                    + " failed: " + e.getMessage() + "; check that cert.pem and key.pem belong together", e);
        }
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        for (Block block : blocks(read(file))) {
            if (block.type().equals("CERTIFICATE")) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            }
        }
        if (certificates.isEmpty()) {
            throw new ContainerEngineException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /**
     * The private key in a PEM text.
     *
     * @param origin the file it came from, for messages
     */
    static PrivateKey privateKey(String pem, Path origin) {
        for (Block block : blocks(pem)) {
            try {
                switch (block.type()) {
                    case "PRIVATE KEY":
                        return pkcs8(block.der(), origin);
                    case "RSA PRIVATE KEY":
                        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                                Der.sequence(Der.integer(0), Der.sequence(Der.oid(OID_RSA), Der.NULL), Der.octetString(block.der()))));
                    case "EC PRIVATE KEY":
                        byte[] curve = sec1Curve(block.der(), origin);
                        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                                Der.sequence(Der.integer(0), Der.sequence(Der.oid(OID_EC_PUBLIC_KEY), Der.oid(curve)),
                                        Der.octetString(block.der()))));
                    case "ENCRYPTED PRIVATE KEY":
                        throw encrypted(origin);
                    default:
                        // EC PARAMETERS and the like come before the key in some files
                }
            } catch (GeneralSecurityException e) {
                throw new ContainerEngineException("The " + block.type() + " in " + origin + " is not a key the JDK can read: "
                        + e.getMessage(), e);
            }
        }
        throw new ContainerEngineException(origin + " holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or"
                + " EC PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(byte[] der, Path origin) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new InvalidKeySpecException("the PKCS#8 key in " + origin + " is neither RSA, EC nor Ed25519");
    }

    /** The named curve's OID from a SEC1 {@code ECPrivateKey}'s {@code [0] parameters}. */
    private static byte[] sec1Curve(byte[] der, Path origin) {
        Der.Reader key = new Der.Reader(der).enter(0x30);
        key.next(0x02);
        key.next(0x04);
        while (key.hasMore()) {
            int tag = key.peekTag();
            if (tag == 0xa0) {
                return key.enter(0xa0).next(0x06);
            }
            key.skip();
        }
        throw new ContainerEngineException("The EC PRIVATE KEY in " + origin + " does not name its curve;"
                + " convert it with 'openssl pkcs8 -topk8 -nocrypt'");
    }

    private static ContainerEngineException encrypted(Path origin) {
        return new ContainerEngineException("The private key in " + origin + " is encrypted, which Stevedore cannot use;"
                + " decrypt it with 'openssl pkey -in key.pem -out key.pem'");
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String pem) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            String body = m.group(2);
            if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
                throw new ContainerEngineException("an encrypted PEM block (" + m.group(1) + ") cannot be used;"
                        + " decrypt it with 'openssl pkey -in key.pem -out key.pem'");
            }
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new ContainerEngineException("a PEM block (" + m.group(1) + ") is not valid base64: " + e.getMessage());
            }
        }
        return blocks;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    /** Just enough DER to wrap PKCS#1 and SEC1 keys in PKCS#8, and to find a SEC1 key's curve. */
    static final class Der {
        static final byte[] NULL = {0x05, 0x00};

        private Der() {
        }

        static byte[] sequence(byte[]... parts) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                content.writeBytes(part);
            }
            return tlv(0x30, content.toByteArray());
        }

        static byte[] integer(int value) {
            if (value < 0 || value > 127) {
                throw new IllegalArgumentException("only small integers are needed here");
            }
            return new byte[] {0x02, 0x01, (byte) value};
        }

        static byte[] oid(byte[] encoded) {
            return tlv(0x06, encoded);
        }

        static byte[] octetString(byte[] content) {
            return tlv(0x04, content);
        }

        static byte[] tlv(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
            out.write(tag);
            int length = content.length;
            if (length < 0x80) {
                out.write(length);
            } else {
                int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
                out.write(0x80 | bytes);
                for (int i = bytes - 1; i >= 0; i--) {
                    out.write(length >>> (8 * i));
                }
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        /** Reads the elements of one DER constructed value, in order. */
        static final class Reader {
            private final byte[] der;
            private int pos;
            private final int end;

            Reader(byte[] der) {
                this(der, 0, der.length);
            }

            private Reader(byte[] der, int start, int end) {
                this.der = der;
                this.pos = start;
                this.end = end;
            }

            boolean hasMore() {
                return pos < end;
            }

            int peekTag() {
                check(pos < end);
                return der[pos] & 0xff;
            }

            /** The content of the next element, which must have {@code tag}. */
            byte[] next(int tag) {
                int[] header = header(tag);
                byte[] content = Arrays.copyOfRange(der, header[0], header[0] + header[1]);
                pos = header[0] + header[1];
                return content;
            }

            /** A reader over the content of the next element, which must have {@code tag}. */
            Reader enter(int tag) {
                int[] header = header(tag);
                pos = header[0] + header[1];
                return new Reader(der, header[0], header[0] + header[1]);
            }

            void skip() {
                int[] header = header(peekTag());
                pos = header[0] + header[1];
            }

            /** {content start, content length} of the element at {@code pos}. */
            private int[] header(int tag) {
                check(pos + 2 <= end && (der[pos] & 0xff) == tag);
                int p = pos + 1;
                int length = der[p++] & 0xff;
                if (length >= 0x80) {
                    int bytes = length & 0x7f;
                    check(bytes >= 1 && bytes <= 3 && p + bytes <= end);
                    length = 0;
                    for (int i = 0; i < bytes; i++) {
                        length = (length << 8) | (der[p++] & 0xff);
                    }
                }
                check(p + length <= end);
                return new int[] {p, length};
            }

            private static void check(boolean ok) {
                if (!ok) {
                    throw new ContainerEngineException("a private key is not well-formed DER");
                }
            }
        }
    }
}
