# Lit configuration of kiln's FileCheck tests (dialects, passes, frontends).
import os
import platform

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "kiln"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py",
                   "e2e", "unit", "memory", "conformance", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.use_default_substitutions()
config.substitutions.append(("%e2e", os.path.join(config.test_source_root, "e2e")))

# Tests of x86-64 code generation (CPU feature selection) need that host.
if platform.machine() in ("x86_64", "AMD64"):
    config.available_features.add("host-x86_64")

tool_dirs = [config.kiln_tools_dir, config.llvm_tools_dir]
tools = ["kiln-opt", "kiln-compile", "kiln-run"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
