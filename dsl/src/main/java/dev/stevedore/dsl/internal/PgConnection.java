package dev.stevedore.dsl.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A minimal client of PostgreSQL's frontend/backend protocol 3.0: log in (trust, cleartext, MD5 or
 * SCRAM-SHA-256) and run statements with the simple query protocol, results as text. The DSL cannot depend on a
 * JDBC driver, yet has to prove from the host that a server takes logins and answers queries, and to run the
 * few statements {@code snapshot()} and {@code restore()} need, in milliseconds.
 *
 * <p>Not thread-safe. No TLS, no COPY, no extended protocol.
 */
public final class PgConnection implements AutoCloseable {
    private static final int PROTOCOL_3_0 = 196608;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Map<String, String> parameters = new HashMap<>();

    private PgConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /**
     * Connects and logs in.
     *
     * @param timeout limit for connecting and for each read
     * @throws PgException when the server refuses (its SQLSTATE says why: 57P03 starting up, 28P01 wrong password)
     * @throws IOException when the connection fails
     */
    public static PgConnection open(String host, int port, String user, String password, String database, Duration timeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            PgConnection connection = new PgConnection(socket);
            connection.startUp(user, password, database);
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Computes a throwaway SCRAM proof, so that the JVM has loaded and compiled what a login needs before the server is
     * up: a cold first login costs a few hundred milliseconds of class loading, which a start would otherwise wait for.
     */
    public static void warmUp() {
        try {
            Scram scram = new Scram("warm-up");
            scram.clientFinal("r=" + scram.clientNonce + "server,s=" + Base64.getEncoder().encodeToString(new byte[16]) + ",i=4096");
            new Socket().close();
        } catch (IOException e) {
            // nothing was at stake
        }
    }

    /** A server parameter reported at login ({@code server_version}, ...), or {@code null}. */
    public String parameter(String name) {
        return parameters.get(name);
    }

    /** The server's major version (15 for 15.4), or 0 when it did not say. */
    public int serverMajorVersion() {
        String version = parameters.getOrDefault("server_version", "0");
        StringBuilder digits = new StringBuilder();
        for (char c : version.toCharArray()) {
            if (!Character.isDigit(c)) {
                break;
            }
            digits.append(c);
        }
        return digits.length() == 0 ? 0 : Integer.parseInt(digits.toString());
    }

    /**
     * Runs {@code sql} (one or more statements) and returns the rows of the last result, each a list of text
     * values ({@code null} for SQL NULL).
     *
     * @throws PgException when a statement fails (the rest are not run, as PostgreSQL does)
     */
    public List<List<String>> query(String sql) throws IOException {
        message('Q', cstring(sql));
        out.flush();
        List<List<String>> rows = new ArrayList<>();
        PgException error = null;
        while (true) {
            byte type = in.readByte();
            byte[] body = body();
            switch (type) {
                case 'T':
                    rows = new ArrayList<>();
                    break;
                case 'D':
                    rows.add(dataRow(body));
                    break;
                case 'E':
                    error = error(body);
                    break;
                case 'Z':
                    if (error != null) {
                        throw error;
                    }
                    return rows;
                case 'G':
                case 'H':
                    throw new IOException("COPY is not supported by this client");
                default:
                    // C (complete), I (empty), N (notice), S (parameter), A (notification): nothing to keep
                    break;
            }
        }
    }

    @Override
    public void close() {
        try {
            message('X', new byte[0]);
            out.flush();
        } catch (IOException e) {
            // the server may have gone already
        }
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private void startUp(String user, String password, String database) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeInt(body, PROTOCOL_3_0);
        for (String[] pair : new String[][] {{"user", user}, {"database", database}, {"client_encoding", "UTF8"},
                {"application_name", "stevedore"}}) {
            body.write(cstring(pair[0]));
            body.write(cstring(pair[1]));
        }
        body.write(0);
        byte[] bytes = body.toByteArray();
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        writeInt(framed, bytes.length + 4);
        framed.write(bytes);
        out.write(framed.toByteArray());
        out.flush();

        Scram scram = null;
        while (true) {
            byte type = in.readByte();
            byte[] message = body();
            switch (type) {
                case 'R':
                    scram = authenticate(message, user, password, scram);
                    break;
                case 'E':
                    throw error(message);
                case 'S':
                    String[] kv = cstrings(message, 0);
                    if (kv.length >= 2) {
                        parameters.put(kv[0], kv[1]);
                    }
                    break;
                case 'Z':
                    return;
                default:
                    // K (backend key), N (notice)
                    break;
            }
        }
    }

    private Scram authenticate(byte[] message, String user, String password, Scram scram) throws IOException {
        int code = readInt(message, 0);
        switch (code) {
            case 0:
                return scram;
            case 3:
                message('p', cstring(password));
                out.flush();
                return scram;
            case 5:
                byte[] salt = java.util.Arrays.copyOfRange(message, 4, 8);
                String inner = md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
                byte[] outerInput = concat(inner.getBytes(StandardCharsets.US_ASCII), salt);
                message('p', cstring("md5" + md5Hex(outerInput)));
                out.flush();
                return scram;
            case 10:
                List<String> mechanisms = List.of(cstrings(message, 4));
                if (!mechanisms.contains("SCRAM-SHA-256")) {
                    throw new IOException("the server offers only " + mechanisms + "; this client speaks SCRAM-SHA-256");
                }
                Scram started = new Scram(password);
                byte[] first = started.clientFirst().getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream initial = new ByteArrayOutputStream();
                initial.write(cstring("SCRAM-SHA-256"));
                writeInt(initial, first.length);
                initial.write(first);
                message('p', initial.toByteArray());
                out.flush();
                return started;
            case 11:
                if (scram == null) {
                    throw new IOException("the server continued a SASL exchange that was never started");
                }
                String serverFirst = new String(message, 4, message.length - 4, StandardCharsets.UTF_8);
                message('p', scram.clientFinal(serverFirst).getBytes(StandardCharsets.UTF_8));
                out.flush();
                return scram;
            case 12:
                if (scram == null) {
                    throw new IOException("the server finished a SASL exchange that was never started");
                }
                scram.verifyServerFinal(new String(message, 4, message.length - 4, StandardCharsets.UTF_8));
                return scram;
            default:
                throw new IOException("the server asks for authentication method " + code + ", which this client does not speak");
        }
    }

    private byte[] body() throws IOException {
        int length = in.readInt();
        if (length < 4 || length > (64 << 20)) {
            throw new IOException("a message of " + length + " bytes is not PostgreSQL's protocol");
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return body;
    }

    private void message(char type, byte[] body) throws IOException {
        out.write(type);
        ByteArrayOutputStream length = new ByteArrayOutputStream(4);
        writeInt(length, body.length + 4);
        out.write(length.toByteArray());
        out.write(body);
    }

    private static List<String> dataRow(byte[] body) throws EOFException {
        int columns = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        List<String> row = new ArrayList<>(columns);
        int at = 2;
        for (int i = 0; i < columns; i++) {
            int length = readInt(body, at);
            at += 4;
            if (length < 0) {
                row.add(null);
            } else {
                if (at + length > body.length) {
                    throw new EOFException("a DataRow is shorter than its columns say");
                }
                row.add(new String(body, at, length, StandardCharsets.UTF_8));
                at += length;
            }
        }
        return row;
    }

    private static PgException error(byte[] body) {
        String severity = "ERROR";
        String code = "";
        String text = "";
        int at = 0;
        while (at < body.length && body[at] != 0) {
            char field = (char) body[at++];
            int end = at;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            String value = new String(body, at, end - at, StandardCharsets.UTF_8);
            at = end + 1;
            switch (field) {
                case 'V': severity = value; break;
                case 'C': code = value; break;
                case 'M': text = value; break;
                default: break;
            }
        }
        return new PgException(severity, code, text);
    }

    private static String[] cstrings(byte[] body, int from) {
        List<String> values = new ArrayList<>();
        int at = from;
        while (at < body.length && body[at] != 0) {
            int end = at;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            values.add(new String(body, at, end - at, StandardCharsets.UTF_8));
            at = end + 1;
        }
        return values.toArray(new String[0]);
    }

    private static byte[] cstring(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        return terminated;
    }

    private static int readInt(byte[] b, int at) throws EOFException {
        if (at + 4 > b.length) {
            throw new EOFException("a message ended inside a number");
        }
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static String md5Hex(byte[] input) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(input));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }

    /** The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding, as PostgreSQL uses it. */
    static final class Scram {
        private static final String GS2_HEADER = "n,,";

        private final String password;
        private final String user;
        private final String clientNonce;
        private String authMessage;
        private byte[] saltedPassword;

        Scram(String password) {
            this(password, "", randomNonce());
        }

        /** {@code user} goes into the client-first message; PostgreSQL ignores it (it has the startup message's). */
        Scram(String password, String user, String clientNonce) {
            this.password = password;
            this.user = user;
            this.clientNonce = clientNonce;
        }

        /** The client-first message (PostgreSQL takes the user from the startup message, so the name is left empty). */
        String clientFirst() {
            return GS2_HEADER + clientFirstBare();
        }

        String clientFirstBare() {
            return "n=" + user + ",r=" + clientNonce;
        }

        String clientFinal(String serverFirst) throws IOException {
            Map<Character, String> fields = fields(serverFirst);
            String nonce = fields.get('r');
            String salt = fields.get('s');
            String iterations = fields.get('i');
            if (nonce == null || salt == null || iterations == null || !nonce.startsWith(clientNonce)) {
                throw new IOException("the server's SCRAM challenge is malformed: " + serverFirst);
            }
            String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII))
                    + ",r=" + nonce;
            authMessage = clientFirstBare() + "," + serverFirst + "," + withoutProof;
            try {
                saltedPassword = pbkdf2(password, Base64.getDecoder().decode(salt), Integer.parseInt(iterations));
                byte[] clientKey = hmac(saltedPassword, "Client Key");
                byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
                byte[] signature = hmac(storedKey, authMessage);
                byte[] proof = new byte[clientKey.length];
                for (int i = 0; i < proof.length; i++) {
                    proof[i] = (byte) (clientKey[i] ^ signature[i]);
                }
                return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("computing the SCRAM proof failed: " + e.getMessage(), e);
            }
        }

        void verifyServerFinal(String serverFinal) throws IOException {
            Map<Character, String> fields = fields(serverFinal);
            if (fields.containsKey('e')) {
                throw new IOException("the server rejected the SCRAM proof: " + fields.get('e'));
            }
            try {
                byte[] serverKey = hmac(saltedPassword, "Server Key");
                String expected = Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
                if (!expected.equals(fields.get('v'))) {
                    throw new IOException("the server's SCRAM signature is wrong: it does not know the password");
                }
            } catch (GeneralSecurityException e) {
                throw new IOException("checking the server's SCRAM signature failed: " + e.getMessage(), e);
            }
        }

        /**
         * What a server answers to a client-final message that proved {@code password}: {@code v=} and the server's
         * signature over {@code authMessage} (RFC 5802), for a server of this JVM.
         */
        static String serverFinal(String password, byte[] salt, int iterations, String authMessage) throws GeneralSecurityException {
            byte[] serverKey = hmac(pbkdf2(password, salt, iterations), "Server Key");
            return "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
        }

        static Map<Character, String> fields(String message) {
            Map<Character, String> fields = new HashMap<>();
            for (String part : message.split(",")) {
                if (part.length() >= 2 && part.charAt(1) == '=') {
                    fields.put(part.charAt(0), part.substring(2));
                }
            }
            return fields;
        }

        private static byte[] pbkdf2(String password, byte[] salt, int iterations) throws GeneralSecurityException {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        }

        private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }

        private static String randomNonce() {
            byte[] bytes = new byte[18];
            new SecureRandom().nextBytes(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
    }
}
