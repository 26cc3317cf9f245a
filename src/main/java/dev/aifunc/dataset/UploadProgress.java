package dev.aifunc.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dataset uploads running on this replica and how far they are, for {@code GET .../datasets/{name}/progress}: phase
 * {@code reading} (rows parsed and checked), {@code storing} (rows written), then {@code preparing} (the scenario
 * embeds and indexes the new rows).
 */
@ApplicationScoped
public class UploadProgress {

    /**
     * One running upload.
     *
     * @param phase      reading, storing or preparing
     * @param rowsRead   rows parsed so far
     * @param rowsStored rows written so far
     */
    public record Progress(String phase, long rowsRead, long rowsStored, Instant startedAt) {
    }

    private final Map<String, Progress> running = new ConcurrentHashMap<>();

    void start(String scenarioId, String name) {
        running.put(key(scenarioId, name), new Progress("reading", 0, 0, Instant.now()));
    }

    void update(String scenarioId, String name, String phase, long rowsRead, long rowsStored) {
        running.computeIfPresent(key(scenarioId, name), (k, p) -> new Progress(phase, rowsRead, rowsStored, p.startedAt()));
    }

    void finish(String scenarioId, String name) {
        running.remove(key(scenarioId, name));
    }

    /** The upload of this dataset running now, if any. */
    public Optional<Progress> of(String scenarioId, String name) {
        return Optional.ofNullable(running.get(key(scenarioId, name)));
    }

    private static String key(String scenarioId, String name) {
        return scenarioId + "/" + name;
    }
}
