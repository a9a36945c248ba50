package dev.stevedore.engine.internal.network;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.json.JsonTrees;
import dev.stevedore.engine.internal.json.RecordJson;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.MemoryMembers;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import dev.stevedore.engine.internal.network.NetworkStore.ProxyRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network store's files ({@code <network id>.json}, {@code .members.json}, a container's {@code container.json})
 * read and written with Jackson's streaming parser and generator, in the shape Jackson's data binding gave them
 * (fields in component order, nulls written, unknown fields skipped, missing ones null, 0 or false).
 *
 * <p>Why not data binding: building a record's serializer and deserializer is introspection that a short-lived JVM
 * pays on every start, in the interpreter — for these five records it was about a sixth of a CLI {@code run --rm}'s
 * Java time (see the CLI speed notes in docs/design.md). Each document is first read into maps, lists and scalars,
 * then into its record, so a field of the wrong kind fails as an {@link IOException} naming the file.
 */
final class NetworkJson {

    private NetworkJson() {
    }

    static byte[] write(NetworkRecord network) throws IOException {
        return bytes(network(network));
    }

    static byte[] write(MemoryMembers memory) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("lastAllocated", memory.lastAllocated());
        fields.put("members", members(memory.members()));
        return bytes(fields);
    }

    static byte[] write(ContainerRecord container) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", container.id());
        fields.put("name", container.name());
        fields.put("hostname", container.hostname());
        fields.put("mode", container.mode() == null ? null : container.mode().wireName());
        fields.put("networks", container.networks());
        List<Object> published = new ArrayList<>();
        for (PortBinding port : container.published()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("containerPort", port.containerPort());
            p.put("protocol", port.protocol());
            p.put("hostIp", port.hostIp());
            p.put("hostPort", port.hostPort());
            published.add(p);
        }
        fields.put("published", published);
        ProxyRecord proxy = container.proxy();
        if (proxy == null) {
            fields.put("proxy", null);
        } else {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pid", proxy.pid());
            p.put("startTime", proxy.startTime());
            p.put("containerPid", proxy.containerPid());
            p.put("containerStart", proxy.containerStart());
            fields.put("proxy", p);
        }
        NameResolution names = container.names();
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("extraHosts", names.extraHosts());
        n.put("dns", names.dns());
        n.put("dnsSearch", names.dnsSearch());
        n.put("dnsOptions", names.dnsOptions());
        n.put("hostPorts", names.hostPorts());
        n.put("links", names.links());
        n.put("domainname", names.domainname());
        fields.put("names", n);
        return bytes(fields);
    }

    static NetworkRecord readNetwork(Path file) throws IOException {
        Map<String, Object> fields = object(file);
        try {
            return network(fields);
        } catch (RuntimeException e) {
            throw notA("network record", file, e);
        }
    }

    static MemoryMembers readMembers(Path file) throws IOException {
        Map<String, Object> fields = object(file);
        try {
            return new MemoryMembers(integer(fields.get("lastAllocated")), readMembers(map(fields.get("members"))));
        } catch (RuntimeException e) {
            throw notA("record of members", file, e);
        }
    }

    static ContainerRecord readContainer(Path file) throws IOException {
        Map<String, Object> fields = object(file);
        try {
            Object mode = fields.get("mode");
            List<PortBinding> published = new ArrayList<>();
            for (Object port : list(fields.get("published"))) {
                Map<String, Object> p = map(port);
                published.add(new PortBinding(integer(p.get("containerPort")), (String) p.get("protocol"),
                        (String) p.get("hostIp"), integer(p.get("hostPort"))));
            }
            Map<String, Object> p = map(fields.get("proxy"));
            ProxyRecord proxy = p == null ? null : new ProxyRecord(number(p.get("pid")), number(p.get("startTime")),
                    number(p.get("containerPid")), number(p.get("containerStart")));
            Map<String, Object> n = map(fields.get("names"));
            NameResolution names = n == null ? null : new NameResolution(strings(n.get("extraHosts")),
                    strings(n.get("dns")), strings(n.get("dnsSearch")), strings(n.get("dnsOptions")),
                    integers(n.get("hostPorts")), strings(n.get("links")), (String) n.get("domainname"));
            return new ContainerRecord((String) fields.get("id"), (String) fields.get("name"),
                    (String) fields.get("hostname"), mode == null ? null : NetworkMode.fromWireName((String) mode),
                    strings(fields.get("networks")), published, proxy, names);
        } catch (RuntimeException e) {
            throw notA("container's network record", file, e);
        }
    }

    private static Map<String, Object> network(NetworkRecord network) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", network.id());
        fields.put("name", network.name());
        fields.put("subnet", network.subnet());
        fields.put("bridge", network.bridge());
        fields.put("internal", network.internal());
        fields.put("predefined", network.predefined());
        fields.put("labels", network.labels());
        fields.put("created", network.created());
        fields.put("lastAllocated", network.lastAllocated());
        fields.put("members", members(network.members()));
        fields.put("attachable", network.attachable());
        return fields;
    }

    private static NetworkRecord network(Map<String, Object> fields) {
        Map<String, Object> labels = map(fields.get("labels"));
        Map<String, String> stringLabels = null;
        if (labels != null) {
            stringLabels = new LinkedHashMap<>();
            for (Map.Entry<String, Object> label : labels.entrySet()) {
                stringLabels.put(label.getKey(), (String) label.getValue());
            }
        }
        return new NetworkRecord((String) fields.get("id"), (String) fields.get("name"), (String) fields.get("subnet"),
                (String) fields.get("bridge"), bool(fields.get("internal")), bool(fields.get("predefined")), stringLabels,
                (String) fields.get("created"), integer(fields.get("lastAllocated")), readMembers(map(fields.get("members"))),
                bool(fields.get("attachable")));
    }

    private static Map<String, Object> members(Map<String, Member> members) {
        Map<String, Object> result = new LinkedHashMap<>();
        members.forEach((id, member) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", member.name());
            m.put("aliases", member.aliases());
            m.put("address", member.address());
            m.put("veth", member.veth());
            m.put("interfaceName", member.interfaceName());
            m.put("staticAddress", member.staticAddress());
            m.put("macAddress", member.macAddress());
            result.put(id, m);
        });
        return result;
    }

    private static Map<String, Member> readMembers(Map<String, Object> fields) {
        if (fields == null) {
            return null;
        }
        Map<String, Member> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : fields.entrySet()) {
            Map<String, Object> m = map(entry.getValue());
            result.put(entry.getKey(), m == null ? null : new Member((String) m.get("name"), strings(m.get("aliases")),
                    (String) m.get("address"), (String) m.get("veth"), (String) m.get("interfaceName"),
                    (String) m.get("staticAddress"), (String) m.get("macAddress")));
        }
        return result;
    }

    // ---- values: maps, lists, strings, numbers, booleans, null -------------------------------------------------

    private static byte[] bytes(Map<String, Object> document) throws IOException {
        return RecordJson.write(document);
    }

    private static Map<String, Object> object(Path file) throws IOException {
        try (JsonParser parser = JsonTrees.FACTORY.createParser(Files.readAllBytes(file))) {
            Object value = value(parser, parser.nextToken());
            if (!(value instanceof Map<?, ?>)) {
                throw new IOException(file + " holds no JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) value;
            return fields;
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            throw new IOException("the JSON document ends early");
        }
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    map.put(name, value(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(value(parser, t));
                }
                yield list;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + token + " in a network store file");
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        if (value != null && !(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("an object was expected, not " + value);
        }
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        if (value != null && !(value instanceof List<?>)) {
            throw new IllegalArgumentException("an array was expected, not " + value);
        }
        return value == null ? List.of() : (List<?>) value;
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return null;
        }
        List<String> result = new ArrayList<>();
        for (Object element : list(value)) {
            result.add((String) element);
        }
        return result;
    }

    private static List<Integer> integers(Object value) {
        if (value == null) {
            return null;
        }
        List<Integer> result = new ArrayList<>();
        for (Object element : list(value)) {
            result.add(integer(element));
        }
        return result;
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static int integer(Object value) {
        return value == null ? 0 : Math.toIntExact(((Number) value).longValue());
    }

    private static boolean bool(Object value) {
        return value != null && (Boolean) value;
    }

    private static IOException notA(String what, Path file, RuntimeException cause) {
        return new IOException(file + " is not a " + what + ": " + cause.getMessage(), cause);
    }
}
