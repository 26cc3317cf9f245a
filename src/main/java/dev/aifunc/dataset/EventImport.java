package dev.aifunc.dataset;

import dev.aifunc.invoke.ScenarioRuntimes;
import dev.aifunc.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Events as a recommendation scenario takes them: only scenarios whose task learns from events accept them, the
 * whole request is stored or nothing, and the scenario starts relearning from the new revision at once.
 */
@ApplicationScoped
public class EventImport {

    private final EventService events;
    private final ScenarioRuntimes runtimes;

    public EventImport(EventService events, ScenarioRuntimes runtimes) {
        this.events = events;
        this.runtimes = runtimes;
    }

    /**
     * Appends the events of a request body.
     *
     * @param jsonLines one event per line; otherwise one event or {@code {"events": [...]}}
     * @throws ProblemException 404 unknown scenario; 422 a scenario that takes no events, or broken event fields
     *                          (all named, nothing stored); 400 unreadable JSON; 413 too many events
     */
    public EventService.AppendResult append(String scenarioId, byte[] body, boolean jsonLines) {
        ScenarioRuntimes.Runtime runtime = takingEvents(scenarioId);
        EventService.AppendResult result = events.append(scenarioId, events.parse(body, jsonLines));
        runtime.task().status(runtime.state()); // asking for the status starts relearning from the new revision now
        return result;
    }

    /**
     * The runtime of a scenario that learns from events.
     *
     * @throws ProblemException 404 unknown scenario; 422 when its task takes no events
     */
    public ScenarioRuntimes.Runtime takingEvents(String scenarioId) {
        ScenarioRuntimes.Runtime runtime = runtimes.runtime(scenarioId, null);
        if (!runtime.task().takesEvents()) {
            throw ProblemException.unprocessable("Scenario '" + scenarioId + "' (template '"
                    + runtime.snapshot().template().id() + "') does not learn from events; personalized-recommendations does.",
                    "id", null);
        }
        return runtime;
    }
}
