package dev.aifunc.task.nlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.task.ScenarioSnapshot;
import java.util.Map;

/**
 * Picks the model pack for a text from the scenario config: {@code language} {@code en}, {@code zh} or
 * {@code auto} (detected per text), and an optional {@code modelPack} override.
 */
public final class LanguageRouting {

    /** Share of Han characters among letters from which a text counts as Chinese. */
    static final double HAN_SHARE_FOR_ZH = 0.3;

    private LanguageRouting() {
    }

    /** {@code zh} when at least 30% of the letters are Han characters, else {@code en}. */
    public static String detect(String text) {
        int letters = 0;
        int han = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp)) {
                letters++;
                if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
                    han++;
                }
            }
        }
        return letters > 0 && han >= HAN_SHARE_FOR_ZH * letters ? "zh" : "en";
    }

    /** The language a scenario uses for this text ({@code en} or {@code zh}). */
    public static String language(ScenarioSnapshot scenario, String text) {
        String configured = scenario.config().path("language").asText("auto");
        return "auto".equals(configured) ? detect(text) : configured;
    }

    /** The model pack id for a language: {@code modelPack} from the config, else the template's pack for it. */
    public static String pack(ScenarioSnapshot scenario, String language) {
        JsonNode override = scenario.config().get("modelPack");
        if (override != null && override.isTextual() && !override.asText().isBlank()) {
            return override.asText();
        }
        Map<String, String> models = scenario.template().models();
        return models.getOrDefault(language, models.values().iterator().next());
    }

    /** The languages a scenario may see: its configured one, or every language of the template for {@code auto}. */
    public static java.util.List<String> languages(ScenarioSnapshot scenario) {
        String configured = scenario.config().path("language").asText("auto");
        return "auto".equals(configured) ? java.util.List.copyOf(scenario.template().models().keySet())
                : java.util.List.of(configured);
    }

    /** Shortcut: the model pack id for this text. */
    public static String packFor(ScenarioSnapshot scenario, String text) {
        return pack(scenario, language(scenario, text));
    }
}
