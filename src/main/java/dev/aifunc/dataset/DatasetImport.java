package dev.aifunc.dataset;

import dev.aifunc.invoke.ScenarioRuntimes;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;
import dev.aifunc.task.TaskRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.util.TreeSet;

/**
 * An upload as the scenario sees it: the dataset must be one its task reads, each row must fit the scenario's
 * config (checked by the task), and after the atomic replace the scenario is prepared again (embeddings computed
 * and stored) so the next call is fast.
 */
@ApplicationScoped
public class DatasetImport {

    private final DatasetService datasets;
    private final ScenarioRuntimes runtimes;
    private final TaskRegistry tasks;

    private final UploadProgress progress;

    public DatasetImport(DatasetService datasets, ScenarioRuntimes runtimes, TaskRegistry tasks, UploadProgress progress) {
        this.progress = progress;
        this.datasets = datasets;
        this.runtimes = runtimes;
        this.tasks = tasks;
    }

    /**
     * Replaces dataset {@code name} of scenario {@code scenarioId}.
     *
     * @throws ProblemException 404 unknown scenario; 422 a dataset the template does not use, or row errors with
     *                          line numbers (nothing stored); 413 too many rows
     */
    public DatasetService.Summary upload(String scenarioId, String name, DatasetService.Format format, InputStream body) {
        ScenarioSnapshot snapshot = runtimes.snapshot(scenarioId, null);
        Task<?> task = tasks.find(snapshot.template().task()).orElseThrow();
        if (!task.datasets().contains(name)) {
            throw ProblemException.unprocessable(task.datasets().isEmpty()
                    ? "Template '" + snapshot.template().id() + "' uses no datasets."
                    : "Template '" + snapshot.template().id() + "' reads the dataset(s) " + new TreeSet<>(task.datasets())
                            + ", not '" + name + "'.", "name", null);
        }
        progress.start(scenarioId, name);
        try {
            DatasetService.Summary summary = datasets.replace(scenarioId, name, format, body,
                    row -> task.checkDatasetRow(name, row, snapshot.config()));
            progress.update(scenarioId, name, "preparing", summary.rows(), summary.rows());
            try {
                runtimes.runtime(scenarioId, null);
            } catch (ProblemException e) {
                // a model still loading, or a config that needs more data: the next call prepares it instead
            }
            return summary;
        } finally {
            progress.finish(scenarioId, name);
        }
    }
}
