package dev.aifunc.task.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;

/**
 * Base of the tasks that read one image per call: their state is the scenario itself (config only), preparing a
 * scenario loads the task's models once, and a call without an image is a programming error ({@code invoke/}
 * always decodes the image first).
 */
abstract class ImageTask implements Task<ScenarioSnapshot> {

    /** Loads the task's models if that has not happened yet (called when a scenario is saved). */
    protected abstract void load();

    @Override
    public final boolean takesImage() {
        return true;
    }

    @Override
    public ScenarioSnapshot prepare(ScenarioSnapshot scenario) {
        load();
        return scenario;
    }

    @Override
    public final Object invoke(ScenarioSnapshot state, JsonNode input) {
        throw new UnsupportedOperationException(id() + " takes an image");
    }
}
