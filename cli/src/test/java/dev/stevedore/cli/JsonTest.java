package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesFlatObjectsWithEscapes() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Repository", "a\"b\\c");
        fields.put("Tag", "line\nnext\u0001");
        fields.put("CreatedAt", null);

        assertThat(Json.object(fields))
                .isEqualTo("{\"Repository\":\"a\\\"b\\\\c\",\"Tag\":\"line\\nnext\\u0001\",\"CreatedAt\":null}");
    }

    @Test
    void writesNestedDocumentsIndentedAsDockerInspectDoes() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("Running", true);
        inner.put("Pid", 42L);
        inner.put("Error", "");
        inner.put("Ports", Map.of());
        inner.put("Args", List.of());
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Id", "abc");
        document.put("State", inner);
        document.put("Cmd", List.of("sh", "-c", "echo \"hi\""));
        document.put("Entrypoint", null);

        assertThat(Json.pretty(List.of(document))).isEqualTo(String.join("\n",
                "[",
                "    {",
                "        \"Id\": \"abc\",",
                "        \"State\": {",
                "            \"Running\": true,",
                "            \"Pid\": 42,",
                "            \"Error\": \"\",",
                "            \"Ports\": {},",
                "            \"Args\": []",
                "        },",
                "        \"Cmd\": [",
                "            \"sh\",",
                "            \"-c\",",
                "            \"echo \\\"hi\\\"\"",
                "        ],",
                "        \"Entrypoint\": null",
                "    }",
                "]"));
        assertThat(Json.pretty(List.of())).isEqualTo("[]");
    }
}
