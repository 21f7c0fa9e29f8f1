#!/usr/bin/python3
"""Generate kiln's recurrent e2e fixtures: torch.nn.LSTM and torch.nn.GRU
(2 layers, bidirectional) exported to ONNX with symbolic seq and batch dims,
PyTorch's outputs as the reference at the fixture's sizes and at sizes/<k>/
(one of them seq = 1, batch = 1)."""
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17


class LSTM(nn.Module):
    """Time-major input [seq, batch, 8]; output, h_n and c_n."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 16, num_layers=2, bidirectional=True)

    def forward(self, x):
        y, (h, c) = self.rnn(x)
        return y, h, c


class GRU(nn.Module):
    """Batch-major input [batch, seq, 8] (batch_first); output and h_n."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 12, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x):
        y, h = self.rnn(x)
        return y, h


# name: (model class, input shape, its symbolic dims, trace shape, extra shapes)
MODELS = {
    "lstm_bidir": (LSTM, (5, 3, 8), {0: "seq", 1: "batch"}, (4, 2, 8), [(1, 1, 8), (9, 2, 8)]),
    "gru_bidir": (GRU, (3, 6, 8), {0: "batch", 1: "seq"}, (2, 4, 8), [(1, 1, 8), (4, 2, 8)]),
}


def save_set(model, shape, rng, out_dir):
    x = rng.standard_normal(shape, dtype=np.float32)
    with torch.no_grad():
        outs = model(torch.from_numpy(x))
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "input_0.npy"), x)
    for i, t in enumerate(outs):
        np.save(os.path.join(out_dir, f"expected_{i}.npy"), t.numpy().astype(np.float32))
    return len(outs)


def generate(name, cls, shape, dims, trace_shape, extra_shapes):
    torch.manual_seed(0)
    model = cls().eval()
    rng = np.random.default_rng(1234)
    out_dir = os.path.join(HERE, name)
    num_outputs = save_set(model, shape, rng, out_dir)
    path = os.path.join(out_dir, "model.onnx")
    output_names = [f"output_{i}" for i in range(num_outputs)]
    # output_0 has the input's symbolic dims; h_n and c_n are
    # [layers * directions, batch, hidden] in either layout.
    dynamic_axes = {"input_0": dims, output_names[0]: dims}
    for out in output_names[1:]:
        dynamic_axes[out] = {1: "batch"}
    with torch.no_grad():
        torch.onnx.export(model, (torch.zeros(trace_shape),), path, opset_version=OPSET,
                          do_constant_folding=True, input_names=["input_0"],
                          output_names=output_names, dynamic_axes=dynamic_axes)
    for k, extra in enumerate(extra_shapes):
        save_set(model, extra, rng, os.path.join(out_dir, "sizes", str(k)))
    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model, full_check=True)
    ops = sorted({n.op_type for n in onnx_model.graph.node})
    print(f"{name}: {os.path.getsize(path)} bytes, opset {onnx_model.opset_import[0].version}, ops {ops}")


def main(names):
    for name in names or MODELS:
        generate(name, *MODELS[name])


if __name__ == "__main__":
    main(sys.argv[1:])
