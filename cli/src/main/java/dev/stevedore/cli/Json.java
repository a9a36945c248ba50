package dev.stevedore.cli;

import java.util.Map;

/** Just enough JSON writing for {@code --format json}: flat objects of strings, one per line. */
final class Json {
    private Json() {
    }

    /** The fields as a one-line JSON object, in the map's iteration order; {@code null} values become JSON null. */
    static String object(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            string(json, field.getKey());
            json.append(':');
            if (field.getValue() == null) {
                json.append("null");
            } else {
                string(json, field.getValue());
            }
        }
        return json.append('}').toString();
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
