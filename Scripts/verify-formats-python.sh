#!/usr/bin/env bash
# Cross-checks AIGCFormats against the Python reference libraries: files written by `aigc`'s SafeTensors and Npy
# writers load in safetensors/numpy with identical values, and files written by Python load in ours (via the
# AIGCFormatsTests "external file" test, which reads AIGC_FORMATS_EXTERNAL_DIR when set).
# usage: Scripts/verify-formats-python.sh   (needs: source /tmp/aigc-reference/activate-reference)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/aigc-formats-XXXXXX)
trap 'rm -rf "$dir"' EXIT
# 1. Python writes reference files.
python3 - "$dir" <<'PY'
import sys, numpy as np
from safetensors.numpy import save_file
d = sys.argv[1]
arrs = {
  "f32": np.array([[1, -2.5, 3e-8], [np.inf, 0, 7]], dtype="<f4"),
  "i32": np.array([0, -1, 2**31 - 1], dtype="<i4"),
  "i64": np.array([-2**63, 5], dtype="<i8"),
  "u16": np.array([[65535, 1]], dtype="<u2"),
  "u32": np.array([4000000000], dtype="<u4"),
  "u8": np.array([[9, 8], [7, 6]], dtype="u1"),
  "f16": np.array([1, 0.5, -2, 65504], dtype="<f2"),
}
save_file(arrs, f"{d}/py.safetensors", metadata={"origin": "python"})
for k, v in arrs.items():
    np.save(f"{d}/py_{k}.npy", v)
PY
# 2. Swift reads them and writes its own (the test is skipped unless the env var is set).
swift build --build-tests >/dev/null
AIGC_FORMATS_EXTERNAL_DIR="$dir" swift test --skip-build --filter AIGCFormatsTests.ExternalFilesTests
# 3. Python reads the Swift files and compares values and, for .npy, the exact bytes numpy would write.
python3 - "$dir" <<'PY'
import sys, numpy as np, io
from safetensors.numpy import load_file
from safetensors import safe_open
d = sys.argv[1]
t = load_file(f"{d}/swift.safetensors")
with safe_open(f"{d}/swift.safetensors", "np") as f:
    assert f.metadata() == {"origin": "swift"}, f.metadata()
ref = load_file(f"{d}/py.safetensors")
for k, v in ref.items():
    assert t[k].dtype == v.dtype and t[k].shape == v.shape and np.array_equal(t[k], v), k
for k, v in ref.items():
    a = np.load(f"{d}/swift_{k}.npy")
    assert a.dtype == v.dtype and a.shape == v.shape and np.array_equal(a, v), k
    buf = io.BytesIO(); np.save(buf, v)
    assert open(f"{d}/swift_{k}.npy", "rb").read() == buf.getvalue(), f"{k}: .npy bytes differ from numpy.save"
print(f"ok: {len(ref)} tensors round-trip Python -> Swift -> Python; .npy files byte-identical to numpy.save")
PY
