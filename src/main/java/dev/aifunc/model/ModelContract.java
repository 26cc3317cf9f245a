package dev.aifunc.model;

import dev.aifunc.problem.ProblemException;
import java.util.Arrays;
import java.util.List;

/**
 * The rules an uploaded image model must meet to work with its scenario, checked at upload: one float input of rank
 * 4 ({@code [batch, channels, height, width]}) whose declared sizes fit the config, a float first output with one
 * score per label, and (from the trial run) finite scores within the inference budget. Each refusal is a 422 naming
 * the config field or the part of the model that does not fit.
 */
final class ModelContract {

    /** Most pixels a model may declare for its input (the config's 2048 x 2048). */
    static final long MAX_INPUT_PIXELS = 2048L * 2048L;

    private ModelContract() {
    }

    /**
     * Checks what the model declares against what the scenario feeds and reads.
     *
     * @param labels      the labels in use (config's, else the archive's), or null when none are known yet
     * @param labelsField where those labels come from, for messages
     * @throws ProblemException 422 naming the field or the tensor that does not fit
     */
    static void checkDeclared(OnnxInspection.Description model, UploadedModels.Expectation expect, List<String> labels,
                              String labelsField) {
        if (model.inputs().size() != 1) {
            throw ProblemException.unprocessable("The model has " + model.inputs().size() + " inputs ("
                    + names(model.inputs()) + "); an image model takes one float tensor [batch, channels, height, "
                    + "width].", "(body)", "1 input");
        }
        OnnxInspection.Value input = model.inputs().get(0);
        if (input.elemType() != OnnxInspection.FLOAT) {
            throw ProblemException.unprocessable("The model's input '" + input.name() + "' is " + input.typeName()
                    + "; aifunc feeds float tensors.", "(body)", "float input");
        }
        long[] want = expect.inputShape();
        long[] dims = input.dims();
        if (dims != null) {
            if (dims.length != want.length) {
                throw ProblemException.unprocessable("The model's input '" + input.name() + "' has rank "
                        + dims.length + " " + shape(dims) + "; an image model takes [batch, channels, height, width].",
                        "(body)", "rank " + want.length);
            }
            if (dims.length == 4 && dims[2] > 0 && dims[3] > 0 && dims[2] * dims[3] > MAX_INPUT_PIXELS) {
                throw ProblemException.unprocessable("The model declares an input of " + dims[3] + " x " + dims[2]
                        + " pixels; the limit is " + MAX_INPUT_PIXELS + " pixels.", "(body)",
                        MAX_INPUT_PIXELS + " pixels");
            }
            String[] fields = {"(batch)", expect.channelsField(), "config.inputHeight", "config.inputWidth"};
            String[] what = {"batch size", "channel count", "height", "width"};
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] > 0 && dims[i] != want[i]) {
                    throw ProblemException.unprocessable("The model's input '" + input.name() + "' is " + shape(dims)
                            + " but the scenario feeds " + shape(want) + ": its " + what[i] + " is " + dims[i]
                            + ", the config gives " + want[i] + ". Save the config with the model's input size and "
                            + "channels, then upload again.", fields[i], String.valueOf(dims[i]));
                }
            }
        }
        OnnxInspection.Value output = model.outputs().get(0);
        if (output.elemType() != OnnxInspection.FLOAT) {
            throw ProblemException.unprocessable("The model's first output '" + output.name() + "' is "
                    + output.typeName() + "; aifunc reads float scores (logits or probabilities).", "(body)",
                    "float output");
        }
        long[] out = output.dims();
        if (labels != null && out != null && out.length > 0 && out[out.length - 1] > 0
                && out[out.length - 1] != labels.size()) {
            throw ProblemException.unprocessable("The model has " + out[out.length - 1] + " outputs but "
                    + labels.size() + " labels are given (" + labelsField + "); give one label per output, in output "
                    + "order.", labelsField, out[out.length - 1] + " labels");
        }
    }

    /**
     * Checks the trial run on a blank input.
     *
     * @param budgetMs the inference budget; a blank-input run over it is refused
     * @throws ProblemException 422 for a non-float first output, a score count that differs from the labels, NaN or
     *                          infinite scores, or a run over the budget
     */
    static void checkTrial(ModelTrial.Result result, List<String> labels, String labelsField, long budgetMs) {
        ModelTrial.Output first = result.outputs().get(0);
        if (!"FLOAT".equals(first.type())) {
            throw ProblemException.unprocessable("The model's first output holds " + first.type()
                    + " values; aifunc reads float scores.", "(body)", "float output");
        }
        if (first.count() < 1) {
            throw ProblemException.unprocessable("The model gives no scores on a blank input.", "(body)", null);
        }
        if (labels != null && first.count() != labels.size()) {
            throw ProblemException.unprocessable("The model gives " + first.count() + " scores "
                    + shape(first.shape()) + " for one image but " + labels.size() + " labels are given ("
                    + labelsField + "); give one label per output, in output order.", labelsField,
                    first.count() + " labels");
        }
        if (first.nonFinite() > 0) {
            throw ProblemException.unprocessable("The model gives " + first.nonFinite() + " NaN or infinite scores "
                    + "on a blank input; it cannot rank labels.", "(body)", "finite scores");
        }
        if (budgetMs > 0 && result.runMs() > budgetMs) {
            throw ProblemException.unprocessable("The model took " + result.runMs() + " ms for one blank input; "
                    + "the inference budget is " + budgetMs + " ms (aifunc.models.inference-timeout).", "(body)",
                    budgetMs + " ms");
        }
    }

    private static String names(List<OnnxInspection.Value> values) {
        return String.join(", ", values.stream().map(OnnxInspection.Value::name).toList());
    }

    private static String shape(long[] dims) {
        return Arrays.toString(Arrays.stream(dims).mapToObj(d -> d < 0 ? "?" : String.valueOf(d)).toArray());
    }
}
