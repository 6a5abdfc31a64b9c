"""The claims registry: every documented behaviour the suite checks, in the project's words.

Each conformance test names the claims it checks with ``@pytest.mark.claim("VIEW-01", ...)``;
``tests/test_claims_registry.py`` keeps registry, tests and reference in step.
"""

from __future__ import annotations

from dataclasses import dataclass

DOC = "https://docs.pytorch.org/docs/stable/"
GEN = DOC + "generated/"
D2L = "https://d2l.ai/chapter_preliminaries/"

REQUIRED = "required"
IMPLEMENTATION_DEFINED = "implementation-defined"


@dataclass(frozen=True)
class Claim:
    id: str
    area: str
    url: str
    quote: str  # the documentation's sentence, quoted
    kind: str = REQUIRED
    source: str = "pytorch"  # "pytorch" docs, or "d2l" (Dive into Deep Learning, chapter 2)
    # What the source says that torch no longer does (documentation drift), checked by the
    # claim's tests: they pass only while torch behaves as the quote, not the drift, says.
    drift: str = ""


AREAS = {
    "CREATE": "Tensor creation and dtype inference",
    "VIEW": "Views: shared storage, strides and the view() rule",
    "RESHAPE": "reshape and flatten: view or copy",
    "INDEX": "Indexing, index_select, masked_select, nonzero, gather; joining (cat, stack) "
             "and flip",
    "INPLACE": "In-place operations and version counters",
    "OUT": "out= arguments",
    "BCAST": "Broadcasting and type promotion",
    "MATH": "Arithmetic, reductions, sorting and matrix products",
    "ITEM": "item() and Python scalars",
    "GRAD": "Autograd: graphs, backward and gradient accumulation",
    "MODE": "Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode",
    "SAVED": "Saved tensors, in-place correctness, .data and detach()",
    "OPTIM": "Clearing gradients and optimizer steps",
    "BRIDGE": "The NumPy bridge: numpy(), from_numpy, tensor, as_tensor",
    "DEVICE": "Devices and .to(): what copies, what is returned as is, meta tensors",
    "LOSS": "Focal loss (binary, multi-label, multi-class) and its relation to cross-entropy",
}

AUTOGRAD = DOC + "notes/autograd.html"

_CLAIMS = [
    # CREATE
    Claim("CREATE-01", "CREATE", GEN + "torch.tensor.html",
          "torch.tensor infers the data type from data: Python ints give torch.int64, floats "
          "the default dtype, bools torch.bool, complex numbers the default complex dtype."),
    Claim("CREATE-02", "CREATE", GEN + "torch.tensor.html",
          "torch.tensor() always copies data."),
    Claim("CREATE-03", "CREATE", GEN + "torch.arange.html",
          "Returns a 1-D tensor of size ceil((end - start) / step) with values from the "
          "interval [start, end)."),
    Claim("CREATE-04", "CREATE", GEN + "torch.zeros_like.html",
          "torch.zeros_like(input) is equivalent to torch.zeros(input.size(), "
          "dtype=input.dtype, layout=input.layout, device=input.device); new_* methods keep "
          "self's dtype and device."),
    Claim("CREATE-05", "CREATE", DOC + "torch.html#creation-ops",
          "zeros, ones, full, empty, linspace and eye create fresh contiguous tensors of the "
          "given size, in the default dtype unless dtype is given (full infers it from "
          "fill_value); empty's values are uninitialized."),
    # CREATE: random sampling (the values are the generator's; everything else is documented)
    Claim("CREATE-20", "CREATE", DOC + "torch.html#random-sampling",
          "rand, randn, randint, randperm and normal return fresh tensors of the requested "
          "size, dtype (the default dtype for rand, randn and normal, int64 for randint and "
          "randperm), device and requires_grad; which values are drawn is the generator's: rand "
          "and randn sample floating-point and complex dtypes only, randint needs low < high "
          "with both ends inside the dtype, normal needs std >= 0 and broadcasts tensor "
          "arguments."),
    Claim("CREATE-21", "CREATE", GEN + "torch.Tensor.uniform_.html",
          "The in-place samplers uniform_, normal_ and random_ overwrite every element of self "
          "and return self with its version bumped (refused on an expanded tensor and on a leaf "
          "that requires grad); on a tensor in a graph they record a node whose gradient is "
          "zero; rand_like, randn_like and randint_like keep the input's size, dtype, device "
          "and strides (preserve_format)."),
    # VIEW
    Claim("VIEW-01", "VIEW", DOC + "tensor_view.html",
          "View tensor shares the same underlying data with its base tensor: a modification "
          "through the view is visible in the base, and the reverse."),
    Claim("VIEW-02", "VIEW", DOC + "tensor_view.html",
          "Views share the base's version counter, _base points to the root base, and "
          "_is_view() is True."),
    Claim("VIEW-03", "VIEW", GEN + "torch.Tensor.view.html",
          "For a tensor to be viewed, the new view size must be compatible with its original "
          "size and stride; otherwise view() raises and reshape() should be used."),
    Claim("VIEW-04", "VIEW", DOC + "tensor_view.html",
          "Each listed view op (transpose, permute, expand, narrow, select, unbind, split, "
          "chunk, diagonal, squeeze, unsqueeze, as_strided, ...) returns a view of its input "
          "with the documented shape and strides."),
    Claim("VIEW-05", "VIEW", GEN + "torch.Tensor.contiguous.html",
          "contiguous() returns self when the tensor is already contiguous, and a contiguous "
          "copy otherwise."),
    Claim("VIEW-06", "VIEW", GEN + "torch.Tensor.is_contiguous.html",
          "is_contiguous() is True when the tensor is contiguous in memory in row-major order "
          "(strides of size-1 dims do not matter; empty tensors are contiguous)."),
    Claim("VIEW-07", "VIEW", GEN + "torch.clone.html",
          "clone() returns a copy with its own storage; with torch.preserve_format a dense "
          "input keeps its strides."),
    Claim("VIEW-08", "VIEW", GEN + "torch.Tensor.expand.html",
          "Expanding a tensor does not allocate new memory: a size-1 dim is expanded by "
          "setting its stride to 0.", ),
    # RESHAPE
    Claim("RESHAPE-01", "RESHAPE", GEN + "torch.reshape.html",
          "Contiguous inputs and inputs with compatible strides can be reshaped without "
          "copying; otherwise reshape returns a copy.", kind=IMPLEMENTATION_DEFINED),
    Claim("RESHAPE-02", "RESHAPE", GEN + "torch.flatten.html",
          "flatten may return the original object, a view, or a copy."),
    Claim("RESHAPE-03", "RESHAPE", D2L + "ndarray.html",
          "Do not rely on reshape() to copy; clone() then view() always copies (D2L's advice: "
          "reshape is not recommended because it may not copy).", source="d2l"),
    # INDEX
    Claim("INDEX-01", "INDEX", DOC + "tensor_view.html",
          "Basic indexing (integers, 0-dim integer tensors, slices with positive step, None, "
          "Ellipsis) returns a view of the tensor."),
    Claim("INDEX-02", "INDEX", DOC + "tensor_view.html",
          "Advanced indexing (integer sequences or tensors, boolean masks, and a bare True, "
          "False or 0-dim bool tensor) returns a copy, not a view."),
    Claim("INDEX-03", "INDEX", DOC + "tensor_view.html",
          "Assignment through basic or advanced indexing writes into the tensor in place."),
    Claim("INDEX-04", "INDEX", GEN + "torch.index_select.html",
          "index_select returns a new tensor which indexes the input along dim; it has the "
          "same number of dimensions and does not share storage; index is a 1-D (or 0-dim) "
          "int64 or int32 tensor."),
    Claim("INDEX-05", "INDEX", GEN + "torch.masked_select.html",
          "masked_select returns a new 1-D tensor of the elements where the broadcast boolean "
          "mask is True; the mask must be a BoolTensor."),
    Claim("INDEX-06", "INDEX", GEN + "torch.nonzero.html",
          "nonzero returns a (z, n) int64 tensor of the indices of non-zero elements, or with "
          "as_tuple=True a tuple of n 1-D tensors."),
    Claim("INDEX-07", "INDEX", GEN + "torch.gather.html",
          "gather collects values along dim: out[i][j] = input[i][index[i][j]] for dim=1; "
          "out has the shape of index."),
    Claim("INDEX-08", "INDEX", GEN + "torch.Tensor.scatter_.html",
          "scatter_ writes src values into self at the indices given by index along dim, in "
          "place."),
    Claim("INDEX-09", "INDEX", D2L + "ndarray.html",
          "D2L: indexing results share memory with the source.", source="d2l",
          drift="Only basic indexing (ints, slices, None, Ellipsis) returns views; indexing "
                "with integer lists, tensors or masks copies."),
    Claim("INDEX-10", "INDEX", DOC + "tensor_view.html",
          "Since advanced indexing returns a copy, a chained assignment x[idx][k] = v writes "
          "into that temporary copy and leaves x unchanged, while x[idx] = v writes into x."),
    Claim("INDEX-11", "INDEX", GEN + "torch.flip.html",
          "Slices with a negative step are refused (ValueError); torch.flip reverses the given "
          "dims and, unlike NumPy's np.flip, makes a copy of the input's data."),
    Claim("INDEX-12", "INDEX", GEN + "torch.gather.html",
          "gather's index has the input's number of dimensions and no broadcasting: "
          "index.size(d) <= input.size(d) for every d != dim (index.size(dim) may be larger), "
          "each value lies in [0, input.size(dim)); an empty index gives an empty output; "
          "int32 indices are accepted as int64 ones."),
    Claim("INDEX-13", "INDEX", DOC + "tensor_view.html",
          "Index tensors are int64, int32, bool or (deprecated, with a warning) uint8 tensors: "
          "integer tensors of any shape (0-dim, 2-D, empty) index with their broadcast shape, "
          "uint8 ones are masks like bool ones; other dtypes raise IndexError."),
    Claim("INDEX-14", "INDEX", GEN + "torch.cat.html",
          "cat concatenates tensors of one shape except in dim (or 1-D empty tensors) into a "
          "new tensor of their promoted dtype, laid out in their common memory format; out= "
          "must be castable, is resized like any out=, and may not overlap an input."),
    Claim("INDEX-15", "INDEX", GEN + "torch.stack.html",
          "stack concatenates tensors of equal size along a new dimension (dim in "
          "[-(ndim + 1), ndim]) into a new tensor."),
    # INPLACE
    Claim("INPLACE-01", "INPLACE", DOC + "tensors.html",
          "Methods which mutate a tensor are marked with an underscore suffix: they return "
          "self and change it in place."),
    Claim("INPLACE-02", "INPLACE", DOC + "notes/autograd.html",
          "Every in-place operation bumps the version counter shared by a tensor and its "
          "views; out-of-place operations do not."),
    Claim("INPLACE-03", "INPLACE", DOC + "notes/broadcasting.html",
          "In-place operations do not allow the in-place tensor to change shape as a result of "
          "broadcasting."),
    Claim("INPLACE-04", "INPLACE", DOC + "tensor_attributes.html",
          "An in-place result must be castable to the in-place tensor's dtype (a float result "
          "cannot be written into an integer tensor)."),
    Claim("INPLACE-05", "INPLACE", GEN + "torch.Tensor.expand.html",
          "More than one element of an expanded tensor may refer to a single memory location; "
          "in-place writes to such tensors raise (op by op, as torch checks)."),
    Claim("INPLACE-06", "INPLACE", D2L + "ndarray.html",
          "D2L: y += x and y[:] = y + x keep y's memory, while y = y + x allocates a new "
          "tensor.", source="d2l"),
    Claim("INPLACE-07", "INPLACE", GEN + "torch.Tensor.resize_.html",
          "resize_ resizes self in place: a new size gets contiguous strides and grows the "
          "storage when needed (new elements uninitialized); tensors that require grad cannot "
          "be resized."),
    # OUT
    Claim("OUT-01", "OUT", GEN + "torch.add.html",
          "A function called with out= writes the result into out and returns that same "
          "object."),
    Claim("OUT-02", "OUT", DOC + "notes/broadcasting.html",
          "An out= tensor of the wrong shape is resized, with a deprecation warning when it "
          "had elements and silently when it was empty."),
    Claim("OUT-03", "OUT", DOC + "tensor_attributes.html",
          "The result of an operation with out= must be castable to out's dtype."),
    Claim("OUT-04", "OUT", GEN + "torch.add.html",
          "out= may be one of the inputs; partial overlap of out and an input raises."),
    Claim("OUT-05", "OUT", GEN + "torch.index_select.html",
          "index_select: if out has a different shape than expected, it is silently changed "
          "to the correct shape.",
          drift="Resizing an out= that has elements warns (the resize is deprecated); only an "
                "empty out is resized silently."),
    Claim("OUT-06", "OUT", GEN + "torch.Tensor.resize_.html",
          "Resizing an out= resizes its storage in place: an out that is a view writes past "
          "its old elements into the base and may grow the shared storage; an out made by "
          "from_numpy cannot grow (its storage is not resizable)."),
    # BCAST
    Claim("BCAST-01", "BCAST", DOC + "notes/broadcasting.html",
          "Two tensors are broadcastable when, aligned from the trailing dimension, each pair "
          "of sizes is equal or one of them is 1 (or missing); the result has the larger size."),
    Claim("BCAST-02", "BCAST", DOC + "tensor_attributes.html",
          "Type promotion: dimensioned tensors outrank zero-dim tensors, which outrank Python "
          "scalars; a lower-priority operand matters only when its category is higher."),
    Claim("BCAST-03", "BCAST", DOC + "notes/broadcasting.html",
          "Broadcasting does not make copies of the data: results of binary ops are fresh "
          "tensors whose memory order follows the inputs."),
    Claim("BCAST-05", "BCAST", GEN + "torch.Tensor.expand.html",
          "expand and broadcast_to follow the broadcasting rule: -1 keeps a size, new dims "
          "may be added in front, and only size-1 dims may grow (others raise)."),
    # MATH
    Claim("MATH-01", "MATH", GEN + "torch.div.html",
          "div performs true division (integers promote to the default float dtype) unless "
          "rounding_mode is 'trunc' or 'floor'."),
    Claim("MATH-02", "MATH", GEN + "torch.sum.html",
          "Reductions over dim, with keepdim keeping reduced dims as size 1; sum of integers "
          "is int64; mean requires a floating or complex dtype."),
    Claim("MATH-03", "MATH", GEN + "torch.mm.html",
          "torch.mm multiplies two matrices of one dtype; it does not broadcast."),
    Claim("MATH-04", "MATH", GEN + "torch.bmm.html",
          "torch.bmm multiplies batches of matrices of equal batch size; it does not "
          "broadcast."),
    Claim("MATH-05", "MATH", GEN + "torch.matmul.html",
          "torch.matmul dispatches on dimensionality and broadcasts batch dimensions."),
    Claim("MATH-06", "MATH", DOC + "torch.html#math-operations",
          "Pointwise operations (add with alpha, sub, mul, neg, pow, exp, log, sqrt, abs, "
          "clamp, comparisons, where) compute elementwise on broadcast inputs."),
    Claim("MATH-07", "MATH", GEN + "torch.max.html",
          "max/min of a tensor is its largest/smallest element (NaN propagates); along dim "
          "they return a namedtuple (values, indices), with the index of the first extreme "
          "value where several are equal."),
    Claim("MATH-08", "MATH", GEN + "torch.argmax.html",
          "argmax/argmin return int64 indices of the first maximal/minimal value, of the "
          "flattened input when dim is None; they need a reduction dim for empty inputs."),
    Claim("MATH-09", "MATH", GEN + "torch.all.html",
          "all/any test whether all/any elements (along dim) evaluate to True; the result is "
          "bool, or uint8 for a uint8 input."),
    Claim("MATH-10", "MATH", GEN + "torch.cumsum.html",
          "prod multiplies and cumsum accumulates the elements (along dim); integer and bool "
          "inputs give int64 unless dtype is given."),
    Claim("MATH-11", "MATH", GEN + "torch.var.html",
          "var (and std, its square root) divide the sum of squared deviations by "
          "max(0, N - correction), with correction 1 by default and 0 for unbiased=False; "
          "a correction not below N warns; integer inputs raise."),
    Claim("MATH-12", "MATH", GEN + "torch.norm.html",
          "norm computes the vector p-norm (sum |x|^p)^(1/p) over dim (all dims by default; "
          "p='fro' is 2, inf and -inf the largest and smallest |x|, 0 the count of non-zeros) "
          "of a floating or complex tensor, as a real tensor."),
    Claim("MATH-13", "MATH", GEN + "torch.sort.html",
          "sort returns (values, indices) sorted along dim (stable=True keeps the order of "
          "equal elements; otherwise their indices are unspecified); topk returns the k "
          "largest (or smallest) elements, and refuses k beyond the dim's size."),
    Claim("MATH-14", "MATH", GEN + "torch.allclose.html",
          "allclose is True when |input - other| <= atol + rtol * |other| for all broadcast "
          "elements (NaN only with equal_nan); equal is True when both tensors have the same "
          "size and elements. Both return a Python bool."),
    Claim("MATH-15", "MATH", DOC + "notes/autograd.html",
          "max/min, prod, std/var, norm, cumsum, sort/topk, cat/stack, flip, unfold and the "
          "split views are differentiable: the gradient goes to the selected elements (shared "
          "evenly between equal maxima of the whole tensor) or follows the derivative."),
    # ITEM
    Claim("ITEM-01", "ITEM", GEN + "torch.Tensor.item.html",
          "item() returns the value of a one-element tensor as a standard Python number and "
          "raises for any other number of elements."),
    Claim("ITEM-02", "ITEM", GEN + "torch.Tensor.tolist.html",
          "tolist() returns the tensor as a (nested) list of Python numbers."),
    Claim("ITEM-03", "ITEM", GEN + "torch.Tensor.item.html",
          "float(), int() and complex() of a tensor need exactly one element too, but raise "
          "ValueError where item() raises RuntimeError; float() and complex() of a tensor that "
          "requires grad warn (once per process) to detach it first."),
    # GRAD
    Claim("GRAD-01", "GRAD", DOC + "autograd.html#default-grad-layouts",
          "requires_grad defaults to False; only floating point and complex tensors can "
          "require gradients; requires_grad_() changes the flag of leaves only; a tensor that "
          "does not require grad is a leaf, as is one created by the user."),
    Claim("GRAD-02", "GRAD", AUTOGRAD,
          "Every result of an operation on tensors that require grad records its grad_fn, a "
          "node whose next_functions lead back to the inputs (an AccumulateGrad node per leaf)."),
    Claim("GRAD-03", "GRAD", GEN + "torch.Tensor.backward.html",
          "backward() accumulates gradients into the .grad of leaves: calling it again adds to "
          "the existing .grad in place instead of replacing it."),
    Claim("GRAD-04", "GRAD", GEN + "torch.Tensor.backward.html",
          "backward() without an argument works only for a single-element output; otherwise "
          "gradient must be a tensor of the output's shape, and y.backward(w) equals the "
          "gradient of (y * w).sum()."),
    Claim("GRAD-05", "GRAD", AUTOGRAD + "#saved-tensors",
          "Saved intermediate values are freed by backward(); a second backward through a node "
          "that saved tensors raises unless retain_graph=True, while nodes that saved nothing "
          "can run again."),
    Claim("GRAD-06", "GRAD", DOC + "autograd.html#default-grad-layouts",
          "The gradient layout contract: a dense leaf's .grad has the leaf's strides, any other "
          "leaf's .grad is row-major contiguous; later accumulation keeps the first .grad's "
          "layout."),
    Claim("GRAD-07", "GRAD", GEN + "torch.autograd.grad.html",
          "torch.autograd.grad returns the gradients of outputs with respect to inputs without "
          "touching any .grad; unused inputs raise unless allow_unused=True; create_graph=True "
          "records the gradient computation for higher-order derivatives."),
    Claim("GRAD-08", "GRAD", GEN + "torch.Tensor.retain_grad.html",
          "Non-leaf tensors keep no .grad (reading it warns) unless retain_grad() was called; "
          "retains_grad says which do."),
    Claim("GRAD-09", "GRAD", AUTOGRAD,
          "Gradients of views, indexing, index_select, masked_select, gather, reductions, "
          "matrix products, clone, to(), sigmoid, softmax, log_softmax and the losses equal the "
          "derivatives of the functions, summed over every path to a leaf; where a function is "
          "not differentiable (clamp at a bound) the gradient is the one of minimum norm."),
    Claim("GRAD-10", "GRAD", D2L + "autograd.html",
          "D2L: PyTorch accumulates gradients by default, so .grad must be zeroed before a new "
          "backward; non-scalar outputs need a gradient argument (commonly ones, i.e. the "
          "gradient of the sum).", source="d2l"),
    Claim("GRAD-11", "GRAD", GEN + "torch.Tensor.backward.html",
          "backward(create_graph=True) records the gradient's computation: .grad becomes a "
          "tensor with a grad_fn, replaced by a new sum at each accumulation; torch warns that "
          "this makes a reference cycle between parameter and gradient, every time under "
          "torch.set_warn_always(True), at most once per process otherwise."),
    Claim("GRAD-12", "GRAD", DOC + "autograd.html#default-grad-layouts",
          "Manual gradient layouts: a .grad assigned with strides of its own keeps them when "
          "later gradients accumulate into it; a .grad that breaks the layout contract draws a "
          "warning as it accumulates (once per process, or every time under "
          "torch.set_warn_always(True))."),
    Claim("GRAD-13", "GRAD", GEN + "torch.Tensor.register_hook.html",
          "A hook registered on a tensor (leaf or not) is called with the tensor's gradient "
          "each time it is computed, before retain_grad stores it; a tensor it returns (of the "
          "same type and size) replaces the gradient; hooks run in the order they were "
          "registered; handle.remove() removes one; hooks stay with the grad_fn the tensor had "
          "when they were registered."),
    Claim("GRAD-14", "GRAD", GEN + "torch.autograd.gradcheck.gradcheck.html",
          "torch.autograd.gradcheck compares autograd's gradients with finite differences for "
          "the inputs that require grad: it returns True when they agree within atol and rtol "
          "and otherwise raises GradcheckError (returns False with raise_exception=False)."),
    Claim("GRAD-15", "GRAD", AUTOGRAD,
          "Functions called with out= do not support autograd: with grad mode on they raise "
          "when an input or out requires grad; under no_grad they write out as usual."),
    Claim("GRAD-16", "GRAD", GEN + "torch.Tensor.item.html",
          "clone() is differentiable, its gradient passed through unchanged, while item() "
          "returns a plain Python number of a tensor that requires grad and records nothing "
          "(\"This operation is not differentiable\")."),
    Claim("GRAD-17", "GRAD", GEN + "torch.nn.parameter.Parameter.html",
          "nn.Parameter(data) is a leaf that requires grad by default, also when made under "
          "no_grad, sharing data's storage and version counter; operations on it give plain "
          "tensors."),
    Claim("GRAD-18", "GRAD", GEN + "torch.nn.Linear.html",
          "nn.Linear(in_features, out_features) holds a weight (out, in) and a bias (out,) "
          "that are Parameters; calling it computes x A^T + b (F.linear), and backward fills "
          "weight.grad and bias.grad."),
    # MODE
    Claim("MODE-01", "MODE", GEN + "torch.no_grad.html",
          "Within no_grad, every result has requires_grad=False even when its inputs require "
          "grad; backward through such a result raises."),
    Claim("MODE-02", "MODE", DOC + "notes/autograd.html#locally-disabling-gradient-computation",
          "enable_grad and set_grad_enabled switch gradient recording on or off inside a block, "
          "and work as decorators; set_grad_enabled(False) alone switches it off."),
    Claim("MODE-03", "MODE", GEN + "torch.autograd.grad_mode.inference_mode.html",
          "inference_mode is like no_grad, and tensors created inside are inference tensors "
          "that cannot be saved for backward or updated in place outside it."),
    Claim("MODE-04", "MODE", D2L + "autograd.html",
          "D2L: detach() and torch.no_grad() cut computations out of the graph: values computed "
          "from a detached tensor are treated as constants.", source="d2l"),
    # SAVED
    Claim("SAVED-01", "SAVED", AUTOGRAD + "#in-place-correctness-checks",
          "Every tensor saved for backward remembers its version; backward raises if any was "
          "modified in place since."),
    Claim("SAVED-02", "SAVED", AUTOGRAD + "#in-place-operations-with-autograd",
          "An in-place operation on a leaf that requires grad, or on a view of one, raises; "
          "in place on other tensors rewrites their history (a view's base gets CopySlices)."),
    Claim("SAVED-03", "SAVED", GEN + "torch.Tensor.detach.html",
          "detach() returns a tensor sharing storage and version counter that never requires "
          "grad, so an in-place change through it is caught by backward's version check."),
    Claim("SAVED-04", "SAVED", AUTOGRAD,
          ".data shares storage but not the version counter: an in-place change through it is "
          "invisible to autograd, and backward silently uses the new values.",
          kind=IMPLEMENTATION_DEFINED),
    Claim("SAVED-05", "SAVED", D2L + "autograd.html",
          "D2L: changing x.data (x.data = t, x.data *= k) changes x's values without autograd "
          "recording it: x keeps requires_grad, grad_fn, .grad and its version counter, and "
          "later gradients are computed from the new values.", source="d2l"),
    # OPTIM
    Claim("OPTIM-01", "OPTIM", GEN + "torch.optim.Optimizer.zero_grad.html",
          "zero_grad() sets gradients to None by default (set_to_none=True) and zeroes them in "
          "place with set_to_none=False."),
    Claim("OPTIM-02", "OPTIM", GEN + "torch.optim.SGD.html",
          "SGD.step() updates each parameter with a gradient in place, p -= lr * p.grad, "
          "without recording a graph."),
    Claim("OPTIM-03", "OPTIM", AUTOGRAD,
          "x.grad.zero_() and x.grad.data.zero_() both zero the values; only the first moves "
          ".grad's version counter (and is recorded when .grad has a graph)."),
    Claim("OPTIM-04", "OPTIM", GEN + "torch.nn.Module.html#torch.nn.Module.zero_grad",
          "Module.zero_grad() sets the .grad of every parameter to None by default and zeroes "
          "them in place (detached) with set_to_none=False; parameters() yields each "
          "registered Parameter once."),
    Claim("OPTIM-05", "OPTIM", GEN + "torch.optim.SGD.html",
          "SGD.step: g = grad (negated with maximize) + weight_decay * p; with momentum the "
          "buffer b is g at the first step and momentum * b + (1 - dampening) * g after; "
          "Nesterov steps with g + momentum * b, plain momentum with b; p -= lr * g. "
          "Parameters without a grad are skipped; invalid settings raise ValueError."),
    # BRIDGE
    Claim("BRIDGE-01", "BRIDGE", GEN + "torch.Tensor.numpy.html",
          "Tensor.numpy() returns an ndarray that shares the tensor's storage: changes to the "
          "tensor are reflected in the ndarray and vice versa."),
    Claim("BRIDGE-02", "BRIDGE", GEN + "torch.Tensor.numpy.html",
          "Without force=True, numpy() refuses tensors that require grad, are not on the CPU, "
          "have the conjugate bit set, or have a dtype NumPy lacks (bfloat16); force=True "
          "detaches, copies to the CPU and resolves the conjugation first."),
    Claim("BRIDGE-03", "BRIDGE", GEN + "torch.from_numpy.html",
          "torch.from_numpy shares the ndarray's memory (not resizable) and refuses negative "
          "strides, non-native byte order and dtypes torch cannot hold."),
    Claim("BRIDGE-04", "BRIDGE", GEN + "torch.as_tensor.html",
          "torch.tensor(ndarray) always copies; torch.as_tensor shares the ndarray's memory "
          "when dtype and device allow and copies otherwise."),
    Claim("BRIDGE-05", "BRIDGE", GEN + "torch.from_numpy.html",
          "NumPy's bool, uint8, int8, int16, int32, int64, uint16, uint32, uint64, float16, "
          "float32, float64, complex64 and complex128 map to the torch dtypes of the same "
          "names, both ways."),
    Claim("BRIDGE-06", "BRIDGE", D2L + "ndarray.html",
          "D2L (after PyTorch's old docs): all CPU tensors except a CharTensor convert to "
          "NumPy and back.", source="d2l",
          drift="int8 (CharTensor) converts too: the exception is stale."),
    Claim("BRIDGE-07", "BRIDGE", GEN + "torch.asarray.html",
          "torch.asarray shares memory with a tensor or ndarray of the requested dtype and "
          "device; copy=True always copies, copy=False raises when sharing is impossible."),
    Claim("BRIDGE-08", "BRIDGE", GEN + "torch.conj.html",
          "conj() returns a view with the conjugate bit flipped (input itself for non-complex "
          "dtypes); resolve_conj() materialises it, and copies never carry the bit."),
    # LOSS
    Claim("LOSS-01", "LOSS", "https://docs.pytorch.org/vision/stable/generated/"
          "torchvision.ops.sigmoid_focal_loss.html",
          "sigmoid_focal_loss: FL(p_t) = -alpha_t (1 - p_t)^gamma log(p_t), from logits, for "
          "binary and multi-label targets, with reduction none, mean or sum; its values and "
          "gradients follow from torch's ops and autograd."),
    Claim("LOSS-02", "LOSS", "https://arxiv.org/abs/1708.02002",
          "Multi-class (softmax) focal loss: -alpha[t] (1 - p_t)^gamma log p_t with log p_t "
          "from log_softmax, per-class alpha, ignore_index, and reduction; values and "
          "gradients stay finite at logits of +-100 in float32."),
    Claim("LOSS-03", "LOSS", GEN + "torch.nn.functional.cross_entropy.html",
          "With gamma = 0 and no alpha weighting, focal loss is cross-entropy: "
          "binary_cross_entropy_with_logits (binary) and cross_entropy (multi-class)."),
    Claim("LOSS-04", "LOSS", "https://docs.pytorch.org/vision/stable/generated/"
          "torchvision.ops.sigmoid_focal_loss.html",
          "torchvision.ops.sigmoid_focal_loss computes the same values and gradients as the "
          "formula (checked when torchvision imports beside the installed torch)."),
    Claim("LOSS-05", "LOSS", GEN + "torch.nn.functional.cross_entropy.html",
          "cross_entropy and nll_loss with class weights weigh each target's loss by "
          "weight[target], and 'mean' divides by the summed weights of the targets that count, "
          "not by N; ignore_index targets count for nothing; label_smoothing mixes the target "
          "with the uniform distribution over classes."),
    # DEVICE
    Claim("DEVICE-01", "DEVICE", GEN + "torch.Tensor.to.html",
          "If the tensor already has the requested dtype and device, to() returns self; "
          "otherwise (or with copy=True) a copy with the desired dtype and device."),
    Claim("DEVICE-02", "DEVICE", DOC + "meta.html",
          "Meta tensors carry shape, strides and dtype but no data: moving a tensor to meta "
          "keeps its layout, copying out of meta or reading its values raises."),
    Claim("DEVICE-03", "DEVICE", DOC + "tensor_attributes.html#torch-device",
          "Operands of an operation must be on one device (CPU zero-dim tensors aside); "
          "*_like and new_* take device= from their argument, else from the input."),
    Claim("DEVICE-04", "DEVICE", GEN + "torch.Tensor.to.html",
          "to() is differentiable (ToCopyBackward0): gradients flow back to the source dtype "
          "and device; a copy to an integer dtype does not require grad."),
    # ---- creation, memory and the NumPy bridge (issue 17, breadth-create) ----
    Claim("CREATE-06", "CREATE", DOC + "tensors.html#torch.Tensor",
          "The legacy constructor: torch.Tensor(*sizes) allocates an uninitialised CPU tensor "
          "of the default dtype, torch.Tensor(sequence) converts the data to it, "
          "torch.Tensor(tensor) aliases the tensor, and torch.Tensor() is empty."),
    Claim("CREATE-07", "CREATE", GEN + "torch.set_default_dtype.html",
          "set_default_dtype sets the default floating point dtype: Python floats and float "
          "factories follow it, complex numbers take its complex counterpart, and integers "
          "stay int64."),
    Claim("VIEW-09", "VIEW", GEN + "torch.Tensor.view.html",
          "view(dtype) reinterprets the tensor's bytes: an equal element size keeps the shape; "
          "another scales the last dim, which must have stride 1 (and, for larger elements, a "
          "divisible size, strides and offset); the result aliases the input."),
    Claim("VIEW-10", "VIEW", DOC + "tensor_attributes.html#torch-memory-format",
          "torch.channels_last lays a 4-D tensor out as NHWC; contiguous(memory_format=...) "
          "returns self when the tensor is already in that format and a copy otherwise; clone, "
          "*_like and pointwise results preserve the input's format."),
    Claim("VIEW-11", "VIEW", DOC + "tensors.html#torch.Tensor.T",
          "x.T reverses the order of all dims; its use on tensors of dimension other than 2 is "
          "deprecated and warns; x.mT transposes the last two dims."),
    Claim("VIEW-12", "VIEW", DOC + "tensor_view.html",
          "Views share their base's untyped_storage(); data_ptr() is the address of the first "
          "element, storage offset included; storage() returns the deprecated TypedStorage "
          "and warns."),
    Claim("RESHAPE-04", "RESHAPE", GEN + "torch.Tensor.reshape_as.html",
          "reshape_as(other) is equivalent to self.reshape(other.sizes()), and view_as(other) "
          "to self.view(other.size())."),
    Claim("BCAST-04", "BCAST", GEN + "torch.broadcast_shapes.html",
          "broadcast_shapes is similar to broadcast_tensors but for shapes: it returns the "
          "shape broadcasting gives and raises RuntimeError if the shapes are incompatible."),
    Claim("BRIDGE-09", "BRIDGE", GEN + "torch.from_numpy.html",
          "torch.tensor, as_tensor and asarray convert NumPy arrays through from_numpy's "
          "checks: an array with a negative stride or a non-native byte order is refused with "
          "ValueError, even when a copy is asked for."),
    # issue 17 (breadth-reduce): the legacy tensor types
    Claim("DEVICE-05", "DEVICE", GEN + "torch.Tensor.type.html",
          "type() returns the tensor's legacy type name (torch.FloatTensor, with the device "
          "off the CPU: torch.meta.FloatTensor); type(dtype) casts to a torch dtype, a legacy "
          "type (torch.CharTensor) or its name, and returns the original object when it is "
          "already of that type; the legacy types' instances are the CPU tensors of their "
          "dtype, and an unknown name raises ValueError."),
    # ---- issue 17 (breadth2): float8, sparse, typed constructors, the negative bit, mv ----
    Claim("CREATE-08", "CREATE", DOC + "tensor_attributes.html#torch-dtype",
          "torch.float8_e4m3fn and torch.float8_e5m2 are 1-byte floating-point dtypes: "
          "factories, torch.tensor, to() and copy_ store values rounded to the nearest "
          "representable one (e4m3fn saturates at 448, e5m2 overflows to inf), they promote "
          "with no other dtype, and NumPy has no counterpart: numpy() raises TypeError."),
    Claim("CREATE-09", "CREATE", DOC + "tensors.html#torch.Tensor",
          "The legacy typed constructors (torch.CharTensor(2, 3), torch.FloatTensor([1, 2]), "
          "...) behave as torch.Tensor(...) in their own dtype: sizes allocate, a sequence is "
          "converted (integers checked for overflow), and only a CPU tensor of that dtype is "
          "accepted as is."),
    Claim("BRIDGE-10", "BRIDGE", GEN + "torch.Tensor.to_sparse.html",
          "to_sparse() returns a tensor of layout torch.sparse_coo with the same size, dtype "
          "and device; numpy() refuses a sparse layout with TypeError, even with force=True, "
          "and to_dense() gives the values back."),
    Claim("BRIDGE-11", "BRIDGE", GEN + "torch.is_neg.html",
          "The imaginary part of a conjugate view (x.conj().imag) is a view with the negative "
          "bit set: is_neg() is True, reads are negated, writes store negated values in x, "
          "its views keep the bit and copies do not; resolve_neg() materialises it, and "
          "numpy() refuses it unless force=True."),
    Claim("MATH-16", "MATH", GEN + "torch.mv.html",
          "torch.mv(input, vec): for an (n x m) matrix and a vector of size m, a 1-D result "
          "of size n; it does not broadcast: other dims, a wrong size or mixed dtypes raise "
          "RuntimeError; its gradient flows to both operands (MvBackward0)."),
]

CLAIMS: dict[str, Claim] = {c.id: c for c in _CLAIMS}
assert len(CLAIMS) == len(_CLAIMS), "duplicate claim id"


def get(claim_id: str) -> Claim:
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise KeyError(f"unknown claim id {claim_id!r}; add it to conformance/claims.py") from None
