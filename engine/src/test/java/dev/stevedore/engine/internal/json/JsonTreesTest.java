package dev.stevedore.engine.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTreesTest {
    /** The reference: what the engine's files were read and written with before. */
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DOCUMENT = """
            {"schemaVersion": 2, "size": 4294967296, "huge": 123456789012345678901234567890, "ratio": 0.25,
             "neg": -1.5e-3, "on": true, "off": false, "none": null, "text": "caf\\u00e9 \\"quoted\\" \\n",
             "nested": {"list": [1, "two", [3, {"four": 4}], {}, []], "empty": {}},
             "twice": 1, "twice": 2}
            """;

    @Test
    void treesAreTheMappersTreesAndWriteInItsBytes() throws Exception {
        byte[] bytes = DOCUMENT.getBytes(StandardCharsets.UTF_8);
        JsonNode expected = MAPPER.readTree(bytes);

        JsonNode tree = JsonTrees.read(bytes);

        assertThat(tree).isEqualTo(expected);
        assertThat(tree.get("twice").intValue()).as("the last of a repeated name counts").isEqualTo(2);
        assertThat(JsonTrees.read(DOCUMENT)).isEqualTo(expected);
        assertThat(new String(JsonTrees.write(tree), StandardCharsets.UTF_8))
                .isEqualTo(MAPPER.writeValueAsString(expected));
        assertThat(new String(JsonTrees.write(tree, true), StandardCharsets.UTF_8))
                .isEqualTo(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(expected));
    }

    @Test
    void aSliceScalarsAndNothingReadAsTheMapperReadsThem() throws Exception {
        byte[] line = "xx{\"a\":[1]}\nyy".getBytes(StandardCharsets.US_ASCII);
        assertThat(JsonTrees.read(line, 2, 9)).isEqualTo(MAPPER.readTree(line, 2, 9));
        assertThat(JsonTrees.read("\"text\"")).isEqualTo(MAPPER.readTree("\"text\""));
        assertThat(JsonTrees.read("  ").isMissingNode()).isTrue();
        assertThat(MAPPER.readTree("  ").isMissingNode()).isTrue();
    }

    @Test
    void brokenJsonFailsAsAParseError() {
        assertThatThrownBy(() -> JsonTrees.read("{\"a\": [1, 2}")).isInstanceOf(
                com.fasterxml.jackson.core.JsonProcessingException.class);
        assertThatThrownBy(() -> JsonTrees.read("{\"a\": [1, 2]".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }
}
