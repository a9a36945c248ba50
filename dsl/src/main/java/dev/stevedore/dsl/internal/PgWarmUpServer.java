package dev.stevedore.dsl.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Just enough of a PostgreSQL server, on a loopback port of this JVM, for one client to log in with SCRAM-SHA-256
 * and run statements that answer nothing ({@code SET ...}) or {@code SELECT 1}: the JDBC driver then loads and
 * initializes everything its first real login and query need, while the real server is still starting.
 *
 * <p>Not a server for anything else: one connection, the simple and the extended query protocol without
 * parameters, every {@code SELECT} answered with one row holding the integer 1.
 */
final class PgWarmUpServer implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_ENCRYPTION_REQUEST = 80877104;
    private static final int ITERATIONS = 4096;
    private static final int INT4 = 23;

    private final ServerSocket listener;
    private final String password;
    private final Thread thread;

    private PgWarmUpServer(String password) throws IOException {
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.listener.setSoTimeout(5000);
        this.password = password;
        this.thread = new Thread(this::serveOne, "stevedore-postgres-warm-up-server");
        this.thread.setDaemon(true);
    }

    /** Listens on a free loopback port and serves the first connection, for {@code password}. */
    static PgWarmUpServer start(String password) throws IOException {
        PgWarmUpServer server = new PgWarmUpServer(password);
        server.thread.start();
        return server;
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private void serveOne() {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(5000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            int length = in.readInt();
            int code = in.readInt();
            while (code == SSL_REQUEST || code == GSS_ENCRYPTION_REQUEST) {
                in.skipNBytes(length - 8L);
                out.write('N');
                out.flush();
                length = in.readInt();
                code = in.readInt();
            }
            in.skipNBytes(length - 8L); // the startup packet's parameters: whoever asks is welcome
            authenticate(in, out);
            for (String[] parameter : new String[][] {{"server_version", "15.0"}, {"server_encoding", "UTF8"},
                    {"client_encoding", "UTF8"}, {"DateStyle", "ISO, MDY"}, {"integer_datetimes", "on"},
                    {"standard_conforming_strings", "on"}, {"TimeZone", "UTC"}, {"IntervalStyle", "postgres"},
                    {"is_superuser", "on"}}) {
                send(out, 'S', cstring(parameter[0]), cstring(parameter[1]));
            }
            send(out, 'K', int32(1), int32(1));
            readyForQuery(out);
            serveQueries(in, out);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // the client gave up, or spoke beyond what a warm-up needs: it loaded what it needed all the same
        } finally {
            close();
        }
    }

    private void authenticate(DataInputStream in, DataOutputStream out) throws IOException, GeneralSecurityException {
        send(out, 'R', int32(10), cstring("SCRAM-SHA-256"), new byte[1]);
        byte[] initial = expect(in, 'p');
        int mechanismEnd = indexOf(initial, 0, (byte) 0);
        String clientFirst = new String(initial, mechanismEnd + 5, initial.length - mechanismEnd - 5, StandardCharsets.UTF_8);
        String clientFirstBare = clientFirst.substring(clientFirst.indexOf(",", clientFirst.indexOf(",") + 1) + 1);
        String clientNonce = PgConnection.Scram.fields(clientFirstBare).get('r');
        byte[] salt = new byte[16];
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        String serverFirst = "r=" + clientNonce + "warm-up,s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
        send(out, 'R', int32(11), serverFirst.getBytes(StandardCharsets.UTF_8));
        String clientFinal = new String(expect(in, 'p'), StandardCharsets.UTF_8);
        String withoutProof = clientFinal.substring(0, clientFinal.lastIndexOf(",p="));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        send(out, 'R', int32(12),
                PgConnection.Scram.serverFinal(password, salt, ITERATIONS, authMessage).getBytes(StandardCharsets.UTF_8));
        send(out, 'R', int32(0));
    }

    /** Answers queries until the client terminates: Q (simple), or P/B/D/E/C up to S (extended). */
    private static void serveQueries(DataInputStream in, DataOutputStream out) throws IOException {
        String statement = "";
        boolean binaryResult = false;
        while (true) {
            int type = in.read();
            if (type < 0 || type == 'X') {
                return;
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            switch (type) {
                case 'Q' -> {
                    String sql = new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
                    if (isSelect(sql)) {
                        rowDescription(out, false);
                        dataRow(out, false);
                    }
                    send(out, 'C', cstring(tag(sql)));
                    readyForQuery(out);
                }
                case 'P' -> {
                    int nameEnd = indexOf(body, 0, (byte) 0);
                    statement = new String(body, nameEnd + 1, indexOf(body, nameEnd + 1, (byte) 0) - nameEnd - 1,
                            StandardCharsets.UTF_8);
                    send(out, '1');
                }
                case 'B' -> {
                    binaryResult = binaryResultRequested(body);
                    send(out, '2');
                }
                case 'D' -> {
                    if (body[0] == 'S') {
                        send(out, 't', int16(0));
                    }
                    if (isSelect(statement)) {
                        rowDescription(out, binaryResult);
                    } else {
                        send(out, 'n');
                    }
                }
                case 'E' -> {
                    if (isSelect(statement)) {
                        dataRow(out, binaryResult);
                    }
                    send(out, 'C', cstring(tag(statement)));
                }
                case 'C' -> send(out, '3');
                case 'S' -> readyForQuery(out);
                default -> {
                    // H (flush) and anything else: nothing to answer
                }
            }
            out.flush();
        }
    }

    /** Whether a Bind asks for its (single) result column in binary. */
    private static boolean binaryResultRequested(byte[] body) {
        int at = indexOf(body, 0, (byte) 0) + 1;
        at = indexOf(body, at, (byte) 0) + 1;
        int formats = short16(body, at);
        at += 2 + 2 * formats;
        int parameters = short16(body, at);
        at += 2;
        for (int i = 0; i < parameters; i++) {
            int length = (body[at] & 0xff) << 24 | (body[at + 1] & 0xff) << 16 | (body[at + 2] & 0xff) << 8 | (body[at + 3] & 0xff);
            at += 4 + Math.max(0, length);
        }
        int resultFormats = short16(body, at);
        return resultFormats > 0 && short16(body, at + 2) == 1;
    }

    private static boolean isSelect(String sql) {
        return sql.stripLeading().regionMatches(true, 0, "SELECT", 0, 6);
    }

    private static String tag(String sql) {
        String trimmed = sql.strip();
        if (isSelect(trimmed)) {
            return "SELECT 1";
        }
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(java.util.Locale.ROOT);
    }

    private static void rowDescription(DataOutputStream out, boolean binary) throws IOException {
        send(out, 'T', int16(1), cstring("?column?"), int32(0), int16(0), int32(INT4), int16(4), int32(-1), int16(binary ? 1 : 0));
    }

    private static void dataRow(DataOutputStream out, boolean binary) throws IOException {
        byte[] value = binary ? int32(1) : "1".getBytes(StandardCharsets.US_ASCII);
        send(out, 'D', int16(1), int32(value.length), value);
    }

    private static void readyForQuery(DataOutputStream out) throws IOException {
        send(out, 'Z', new byte[] {'I'});
        out.flush();
    }

    private static byte[] expect(DataInputStream in, char type) throws IOException {
        int actual = in.read();
        if (actual != type) {
            throw new IOException("expected message " + type + ", got " + actual);
        }
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        return body;
    }

    private static void send(DataOutputStream out, char type, byte[]... parts) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.write(part);
        }
        out.write(type);
        out.writeInt(body.size() + 4);
        body.writeTo(out);
    }

    private static byte[] cstring(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    private static byte[] int32(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static byte[] int16(int value) {
        return new byte[] {(byte) (value >>> 8), (byte) value};
    }

    private static int short16(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
    }

    private static int indexOf(byte[] bytes, int from, byte value) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("no terminator in a message of " + bytes.length + " bytes");
    }
}
