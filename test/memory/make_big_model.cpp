// test/memory/make_big_model.cpp - writes an ONNX model whose MatMul weights total N MiB, in the file or as external data.
//
//   make_big_model OUT.onnx MIB in|external
//
// The model is y = x·W0·W1·W2·W3 with x: [batch, 1024] and weights of
// 1024×n and n×1024 floats (n = MIB·2^20 / 16 KiB). With `external` the
// weights go to OUT.onnx.data, one after another, as ONNX's
// save_as_external_data lays them out. The values are the same either way,
// so both models compile to the same package.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr int64_t kDim = 1024;

/// Deterministic values in [-1, 1), cheap enough for a GiB.
void fill(std::vector<float> &values, uint64_t seed) {
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  for (float &v : values) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    v = static_cast<float>(static_cast<int32_t>(state >> 32)) / 2147483648.0f;
  }
}

void setDims(onnx::ValueInfoProto &info) {
  auto *tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  tensor->mutable_shape()->add_dim()->set_dim_param("batch");
  tensor->mutable_shape()->add_dim()->set_dim_value(kDim);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 4 || (std::strcmp(argv[3], "in") != 0 &&
                    std::strcmp(argv[3], "external") != 0)) {
    std::fprintf(stderr, "usage: %s OUT.onnx MIB in|external\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int64_t mib = std::atoll(argv[2]);
  const bool external = std::strcmp(argv[3], "external") == 0;
  const int64_t n = mib * (int64_t(1) << 20) / 4 / 4 / kDim;
  if (n <= 0) {
    std::fprintf(stderr, "make_big_model: MIB must be at least 1\n");
    return 2;
  }

  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  onnx::GraphProto *graph = model.mutable_graph();
  graph->set_name("big");
  setDims(*graph->add_input());
  graph->mutable_input(0)->set_name("x");

  const std::string dataName = path.substr(path.rfind('/') + 1) + ".data";
  std::ofstream data;
  if (external)
    data.open(path + ".data", std::ios::binary | std::ios::trunc);
  uint64_t offset = 0;
  std::string previous = "x";
  std::vector<float> values(static_cast<size_t>(kDim * n));
  for (int i = 0; i < 4; ++i) {
    std::string name = "w" + std::to_string(i);
    fill(values, i);
    onnx::TensorProto *w = graph->add_initializer();
    w->set_name(name);
    w->set_data_type(onnx::TensorProto::FLOAT);
    w->add_dims(i % 2 == 0 ? kDim : n);
    w->add_dims(i % 2 == 0 ? n : kDim);
    const size_t bytes = values.size() * sizeof(float);
    if (external) {
      data.write(reinterpret_cast<const char *>(values.data()), bytes);
      w->set_data_location(onnx::TensorProto::EXTERNAL);
      auto add = [&](const char *key, std::string value) {
        auto *entry = w->add_external_data();
        entry->set_key(key);
        entry->set_value(std::move(value));
      };
      add("location", dataName);
      add("offset", std::to_string(offset));
      add("length", std::to_string(bytes));
      offset += bytes;
    } else {
      w->set_raw_data(values.data(), bytes);
    }
    onnx::NodeProto *node = graph->add_node();
    node->set_op_type("MatMul");
    node->set_name("mm" + std::to_string(i));
    node->add_input(previous);
    node->add_input(name);
    previous = "y" + std::to_string(i);
    node->add_output(previous);
  }
  setDims(*graph->add_output());
  graph->mutable_output(0)->set_name(previous);

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!model.SerializeToOstream(&out) || !out.flush() ||
      (external && !data.flush())) {
    std::fprintf(stderr, "make_big_model: cannot write %s\n", path.c_str());
    return 1;
  }
  return 0;
}
