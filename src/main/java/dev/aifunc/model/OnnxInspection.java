package dev.aifunc.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.aifunc.problem.ProblemException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an ONNX file declares, read from its protobuf bytes without handing them to ONNX Runtime: the graph's inputs
 * and outputs, and whether any tensor keeps its bytes outside the file. ONNX lets a tensor name "external data" at
 * any path (absolute, relative, {@code ..}); ONNX Runtime reads that path even for a model loaded from memory, so a
 * model that names one could turn a host file (a password file, a service-account token) into weights and leak it
 * through its scores. {@link #inspect} refuses such a model before anything loads it.
 *
 * <p>Every place a {@code TensorProto} can sit is visited: graph initializers and sparse initializers, tensor
 * attributes of every node (also {@code Constant}), the subgraphs of control-flow nodes ({@code Loop}, {@code If},
 * {@code Scan}) at any depth, model-local functions and training graphs. Field numbers are those of
 * {@code onnx/onnx.proto} (IR version 10); the wire format is read with protobuf-java.
 */
public final class OnnxInspection {

    /** ONNX {@code TensorProto.DataType.FLOAT}. */
    public static final int FLOAT = 1;

    /**
     * One graph input or output.
     *
     * @param name     as the graph names it
     * @param elemType ONNX element type ({@code 1} float, {@code 7} int64, …); 0 when the value is not a tensor
     * @param dims     declared dimensions; -1 for a symbolic or missing one; null when the rank is not declared
     */
    public record Value(String name, int elemType, long[] dims) {

        /** The element type's ONNX name, for messages. */
        public String typeName() {
            return switch (elemType) {
                case 0 -> "not a tensor";
                case 1 -> "float";
                case 2 -> "uint8";
                case 3 -> "int8";
                case 6 -> "int32";
                case 7 -> "int64";
                case 9 -> "bool";
                case 10 -> "float16";
                case 11 -> "double";
                case 16 -> "bfloat16";
                default -> "ONNX type " + elemType;
            };
        }
    }

    /**
     * What a model declares.
     *
     * @param inputs  graph inputs that are not initializers, in order
     * @param outputs graph outputs, in order
     */
    public record Description(List<Value> inputs, List<Value> outputs) {
    }

    // ModelProto
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_TRAINING_INFO = 20;
    private static final int MODEL_FUNCTIONS = 25;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    // NodeProto, FunctionProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    private static final int FUNCTION_NODE = 7;
    private static final int FUNCTION_ATTRIBUTE_PROTO = 11;
    // AttributeProto
    private static final int ATTR_T = 5;
    private static final int ATTR_G = 6;
    private static final int ATTR_TENSORS = 10;
    private static final int ATTR_GRAPHS = 11;
    private static final int ATTR_SPARSE_TENSOR = 22;
    private static final int ATTR_SPARSE_TENSORS = 23;
    // TensorProto, SparseTensorProto
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    // TrainingInfoProto
    private static final int TRAINING_INITIALIZATION = 1;
    private static final int TRAINING_ALGORITHM = 2;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, Dimension
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_ELEM = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;

    /** Deepest nesting of graphs in graphs followed (protobuf-java stops at 100 messages anyway). */
    private static final int MAX_DEPTH = 64;

    private OnnxInspection() {
    }

    /**
     * Reads what an ONNX file declares and refuses one that refers to anything outside itself.
     *
     * @param onnx the bytes of a {@code .onnx} file
     * @throws ProblemException 422 when the bytes are not an ONNX model, or a tensor keeps its data outside the file
     *                          (the problem names the tensor)
     */
    public static Description inspect(byte[] onnx) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(onnx);
            Description description = null;
            boolean graphSeen = false;
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case MODEL_GRAPH -> {
                        requireLengthDelimited(tag, "graph");
                        description = sub(in, () -> graph(in, 0, true));
                        graphSeen = true;
                    }
                    case MODEL_TRAINING_INFO -> {
                        requireLengthDelimited(tag, "training_info");
                        sub(in, () -> trainingInfo(in));
                    }
                    case MODEL_FUNCTIONS -> {
                        requireLengthDelimited(tag, "functions");
                        sub(in, () -> function(in));
                    }
                    default -> in.skipField(tag);
                }
            }
            if (!graphSeen || description.outputs().isEmpty()) {
                throw notOnnx("it holds no graph with outputs");
            }
            return description;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProblemException p) {
                throw p;
            }
            throw notOnnx("its protobuf encoding is broken (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Description graph(CodedInputStream in, int depth, boolean describe) throws IOException {
        if (depth > MAX_DEPTH) {
            throw ProblemException.unprocessable("The model nests graphs more than " + MAX_DEPTH + " deep.",
                    "(body)", MAX_DEPTH + " levels");
        }
        List<Value> inputs = new ArrayList<>();
        List<Value> outputs = new ArrayList<>();
        Set<String> initializers = new HashSet<>();
        List<Node> nodes = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            switch (field) {
                case GRAPH_NODE -> nodes.add(sub(in, () -> node(in, depth)));
                case GRAPH_INITIALIZER -> initializers.add(sub(in, () -> tensor(in)));
                case GRAPH_SPARSE_INITIALIZER -> initializers.add(sub(in, () -> sparseTensor(in)));
                case GRAPH_INPUT -> {
                    Value v = sub(in, () -> value(in));
                    if (describe) {
                        inputs.add(v);
                    }
                }
                case GRAPH_OUTPUT -> {
                    Value v = sub(in, () -> value(in));
                    if (describe) {
                        outputs.add(v);
                    }
                }
                default -> in.skipField(tag);
            }
        }
        // before IR version 4 initializers were listed among the inputs too; they are not what a caller feeds
        inputs.removeIf(v -> initializers.contains(v.name()));
        if (describe) {
            SizeCheck.topLevel(nodes, inputs.stream().map(Value::name).toList());
        } else {
            SizeCheck.subgraph(nodes, initializers);
        }
        return new Description(List.copyOf(inputs), List.copyOf(outputs));
    }

    /** One node: what it runs, from which tensors into which, and whether it holds subgraphs. */
    record Node(String name, String op, String domain, List<String> inputs, List<String> outputs,
                boolean subgraphs) {
    }

    private static Node node(CodedInputStream in, int depth) throws IOException {
        String name = "";
        String op = "";
        String domain = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        boolean subgraphs = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            switch (field) {
                case NODE_INPUT -> inputs.add(in.readStringRequireUtf8());
                case NODE_OUTPUT -> outputs.add(in.readStringRequireUtf8());
                case NODE_NAME -> name = in.readStringRequireUtf8();
                case NODE_OP_TYPE -> op = in.readStringRequireUtf8();
                case NODE_DOMAIN -> domain = in.readStringRequireUtf8();
                case NODE_ATTRIBUTE -> subgraphs |= sub(in, () -> attribute(in, depth));
                default -> in.skipField(tag);
            }
        }
        return new Node(name.isEmpty() ? op + "->" + String.join(",", outputs) : name, op, domain, inputs, outputs,
                subgraphs);
    }

    /** Reads an attribute, refusing external data in its tensors; true when it holds a subgraph. */
    private static boolean attribute(CodedInputStream in, int depth) throws IOException {
        boolean subgraph = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case ATTR_T, ATTR_TENSORS -> sub(in, () -> tensor(in));
                case ATTR_SPARSE_TENSOR, ATTR_SPARSE_TENSORS -> sub(in, () -> sparseTensor(in));
                case ATTR_G, ATTR_GRAPHS -> {
                    sub(in, () -> graph(in, depth + 1, false));
                    subgraph = true;
                }
                default -> in.skipField(tag);
            }
        }
        return subgraph;
    }

    private static Void function(CodedInputStream in) throws IOException {
        List<Node> nodes = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED && field == FUNCTION_NODE) {
                nodes.add(sub(in, () -> node(in, 1)));
            } else if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
                    && field == FUNCTION_ATTRIBUTE_PROTO) {
                sub(in, () -> attribute(in, 1));
            } else {
                in.skipField(tag);
            }
        }
        SizeCheck.subgraph(nodes, Set.of());
        return null;
    }

    private static Void trainingInfo(CodedInputStream in) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
                    && (field == TRAINING_INITIALIZATION || field == TRAINING_ALGORITHM)) {
                sub(in, () -> graph(in, 1, false));
            } else {
                in.skipField(tag);
            }
        }
        return null;
    }

    /** Reads a tensor's name; refuses it when its data lives outside the file. */
    private static String tensor(CodedInputStream in) throws IOException {
        String name = "";
        boolean external = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == TENSOR_NAME && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                name = in.readStringRequireUtf8();
            } else if (field == TENSOR_EXTERNAL_DATA) {
                external = true;
                in.skipField(tag);
            } else if (field == TENSOR_DATA_LOCATION && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                external |= in.readEnum() != 0; // DEFAULT = 0, EXTERNAL = 1
            } else {
                in.skipField(tag);
            }
        }
        if (external) {
            String shown = name.length() > 200 ? name.substring(0, 200) + "…" : name;
            throw new ProblemException(422, "Unprocessable Content", "Tensor '" + shown + "' keeps its data outside "
                    + "the model file (ONNX external data). aifunc loads only self-contained models: save the model "
                    + "with its weights inside the .onnx file (onnx.save(model, path, save_as_external_data=False)).",
                    "tensor:" + shown, "weights inside the file", null, null);
        }
        return name;
    }

    private static String sparseTensor(CodedInputStream in) throws IOException {
        String name = "";
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if ((field == SPARSE_VALUES || field == SPARSE_INDICES)
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                String n = sub(in, () -> tensor(in));
                if (field == SPARSE_VALUES) {
                    name = n;
                }
            } else {
                in.skipField(tag);
            }
        }
        return name;
    }

    private static Value value(CodedInputStream in) throws IOException {
        String name = "";
        int[] elemType = {0};
        long[][] dims = {null};
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == VALUE_NAME && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                name = in.readStringRequireUtf8();
            } else if (field == VALUE_TYPE && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                sub(in, () -> {
                    for (int t; (t = in.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(t) == TYPE_TENSOR
                                && WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                            sub(in, () -> {
                                for (int u; (u = in.readTag()) != 0; ) {
                                    int f = WireFormat.getTagFieldNumber(u);
                                    if (f == TENSOR_TYPE_ELEM && WireFormat.getTagWireType(u) == WireFormat.WIRETYPE_VARINT) {
                                        elemType[0] = in.readInt32();
                                    } else if (f == TENSOR_TYPE_SHAPE
                                            && WireFormat.getTagWireType(u) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                                        dims[0] = sub(in, () -> shape(in));
                                    } else {
                                        in.skipField(u);
                                    }
                                }
                                return null;
                            });
                        } else {
                            in.skipField(t);
                        }
                    }
                    return null;
                });
            } else {
                in.skipField(tag);
            }
        }
        return new Value(name, elemType[0], dims[0]);
    }

    private static long[] shape(CodedInputStream in) throws IOException {
        List<Long> dims = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == SHAPE_DIM
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                dims.add(sub(in, () -> {
                    long value = -1;
                    for (int t; (t = in.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(t) == DIM_VALUE
                                && WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_VARINT) {
                            long v = in.readInt64();
                            value = v > 0 ? v : -1;
                        } else {
                            in.skipField(t);
                        }
                    }
                    return value;
                }));
            } else {
                in.skipField(tag);
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** Reads one length-delimited field with {@code reader}, within its length, without copying its bytes. */
    private static <T> T sub(CodedInputStream in, Reader<T> reader) throws IOException {
        int length = in.readRawVarint32();
        if (length < 0) {
            throw new IOException("negative length");
        }
        int outer = in.pushLimit(length);
        T value = reader.read();
        in.skipRawBytes(in.getBytesUntilLimit());
        in.popLimit(outer);
        return value;
    }

    private interface Reader<T> {
        T read() throws IOException;
    }

    private static void requireLengthDelimited(int tag, String field) throws IOException {
        if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            throw new IOException("field " + field + " has the wrong wire type");
        }
    }

    private static ProblemException notOnnx(String why) {
        return ProblemException.unprocessable("The file is not an ONNX model: " + why + ".", "(body)", null);
    }
}
