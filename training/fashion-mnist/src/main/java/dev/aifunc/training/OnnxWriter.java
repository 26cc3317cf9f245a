package dev.aifunc.training;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an inference graph as an ONNX model file (protobuf messages {@code ModelProto}, {@code GraphProto},
 * {@code NodeProto}, {@code TensorProto}, {@code ValueInfoProto}; field numbers from {@code onnx/onnx.proto},
 * IR version 7, default-domain opset 13). Only what a small feed-forward classifier needs: float tensors, int and
 * ints attributes. DJL cannot export a trained block to ONNX (docs/models.md), so the trainer describes its layers here.
 */
final class OnnxWriter {

    private static final int FLOAT = 1; // TensorProto.DataType.FLOAT
    private static final int ATTR_INT = 2; // AttributeProto.AttributeType.INT
    private static final int ATTR_INTS = 7; // AttributeProto.AttributeType.INTS

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a weight tensor (row-major {@code float[]} of the given shape). */
    OnnxWriter initializer(String name, float[] values, long... dims) throws IOException {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + java.util.Arrays.toString(dims));
        }
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        initializers.add(message(out -> {
            for (long d : dims) {
                out.writeInt64(1, d); // dims
            }
            out.writeInt32(2, FLOAT); // data_type
            out.writeString(8, name); // name
            out.writeByteArray(9, raw.array()); // raw_data, little-endian
        }));
        return this;
    }

    /** Adds a node; {@code attributes} values are {@code Long} (INT) or {@code long[]} (INTS). */
    OnnxWriter node(String opType, List<String> in, String out, Map<String, Object> attributes) throws IOException {
        nodes.add(message(o -> {
            for (String i : in) {
                o.writeString(1, i);
            }
            o.writeString(2, out);
            o.writeString(3, out); // node name = its output
            o.writeString(4, opType);
            for (Map.Entry<String, Object> a : attributes.entrySet()) {
                o.writeByteArray(5, message(attr -> {
                    attr.writeString(1, a.getKey());
                    if (a.getValue() instanceof long[] ints) {
                        for (long v : ints) {
                            attr.writeInt64(8, v);
                        }
                        attr.writeInt32(20, ATTR_INTS);
                    } else {
                        attr.writeInt64(3, (Long) a.getValue());
                        attr.writeInt32(20, ATTR_INT);
                    }
                }));
            }
        }));
        return this;
    }

    /** Declares a graph input of float elements; a dimension {@code < 0} is the symbolic batch size. */
    OnnxWriter input(String name, long... dims) throws IOException {
        inputs.add(valueInfo(name, dims));
        return this;
    }

    /** Declares a graph output of float elements; a dimension {@code < 0} is the symbolic batch size. */
    OnnxWriter output(String name, long... dims) throws IOException {
        outputs.add(valueInfo(name, dims));
        return this;
    }

    /** A {@code metadata_props} entry (shown by Netron and readable from ONNX Runtime's model metadata). */
    OnnxWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The serialized {@code ModelProto}. */
    byte[] toBytes(String graphName, String producer, String docString) throws IOException {
        byte[] graph = message(g -> {
            for (byte[] n : nodes) {
                g.writeByteArray(1, n);
            }
            g.writeString(2, graphName);
            for (byte[] t : initializers) {
                g.writeByteArray(5, t);
            }
            for (byte[] i : inputs) {
                g.writeByteArray(11, i);
            }
            for (byte[] o : outputs) {
                g.writeByteArray(12, o);
            }
        });
        return message(m -> {
            m.writeInt64(1, 7); // ir_version
            m.writeString(2, producer); // producer_name
            m.writeString(6, docString); // doc_string
            m.writeByteArray(7, graph);
            m.writeByteArray(8, message(op -> {
                op.writeString(1, ""); // default domain
                op.writeInt64(2, 13);
            }));
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                m.writeByteArray(14, message(kv -> {
                    kv.writeString(1, e.getKey());
                    kv.writeString(2, e.getValue());
                }));
            }
        });
    }

    private static byte[] valueInfo(String name, long[] dims) throws IOException {
        byte[] shape = message(s -> {
            for (long d : dims) {
                s.writeByteArray(1, message(dim -> {
                    if (d < 0) {
                        dim.writeString(2, "batch"); // dim_param
                    } else {
                        dim.writeInt64(1, d); // dim_value
                    }
                }));
            }
        });
        byte[] tensorType = message(t -> {
            t.writeInt32(1, FLOAT); // elem_type
            t.writeByteArray(2, shape);
        });
        return message(v -> {
            v.writeString(1, name);
            v.writeByteArray(2, message(type -> type.writeByteArray(1, tensorType)));
        });
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        body.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
