package dev.aifunc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.task.ScenarioSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How answers of one family of tasks are judged: which column of labelled data holds the expected answer, whether an
 * answer is right, the metrics over a whole set, and whether two versions agree (shadow mode). One implementation
 * per family; {@link Scorers} finds it by task id.
 */
public interface Scorer {

    /** Task ids whose answers this scorer judges. */
    Set<String> tasks();

    /** Column of the labelled data with the expected answer ({@code label}, {@code answer}, {@code text}, {@code items}). */
    String expectedColumn();

    /** True when the expected answer may be empty (FAQ matching: the question should find no match). */
    default boolean expectedMayBeEmpty() {
        return false;
    }

    /**
     * Reads the expected answer of a row.
     *
     * @return the expected answer (a JSON string, or an array of ids for rankings)
     * @throws IllegalArgumentException with a message for the row's error when the cell cannot be an answer
     */
    default JsonNode expected(JsonNode cell) {
        return cell == null || cell.isNull() ? com.fasterxml.jackson.databind.node.TextNode.valueOf("")
                : com.fasterxml.jackson.databind.node.TextNode.valueOf(cell.asText().strip());
    }

    /** The answer of an output in short form, to compare and to show: a label, an FAQ answer, the text read, ids. */
    JsonNode answer(JsonNode output);

    /** Judges one row: its answer, whether it is right, and the per-row numbers the metrics add up. */
    Judged judge(JsonNode expected, JsonNode output, int k);

    /** What one row got when it failed (schema error, refused image): wrong, with the numbers of a wrong answer. */
    default Judged failed(JsonNode expected) {
        return new Judged(com.fasterxml.jackson.databind.node.NullNode.getInstance(), false, Map.of());
    }

    /**
     * The metrics of a whole set (e.g. {@code accuracy}, {@code macroF1}, {@code confusionMatrix}).
     *
     * @param rows every judged row, in upload order
     */
    Map<String, Object> metrics(List<Item> rows, ScenarioSnapshot snapshot, int k);

    /** The metric that sums up a set (shown in lists and compared first). */
    String headline();

    /** True when a larger headline is better (false for error rates). */
    default boolean higherIsBetter() {
        return true;
    }

    /** True when two outputs give the same answer (shadow mode's agreement). */
    default boolean agree(JsonNode a, JsonNode b) {
        return answer(a).equals(answer(b));
    }

    /**
     * The verdict on one row.
     *
     * @param answer  the answer in short form ({@link #answer})
     * @param correct whether it is the expected one
     * @param values  per-row numbers (reciprocal rank, recall, NDCG, edits), empty when none
     */
    record Judged(JsonNode answer, boolean correct, Map<String, Double> values) {
    }

    /**
     * One row of an evaluation, as stored.
     *
     * @param row      0-based row number in the upload
     * @param input    a short form of the input (text up to 300 characters, or "(image, N bytes)")
     * @param expected the expected answer
     * @param answer   the answer given (null when the row failed)
     * @param correct  whether it was right
     * @param values   per-row numbers
     * @param error    why the row failed, or null
     */
    record Item(int row, String input, JsonNode expected, JsonNode answer, boolean correct,
                Map<String, Double> values, String error) {
    }
}
