package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
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
}
