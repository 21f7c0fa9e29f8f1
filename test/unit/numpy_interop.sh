#!/bin/sh
# test/unit/numpy_interop.sh - NumPy reads what kiln-run writes, and kiln-run reads what NumPy writes.
# usage: numpy_interop.sh PYTHON KILN_RUN PACKAGE   (run in a scratch directory)
set -e
py=$1
run=$2
pkg=$3
if ! "$py" -c "import numpy" 2>/dev/null; then
  echo "SKIP: $py has no NumPy (install python3-numpy; scripts/deps.sh does)"
  exit 77
fi
"$py" - <<'PY'
import numpy as np
np.save("np_x.npy", np.arange(8, dtype=np.float32).reshape(2, 4))
PY
"$run" "$pkg" --input=@np_x.npy --output=@np_y.npy --output=@np_s.npy
"$py" - <<'PY'
import numpy as np
y, s = np.load("np_y.npy"), np.load("np_s.npy")
expected = np.arange(8, dtype=np.float32).reshape(2, 4) + [10, 20, 30, 40]
assert y.dtype == np.float32 and y.shape == (2, 4) and (y == expected).all(), y
assert s.shape == (2,) and (s == expected.sum(axis=1)).all(), s
print("numpy ok")
PY
