package dev.aifunc.task;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** All tasks (CDI beans implementing {@link Task}), by id. */
@ApplicationScoped
public class TaskRegistry {

    private final Map<String, Task<?>> tasks = new TreeMap<>();

    @jakarta.inject.Inject
    public TaskRegistry(@Any Instance<Task<?>> all) {
        this((Iterable<Task<?>>) all);
    }

    /** A registry of the given tasks (for tools and tests outside CDI). */
    public TaskRegistry(Iterable<Task<?>> all) {
        for (Task<?> task : all) {
            Task<?> previous = tasks.put(task.id(), task);
            if (previous != null) {
                throw new IllegalStateException("two tasks share the id " + task.id());
            }
        }
    }

    /** The task with this id, if any. */
    public Optional<Task<?>> find(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /** Whether the task with this id takes an image (false for an unknown id). */
    public boolean takesImage(String id) {
        return find(id).map(Task::takesImage).orElse(false);
    }

    /** Ids of all tasks. */
    public List<String> ids() {
        return List.copyOf(tasks.keySet());
    }
}
