package dev.aifunc.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The UCI "Sentiment Labelled Sentences" files (CC BY 4.0) as shipped in npm {@code sentiment@5.0.2}
 * ({@code package/test/fixtures/imdb.json}, {@code amazon.json}: {@code [{text, class}]}, class 1 = positive).
 * Fetched from the npm registry at test time with {@code npm pack} into {@code target/fixtures}; never committed.
 */
public final class UciSentiment {

    /** One labelled sentence: {@code class} 1 positive, 0 negative. */
    public record Sentence(String text, int polarity) {
    }

    private UciSentiment() {
    }

    /** Labelled sentences of {@code imdb} or {@code amazon} (1000 each, balanced). */
    public static List<Sentence> load(String name) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("aifunc.fixtures.dir", "target/fixtures"));
        Path file = dir.resolve("package/test/fixtures/" + name + ".json");
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            run(dir, "npm", "pack", "sentiment@5.0.2", "--silent", "--no-update-notifier", "--no-fund", "--no-audit");
            run(dir, "tar", "-xzf", "sentiment-5.0.2.tgz");
        }
        List<java.util.Map<String, Object>> rows = new ObjectMapper().readValue(file.toFile(),
                new TypeReference<>() { });
        // one row per file has "class": null; it is not a labelled sentence
        return rows.stream().filter(r -> r.get("class") instanceof Number).map(r -> new Sentence(((String) r.get("text")).strip(), ((Number) r.get("class")).intValue()))
                .toList();
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        // never inherit the test JVM's stdin/stdout: under Maven they carry surefire's own channel to the fork
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("fetch.log").toFile()))
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("command failed (is npm installed and the npm registry reachable?): "
                    + String.join(" ", command) + "; see " + dir.resolve("fetch.log"));
        }
    }
}
