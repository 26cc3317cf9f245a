package dev.aifunc.task.nlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.problem.ProblemException;

/** Reads a text field from an input that passed its schema, rejecting whitespace-only text. */
final class TextInput {

    private TextInput() {
    }

    /**
     * The text of {@code field}.
     *
     * @throws ProblemException 422 when it holds no visible character
     */
    static String require(JsonNode input, String field) {
        String text = input.path(field).asText("");
        if (text.isBlank()) {
            throw ProblemException.unprocessable("'" + field + "' must contain some text, not only whitespace.",
                    field, null);
        }
        return text;
    }
}
