package dev.stevedore.engine.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns a registry's error answer into words: the status and the codes of its {@code errors} JSON. */
final class RegistryErrors {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BODY_LIMIT = 16 * 1024;

    private RegistryErrors() {
    }

    /** {@code 404 Not Found (MANIFEST_UNKNOWN: manifest unknown)}; reads (part of) the body. */
    static String describe(Response response) {
        String status = status(response.code(), response.message());
        String details = details(response);
        return details.isEmpty() ? status : status + " (" + details + ")";
    }

    static String status(int code, String message) {
        String reason = message != null && !message.isBlank() ? message : switch (code) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
        return reason.isEmpty() ? String.valueOf(code) : code + " " + reason;
    }

    private static String details(Response response) {
        ResponseBody body = response.body();
        if (body == null || "HEAD".equals(response.request().method())) {
            return "";
        }
        byte[] bytes;
        try {
            bytes = body.byteStream().readNBytes(BODY_LIMIT);
        } catch (IOException e) {
            return "";
        }
        if (bytes.length == 0) {
            return "";
        }
        try {
            JsonNode json = MAPPER.readTree(bytes);
            JsonNode errors = json == null ? null : json.get("errors");
            if (errors != null && errors.isArray() && !errors.isEmpty()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode error : errors) {
                    String code = error.path("code").asText("");
                    String message = error.path("message").asText("");
                    parts.add(code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message);
                }
                return String.join("; ", parts);
            }
        } catch (IOException notJson) {
            // fall through to the text
        }
        String text = new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
