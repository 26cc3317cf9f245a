"""Builds the ONNX models UploadedModelTrustTest uploads: one well-behaved image classifier and the hostile ones a
tester tried (external data reading host files, an endless Loop, a constant folded to gigabytes, wrong types and
shapes, NaN scores). Run with Debian's python3-onnx: python3 hostile_models.py <output folder>."""
import os
import sys
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
OPSET = [helper.make_opsetid("", 13)]


def save(name, graph):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="aifunc-tests")
    model.ir_version = 7
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(model.SerializeToString())


def image_input(channels=1, size=8):
    return helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, channels, size, size])


def scores(n=2, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info("y", elem, [1, n])


# Light images score "light" (output 0), dark ones "dark" (output 1): the sum of the normalised pixels, and its negation.
W = np.concatenate([np.ones((64, 1)), -np.ones((64, 1))], axis=1).astype(np.float32)


def classifier_nodes(weights_name="W"):
    return [helper.make_node("Flatten", ["x"], ["flat"], axis=1),
            helper.make_node("MatMul", ["flat", weights_name], ["y"])]


save("good.onnx", helper.make_graph(classifier_nodes(), "good", [image_input()], [scores()],
                                     [numpy_helper.from_array(W, "W")]))


def external(name, location):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend([64, 2])
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", str(64 * 2 * 4))):
        entry = t.external_data.add()
        entry.key, entry.value = key, value
    return t


# weights read from a host file, by absolute and by relative path
save("external-absolute.onnx", helper.make_graph(classifier_nodes("leak"), "leak", [image_input()], [scores()],
                                                 [external("leak", "/etc/passwd")]))
save("external-relative.onnx", helper.make_graph(classifier_nodes("leak2"), "leak2", [image_input()], [scores()],
                                                 [external("leak2", "../../../../../../../../etc/hostname")]))

# external data hidden in a Constant inside the body of an If node
then_branch = helper.make_graph([helper.make_node("Constant", [], ["w_then"], value=external("hidden", "/etc/passwd"))],
                                "then", [], [helper.make_tensor_value_info("w_then", TensorProto.FLOAT, [64, 2])])
else_branch = helper.make_graph([helper.make_node("Constant", [], ["w_else"], value=numpy_helper.from_array(W))],
                                "else", [], [helper.make_tensor_value_info("w_else", TensorProto.FLOAT, [64, 2])])
save("external-in-subgraph.onnx", helper.make_graph(
    [helper.make_node("Constant", [], ["cond"], value=numpy_helper.from_array(np.array(True))),
     helper.make_node("If", ["cond"], ["Wif"], then_branch=then_branch, else_branch=else_branch),
     helper.make_node("Flatten", ["x"], ["flat"], axis=1),
     helper.make_node("MatMul", ["flat", "Wif"], ["y"])],
    "hidden", [image_input()], [scores()]))

with open(os.path.join(OUT, "external-absolute.onnx"), "rb") as f:
    leak = f.read()
with zipfile.ZipFile(os.path.join(OUT, "external.zip"), "w") as z:
    z.writestr("m/model.onnx", leak)
    z.writestr("m/synset.txt", "light\ndark\n")


def loop_graph(name, trip_count_nodes, trip_count):
    """A classifier whose scores pass through a Loop that runs trip_count times and changes nothing."""
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), helper.make_node("Identity", ["v_in"], ["v_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [1, 2])])
    nodes = classifier_nodes() + trip_count_nodes + [
        helper.make_node("Constant", [], ["go"], value=numpy_helper.from_array(np.array(True))),
        helper.make_node("Loop", [trip_count, "go", "y"], ["looped"], body=body)]
    nodes[1].output[0] = "y"
    graph = helper.make_graph(nodes, name, [image_input()],
                              [helper.make_tensor_value_info("looped", TensorProto.FLOAT, [1, 2])],
                              [numpy_helper.from_array(W, "W")])
    save(name + ".onnx", graph)


# 1e12 iterations whatever the input
loop_graph("endless-loop", [helper.make_node("Constant", [], ["trips"],
                                             value=numpy_helper.from_array(np.array(10 ** 12, dtype=np.int64)))],
           "trips")
# no iteration on a blank (all-zero) input, 1e12 on any image with a light pixel: passes the upload check, then
# runs past the inference budget on a real call
loop_graph("loop-on-light-pixels", [
    helper.make_node("ReduceMax", ["x"], ["brightest"], keepdims=0),
    helper.make_node("Relu", ["brightest"], ["positive"]),
    helper.make_node("Constant", [], ["scale"], value=numpy_helper.from_array(np.array(1e12, dtype=np.float32))),
    helper.make_node("Mul", ["positive", "scale"], ["scaled"]),
    helper.make_node("Cast", ["scaled"], ["trips"], to=TensorProto.INT64)], "trips")

# a constant of 3e8 floats (1.2 GB), which ONNX Runtime folds while it loads the model
save("huge-constant.onnx", helper.make_graph(classifier_nodes() + [
    helper.make_node("Constant", [], ["size"], value=numpy_helper.from_array(np.array([300_000_000], dtype=np.int64))),
    helper.make_node("ConstantOfShape", ["size"], ["big"], value=numpy_helper.from_array(np.array([1.0], dtype=np.float32))),
    helper.make_node("ReduceSum", ["big"], ["total"], keepdims=0),
    helper.make_node("Add", ["y", "total"], ["z"])],
    "huge", [image_input()], [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 2])],
    [numpy_helper.from_array(W, "W")]))

# integer scores
nodes = classifier_nodes() + [helper.make_node("Cast", ["y"], ["yi"], to=TensorProto.INT64)]
save("int-output.onnx", helper.make_graph(nodes, "ints", [image_input()],
                                          [helper.make_tensor_value_info("yi", TensorProto.INT64, [1, 2])],
                                          [numpy_helper.from_array(W, "W")]))

# NaN scores
save("nan-output.onnx", helper.make_graph(classifier_nodes() + [
    helper.make_node("Constant", [], ["nan"], value=numpy_helper.from_array(np.array([np.nan], dtype=np.float32))),
    helper.make_node("Add", ["y", "nan"], ["z"])],
    "nan", [image_input()], [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 2])],
    [numpy_helper.from_array(W, "W")]))

# three scores for a two-label scenario, declared and undeclared
W3 = np.ones((64, 3), dtype=np.float32)
save("three-outputs.onnx", helper.make_graph(classifier_nodes(), "three", [image_input()], [scores(3)],
                                             [numpy_helper.from_array(W3, "W")]))
save("three-outputs-undeclared.onnx", helper.make_graph(
    classifier_nodes(), "three", [image_input()], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    [numpy_helper.from_array(W3, "W")]))

# an RGB model for a GRAY scenario
W_RGB = np.ones((192, 2), dtype=np.float32)
save("rgb-input.onnx", helper.make_graph(classifier_nodes(), "rgb", [image_input(channels=3)], [scores()],
                                         [numpy_helper.from_array(W_RGB, "W")]))
# a declared input of 100000 x 100000 pixels
save("giant-input.onnx", helper.make_graph(
    [helper.make_node("ReduceMean", ["x"], ["m"], axes=[2, 3], keepdims=0),
     helper.make_node("Concat", ["m", "m"], ["y"], axis=1)], "giant",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 100000, 100000])], [scores()]))

# a constant whose size follows from the brightest pixel: nothing on a blank input, gigabytes on a photo
save("alloc-on-light-pixels.onnx", helper.make_graph(classifier_nodes() + [
    helper.make_node("ReduceMax", ["x"], ["brightest"], keepdims=0),
    helper.make_node("Relu", ["brightest"], ["positive"]),
    helper.make_node("Constant", [], ["scale"], value=numpy_helper.from_array(np.array(1e9, dtype=np.float32))),
    helper.make_node("Mul", ["positive", "scale"], ["scaled"]),
    helper.make_node("Cast", ["scaled"], ["count"], to=TensorProto.INT64),
    helper.make_node("Constant", [], ["one_axis"], value=numpy_helper.from_array(np.array([0], dtype=np.int64))),
    helper.make_node("Unsqueeze", ["count", "one_axis"], ["size"]),
    helper.make_node("ConstantOfShape", ["size"], ["big"], value=numpy_helper.from_array(np.array([0.0], dtype=np.float32))),
    helper.make_node("ReduceSum", ["big"], ["total"], keepdims=0),
    helper.make_node("Add", ["y", "total"], ["z"])],
    "alloc", [image_input()], [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 2])],
    [numpy_helper.from_array(W, "W")]))
