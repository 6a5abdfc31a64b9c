"""Probe CUDA behaviour the conformance suite cannot run in its own processes, and record the
facts the model's CUDA rules rest on.

Each case is a few lines of torch. The cases marked ``isolated`` may trip a device-side assert,
after which a process can no longer use CUDA: each of those runs in a fresh Python process of
its own, which then tries one more CUDA operation to see whether the context survived. The rest
run in this process. Every case records what it returned (plain facts: device, dtype, shape,
strides, values, identity) or the error it raised (type and message).

    python scripts/cuda_probe.py [--device cuda] [--out probe.json]

Exit status 0 when the probe ran (whatever torch did), 2 when there is no such device.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

# (name, code, isolated). The code runs with torch, np and dev bound; it sets `r` to what is
# observed.
CASES: list[tuple[str, str, bool]] = [
    # devices and .to()
    ("device-of-cuda-tensor", "x = torch.ones(2, device=dev); r = str(x.device)", False),
    ("to-same-device-returns-self",
     "x = torch.ones(2, device=dev); r = [x.to(dev) is x, x.to('cuda:0') is x, "
     "x.to('cuda') is x, x.cuda() is x, x.to(dev, non_blocking=True) is x, "
     "x.to(dev, copy=True) is x]", False),
    ("to-cpu-keeps-strides",
     "x = torch.ones(2, 3, device=dev).t(); y = x.to('cpu'); r = [str(y.device), y.stride(), "
     "x.stride()]", False),
    ("cpu-to-cuda-keeps-strides",
     "x = torch.ones(2, 3).t(); y = x.to(dev, non_blocking=True); r = [str(y.device), "
     "y.stride(), y._version]", False),
    ("cuda-to-other-dtype-keeps-strides",
     "x = torch.ones(2, 3, device=dev)[:, ::2]; y = x.to(torch.float64); r = [y.stride(), "
     "y.is_contiguous()]", False),
    # the NumPy bridge
    ("numpy-of-cuda", "r = torch.ones(2, device=dev).numpy()", False),
    ("numpy-force-of-cuda",
     "x = torch.ones(2, device=dev); a = x.numpy(force=True); a[0] = 5; "
     "r = [a.tolist(), x.tolist(), a.flags.writeable]", False),
    ("numpy-of-cuda-requires-grad",
     "r = torch.ones(2, device=dev, requires_grad=True).numpy()", False),
    ("as-tensor-numpy-to-cuda",
     "a = np.ones(3, dtype=np.float32); t = torch.as_tensor(a, device=dev); a[0] = 7; "
     "r = [t.tolist(), str(t.device)]", False),
    ("tensor-of-numpy-uint64-cuda", "r = torch.tensor(np.uint64(5), device=dev)", False),
    ("from-numpy-plus-cuda",
     "r = torch.from_numpy(np.ones(2, dtype=np.float32)) + torch.ones(2, device=dev)", False),
    # operands on two devices
    ("cuda-plus-cpu", "r = torch.ones(2, device=dev) + torch.ones(2)", False),
    ("cpu-plus-cuda", "r = torch.ones(2) + torch.ones(2, device=dev)", False),
    ("cuda-plus-cpu-scalar-tensor",
     "y = torch.ones(2, device=dev) + torch.tensor(1.5); r = [str(y.device), y.tolist()]", False),
    ("cpu-scalar-tensor-plus-cuda",
     "y = torch.tensor(1.5) + torch.ones(2, device=dev); r = [str(y.device), y.tolist()]", False),
    ("cuda-scalar-tensor-plus-cpu",
     "r = torch.tensor(1.5, device=dev) + torch.ones(2)", False),
    ("cuda-inplace-cpu-scalar",
     "x = torch.ones(2, device=dev); x.add_(torch.tensor(2.0)); r = x.tolist()", False),
    ("cuda-out-cpu", "r = torch.add(torch.ones(2, device=dev), 1, out=torch.empty(2))", False),
    ("cpu-out-cuda", "r = torch.add(torch.ones(2), 1, out=torch.empty(2, device=dev))", False),
    ("mm-cuda-cpu", "r = torch.mm(torch.ones(2, 2, device=dev), torch.ones(2, 2))", False),
    ("copy-cpu-into-cuda",
     "x = torch.zeros(2, device=dev); x.copy_(torch.ones(2)); r = [x.tolist(), x._version]",
     False),
    ("where-cpu-cond", "r = torch.where(torch.tensor([True, False]), torch.ones(2, device=dev), "
     "torch.zeros(2, device=dev))", False),
    # pinned memory
    ("pin-cuda-tensor", "r = torch.ones(2, device=dev).pin_memory()", False),
    ("pin-cpu-tensor",
     "x = torch.ones(2, 3).t(); p = x.pin_memory(); r = [p.is_pinned(), x.is_pinned(), "
     "p.stride(), p._version, p.pin_memory() is p, str(p.device)]", False),
    ("is-pinned-cuda", "r = torch.ones(2, device=dev).is_pinned()", False),
    # integer division by zero
    ("int-floordiv-zero", "r = (torch.tensor([7, -7, 3], device=dev) // "
     "torch.tensor([0, 0, 2], device=dev)).tolist()", False),
    ("int-div-trunc-zero", "r = torch.div(torch.tensor([7, -7], device=dev), 0, "
     "rounding_mode='trunc').tolist()", False),
    ("int-remainder-zero", "r = torch.remainder(torch.tensor([7, -7], device=dev), 0).tolist()",
     False),
    ("int-fmod-zero", "r = torch.fmod(torch.tensor([7, -7], device=dev), 0).tolist()", False),
    ("uint8-floordiv-zero", "r = (torch.tensor([7], dtype=torch.uint8, device=dev) // 0)"
     ".tolist()", False),
    ("int-true-div-zero", "r = (torch.tensor([7, 0], device=dev) / 0).tolist()", False),
    # kernels per dtype
    *[(f"mm-{dt}", f"a = torch.ones(2, 2, dtype=torch.{dt}, device=dev); r = (a @ a).tolist()",
       False) for dt in ("int64", "int32", "int16", "int8", "uint8", "bool", "float16",
                         "bfloat16", "complex64")],
    *[(f"bmm-{dt}", f"a = torch.ones(1, 2, 2, dtype=torch.{dt}, device=dev); "
       "r = torch.bmm(a, a).tolist()", False) for dt in ("int64", "int32", "bool")],
    *[(f"dot-{dt}", f"a = torch.ones(2, dtype=torch.{dt}, device=dev); r = torch.dot(a, a)"
       ".tolist()", False) for dt in ("int64", "int32", "bool")],
    *[(f"mv-{dt}", f"r = torch.mv(torch.ones(2, 2, dtype=torch.{dt}, device=dev), "
       f"torch.ones(2, dtype=torch.{dt}, device=dev)).tolist()", False)
      for dt in ("int64", "bool")],
    *[(f"{op}-{dt}", f"a = torch.ones(3, dtype=torch.{dt}, device=dev); r = ({expr}).tolist()",
       False)
      for dt in ("uint16", "uint32", "uint64")
      for op, expr in (("add", "a + a"), ("mul", "a * a"), ("sum", "a.sum()"),
                       ("eq", "a == a"), ("neg", "-a"), ("abs", "a.abs()"),
                       ("fill", "a.fill_(2)"), ("copy", "a.clone()"),
                       ("to-float", "a.to(torch.float32)"), ("sub", "a - a"),
                       ("floordiv", "a // a"), ("lt", "a < a"), ("max", "a.max()"),
                       ("index", "a[torch.tensor([0], device=dev)]"),
                       ("zeros-like", "torch.zeros_like(a)"), ("cumsum", "a.cumsum(0)"))],
    *[(f"arange-{dt}", f"r = torch.arange(3, dtype=torch.{dt}, device=dev).tolist()", False)
      for dt in ("bool", "float16", "bfloat16", "uint16", "int8", "complex64")],
    *[(f"{op}-bool", f"a = torch.tensor([True, False], device=dev); r = ({expr}).tolist()",
       False)
      for op, expr in (("neg", "-a"), ("sub", "a - a"), ("floordiv", "a // a"),
                       ("div-trunc", "torch.div(a, a, rounding_mode='trunc')"),
                       ("remainder", "a % a"), ("sum", "a.sum()"), ("cumsum", "a.cumsum(0)"),
                       ("exp", "a.exp()"), ("pow", "a ** 2"), ("mean", "a.mean()"))],
    *[(f"{op}-{dt}", f"a = torch.ones(2, dtype=torch.{dt}, device=dev); r = ({expr}).tolist()",
       False)
      for dt in ("float16", "bfloat16", "int64", "complex64")
      for op, expr in (("exp", "a.exp()"), ("sigmoid", "a.sigmoid()"),
                       ("softmax", "a.softmax(0)"), ("floordiv", "a // a"),
                       ("remainder", "a % a"), ("sqrt", "a.sqrt()"), ("log", "a.log()"),
                       ("mean", "a.mean()"), ("prod", "a.prod()"))],
    # ties and duplicates (documented as unspecified or nondeterministic)
    ("sort-ties", "v, i = torch.tensor([1, 0, 1, 0, 1] * 8, device=dev).sort(); "
     "r = i.tolist()", False),
    ("max-dim-ties", "v, i = torch.tensor([[1, 3, 3, 1]], device=dev).max(1); "
     "r = i.tolist()", False),
    ("index-put-duplicates",
     "x = torch.zeros(3, device=dev); x[torch.tensor([0, 0, 0], device=dev)] = "
     "torch.tensor([1., 2., 3.], device=dev); r = x.tolist()", False),
    ("scatter-duplicates",
     "x = torch.zeros(3, device=dev); x.scatter_(0, torch.tensor([1, 1, 1], device=dev), "
     "torch.tensor([1., 2., 3.], device=dev)); r = x.tolist()", False),
    # the float environment
    ("matmul-tf32-flags",
     "r = [torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32, "
     "torch.get_float32_matmul_precision(), "
     "torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction]", False),
    # messages the model words per kernel (the CPU's wording is known)
    ("mm-dtype-mismatch", "r = torch.mm(torch.ones(2, 2, device=dev), "
     "torch.ones(2, 2, dtype=torch.float64, device=dev))", False),
    ("bmm-dtype-mismatch", "r = torch.bmm(torch.ones(1, 2, 2, device=dev), "
     "torch.ones(1, 2, 2, dtype=torch.float64, device=dev))", False),
    ("matmul-batched-dtype-mismatch", "r = torch.ones(2, 2, 2, device=dev) @ "
     "torch.ones(2, 2, 2, dtype=torch.float64, device=dev)", False),
    ("mv-dtype-mismatch", "r = torch.ones(2, 2, device=dev) @ "
     "torch.ones(2, dtype=torch.float64, device=dev)", False),
    ("dot-dtype-mismatch", "r = torch.ones(2, device=dev) @ "
     "torch.ones(2, dtype=torch.float64, device=dev)", False),
    ("mm-out-dtype", "r = torch.mm(torch.ones(2, 2, device=dev), torch.ones(2, 2, device=dev), "
     "out=torch.empty(2, 2, dtype=torch.float64, device=dev))", False),
    ("gather-out-dtype", "o = torch.empty(3, 2, dtype=torch.float64, device=dev); "
     "r = [repr(torch.gather(torch.ones(2, device=dev), 0, torch.tensor([0], device=dev), "
     "out=o)), o.shape]", False),
    ("gather-out-dtype-after", "o = torch.empty(3, 2, dtype=torch.float64, device=dev)\n"
     "try:\n    torch.gather(torch.ones(2, device=dev), 0, torch.tensor([0], device=dev), "
     "out=o)\nexcept RuntimeError as e:\n    r = [str(e), list(o.shape)]", False),
    ("masked-select-out-dtype", "o = torch.empty(3, 2, dtype=torch.float64, device=dev)\n"
     "try:\n    torch.masked_select(torch.ones(2, device=dev), torch.tensor([True, False], "
     "device=dev), out=o)\nexcept RuntimeError as e:\n    r = [str(e), list(o.shape)]", False),
    ("nonzero-out-dtype", "o = torch.empty(3, 2, dtype=torch.float64, device=dev)\n"
     "try:\n    torch.nonzero(torch.ones(2, device=dev), out=o)\nexcept RuntimeError as e:\n"
     "    r = [str(e), list(o.shape)]", False),
    ("index-select-out-dtype", "o = torch.empty(3, 2, dtype=torch.float64, device=dev)\n"
     "try:\n    torch.index_select(torch.ones(2, device=dev), 0, torch.tensor([0], device=dev),"
     " out=o)\nexcept RuntimeError as e:\n    r = [str(e), list(o.shape)]", False),
    ("nonzero-strides", "r = [torch.tensor(v, device=dev).nonzero().stride() for v in "
     "([0., 0.], [1., 0., 1.], 3., 0., [[1., 0.], [1., 1.]])]", False),
    ("expand-error", "r = torch.ones(2, device=dev).expand(3)", False),
    ("amax-complex", "r = torch.ones(2, dtype=torch.complex64, device=dev).amax()", False),
    ("lt-complex", "r = torch.ones(2, dtype=torch.complex64, device=dev) < 1", False),
    ("abs-bool", "r = torch.tensor([True], device=dev).abs()", False),
    ("softmax-int-out", "r = torch.log_softmax(torch.ones(2, dtype=torch.int64, device=dev), 0)",
     False),
    ("copy-internal-overlap", "x = torch.zeros(1, device=dev).expand(3); "
     "r = x.copy_(torch.ones(3, device=dev))", False),
    ("add-out-internal-overlap", "x = torch.zeros(1, device=dev).expand(3); "
     "r = torch.add(torch.ones(3, device=dev), 1, out=x)", False),
    ("mul-inplace-float-into-int", "x = torch.ones(2, dtype=torch.int64, device=dev); "
     "r = x.mul_(1.5)", False),
    ("index-cpu-index-on-cuda", "x = torch.arange(3., device=dev); "
     "r = x[torch.tensor([2, 0])].tolist()", False),
    ("index-cpu-mask-on-cuda", "x = torch.arange(3., device=dev); "
     "r = x[torch.tensor([True, False, True])].tolist()", False),
    ("index-select-cpu-index", "r = torch.index_select(torch.arange(3., device=dev), 0, "
     "torch.tensor([1]))", False),
    ("gather-cpu-index", "r = torch.gather(torch.arange(3., device=dev), 0, torch.tensor([1]))",
     False),
    ("masked-select-cpu-mask", "r = torch.masked_select(torch.arange(3., device=dev), "
     "torch.tensor([True, False, True]))", False),
    ("setitem-cpu-index", "x = torch.zeros(3, device=dev); x[torch.tensor([1])] = 5; "
     "r = [x.tolist(), x._version]", False),
    ("setitem-cpu-value-tensor", "x = torch.zeros(3, device=dev); x[1:] = torch.ones(2); "
     "r = [x.tolist(), x._version]", False),
    ("where-scalar-cpu-cond", "r = torch.where(torch.tensor(True), torch.ones(2, device=dev), "
     "torch.zeros(2, device=dev))", False),
    ("cuda-vs-cuda0-equal", "r = [torch.device('cuda') == torch.device('cuda:0'), "
     "str(torch.ones(1, device='cuda').device), torch.ones(1, device=dev).is_cuda]", False),
    ("tensor-of-cuda-tensor", "import warnings\nwith warnings.catch_warnings(record=True) as w:"
     "\n    warnings.simplefilter('always')\n    b = torch.tensor(torch.ones(2, device=dev))\n"
     "r = [str(b.device), [str(x.message)[:60] for x in w]]", False),
    ("grad-of-cuda-leaf", "x = torch.ones(2, 3, device=dev).t().requires_grad_(); "
     "(x * 2).sum().backward(); r = [x.grad.stride(), str(x.grad.device), x.grad._version]",
     False),
    ("to-cpu-grad", "x = torch.ones(2, device=dev, requires_grad=True); y = x.to('cpu'); "
     "y.sum().backward(); r = [str(y.grad_fn), str(x.grad.device)]", False),
    # indices out of range: device-side asserts (each in its own process)
    ("getitem-cuda-index-oob", "x = torch.ones(3, device=dev); "
     "r = x[torch.tensor([5], device=dev)]", True),
    ("getitem-cpu-index-oob", "x = torch.ones(3, device=dev); r = x[torch.tensor([5])]", True),
    ("getitem-list-index-oob", "x = torch.ones(3, device=dev); r = x[[0, 5]]", True),
    ("getitem-negative-in-range", "x = torch.arange(3., device=dev); "
     "r = x[torch.tensor([-1], device=dev)].tolist()", True),
    ("getitem-int-oob", "x = torch.ones(3, device=dev); r = x[5]", True),
    ("setitem-index-oob", "x = torch.ones(3, device=dev); x[torch.tensor([5], device=dev)] = 2; "
     "r = x", True),
    ("index-put-accumulate-oob",
     "x = torch.ones(3, device=dev); r = x.index_put_((torch.tensor([5], device=dev),), "
     "torch.tensor([1.], device=dev), accumulate=True)", True),
    ("index-select-oob", "x = torch.ones(3, device=dev); "
     "r = x.index_select(0, torch.tensor([5], device=dev))", True),
    ("gather-oob", "x = torch.ones(3, device=dev); "
     "r = x.gather(0, torch.tensor([5], device=dev))", True),
    ("gather-negative", "x = torch.ones(3, device=dev); "
     "r = x.gather(0, torch.tensor([-1], device=dev))", True),
    ("scatter-oob", "x = torch.ones(3, device=dev); "
     "r = x.scatter_(0, torch.tensor([5], device=dev), 2.0)", True),
    ("masked-fill-mismatch", "x = torch.ones(3, device=dev); "
     "r = x.masked_fill(torch.tensor([True, False], device=dev), 0)", True),
]


def facts(value: Any) -> Any:
    """Plain, JSON-able facts of a value."""
    import torch
    if isinstance(value, torch.Tensor):
        out: dict[str, Any] = {"device": str(value.device), "dtype": str(value.dtype),
                               "shape": list(value.shape), "stride": list(value.stride())}
        try:
            out["values"] = value.detach().cpu().tolist()
        except Exception as e:  # noqa: BLE001 - an error is a fact too
            out["values_error"] = f"{type(e).__name__}: {e}"
        return out
    if isinstance(value, (list, tuple)):
        return [facts(v) for v in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return repr(value)


def run_case(code: str, device: str) -> dict[str, Any]:
    import numpy as np
    import torch
    ns: dict[str, Any] = {"torch": torch, "np": np, "dev": device}
    started = time.perf_counter()
    try:
        exec(code, ns)  # noqa: S102 - the cases are this file's own
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        out: dict[str, Any] = {"result": facts(ns.get("r"))}
    except Exception as e:  # noqa: BLE001 - every error is an observation
        out = {"error": [type(e).__name__, str(e)]}
    out["seconds"] = round(time.perf_counter() - started, 4)
    return out


def isolated(code: str, device: str) -> dict[str, Any]:
    """Run one case in a fresh process; then one more CUDA operation there, to see whether the
    process can still use the device."""
    child = (
        "import json, sys\n"
        f"sys.path.insert(0, {repr(sys.path[0])})\n"
        "from cuda_probe import run_case\n"
        f"out = run_case({code!r}, {device!r})\n"
        "after = run_case('r = (torch.ones(2, device=dev) * 2).tolist()', "
        f"{device!r})\n"
        "out['device_usable_after'] = 'error' not in after\n"
        "out['after'] = after\n"
        "print('PROBE-RESULT ' + json.dumps(out))\n")
    try:
        proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                              timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return {"error": ["Timeout", "the process did not finish in 120 s"]}
    for line in proc.stdout.splitlines():
        if line.startswith("PROBE-RESULT "):
            out = json.loads(line[len("PROBE-RESULT "):])
            out["returncode"] = proc.returncode
            return out
    return {"error": ["ProcessDied", f"exit status {proc.returncode}"],
            "stderr_tail": proc.stderr[-2000:]}


def environment(device: str) -> dict[str, Any]:
    import numpy as np
    import torch
    env: dict[str, Any] = {"torch": torch.__version__, "cuda": torch.version.cuda,
                           "numpy": np.__version__, "python": sys.version.split()[0],
                           "device": device}
    if device.startswith("cuda") and torch.cuda.is_available():
        env["gpu"] = torch.cuda.get_device_name(0)
        env["capability"] = list(torch.cuda.get_device_capability(0))
    return env


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--out", default=None, help="write the results as JSON here")
    p.add_argument("--only", default=None, help="comma-separated case names")
    args = p.parse_args(argv)
    import torch
    kind = args.device.split(":")[0]
    if kind == "cuda" and not torch.cuda.is_available():
        print("cuda_probe: error: no CUDA device (torch.cuda.is_available() is False)",
              file=sys.stderr)
        return 2
    names = set(args.only.split(",")) if args.only else None
    results: dict[str, Any] = {}
    jobs = []
    for name, code, iso in CASES:
        if names is not None and name not in names:
            continue
        if iso:
            jobs.append((name, code))
        else:
            results[name] = {"code": code, **run_case(code, args.device)}
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=8) as pool:
        for (name, code), out in zip(jobs, pool.map(lambda j: isolated(j[1], args.device),
                                                    jobs)):
            results[name] = {"code": code, "isolated": True, **out}
    doc = {"environment": environment(args.device), "cases": results}
    text = json.dumps(doc, indent=1, sort_keys=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    errors = sum(1 for r in results.values() if "error" in r)
    print(f"cuda_probe: {len(results)} cases on {args.device}, {errors} raised"
          + (f"; wrote {args.out}" if args.out else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
