package dev.aifunc.model;

import dev.aifunc.problem.ProblemException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses an uploaded model whose tensor sizes could follow from the image's pixel values rather than from its size.
 * The upload check runs the model once on a blank input of the configured size and bounds its memory there; that
 * bound holds for every image only if no size depends on values: a {@code ConstantOfShape} fed
 * {@code ceil(max(pixels)) * 1e9} allocates nothing on a blank input and gigabytes on a photo.
 *
 * <p>The check follows which tensors carry pixel values through the main graph, in the order ONNX keeps nodes
 * (topological): the graph input does, {@code Shape} and {@code Size} outputs do not (the input's size is fixed by the
 * config), constants and initializers do not, any other output does when one of its inputs does, and the outputs of
 * nodes with subgraphs always do (a body may read any outer value). A node whose output size comes from an input's
 * values ({@link #SIZE_INPUTS}) is refused when that input carries pixel values; so are {@code NonZero},
 * {@code Unique} and {@code Compress} on such values, an {@code If} on such a condition, and any {@code Loop} that
 * collects scan outputs (its memory grows with its iterations). Inside subgraphs and functions, where outer values
 * are not followed, a size input must be a local constant. Operators outside the standard ONNX domains are refused:
 * their sizes are unknown here.
 */
final class SizeCheck {

    /** Operators whose output size is read from the values of the inputs at these positions. */
    static final Map<String, int[]> SIZE_INPUTS = Map.ofEntries(
            Map.entry("ConstantOfShape", new int[] {0}),
            Map.entry("Expand", new int[] {1}),
            Map.entry("Tile", new int[] {1}),
            Map.entry("Range", new int[] {0, 1, 2}),
            Map.entry("Reshape", new int[] {1}),
            Map.entry("Resize", new int[] {1, 2, 3}),
            Map.entry("Upsample", new int[] {1}),
            Map.entry("Pad", new int[] {1, 3}),
            Map.entry("Slice", new int[] {1, 2, 3, 4}),
            Map.entry("OneHot", new int[] {1}),
            Map.entry("TopK", new int[] {1}),
            Map.entry("Split", new int[] {1}),
            Map.entry("SplitToSequence", new int[] {1}),
            Map.entry("Squeeze", new int[] {1}),
            Map.entry("Unsqueeze", new int[] {1}),
            Map.entry("CenterCropPad", new int[] {1}),
            Map.entry("Col2Im", new int[] {1, 2}),
            Map.entry("MaxUnpool", new int[] {2}),
            Map.entry("DFT", new int[] {1}),
            Map.entry("STFT", new int[] {1, 3}),
            Map.entry("ReduceSum", new int[] {1}),
            Map.entry("ReduceMean", new int[] {1}),
            Map.entry("ReduceMax", new int[] {1}),
            Map.entry("ReduceMin", new int[] {1}),
            Map.entry("ReduceProd", new int[] {1}),
            Map.entry("ReduceL1", new int[] {1}),
            Map.entry("ReduceL2", new int[] {1}),
            Map.entry("ReduceLogSum", new int[] {1}),
            Map.entry("ReduceLogSumExp", new int[] {1}),
            Map.entry("ReduceSumSquare", new int[] {1}));

    /** Operators whose output size is a count of the first input's values (Compress: of its condition, input 1). */
    private static final Map<String, Integer> COUNT_INPUT = Map.of("NonZero", 0, "Unique", 0, "Compress", 1);

    private static final Set<String> DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml");

    private SizeCheck() {
    }

    /**
     * The main graph.
     *
     * @param inputs the graph inputs a caller feeds (not initializers)
     * @throws ProblemException 422 naming the node whose output size could follow from pixel values
     */
    static void topLevel(List<OnnxInspection.Node> nodes, List<String> inputs) {
        Set<String> pixels = new HashSet<>(inputs);
        for (OnnxInspection.Node node : nodes) {
            checkDomain(node);
            boolean fromPixels = node.inputs().stream().anyMatch(pixels::contains);
            int[] sizeInputs = SIZE_INPUTS.get(node.op());
            if (sizeInputs != null) {
                for (int i : sizeInputs) {
                    if (i < node.inputs().size() && pixels.contains(node.inputs().get(i))) {
                        throw refused(node, "takes its output size from pixel values (input " + i + ")");
                    }
                }
            }
            Integer counted = COUNT_INPUT.get(node.op());
            if (counted != null && counted < node.inputs().size() && pixels.contains(node.inputs().get(counted))) {
                throw refused(node, "has as many outputs as pixel values pass its test");
            }
            if (node.op().equals("If") && !node.inputs().isEmpty() && pixels.contains(node.inputs().get(0))) {
                throw refused(node, "chooses a branch, and so its output sizes, from pixel values");
            }
            checkLoop(node);
            boolean shapeOnly = node.op().equals("Shape") || node.op().equals("Size") || node.op().equals("Constant");
            if (!shapeOnly && (fromPixels || node.subgraphs())) {
                pixels.addAll(node.outputs());
            }
        }
    }

    /**
     * A subgraph (a Loop, If or Scan body) or a model-local function: size inputs must be local constants.
     *
     * @param initializers the subgraph's own initializers
     */
    static void subgraph(List<OnnxInspection.Node> nodes, Set<String> initializers) {
        Set<String> constants = new HashSet<>(initializers);
        for (OnnxInspection.Node node : nodes) {
            checkDomain(node);
            int[] sizeInputs = SIZE_INPUTS.get(node.op());
            if (sizeInputs != null) {
                for (int i : sizeInputs) {
                    if (i < node.inputs().size() && !node.inputs().get(i).isEmpty()
                            && !constants.contains(node.inputs().get(i))) {
                        throw refused(node, "inside a subgraph takes its output size from a value that is not a "
                                + "constant (input " + i + ")");
                    }
                }
            }
            if (COUNT_INPUT.containsKey(node.op())) {
                throw refused(node, "inside a subgraph has as many outputs as values pass its test");
            }
            checkLoop(node);
            if (node.op().equals("Constant")) {
                constants.addAll(node.outputs());
            }
        }
    }

    private static void checkLoop(OnnxInspection.Node node) {
        // Loop(M, cond, v_initial...) -> (v_final..., scan_outputs...)
        if (node.op().equals("Loop") && node.outputs().size() > Math.max(0, node.inputs().size() - 2)) {
            throw refused(node, "collects scan outputs, whose memory grows with its iterations");
        }
    }

    private static void checkDomain(OnnxInspection.Node node) {
        if (!DOMAINS.contains(node.domain())) {
            throw refused(node, "is from operator domain '" + node.domain() + "', outside standard ONNX");
        }
    }

    private static ProblemException refused(OnnxInspection.Node node, String why) {
        String name = node.name().length() > 200 ? node.name().substring(0, 200) + "…" : node.name();
        return ProblemException.unprocessable("The model's node '" + name + "' (" + node.op() + ") " + why
                + ". aifunc accepts models whose tensor sizes follow from the input size alone, so that the upload "
                + "check bounds the memory every image takes.", "(body)", "sizes independent of pixel values");
    }
}
