package dev.aifunc.support;

import java.util.List;
import java.util.Map;

/**
 * Two versions of a one-entry faq-matching config whose answers differ, so a test can tell from the answer which
 * version served a call.
 */
public final class OpeningHours {

    public static final String ANSWER_V1 = "We are open 9 to 5.";
    public static final String ANSWER_V2 = "We are open 8 to 8, every day.";
    public static final Map<String, Object> V1 = config(ANSWER_V1);
    public static final Map<String, Object> V2 = config(ANSWER_V2);

    private OpeningHours() {
    }

    private static Map<String, Object> config(String answer) {
        return Map.of("language", "en", "faq", List.of(
                Map.of("question", "What are your opening hours?", "answer", answer)));
    }
}
