package dev.aifunc.evaluation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Optional;

/** The scorers, by task id. Tasks without one (embeddings, similarity scores, face boxes) cannot be evaluated. */
@ApplicationScoped
public class Scorers {

    private final List<Scorer> all;

    public Scorers(Instance<Scorer> scorers) {
        this.all = scorers.stream().toList();
    }

    /** The scorer of a task, if it has one. */
    public Optional<Scorer> forTask(String taskId) {
        return all.stream().filter(s -> s.tasks().contains(taskId)).findFirst();
    }
}
