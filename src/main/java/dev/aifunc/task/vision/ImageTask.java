package dev.aifunc.task.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Base of the tasks that read one image per call. Their state is the scenario itself (config only); their models
 * ({@code R}) are opened once, the first time a scenario of theirs is saved or called, and closed at shutdown. A call
 * without an image is a programming error ({@code invoke/} always decodes the image first).
 *
 * @param <R> what the task loads: detectors, ONNX sessions
 */
abstract class ImageTask<R extends AutoCloseable> implements Task<ScenarioSnapshot> {

    private volatile R resource;

    /**
     * Opens the task's models.
     *
     * @throws IOException when a model file is missing or does not load
     */
    protected abstract R open() throws IOException;

    /** The task's models, opened on first use (thread-safe). */
    protected final R models() {
        R r = resource;
        if (r == null) {
            synchronized (this) {
                if (resource == null) {
                    try {
                        resource = open();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                r = resource;
            }
        }
        return r;
    }

    @Override
    public final boolean takesImage() {
        return true;
    }

    @Override
    public ScenarioSnapshot prepare(ScenarioSnapshot scenario) {
        models();
        return scenario;
    }

    @Override
    public final Object invoke(ScenarioSnapshot state, JsonNode input) {
        throw new UnsupportedOperationException(id() + " takes an image");
    }

    void close(@Observes ShutdownEvent event) throws Exception {
        if (resource != null) {
            resource.close();
        }
    }
}
