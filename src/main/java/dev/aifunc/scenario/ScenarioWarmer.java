package dev.aifunc.scenario;

/**
 * Prepares a scenario's active version right after it is saved or activated (embeds its examples and FAQ), so the
 * save answers once the scenario is ready and the first call is as fast as the next. Implemented where the task
 * runtimes live ({@code invoke/}).
 */
public interface ScenarioWarmer {

    /** Prepares the active version; a scenario that cannot be prepared yet (model loading, no data) is left as is. */
    void warm(String scenarioId);
}
