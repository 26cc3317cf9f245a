package dev.aifunc.task.nlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.problem.ProblemException;

/** Reads a text field from an input that passed its schema, rejecting text with nothing visible in it. */
public final class TextInput {

    private TextInput() {
    }

    /**
     * The text of {@code field}.
     *
     * @throws ProblemException 422 when it holds no visible character
     */
    public static String require(JsonNode input, String field) {
        String text = input.path(field).asText("");
        if (!hasVisibleCharacter(text)) {
            throw ProblemException.unprocessable("'" + field + "' must contain some text, not only white space or "
                    + "invisible characters.",
                    field, null);
        }
        return text;
    }

    /**
     * True when the text has a character that is not white space, a space separator (e.g. U+00A0, U+3000),
     * a control character or an invisible format character (e.g. U+200B, U+FEFF).
     */
    static boolean hasVisibleCharacter(String text) {
        return text.codePoints().anyMatch(cp -> !Character.isWhitespace(cp) && !Character.isSpaceChar(cp)
                && Character.getType(cp) != Character.CONTROL && Character.getType(cp) != Character.FORMAT);
    }
}
